import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { HARTREE_EV } from '../../core/units.js';
import {
  parseFeffConfig,
  parseFeffInpCluster,
  parseFeffLog1,
  parseFeffPhaseFile,
} from '../../io/feff-internals/index.js';
import { parseFeffXmu } from '../../io/feff/index.js';
import { feffGrid, logGridSpan, regrid } from '../../math/radial-grid.js';
import { groundStateConfiguration, solveAtom } from './atom.js';
import { freeAtomOnGrid } from './free-atom.js';
import { atomicBackground, channelWeight, dipoleMatrixElement, lorentzianEdgeStep } from './mu0.js';
import { buildMuffinTin } from './muffin-tin.js';
import { opticalPotential } from './self-energy.js';

describe('dipole matrix element and μ0: hand-checkable limits', () => {
  it('hydrogen 1s → free p wave (V = 0): M = ∫ 2e^{−r} r j_1(kr) r² dr = 16k/(1+k²)³·… analytic', () => {
    const g = logGridSpan(1e-5, 40, 0.01);
    const core = g.r.map((r) => 2 * Math.exp(-r));
    const mt = {
      grid: g,
      Z: 0,
      rMt: 12,
      vRe: new Float64Array(g.r.length),
      vIm: new Float64Array(g.r.length),
    };
    for (const k of [0.5, 1, 2]) {
      const d = dipoleMatrixElement(mt, core, 1, { re: (k * k) / 2, im: 0 }, { re: 0, im: 0 });
      // ∫_0^∞ 2 e^{−r} r³ j_1(kr) dr = 16 k / (1 + k²)³ … (Laplace transform of r³ j_1)
      const exact = (16 * k) / (1 + k * k) ** 3;
      expect(Math.abs(d.delta.re)).toBeLessThan(1e-3); // O(α²E) scalar-relativistic kinematics inside
      expect(Math.abs(Math.hypot(d.M.re, d.M.im) / exact - 1)).toBeLessThan(2e-3);
    }
  });
  it('Lorentzian edge step: 1/2 at μ, → 1 far above, → 0 far below', () => {
    expect(lorentzianEdgeStep(0, 1.5)).toBe(0.5);
    expect(lorentzianEdgeStep(1000, 1.5)).toBeGreaterThan(0.999);
    expect(lorentzianEdgeStep(-1000, 1.5)).toBeLessThan(0.001);
  });
  it('angular weights: K edge only p (1), L2,3: d 2/3, s 1/3', () => {
    expect(channelWeight(0, 1)).toBe(1);
    expect(channelWeight(1, 2)).toBeCloseTo(2 / 3, 12);
    expect(channelWeight(1, 0)).toBeCloseTo(1 / 3, 12);
  });
});

const CASES = [
  { name: 'NiO_NiK', Z: 28, gamma: 1.576 },
  { name: 'LiCoO2_CoK', Z: 27, gamma: 1.436 },
] as const;

