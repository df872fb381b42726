import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../../core/errors.js';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { fracToCart } from '../../structure/lattice.js';
import { buildNmc } from '../../structure/nmc.js';
import { formula } from '../../structure/structure.js';
import type { Structure } from '../../structure/types.js';
import { readStructureFile } from './file.js';
import { parsePoscar, writePoscar } from './poscar.js';
import { parseXyz, writeXyz } from './xyz.js';

function maxCartesianDifference(a: Structure, b: Structure): number {
  let worst = 0;
  a.sites.forEach((s, i) => {
    const p = fracToCart(a.lattice, s.frac);
    const q = fracToCart(b.lattice, b.sites[i]!.frac);
    worst = Math.max(worst, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
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

const CARTESIAN = `NaCl-like test, Cartesian, scale 2
2.0
  2.0 0.0 0.0
  0.0 2.0 0.0
  0.0 0.0 2.0
Ni O
1 1
Selective dynamics
Cartesian
  0.0 0.0 0.0 T T T
  1.0 1.0 1.0 F F F O2-
`;

describe('POSCAR', () => {
  it('reads Cartesian coordinates with a scaling factor and selective dynamics', () => {
    const s = parsePoscar(CARTESIAN, 'c.vasp').value;
    expect(s.lattice[0][0]).toBe(4);
    expect(s.sites[1]!.frac).toEqual([0.5, 0.5, 0.5]); // Cartesian 1.0 × scale 2 = 2.0 Å = half of 4 Å
    expect(s.sites[1]!.oxidation).toBe(-2);
    expect(formula(s)).toBe('NiO');
  });
  it('negative scale is the cell volume', () => {
    const s = parsePoscar(CARTESIAN.replace('\n2.0\n', '\n-27.0\n'), 'v.vasp').value;
    expect(s.lattice[0][0]).toBeCloseTo(3, 12);
  });
  it('VASP 4 (no species line) takes species from the comment', () => {
    const text = 'Ni O\n1.0\n4 0 0\n0 4 0\n0 0 4\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n';
    const r = parsePoscar(text, 'v4');
    expect(formula(r.value)).toBe('NiO');
    expect(r.warnings).toHaveLength(1);
  });
  it('write → read round trip preserves positions to 1e-6 Å and site order (repeated species blocks)', () => {
    const s = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 12, antisite: 1, ovac: 1 });
    const back = parsePoscar(writePoscar(s), 'rt.vasp').value;
    expect(back.sites.map((x) => x.element)).toEqual(s.sites.map((x) => x.element));
    expect(back.sites.map((x) => x.oxidation)).toEqual(s.sites.map((x) => x.oxidation));
    expect(maxCartesianDifference(s, back)).toBeLessThan(1e-6);
  });
  it.runIf(hasShared())('reads the shared NMC POSCARs (pymatgen "Li0+" labels, repeated Ni block)', () => {
    const a = readStructureFile(sharedPath('data', 'structures', 'NMC622_Li10Mn2Co2Ni6O20.POSCAR')).value;
    expect(formula(a)).toBe('Li10Mn2Co2Ni6O20');
    expect(a.sites.every((x) => x.oxidation === undefined && x.label === undefined)).toBe(true);
    const b = readStructureFile(sharedPath('data', 'structures', 'NMC_Li9Mn2Co1Ni7O20.POSCAR')).value;
    expect(formula(b)).toBe('Li9Mn2CoNi7O20');
    expect(b.sites[0]!.element).toBe('Ni');
    const back = parsePoscar(writePoscar(b), 'rt').value;
    expect(maxCartesianDifference(b, back)).toBeLessThan(1e-6);
  });
});

describe('malformed POSCAR names the line', () => {
  const good = 'test\n1.0\n4 0 0\n0 4 0\n0 0 4\nNi O\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n';
  it('parses the good text', () => expect(parsePoscar(good, 'g').value.sites).toHaveLength(2));
  it('truncated: fewer positions than atoms', () => {
    const e = errorOf(() => parsePoscar(good.replace('0.5 0.5 0.5\n', ''), 'POSCAR'));
    expect(e.code).toBe('truncated');
    expect(e.path).toMatchObject({ file: 'POSCAR', line: 10 });
  });
  it('truncated: ends inside the lattice', () => {
    const e = errorOf(() => parsePoscar('test\n1.0\n4 0 0\n', 'POSCAR'));
    expect(e.code).toBe('truncated');
    expect(e.path.line).toBe(4);
  });
  it('bad numbers', () => {
    expect(errorOf(() => parsePoscar(good.replace('0 4 0', '0 4,0 0'), 'p')).path.line).toBe(4);
    expect(errorOf(() => parsePoscar(good.replace('1.0', 'one'), 'p')).path.line).toBe(2);
    const e = errorOf(() => parsePoscar(good.replace('0.5 0.5 0.5', '0.5 0.5 x'), 'p'));
    expect(e.path.line).toBe(10);
    expect(e.message).toMatch(/'x' is not a number/);
  });
  it('missing fields: counts, mode, species', () => {
    expect(errorOf(() => parsePoscar(good.replace('1 1\n', '1\n'), 'p')).path).toMatchObject({
      line: 7,
      field: 'counts',
    });
    expect(errorOf(() => parsePoscar(good.replace('Direct', 'Fractional'), 'p')).path.line).toBe(8);
    expect(errorOf(() => parsePoscar(good.replace('Ni O', 'Ni Qq'), 'p')).path.line).toBe(6);
    expect(errorOf(() => parsePoscar(good.replace('0 0 4', '0 0'), 'p')).path.line).toBe(5);
  });
});

describe('XYZ', () => {
  it('extended XYZ round trip preserves the cell and positions to 1e-6 Å', () => {
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 1, 1], seed: 1 });
    const back = parseXyz(writeXyz(s), 'rt.xyz').value;
    expect(back.sites.map((x) => x.element)).toEqual(s.sites.map((x) => x.element));
    expect(maxCartesianDifference(s, back)).toBeLessThan(1e-6);
  });
  it('plain XYZ goes into a vacuum box; errors name the line', () => {
    const r = parseXyz('2\nwater-ish\nO 0 0 0\nH 0.96 0 0\n', 'm.xyz');
    expect(r.warnings).toHaveLength(1);
    expect(r.value.lattice[0][0]).toBeCloseTo(20.96, 12);
    expect(errorOf(() => parseXyz('3\nx\nO 0 0 0\nH 1 0 0\n', 'm.xyz')).path).toMatchObject({ line: 5 });
    expect(errorOf(() => parseXyz('1\nx\nO 0 0 zz\n', 'm.xyz')).path.line).toBe(3);
    expect(errorOf(() => parseXyz('two\nx\n', 'm.xyz')).path.line).toBe(1);
  });
});
