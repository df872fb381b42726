import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import {
  parseFeffConfig,
  parseFeffInpCluster,
  parseFeffLog1,
  parseFeffMpse,
  parseFeffPhaseFile,
  parseFeffPotFile,
  parseFeffXsect,
} from './index.js';

const dir = (f: string) => sharedPath('data', 'feff-golden', 'NiO_NiK', f);
const read = (f: string) => readFileSync(dir(f), 'utf8');

describe.skipIf(!hasShared())('FEFF intermediate files (NiO_NiK)', () => {
  it('pot00.dat: grid, radii indices, first row', () => {
    const p = parseFeffPotFile(read('pot00.dat'));
    expect([p.ipot, p.iMt, p.iNorman]).toEqual([0, 195, 196]);
    expect(p.r[0]).toBeCloseTo(1.5073e-4, 8);
    expect(p.vcoul[0]).toBe(-1.8565e5);
    expect(p.ovlVtot[196]).toBe(-0.82186);
  });
  it('phase00.dat: 113 energies, lmax 5, first record', () => {
    const p = parseFeffPhaseFile(read('phase00.dat'));
    expect([p.ipot, p.lmax, p.energy.length]).toEqual([0, 5, 113]);
    expect(p.energy[0]).toBeCloseTo(-12.13653, 5);
    expect(p.deltaRe[0]![0]).toBeCloseTo(2.868817, 6);
    expect(p.deltaIm[1]![0]).toBeCloseTo(1.094379e-3, 9);
    expect(p.vint).toBeCloseTo(-22.36, 2);
    expect(p.rmt[2]).toBeCloseTo(1.014, 3);
  });
  it('log1.dat, config.dat, mpse.dat, xsect.dat, feff.inp', () => {
    const l = parseFeffLog1(read('log1.dat'));
    expect(l.potentials[1]!.rNorman).toBeCloseTo(1.38098, 5);
    expect(l.fermiLevel).toBeCloseTo(-3.101, 3);
    const c = parseFeffConfig(read('config.dat'));
    expect(c.length).toBe(3);
    const abs3d = c[0]!.shells.find((s) => s.n === 3 && s.l === 2)!;
    expect(abs3d.occupation).toBe(9);
    expect(c[0]!.shells.find((s) => s.n === 1)!.occupation).toBe(1);
    const m = parseFeffMpse(read('mpse.dat'));
    expect(m.rs).toBeCloseTo(1.6129, 4);
    expect(m.energy.length).toBeGreaterThan(10);
    const x = parseFeffXsect(read('xsect.dat'));
    expect(x.energy[0]).toBeCloseTo(-12.1365, 4);
    const inp = parseFeffInpCluster(read('feff.inp'));
    expect(inp.potentials.map((p) => p.Z)).toEqual([28, 28, 8]);
    expect(inp.atoms[1]).toEqual({ x: -2.0842, y: 0, z: 0, ipot: 2 });
  });
  it('reports file and line of a malformed record', () => {
    expect(() =>
      parseFeffPotFile('    0 195 196  Unique potential, I_mt, I_norman.\n 1 2 x 4 5 6 7\n', 'bad.dat'),
    ).toThrow(/bad\.dat, line 2/);
  });
});
