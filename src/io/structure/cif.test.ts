import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../../core/errors.js';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { fracToCart, latticeFromParameters, latticeParameters } from '../../structure/lattice.js';
import { buildNmc } from '../../structure/nmc.js';
import { formula, makeStructure } from '../../structure/structure.js';
import type { Structure } from '../../structure/types.js';
import { cifNumber, parseCifBlocks } from './cif-syntax.js';
import { parseCif, parseSpecies, writeCif } from './cif.js';
import { readStructureFile } from './file.js';
import { applySymOp, parseSymOp } from './symop.js';

/** Largest Cartesian displacement (Å) between corresponding sites, both placed in the first structure's frame. */
function maxDisplacement(a: Structure, b: Structure): number {
  let worst = 0;
  a.sites.forEach((s, i) => {
    const t = b.sites[i]!;
    const d = fracToCart(a.lattice, [s.frac[0] - t.frac[0], s.frac[1] - t.frac[1], s.frac[2] - t.frac[2]]);
    worst = Math.max(worst, Math.hypot(...d));
  });
  return worst;
}

function errorOf(fn: () => unknown): SpecfuseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecfuseError) return e;
    throw e;
  }
  throw new Error('expected a SpecfuseError');
}

describe('CIF syntax', () => {
  it('reads quoted strings, text fields, comments, uncertainties and placeholders', () => {
    const text = `# comment
data_test
_cell_length_a 2.816(3)   # trailing comment
_title 'it''s a "quote"'
_note
;
multi-line
text
;
_unknown ?
loop_
_a _b
1 'x y'
2 "p q"
`;
    const [b] = parseCifBlocks(text, 't.cif');
    expect(b!.name).toBe('test');
    expect(cifNumber(b!.items.get('_cell_length_a')!, 't.cif', 'a')).toBe(2.816);
    expect(b!.items.get('_title')!.text).toBe(`it''s a "quote"`);
    expect(b!.items.get('_note')!.text).toBe('multi-line\ntext');
    expect(cifNumber(b!.items.get('_unknown')!, 't.cif', 'u')).toBeUndefined();
    expect(b!.loops[0]!.rows.map((r) => r[1]!.text)).toEqual(['x y', 'p q']);
    expect(b!.loops[0]!.rows[1]![0]!.line).toBe(14);
  });
  it('parses symmetry operations in several spellings', () => {
    const op = parseSymOp('-y+1/2, x-y, 1/3+Z');
    expect(op.rotation).toEqual([
      [0, -1, 0],
      [1, -1, 0],
      [0, 0, 1],
    ]);
    expect(op.translation).toEqual([0.5, 0, 1 / 3]);
    expect(applySymOp(parseSymOp('x+0.5,-y,z'), [0.1, 0.2, 0.3])).toEqual([0.6, -0.2, 0.3]);
    expect(() => parseSymOp('x,y')).toThrow(/three components/);
    expect(() => parseSymOp('x,y,w')).toThrow(/cannot read/);
  });
  it('species with charges', () => {
    expect(parseSpecies('Ni2+')).toEqual({ element: 'Ni', oxidation: 2 });
    expect(parseSpecies('O2-')).toEqual({ element: 'O', oxidation: -2 });
    expect(parseSpecies('Li0+')).toEqual({ element: 'Li' });
    expect(parseSpecies('Co12')).toEqual({ element: 'Co' });
  });
});

const RUTILE_ASYM = `data_MnO2_P42mnm
_symmetry_space_group_name_H-M 'P 42/m n m'
_cell_length_a 4.396(2)
_cell_length_b 4.396(2)
_cell_length_c 2.871(1)
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_space_group_symop_operation_xyz
'x, y, z'
'-x, -y, z'
'-y+1/2, x+1/2, z+1/2'
'y+1/2, -x+1/2, z+1/2'
'-x+1/2, y+1/2, -z+1/2'
'x+1/2, -y+1/2, -z+1/2'
'y, x, -z'
'-y, -x, -z'
'-x, -y, -z'
'x, y, -z'
'y+1/2, -x+1/2, -z+1/2'
'-y+1/2, x+1/2, -z+1/2'
'x+1/2, -y+1/2, z+1/2'
'-x+1/2, y+1/2, z+1/2'
'-y, -x, z'
'y, x, z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Mn1 Mn4+ 0 0 0 1.0
O1 O2- 0.302(1) 0.302(1) 0 1.0
`;

