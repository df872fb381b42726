import { type ErrorPath, type Warning, fail } from '../../core/errors.js';
import { isElementSymbol, normalizeSymbol } from '../../core/elements.js';
import {
  fracToCart,
  latticeFromParameters,
  latticeParameters,
  wrapFrac,
  cartToFrac,
} from '../../structure/lattice.js';
import { makeStructure } from '../../structure/structure.js';
import {
  spaceGroupNumberFromSymbol,
  spaceGroupSymbol,
  standardSpaceGroupOperations,
} from '../../structure/symmetry.js';
import type {
  DefectKind,
  DefectRecord,
  Mat3,
  Site,
  Structure,
  StructureMetadata,
  Vec3,
} from '../../structure/types.js';
import {
  type CifBlock,
  type CifLoop,
  type CifValue,
  cifNumber,
  cifString,
  parseCifBlocks,
} from './cif-syntax.js';
import { type SymOp, applySymOp, parseSymOp } from './symop.js';

/**
 * CIF reader and writer for crystal structures (CIF 1.1 core dictionary names; the DDL2/CIF2 dotted forms such as
 * `_space_group_symop.operation_xyz` are accepted too).
 */

export interface CifReadOptions {
  /** Which data block to read (name or index); default: the first block with a cell and atom sites. */
  readonly block?: string | number;
  /**
   * Symmetry-generated images of one site closer than this (Å, periodic) are the same atom. 0.01 Å absorbs the
   * rounding of coordinates such as 0.3333 written to four decimals (≤ 4e-4 in fraction × ≤ 20 Å) while staying
   * far below any real interatomic distance.
   */
  readonly mergeTolerance?: number;
}

const SYMOP_TAGS = [
  '_space_group_symop_operation_xyz',
  '_space_group_symop.operation_xyz',
  '_symmetry_equiv_pos_as_xyz',
  '_symmetry_equiv.pos_as_xyz',
];

function findLoop(block: CifBlock, tag: string): { loop: CifLoop; col: number } | undefined {
  for (const loop of block.loops) {
    const col = loop.tags.indexOf(tag);
    if (col >= 0) return { loop, col };
  }
  return undefined;
}

function alias(tag: string): string[] {
  // CIF 1.1 underscore form and DDLm dotted form
  const dotted = tag.replace(/^_(atom_site|cell|space_group_symop|symmetry_equiv|atom_type)_/, '_$1.');
  return dotted === tag ? [tag] : [tag, dotted];
}

function item(block: CifBlock, tag: string): (CifValue & { tagLine: number }) | undefined {
  for (const t of alias(tag)) {
    const v = block.items.get(t);
    if (v) return v;
  }
  return undefined;
}

function column(block: CifBlock, tag: string): { loop: CifLoop; col: number } | undefined {
  for (const t of alias(tag)) {
    const f = findLoop(block, t);
    if (f) return f;
  }
  return undefined;
}

/** 'Ni2+' → {element: 'Ni', oxidation: 2}; 'O2-' → O, −2; 'Ni' → Ni; 'Ni1' (a label) → Ni. */
export function parseSpecies(text: string): { element: string; oxidation?: number } | undefined {
  const m = /^([A-Za-z]{1,2})(?:(\d*(?:\.\d+)?)([+-]))?/.exec(text.trim());
  if (!m) return undefined;
  let sym = m[1]!;
  if (sym.length === 2 && !isElementSymbol(sym)) sym = sym[0]!;
  if (!isElementSymbol(sym)) return undefined;
  const element = normalizeSymbol(sym);
  if (m[3] !== undefined) {
    const mag = m[2] === '' || m[2] === undefined ? 1 : Number(m[2]);
    const ox = m[3] === '-' ? -mag : mag;
    return ox === 0 ? { element } : { element, oxidation: ox };
  }
  return { element };
}

function requiredNumber(block: CifBlock, tag: string, file: string): number {
  const v = item(block, tag);
  if (!v)
    fail('parse', `missing ${tag} in data block '${block.name}'`, { file, line: block.line, field: tag });
  const x = cifNumber(v, file, tag);
  if (x === undefined) fail('parse', `${tag} is unknown ('${v.text}')`, { file, line: v.line, field: tag });
  return x;
}