describe.skipIf(!hasShared())(
  'μ0 vs FEFF10 xmu.dat column 5 (shape after normalisation at E_F + 50 eV)',
  () => {
    for (const c of CASES) {
      it(`${c.name}: μ0 positive, smooth, and within 5 % of FEFF for E − μ > 5 eV`, () => {
        const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
        const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
        const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
        const cfg = parseFeffConfig(readFileSync(dir('config.dat'), 'utf8'));
        const g = feffGrid(251);
        const free = cfg.map((k) => freeAtomOnGrid(k.ipot, k.Z, k.shells, g));
        const mt = buildMuffinTin(
          inp.atoms.map((a) => ({ position: [a.x, a.y, a.z] as [number, number, number], ipot: a.ipot })),
          free,
          { grid: g, folp: log.potentials.map((p) => p.folp) },
        );
        // initial-state core orbital: ground-state atom (scalar-relativistic LDA)
        const gs = solveAtom(c.Z, groundStateConfiguration(c.Z), {
          relativistic: 'scalar',
          grid: logGridSpan(1e-7, 60, 0.02),
        });
        const core = regrid(gs.grid, gs.orbitals[0]!.R, g);
        const xmu = parseFeffXmu(readFileSync(dir('xmu.dat'), 'utf8'));
        const ph = parseFeffPhaseFile(readFileSync(dir('phase00.dat'), 'utf8'));
        const H = HARTREE_EV;
        const mu = ph.mu / H;
        // FEFF's interstitial level at each real energy (interpolated from phase00.dat): aligns the two energy scales
        const erefAt = (E: number) => {
          let j = 0;
          while (j < 90 && ph.energy[j + 1]! / H < E) j++;
          const t = Math.min(
            Math.max((E - ph.energy[j]! / H) / ((ph.energy[j + 1]! - ph.energy[j]!) / H), 0),
            1,
          );
          return {
            re: (ph.erefRe[j]! * (1 - t) + ph.erefRe[j + 1]! * t) / H,
            im: (ph.erefIm[j]! * (1 - t) + ph.erefIm[j + 1]! * t) / H,
          };
        };
        const Es = Array.from(xmu.e, (e) => ({ re: e / H, im: (0.5 * c.gamma) / H }));
        const p0 = mt.potentials[0]!;
        const m0 = atomicBackground(
          (E) => {
            const v = opticalPotential(p0.vtot, p0.density, E.re - mu);
            return { grid: g, Z: p0.Z, rMt: p0.rMt, vRe: v.vRe, vIm: v.vIm };
          },
          core,
          0,
          Es,
          Es.map((E) => erefAt(E.re)),
          Es.map((E) => E.re - gs.orbitals[0]!.energy),
        );
        const idx = xmu.e.findIndex((e) => e - ph.mu >= 50);
        const t = (ph.mu + 50 - xmu.e[idx - 1]!) / (xmu.e[idx]! - xmu.e[idx - 1]!);
        const n0 = m0[idx - 1]! * (1 - t) + m0[idx]! * t;
        const f0 = xmu.mu0[idx - 1]! * (1 - t) + xmu.mu0[idx]! * t;
        let worst = 0;
        let worstBare = 0;
        let worstEdge = 0;
        for (let i = 0; i < m0.length; i++) {
          expect(m0[i]!).toBeGreaterThan(0);
          const de = xmu.e[i]! - ph.mu;
          if (de > -5) {
            // across the edge: μ0 × Lorentzian-broadened Fermi step, absolute deviation in edge-step units
            const ours = (m0[i]! / n0) * lorentzianEdgeStep(de, c.gamma);
            worstEdge = Math.max(worstEdge, Math.abs(ours - xmu.mu0[i]! / f0));
          }
          if (i > 0 && xmu.e[i]! - ph.mu > 5) {
            expect(Math.abs(m0[i]! / m0[i - 1]! - 1)).toBeLessThan(0.05); // smooth
            // FEFF's column 5 carries its Fermi-step/core-hole convolution (5 % at E_F + 5 eV, 1 % at + 50 eV):
            // the same Lorentzian-broadened step is applied to ours, normalisation point included
            const stepped =
              (m0[i]! * lorentzianEdgeStep(de, c.gamma)) / (n0 * lorentzianEdgeStep(50, c.gamma));
            worst = Math.max(worst, Math.abs(stepped / (xmu.mu0[i]! / f0) - 1));
            worstBare = Math.max(worstBare, Math.abs(m0[i]! / n0 / (xmu.mu0[i]! / f0) - 1));
          }
        }
        // measured: NiO 2.4 %, LiCoO2 2.1 % (without the step on ours 5.0 % and 3.9 %, at E_F + 5 eV, where FEFF's
        // step is still 5 % short of 1)
        expect(worst).toBeLessThan(0.05);
        expect(worstBare).toBeGreaterThan(worst);
        // measured: ≤ 0.027 (NiO) / 0.029 (LiCoO2) of the edge step from E_F − 5 eV upward
        expect(worstEdge).toBeLessThan(0.06);
      });
    }
  },
);
