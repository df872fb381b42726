import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { BOHR_ANGSTROM } from '../../core/units.js';
import { parseFeffInpCluster, parseFeffLog1, parseFeffPotFile } from '../../io/feff-internals/index.js';
import { feffGrid, logGridSpan } from '../../math/radial-grid.js';
import { buildMuffinTin, chargeRadius, sphericalAverage } from './muffin-tin.js';

describe('Mattheiss spherical average', () => {
  it('reproduces the closed form for f(t) = e^{−t}', () => {
    const g = logGridSpan(1e-4, 60, 0.02);
    const f = g.r.map((t) => Math.exp(-t));
    const d = 3.2;
    const avg = sphericalAverage(g, f, d);
    const F = (t: number) => -(t + 1) * Math.exp(-t); // ∫ t e^{−t} dt
    for (const i of [10, 200, 400, 500, 600]) {
      const r = g.r[i]!;
      const exact = (F(d + r) - F(Math.abs(d - r))) / (2 * r * d);
      expect(avg[i]! / exact).toBeCloseTo(1, 4);
    }
  });
  it('charge radius of a uniform sphere of density n: (3Q/4πn)^{1/3}', () => {
    const g = logGridSpan(1e-4, 20, 0.01);
    const n = g.r.map(() => 0.01);
    expect(chargeRadius(g, n, 2)).toBeCloseTo(((3 * 2) / (4 * Math.PI * 0.01)) ** (1 / 3), 3);
  });
});

const cases = [
  { name: 'NiO_NiK', npot: 3 },
  { name: 'LiCoO2_CoK', npot: 4 },
] as const;

describe.skipIf(!hasShared())('muffin-tin construction vs FEFF10 (non-SCF golden runs)', () => {
  for (const c of cases) {
    const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
    const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
    const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
    const atoms = inp.atoms.map((a) => ({
      position: [a.x, a.y, a.z] as [number, number, number],
      ipot: a.ipot,
    }));
    const g = feffGrid(251);

    it(`${c.name}: overlap of FEFF's own free atoms reproduces FEFF's overlapped density (0.2 %) and Norman radii (0.2 %)`, () => {
      const pots = Array.from({ length: c.npot }, (_, i) =>
        parseFeffPotFile(readFileSync(dir(`pot0${i}.dat`), 'utf8')),
      );
      const free = pots.map((p, i) => ({
        ipot: i,
        Z: inp.potentials[i]!.Z,
        density: p.rho,
        coulomb: p.vcoul,
      }));
      const mt = buildMuffinTin(atoms, free, { grid: g, folp: log.potentials.map((p) => p.folp) });
      for (const p of mt.potentials) {
        const fp = pots[p.ipot]!;
        for (let i = 120; i < fp.iMt - 3; i++)
          expect(Math.abs(p.density[i]! / fp.ovlRho[i]! - 1)).toBeLessThan(2e-3);
        const ref = log.potentials[p.ipot]!;
        expect(Math.abs((p.rNorman * BOHR_ANGSTROM) / ref.rNorman - 1)).toBeLessThan(2e-3);
      }
    });
  }
});