/** Fm-3m: the 48 signed permutations of (x, y, z) times the 4 face-centring translations = 192 operations. */
function fm3mOps(): string[] {
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const ops: string[] = [];
  const centring = [
    [0, 0, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
    [0.5, 0.5, 0],
  ];
  for (const t of centring)
    for (const p of perms)
      for (let signs = 0; signs < 8; signs++) {
        const comp = [0, 1, 2].map(
          (k) => `${signs & (1 << k) ? '-' : ''}${'xyz'[p[k]!]}${t[k] ? '+1/2' : ''}`,
        );
        ops.push(`'${comp.join(', ')}'`);
      }
  return ops;
}

describe('parseCif', () => {
  it('expands an asymmetric unit (rutile MnO2, P4₂/mnm, 16 operations) to 2 Mn + 4 O', () => {
    const r = parseCif(RUTILE_ASYM, 'rutile.cif');
    const s = r.value;
    expect(formula(s)).toBe('Mn2O4');
    expect(s.sites.filter((x) => x.element === 'Mn').map((x) => x.oxidation)).toEqual([4, 4]);
    const key = (f: readonly number[]) => f.map((v) => (((v % 1) + 1) % 1).toFixed(3)).join(' ');
    const o = new Set(s.sites.filter((x) => x.element === 'O').map((x) => key(x.frac)));
    expect(o).toEqual(
      new Set(['0.302 0.302 0.000', '0.698 0.698 0.000', '0.802 0.198 0.500', '0.198 0.802 0.500']),
    );
    expect(r.warnings).toEqual([]);
  });
  it('expands NiO from Fm-3m with all 192 operations to 4 Ni + 4 O (duplicates merged)', () => {
    const ops = fm3mOps();
    expect(ops).toHaveLength(192);
    const text = `data_NiO
_cell_length_a 4.1684
_cell_length_b 4.1684
_cell_length_c 4.1684
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_symmetry_equiv_pos_site_id
_symmetry_equiv_pos_as_xyz
${ops.map((o, i) => `${i + 1} ${o}`).join('\n')}
loop_
_atom_site_label
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ni1 0 0 0
O1 0.5 0.5 0.5
`;
    const s = parseCif(text, 'nio.cif').value;
    expect(formula(s)).toBe('Ni4O4');
    expect(s.sites).toHaveLength(8);
  });
  it('without listed operations, expands from the space-group number or symbol (standard setting) and warns', () => {
    const cell = (a: number, c: number, g: number) =>
      `_cell_length_a ${a}\n_cell_length_b ${a}\n_cell_length_c ${c}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma ${g}\n`;
    const sites = (rows: string) =>
      `loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}`;
    const nio = parseCif(
      `data_a\n_space_group_IT_number 225\n${cell(4.1684, 4.1684, 90)}${sites('Ni 0 0 0\nO 0.5 0.5 0.5\n')}`,
      'n.cif',
    );
    expect(formula(nio.value)).toBe('Ni4O4');
    expect(nio.warnings[0]!.message).toMatch(/standard setting of space group 225/);
    expect(nio.warnings[0]!.path.line).toBe(2);
    const lco = parseCif(
      `data_b\n_symmetry_space_group_name_H-M 'R -3 m'\n${cell(2.816, 14.05, 120)}${sites('Li 0 0 0\nCo 0 0 0.5\nO 0 0 0.2396\n')}`,
      'l.cif',
    );
    expect(formula(lco.value)).toBe('Li3Co3O6');
  });
  it('keeps occupancies and warns about overlapping sites beyond full occupancy', () => {
    const text = `data_x
_cell_length_a 3
_cell_length_b 3
_cell_length_c 3
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Ni1 Ni 0 0 0 0.95
Li1 Li 0 0 0 0.05
Co1 Co 0.5 0.5 0.5 1
Mn1 Mn 0.5 0.5 0.5 0.5
`;
    const r = parseCif(text, 'occ.cif');
    expect(r.value.sites[0]!.occupancy).toBe(0.95);
    expect(r.warnings.some((w) => /overlaps/.test(w.message) && w.path.line === 18)).toBe(true);
    expect(r.warnings).toHaveLength(1); // Ni 0.95 + Li 0.05 share a site without warning
  });
  it('write → read round trip preserves positions to 1e-6 Å, oxidation states and defect metadata', () => {
    const s = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 8, ovac: 1, antisite: 1 });
    const back = parseCif(writeCif(s), 'rt.cif').value;
    expect(back.sites).toHaveLength(s.sites.length);
    expect(back.sites.map((x) => x.element)).toEqual(s.sites.map((x) => x.element));
    expect(back.sites.map((x) => x.oxidation)).toEqual(s.sites.map((x) => x.oxidation));
    expect(maxDisplacement(s, back)).toBeLessThan(1e-6);
    const p = latticeParameters(s.lattice);
    const q = latticeParameters(back.lattice);
    for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const)
      expect(Math.abs(p[k] - q[k])).toBeLessThan(1e-8);
    const round = (d: Structure['metadata']['defects']) =>
      d?.map((x) => ({ ...x, ...(x.frac ? { frac: x.frac.map((v) => Number(v.toFixed(8))) } : {}) }));
    expect(round(back.metadata.defects)).toEqual(round(s.metadata.defects));
    expect(back.metadata.chargeCompensation).toEqual(s.metadata.chargeCompensation);
    expect(back.metadata.build).toEqual(s.metadata.build);
  });
  it.runIf(hasShared())('round-trips the NMC622 seed cell to 1e-6 Å', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'NMC622_seed_relaxed.cif')).value;
    const back = parseCif(writeCif(s), 'rt.cif').value;
    expect(maxDisplacement(s, back)).toBeLessThan(1e-6);
    expect(back.sites.map((x) => x.label)).toEqual(s.sites.map((x) => x.label));
  });
});

