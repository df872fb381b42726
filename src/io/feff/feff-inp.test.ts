import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { buildFeffInput } from './build.js';
import { feffCard, parseFeffInp, writeFeffInp } from './feff-inp.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const shared = hasShared();
const inputs = shared
  ? [...walk(sharedPath('data', 'feff')), ...walk(sharedPath('data', 'feff-golden'))].filter((f) =>
      f.endsWith('feff.inp'),
    )
  : [];

describe.skipIf(!shared)('feff.inp reader/writer on the shared inputs', () => {
  it('finds them', () => expect(inputs.length).toBeGreaterThanOrEqual(10));
  for (const f of inputs) {
    it(`round trip ${f.split('/data/')[1]}`, () => {
      const a = parseFeffInp(readFileSync(f, 'utf8'), f);
      expect(a.atoms.length).toBeGreaterThan(10);
      expect(a.atoms[0]).toMatchObject({ x: 0, y: 0, z: 0, ipot: 0 });
      expect(feffCard(a, 'EDGE')?.values[0]).toBe('K');
      const b = parseFeffInp(writeFeffInp(a), 'rewritten');
      expect(b).toEqual(a);
    });
  }
  it('NiO feff8l input: cards, potentials and 251 atoms', () => {
    const f = sharedPath('data', 'feff-golden', 'NiO-feff8l-paths', 'feff.inp');
    const a = parseFeffInp(readFileSync(f, 'utf8'), f);
    expect(a.titles[0]).toBe('name:     NiO');
    expect(a.cards.map((c) => c.name)).toEqual([
      'EDGE',
      'S02',
      'CONTROL',
      'PRINT',
      'EXCHANGE',
      'SCF',
      'RPATH',
      'EXAFS',
    ]);
    expect(feffCard(a, 'SCF')?.values).toEqual(['4.2']);
    expect(a.potentials).toEqual([
      { ipot: 0, z: 28, label: 'Ni', lScmt: 2, lFms: 2, stoichiometry: 0.001 },
      { ipot: 1, z: 28, label: 'Ni', lScmt: 2, lFms: 2, stoichiometry: 1 },
      { ipot: 2, z: 8, label: 'O', lScmt: 1, lFms: 1, stoichiometry: 1 },
    ]);
    expect(a.atoms.length).toBe(251);
    expect(a.atoms[250]).toMatchObject({
      x: -2.0842,
      y: -4.1684,
      z: -6.2526,
      ipot: 1,
      tag: 'Ni1.7',
      distance: 7.79836,
    });
  });
});

describe('feff.inp errors and building', () => {
  it('bad ATOMS row names the line', () => {
    expect(() => parseFeffInp('EDGE K\nATOMS\n 0 0 0 0\n 1.0 abc 0 1\nEND\n', 'x.inp')).toThrow(
      /x\.inp, line 4/,
    );
  });
  it('ELNES continuation lines are read', () => {
    const a = parseFeffInp(
      'ELNES 4.0 0.07 0.0\n 300 1 0 1\n 0 0 1\n 13.6 24.6\n 5 3\n 0 0\nEDGE K\n',
      'e.inp',
    );
    expect(feffCard(a, 'ELNES')?.lines).toEqual([
      ['300', '1', '0', '1'],
      ['0', '0', '1'],
      ['13.6', '24.6'],
      ['5', '3'],
      ['0', '0'],
    ]);
    expect(feffCard(a, 'EDGE')?.values).toEqual(['K']);
  });
  const cluster = [
    { element: 'Ni', position: [0, 0, 0] as const, distance: 0 },
    { element: 'O', position: [2.0842, 0, 0] as const, distance: 2.0842 },
    { element: 'Ni', position: [2.0842, 2.0842, 0] as const, distance: 2.9475 },
  ];
  it('builds cards, potentials (absorber element first) and atoms', () => {
    const { input } = buildFeffInput(cluster, {
      edge: 'K',
      scf: { radius: 4.2 },
      corehole: 'RPA',
      xanes: { kmax: 6 },
      fms: { radius: 6 },
      polarization: [0, 0, 1],
      elnes: { beamEnergyKeV: 300, collectionMrad: 13.6, convergenceMrad: 24.6 },
      composition: { Ni: 4, O: 4 },
    });
    expect(input.potentials.map((p) => [p.ipot, p.label, p.lScmt, p.lFms, p.stoichiometry])).toEqual([
      [0, 'Ni', 2, 3, 0.001],
      [1, 'Ni', 2, 3, 1],
      [2, 'O', 1, 2, 1],
    ]);
    expect(input.atoms.map((a) => a.ipot)).toEqual([0, 2, 1]);
    const text = writeFeffInp(input);
    expect(text).toMatch(/^COREHOLE\s+RPA$/m);
    expect(text).toMatch(/^ELNES\s+4 0\.07 0\n\s+300 1 0 1\n\s+0 0 1\n\s+13\.6 24\.6\n/m);
    expect(parseFeffInp(text, 'built')).toEqual(input);
  });
  it('FEFF 8.5 dialect drops COREHOLE with a warning and refuses ELNES', () => {
    const r = buildFeffInput(cluster, { edge: 'K', corehole: 'RPA' }, 'feff8');
    expect(r.warnings.length).toBe(1);
    expect(feffCard(r.input, 'COREHOLE')).toBeUndefined();
    expect(() =>
      buildFeffInput(
        cluster,
        { edge: 'K', elnes: { beamEnergyKeV: 300, collectionMrad: 1, convergenceMrad: 1 } },
        'feff8',
      ),
    ).toThrow(/FEFF 9/);
  });
});