/** Parse CIF text into a Structure (the asymmetric unit expanded by the listed symmetry operations). */
export function parseCif(
  text: string,
  file = '<cif>',
  options: CifReadOptions = {},
): { value: Structure; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const blocks = parseCifBlocks(text, file);
  if (blocks.length === 0) fail('parse', 'no data_ block found', { file, line: 1 });
  let block: CifBlock | undefined;
  if (options.block !== undefined) {
    block =
      typeof options.block === 'number'
        ? blocks[options.block]
        : blocks.find((b) => b.name === options.block);
    if (!block) fail('not-found', `no data block '${options.block}'`, { file });
  } else {
    block =
      blocks.find((b) => item(b, '_cell_length_a') && column(b, '_atom_site_fract_x')) ??
      blocks.find((b) => item(b, '_cell_length_a')) ??
      blocks[0]!;
    if (blocks.length > 1)
      warnings.push({
        message: `${blocks.length} data blocks; read '${block.name}'`,
        path: { file, line: block.line },
      });
  }

  const a = requiredNumber(block, '_cell_length_a', file);
  const b = requiredNumber(block, '_cell_length_b', file);
  const c = requiredNumber(block, '_cell_length_c', file);
  const alpha = requiredNumber(block, '_cell_angle_alpha', file);
  const beta = requiredNumber(block, '_cell_angle_beta', file);
  const gamma = requiredNumber(block, '_cell_angle_gamma', file);
  let lattice: Mat3;
  try {
    lattice = latticeFromParameters(a, b, c, alpha, beta, gamma);
  } catch (e) {
    const v = item(block, '_cell_length_a')!;
    fail('parse', `invalid cell: ${(e as Error).message}`, { file, line: v.line, field: '_cell_length_a' });
  }

  // symmetry operations
  let ops: SymOp[] = [];
  for (const tag of SYMOP_TAGS) {
    const f = findLoop(block, tag);
    if (f) {
      ops = f.loop.rows.map((row) =>
        parseSymOp(row[f.col]!.text, { file, line: row[f.col]!.line, field: tag }),
      );
      break;
    }
    const single = block.items.get(tag);
    if (single) {
      ops = [parseSymOp(single.text, { file, line: single.line, field: tag })];
      break;
    }
  }
  if (ops.length === 0) ops = operationsFromGroup(block, file, { a, b, c, alpha, beta, gamma }, warnings);

  // atom sites
  const fx = column(block, '_atom_site_fract_x');
  const cartX = column(block, '_atom_site_cartn_x');
  if (!fx && !cartX)
    fail('parse', `no _atom_site_fract_x loop in data block '${block.name}'`, {
      file,
      line: block.line,
      field: '_atom_site_fract_x',
    });
  const loop = (fx ?? cartX)!.loop;
  const col = (tag: string): number => {
    for (const t of alias(tag)) {
      const i = loop.tags.indexOf(t);
      if (i >= 0) return i;
    }
    return -1;
  };
  const cx = fx ? col('_atom_site_fract_x') : col('_atom_site_cartn_x');
  const cy = fx ? col('_atom_site_fract_y') : col('_atom_site_cartn_y');
  const cz = fx ? col('_atom_site_fract_z') : col('_atom_site_cartn_z');
  for (const [name, ci] of [
    ['y', cy],
    ['z', cz],
  ] as const)
    if (ci < 0)
      fail('parse', `atom-site loop lacks the ${name} coordinate`, {
        file,
        line: loop.line,
        field: `_atom_site_fract_${name}`,
      });
  const cType = col('_atom_site_type_symbol');
  const cLabel = col('_atom_site_label');
  const cOcc = col('_atom_site_occupancy');
  if (cType < 0 && cLabel < 0)
    fail('parse', 'atom-site loop has neither _atom_site_type_symbol nor _atom_site_label', {
      file,
      line: loop.line,
      field: '_atom_site_type_symbol',
    });

  // oxidation numbers from an _atom_type loop
  const typeOx = new Map<string, number>();
  const at = column(block, '_atom_type_oxidation_number');
  const as = column(block, '_atom_type_symbol');
  if (at && as && at.loop === as.loop)
    for (const row of at.loop.rows) {
      const ox = cifNumber(row[at.col]!, file, '_atom_type_oxidation_number');
      if (ox !== undefined && ox !== 0) typeOx.set(row[as.col]!.text, ox);
    }

  const asym: Site[] = [];
  for (const row of loop.rows) {
    const where: ErrorPath = { file, line: row[cx]!.line };
    const typeText = cType >= 0 ? row[cType]!.text : undefined;
    const label = cLabel >= 0 ? row[cLabel]!.text : undefined;
    const sp =
      (typeText !== undefined && typeText !== '?' && typeText !== '.' ? parseSpecies(typeText) : undefined) ??
      (label ? parseSpecies(label) : undefined);
    if (!sp)
      fail('parse', `unknown element in atom site '${typeText ?? label}'`, {
        ...where,
        field: cType >= 0 ? '_atom_site_type_symbol' : '_atom_site_label',
      });
    const num = (ci: number, tag: string): number => {
      const v = cifNumber(row[ci]!, file, tag);
      if (v === undefined)
        fail('parse', `${tag} is unknown ('${row[ci]!.text}')`, { file, line: row[ci]!.line, field: tag });
      return v;
    };
    const p: Vec3 = [num(cx, 'x'), num(cy, 'y'), num(cz, 'z')];
    const frac = fx ? p : cartToFrac(lattice, p);
    const occ = cOcc >= 0 ? cifNumber(row[cOcc]!, file, '_atom_site_occupancy') : undefined;
    if (occ !== undefined && !(occ > 0 && occ <= 1 + 1e-6))
      fail('parse', `occupancy ${occ} outside (0, 1]`, {
        file,
        line: row[cOcc]!.line,
        field: '_atom_site_occupancy',
      });
    const ox = sp.oxidation ?? (typeText !== undefined ? typeOx.get(typeText) : undefined);
    asym.push({
      element: sp.element,
      frac,
      ...(label !== undefined && label !== '?' && label !== '.' ? { label } : {}),
      ...(ox !== undefined ? { oxidation: ox } : {}),
      ...(occ !== undefined && occ !== 1 ? { occupancy: occ } : {}),
    });
  }

  // expand by symmetry, merging images that coincide within the tolerance
  const tol = options.mergeTolerance ?? 0.01;
  const sites: Site[] = [];
  const placed: { frac: Vec3; element: string; from: number }[] = [];
  const periodicDistance = (f: Vec3, g: Vec3): number => {
    const d: Vec3 = [f[0] - g[0], f[1] - g[1], f[2] - g[2]].map((x) => x - Math.round(x)) as unknown as Vec3;
    // nearest image among the 27 neighbouring cells (exact for any cell shape at small separations)
    let best = Number.POSITIVE_INFINITY;
    for (let i = -1; i <= 1; i++)
      for (let j = -1; j <= 1; j++)
        for (let k = -1; k <= 1; k++) {
          const v = fracToCart(lattice, [d[0] + i, d[1] + j, d[2] + k]);
          best = Math.min(best, Math.hypot(v[0], v[1], v[2]));
        }
    return best;
  };
  asym.forEach((s, si) => {
    const mine: Vec3[] = [];
    for (const op of ops) {
      const f = wrapFrac(applySymOp(op, s.frac));
      if (mine.some((g) => periodicDistance(f, g) < tol)) continue;
      mine.push(f);
      const clash = placed.find((p) => p.from !== si && periodicDistance(f, p.frac) < tol);
      if (clash) {
        const total = (s.occupancy ?? 1) + (asym[clash.from]!.occupancy ?? 1);
        if (total > 1 + 1e-3)
          warnings.push({
            message: `site ${s.label ?? s.element} (from operation '${op.text}') overlaps site ${asym[clash.from]!.label ?? clash.element} with total occupancy ${total.toFixed(3)}`,
            path: { file, line: loop.rows[si]![cx]!.line },
          });
      }
      placed.push({ frac: f, element: s.element, from: si });
      sites.push(ops.length === 1 && isIdentity(op) ? { ...s, frac: s.frac } : { ...s, frac: f });
    }
  });
  if (sites.length === 0) fail('parse', 'no atom sites', { file, line: loop.line });

  const metadata: StructureMetadata = {
    title: block.name,
    source: file,
    ...readSpecfuseMetadata(block, file),
  };
  return { value: makeStructure(lattice, sites, metadata), warnings };
}

