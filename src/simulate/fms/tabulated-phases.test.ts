import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { parseFeffXmu } from '../../io/feff/index.js';
import { parseFeffInpCluster, parseFeffPhaseFile } from '../../io/feff-internals/index.js';
import { pearson } from './compare.js';
import { feffTabulatedInput, fmsChiFromTabulatedPhases } from './tabulated-phases.js';

describe('FMS from tabulated phase shifts', () => {
  it('scatterers with zero phase shifts give χ = 0 exactly; a missing absorber or short table is an error', () => {
    const zero = { deltaRe: [[0], [0], [0]], deltaIm: [[0], [0], [0]] };
    const r = fmsChiFromTabulatedPhases({
      atoms: [
        { position: [0, 0, 0], ipot: 0 },
        { position: [2, 0, 0], ipot: 1 },
        { position: [0, 2.1, 0.3], ipot: 1 },
      ],
      radius: 5,
      phases: [zero, zero],
      pRe: [1.2],
      pIm: [0.05],
      lmax: [2, 2],
      solver: 'typescript',
    });
    expect(r.atoms).toBe(3);
    expect(r.chi[0]).toBe(0);
    expect(() =>
      fmsChiFromTabulatedPhases({
        atoms: [{ position: [0, 0, 0], ipot: 1 }],
        radius: 5,
        phases: [zero, zero],
        pRe: [1],
        pIm: [0],
        lmax: [2, 2],
      }),
    ).toThrow(/absorber/);
    expect(() =>
      fmsChiFromTabulatedPhases({
        atoms: [{ position: [0, 0, 0], ipot: 0 }],
        radius: 5,
        phases: [zero],
        pRe: [1],
        pIm: [0],
        lmax: [3],
      }),
    ).toThrow(/lmax/);
  });
});

/**
 * Part 2 alone against FEFF10: FEFF10's own phase shifts and complex momenta (phase0N.dat, non-SCF, final-state
 * rule, Hedin–Lundqvist) fed to our propagator and solver for a golden cluster, compared with the χ of FEFF10's
 * xmu.dat (μ/μ0 − 1) on the same real-axis energies. LiCoO2 O K is the case whose full-chain comparison fails
 * (r_deriv, bench/fms-golden.ts): with FEFF's phases our FMS step reproduces it, so that failure lies upstream, in
 * part 1's Fermi level.
 */
const CASES = [
  // measured: r 0.997, worst 0.061 (at 30–40 eV)
  { name: 'NiO_NiK', atoms: 93, r: 0.98, worst: 0.08 },
  // measured: r 0.9987, worst 0.040
  { name: 'LiCoO2_OK', atoms: 108, r: 0.99, worst: 0.06 },
] as const;

describe.skipIf(!hasShared())("our FMS with FEFF10's phase shifts", () => {
  for (const c of CASES) {
    it(`${c.name}: reproduces FEFF10's χ at 6 Å (r ≥ ${c.r}; |Δχ| ≤ ${c.worst} from E_F + 8 eV)`, () => {
      const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
      const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
      const ph = inp.potentials.map((_, i) =>
        parseFeffPhaseFile(readFileSync(dir(`phase0${i}.dat`), 'utf8')),
      );
      const xmu = parseFeffXmu(readFileSync(dir('xmu.dat'), 'utf8'));
      const mu = ph[0]!.mu;
      // the real-axis points above E_F (xmu.dat rows; the rest of the table is FEFF's complex contour)
      const above = Array.from(xmu.e, (e, i) => (e > mu ? i : -1)).filter((i) => i >= 0);
      const { chi, atoms } = fmsChiFromTabulatedPhases(feffTabulatedInput(inp, ph, 6, above));
      expect(atoms).toBe(c.atoms);
      const ours: number[] = [];
      const feff: number[] = [];
      let worst = 0;
      xmu.e.forEach((e, i) => {
        if (!(e > mu + 3)) return;
        const f = xmu.mu[i]! / xmu.mu0[i]! - 1;
        ours.push(chi[i]!);
        feff.push(f);
        if (e > mu + 8) worst = Math.max(worst, Math.abs(chi[i]! - f));
      });
      expect(pearson(ours, feff)).toBeGreaterThan(c.r);
      expect(worst).toBeLessThan(c.worst);
    }, 120_000);
  }
});