describe('malformed CIF names the line', () => {
  const good = `data_t
_cell_length_a 3
_cell_length_b 3
_cell_length_c 3
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Ni1 Ni 0 0 0
O1 O 0.5 0.5 0.5
`;
  it('parses the good text', () => {
    expect(parseCif(good, 'g.cif').value.sites).toHaveLength(2);
  });
  it('truncated loop row', () => {
    const e = errorOf(() => parseCif(good.replace('O1 O 0.5 0.5 0.5\n', 'O1 O 0.5\n'), 'trunc.cif'));
    expect(e.code).toBe('truncated');
    expect(e.path).toMatchObject({ file: 'trunc.cif', line: 15 });
    expect(e.message).toMatch(/trunc\.cif, line 15/);
  });
  it('unterminated text field', () => {
    const e = errorOf(() => parseCif(`${good}_note\n;\nnever closed\n`, 'tf.cif'));
    expect(e.code).toBe('truncated');
    expect(e.path.line).toBe(17);
  });
  it('bad number in the cell and in a coordinate', () => {
    const e1 = errorOf(() => parseCif(good.replace('_cell_length_b 3', '_cell_length_b 3.0x'), 'bad.cif'));
    expect(e1.code).toBe('parse');
    expect(e1.path).toMatchObject({ line: 3, field: '_cell_length_b' });
    const e2 = errorOf(() => parseCif(good.replace('O1 O 0.5 0.5 0.5', 'O1 O 0.5 zero 0.5'), 'bad.cif'));
    expect(e2.path.line).toBe(15);
    expect(e2.message).toMatch(/'zero' is not a number/);
  });
  it('missing cell field and missing atom loop', () => {
    const e1 = errorOf(() => parseCif(good.replace('_cell_angle_gamma 90\n', ''), 'miss.cif'));
    expect(e1.path).toMatchObject({ file: 'miss.cif', line: 1, field: '_cell_angle_gamma' });
    const e2 = errorOf(() => parseCif(good.split('loop_')[0]!, 'noatoms.cif'));
    expect(e2.message).toMatch(/_atom_site_fract_x/);
  });
  it('unterminated quote, unknown element, value without tag', () => {
    expect(
      errorOf(() => parseCif(good.replace('_cell_length_a 3', "_title 'oops\n_cell_length_a 3"), 'q.cif'))
        .path.line,
    ).toBe(2);
    expect(errorOf(() => parseCif(good.replace('O1 O 0.5', 'Xx1 Xx 0.5'), 'el.cif')).path.line).toBe(15);
    expect(
      errorOf(() => parseCif(good.replace('_cell_length_a 3', '_cell_length_a 3 4'), 'v.cif')).path.line,
    ).toBe(2);
  });
});

describe('hand-computed geometry of a parsed cell', () => {
  it('LiCoO2 primitive: Co–O from the parsed cell matches a direct evaluation', () => {
    const text = `data_x
_cell_length_a 4.97418933
_cell_length_b 4.97418933
_cell_length_c 4.97418933
_cell_angle_alpha 33.09497567
_cell_angle_beta 33.09497567
_cell_angle_gamma 33.09497574
loop_
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Co 0 0 0
`;
    const s = parseCif(text, 'x.cif').value;
    const L = latticeFromParameters(
      4.97418933,
      4.97418933,
      4.97418933,
      33.09497567,
      33.09497567,
      33.09497574,
    );
    expect(s.lattice).toEqual(L);
    expect(makeStructure(L, s.sites).sites[0]!.element).toBe('Co');
  });
});