/**
 * No operations listed: take the space group from `_space_group_IT_number` / `_symmetry_Int_Tables_number` or the
 * Hermann–Mauguin symbol and use its ITA standard-setting operations (moyo's tables), with a warning, since a
 * file in a non-standard setting (other origin, rhombohedral axes) would need its own operations.
 */
function operationsFromGroup(
  block: CifBlock,
  file: string,
  cell: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number },
  warnings: Warning[],
): SymOp[] {
  const identity = [parseSymOp('x,y,z')];
  const numItem = item(block, '_space_group_it_number') ?? item(block, '_symmetry_int_tables_number');
  const hm = item(block, '_symmetry_space_group_name_h-m') ?? item(block, '_space_group_name_h-m_alt');
  let number = numItem ? cifNumber(numItem, file, '_space_group_IT_number') : undefined;
  if (number === undefined && hm) number = spaceGroupNumberFromSymbol(hm.text);
  const where = { file, line: (numItem ?? hm)?.line ?? block.line };
  if (number === undefined) {
    if (hm && hm.text.replace(/\s+/g, '').toUpperCase() !== 'P1')
      warnings.push({
        message: `no symmetry operations and unknown space group '${hm.text}': the listed sites are used as they are`,
        path: where,
      });
    return identity;
  }
  if (!Number.isInteger(number) || number < 1 || number > 230)
    fail('parse', `space-group number ${number} is not 1…230`, { ...where, field: '_space_group_IT_number' });
  if (number === 1) return identity;
  const hex =
    Math.abs(cell.gamma - 120) < 1e-3 && Math.abs(cell.alpha - 90) < 1e-3 && Math.abs(cell.beta - 90) < 1e-3;
  const symbol = spaceGroupSymbol(number);
  if (symbol.startsWith('R') && !hex) {
    warnings.push({
      message: `no symmetry operations listed for ${symbol} in rhombohedral axes; the listed sites are used as they are`,
      path: where,
    });
    return identity;
  }
  warnings.push({
    message: `no symmetry operations listed: expanded with the ITA standard setting of space group ${number} (${symbol})`,
    path: where,
  });
  return standardSpaceGroupOperations(number).map((op) => ({
    rotation: op.rotation,
    translation: op.translation,
    text: `${symbol} standard operation`,
  }));
}

function isIdentity(op: SymOp): boolean {
  const R = op.rotation;
  return (
    R[0][0] === 1 &&
    R[1][1] === 1 &&
    R[2][2] === 1 &&
    R[0][1] === 0 &&
    R[0][2] === 0 &&
    R[1][0] === 0 &&
    R[1][2] === 0 &&
    R[2][0] === 0 &&
    R[2][1] === 0 &&
    op.translation.every((t) => t === 0)
  );
}

function readSpecfuseMetadata(block: CifBlock, file: string): Partial<StructureMetadata> {
  const out: {
    defects?: DefectRecord[];
    chargeCompensation?: StructureMetadata['chargeCompensation'];
    build?: Record<string, unknown>;
  } = {};
  const kind = findLoop(block, '_specfuse_defect_kind');
  if (kind) {
    const l = kind.loop;
    const ci = (t: string): number => l.tags.indexOf(t);
    out.defects = l.rows.map((r) => {
      const sitesText = r[ci('_specfuse_defect_sites')]?.text ?? '';
      const fracText = r[ci('_specfuse_defect_frac')]?.text ?? '.';
      const frac =
        fracText === '.' || fracText === '?'
          ? undefined
          : (fracText.split(/\s+/).map(Number) as unknown as Vec3);
      return {
        kind: r[kind.col]!.text as DefectKind,
        sites: sitesText === '.' || sitesText.trim() === '' ? [] : sitesText.trim().split(/\s+/).map(Number),
        ...(frac && frac.length === 3 && frac.every(Number.isFinite) ? { frac } : {}),
        description: r[ci('_specfuse_defect_description')]?.text ?? '',
      };
    });
  }
  const ch = findLoop(block, '_specfuse_charge_change_site');
  const net = block.items.get('_specfuse_charge_net');
  if (ch || net) {
    const changes = ch
      ? ch.loop.rows.map((r) => {
          const g = (t: string): CifValue => r[ch.loop.tags.indexOf(t)]!;
          return {
            site: Number(g('_specfuse_charge_change_site').text),
            element: g('_specfuse_charge_change_element').text,
            from: Number(g('_specfuse_charge_change_from').text),
            to: Number(g('_specfuse_charge_change_to').text),
            reason: g('_specfuse_charge_change_reason').text,
          };
        })
      : [];
    out.chargeCompensation = {
      changes,
      netCharge: net ? (cifNumber(net, file, '_specfuse_charge_net') ?? 0) : 0,
    };
  }
  const build = block.items.get('_specfuse_build_json');
  if (build) {
    try {
      out.build = JSON.parse(build.text) as Record<string, unknown>;
    } catch {
      fail('parse', '_specfuse_build_json is not valid JSON', {
        file,
        line: build.line,
        field: '_specfuse_build_json',
      });
    }
  }
  return out as Partial<StructureMetadata>;
}

function fmt(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s;
}

function speciesText(s: Site): string {
  if (s.oxidation === undefined || s.oxidation === 0) return s.element;
  const m = Math.abs(s.oxidation);
  return `${s.element}${m}${s.oxidation > 0 ? '+' : '-'}`;
}

/**
 * Write a P1 CIF: the cell (lengths and angles, 10 decimals), every site with label, type symbol (with charge,
 * e.g. 'Ni2+', when the oxidation state is known), fractional coordinates (10 decimals) and occupancy, and
 * specfuse loops for defects and charge compensation so that `structure describe` can report them.
 */
export function writeCif(structure: Structure): string {
  const p = latticeParameters(structure.lattice);
  const name = (structure.metadata.title ?? 'specfuse').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'specfuse';
  const lines: string[] = [];
  lines.push('# written by specfuse');
  lines.push(`data_${name}`);
  lines.push("_symmetry_space_group_name_H-M 'P 1'");
  lines.push('_symmetry_Int_Tables_number 1');
  lines.push(`_cell_length_a ${fmt(p.a, 10)}`);
  lines.push(`_cell_length_b ${fmt(p.b, 10)}`);
  lines.push(`_cell_length_c ${fmt(p.c, 10)}`);
  lines.push(`_cell_angle_alpha ${fmt(p.alpha, 10)}`);
  lines.push(`_cell_angle_beta ${fmt(p.beta, 10)}`);
  lines.push(`_cell_angle_gamma ${fmt(p.gamma, 10)}`);
  lines.push('loop_', '_symmetry_equiv_pos_as_xyz', "'x, y, z'");
  lines.push(
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    '_atom_site_occupancy',
  );
  const count: Record<string, number> = {};
  const used = new Set<string>();
  for (const s of structure.sites) {
    count[s.element] = (count[s.element] ?? 0) + 1;
    let label = s.label ?? `${s.element}${count[s.element]}`;
    if (used.has(label)) label = `${label}_${count[s.element]}`;
    used.add(label);
    lines.push(
      [
        cifString(label),
        speciesText(s),
        fmt(s.frac[0], 10),
        fmt(s.frac[1], 10),
        fmt(s.frac[2], 10),
        fmt(s.occupancy ?? 1, 6),
      ].join(' '),
    );
  }
  const md = structure.metadata;
  if (md.defects && md.defects.length > 0) {
    lines.push(
      'loop_',
      '_specfuse_defect_kind',
      '_specfuse_defect_sites',
      '_specfuse_defect_frac',
      '_specfuse_defect_description',
    );
    for (const d of md.defects)
      lines.push(
        [
          d.kind,
          cifString(d.sites.length ? d.sites.join(' ') : '.'),
          d.frac ? cifString(d.frac.map((x) => fmt(x, 10)).join(' ')) : '.',
          cifString(d.description),
        ].join(' '),
      );
  }
  if (md.chargeCompensation) {
    lines.push(`_specfuse_charge_net ${md.chargeCompensation.netCharge}`);
    if (md.chargeCompensation.changes.length > 0) {
      lines.push(
        'loop_',
        '_specfuse_charge_change_site',
        '_specfuse_charge_change_element',
        '_specfuse_charge_change_from',
        '_specfuse_charge_change_to',
        '_specfuse_charge_change_reason',
      );
      for (const c of md.chargeCompensation.changes)
        lines.push([c.site, c.element, c.from, c.to, cifString(c.reason)].join(' '));
    }
  }
  if (md.build) lines.push('_specfuse_build_json', ';', JSON.stringify(md.build), ';');
  return `${lines.join('\n')}\n`;
}
