import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { BOHR_ANGSTROM } from '../../core/units.js';
import {
  parseFeffInpCluster,
  parseFeffLog1,
  parseFeffPhaseFile,
  parseFeffPotFile,
} from '../../io/feff-internals/index.js';
import { feffGrid, logGridSpan } from '../../math/radial-grid.js';
import {
  buildMuffinTin,
  cellWeightedPotential,
  chargeRadius,
  interstitialAverages,
  lensCharge,
  lensVolume,
  sphericalAverage,
  sphericalAverageOutside,
} from './muffin-tin.js';

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
  it('outside-part average: R = 0 is the full average; the part beyond R has the closed form of the truncated e^{−t}', () => {
    const g = logGridSpan(1e-4, 60, 0.02);
    const f = g.r.map((t) => Math.exp(-t));
    const d = 3.2;
    const full = sphericalAverage(g, f, d);
    const out0 = sphericalAverageOutside(g, f, d, 0);
    const R = 1.5;
    const out = sphericalAverageOutside(g, f, d, R);
    const F = (t: number) => -(t + 1) * Math.exp(-t);
    const G = (t: number) => (t <= R ? 0 : F(t) - F(R));
    for (const i of [200, 400, 480, 520, 600]) {
      const r = g.r[i]!;
      expect(out0[i]! / full[i]!).toBeCloseTo(1, 6);
      const exact = (G(d + r) - G(Math.abs(d - r))) / (2 * r * d);
      if (exact > 1e-8) expect(out[i]! / exact).toBeCloseTo(1, 4);
      else expect(Math.abs(out[i]!)).toBeLessThan(1e-8);
    }
    // a sphere of radius r < d − R about the origin never enters the neighbour's excluded ball: nothing removed
    const i1 = g.r.findIndex((r) => r > 1.2);
    expect(out[i1]! / full[i1]!).toBeCloseTo(1, 6);
  });
  it('lens volume: touching spheres 0, equal spheres (π/12)(4R + d)(2R − d)², a sphere inside another its own volume', () => {
    expect(lensVolume(1, 1, 2)).toBe(0);
    const R = 1.3;
    const d = 2.1;
    expect(lensVolume(R, R, d)).toBeCloseTo((Math.PI / 12) * (4 * R + d) * (2 * R - d) ** 2, 12);
    expect(lensVolume(0.5, 2, 1)).toBeCloseTo((4 * Math.PI * 0.125) / 3, 12);
  });
  it('lens charge of a uniform density ρ is ρ × lens volume', () => {
    const g = logGridSpan(1e-4, 30, 0.02);
    const n = 0.037;
    const flat = new Float64Array(g.r.length).fill(n);
    // one "atom" of uniform density: the superposed density is n everywhere inside the lens
    const cloud = [{ position: [0, 0, 0] as [number, number, number], density: flat }];
    const q = lensCharge(g, [0, 0, 0], 2.4, [0.6, 2.9, 1.1], 2.0, cloud);
    expect(q / (n * lensVolume(2.4, 2.0, Math.hypot(0.6, 2.9, 1.1)))).toBeCloseTo(1, 3);
    expect(lensCharge(g, [0, 0, 0], 1, [3, 0, 0], 1, cloud)).toBe(0);
  });
  it('cell-weighted V_int of constant shells: Σ w R_N³ V / Σ w R_N³, independent of the muffin-tin radii', () => {
    const g = logGridSpan(1e-4, 20, 0.01);
    const flat = (v: number) => new Float64Array(g.r.length).fill(v);
    const a = { rMt: 1.8, rNorman: 2.0, vtot: flat(-0.9), density: flat(0.05), weight: 2 };
    const b = { rMt: 2.3, rNorman: 2.35, vtot: flat(-0.7), density: flat(0.03), weight: 1 };
    const expected = (2 * 8 * -0.9 + 2.35 ** 3 * -0.7) / (2 * 8 + 2.35 ** 3);
    expect(cellWeightedPotential(g, [a, b])).toBeCloseTo(expected, 12);
    // moving b's muffin tin changes its shell volume (the literal average) but not the cell weights
    const b2 = { ...b, rMt: 1.5 };
    expect(cellWeightedPotential(g, [a, b2])).toBeCloseTo(expected, 12);
    expect(interstitialAverages(g, [a, b2]).vInt).not.toBeCloseTo(interstitialAverages(g, [a, b]).vInt, 3);
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

/**
 * Part 1's muffin-tin recipe against FEFF10's own numbers (issue 4: radii within 3 %, V_int and E_F within 1 eV).
 * These tests feed FEFF's *own* free atoms (pot0N.dat, Dirac–Fock) into our construction, so only the recipe is
 * ours; the whole chain with our LDA atoms is checked in phase-shifts.test.ts and pipeline.test.ts.
 */
const HARTREE_EV = 27.211386245988;
describe.skipIf(!hasShared())("the muffin-tin recipe on FEFF10's own free atoms", () => {
  const all = [
    'NiO_NiK',
    'NiO_OK',
    'LiCoO2_CoK',
    'LiCoO2_OK',
    'LiNiO2_NiK',
    'LiNiO2_NiK_Ovac',
    'MnO_MnK',
    'Cu_CuK',
  ] as const;
  const load = (name: string) => {
    const dir = (f: string) => sharedPath('data', 'feff-golden', name, f);
    const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
    const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
    const head = parseFeffPhaseFile(readFileSync(dir('phase00.dat'), 'utf8'));
    const pots = inp.potentials.map((_, i) => parseFeffPotFile(readFileSync(dir(`pot0${i}.dat`), 'utf8')));
    const free = pots.map((p, i) => ({
      ipot: i,
      Z: inp.potentials[i]!.Z,
      density: p.rho,
      coulomb: p.vcoul,
      stoichiometry: inp.potentials[i]!.stoichiometry,
    }));
    const atoms = inp.atoms.map((a) => ({
      position: [a.x, a.y, a.z] as [number, number, number],
      ipot: a.ipot,
    }));
    return { inp, log, head, pots, free, atoms };
  };
  const g = feffGrid(251);

  for (const name of all) {
    it(`${name}: our radius rule (touching × 1.15, capped at 0.96 R_N) is within 1.7 % of FEFF10's AFOLP radii`, () => {
      const { log, free, atoms } = load(name);
      const mt = buildMuffinTin(atoms, free, { grid: g });
      // measured: worst |ΔR_mt| 0.4 % (rock salt), 1.4 % (layered), 1.4 % (Cu); Norman radii 0.2 %. The O-vacancy
      // cluster differs by design: FEFF represents its Ni potential by one Ni next to the vacancy (the first of six
      // in its list), ours averages the six (two of them next to it): R_N 1.3 %, R_mt 1.9 % apart
      const ovac = name === 'LiNiO2_NiK_Ovac';
      for (const p of mt.potentials) {
        expect(Math.abs((p.rMt * BOHR_ANGSTROM) / log.potentials[p.ipot]!.rMt - 1)).toBeLessThan(
          ovac ? 0.025 : 0.017,
        );
        expect(Math.abs((p.rNorman * BOHR_ANGSTROM) / log.potentials[p.ipot]!.rNorman - 1)).toBeLessThan(
          ovac ? 0.015 : 2e-3,
        );
      }
    });
  }

  for (const name of ['NiO_NiK', 'LiCoO2_CoK', 'LiNiO2_NiK', 'MnO_MnK'] as const) {
    it(`${name}: FEFF's non-SCF Fermi level is the electron-gas value μ = V_int + k_F²/2 at its r_s,int (±0.03 eV)`, () => {
      const { head } = load(name);
      // k_F = (9π/4)^{1/3} / r_s (bohr⁻¹); header values are printed to 3 decimals
      const kF = ((9 * Math.PI) / 4) ** (1 / 3) / head.rsInt;
      expect(Math.abs(head.vint + (kF * kF * HARTREE_EV) / 2 - head.mu)).toBeLessThan(0.03);
    });
  }

  for (const name of ['NiO_NiK', 'LiCoO2_CoK'] as const) {
    it(`${name}: xc from the density outside the neighbours' muffin tins reproduces FEFF's V_tot to 0.25 eV up to R_mt (the plain overlap: 1–1.6 eV too deep)`, () => {
      const { log, pots, free, atoms } = load(name);
      const feffRadii = { folp: log.potentials.map((p) => p.folp), normanCap: Number.POSITIVE_INFINITY };
      const ours = buildMuffinTin(atoms, free, { grid: g, ...feffRadii });
      const plain = buildMuffinTin(atoms, free, { grid: g, ...feffRadii, xcDensity: 'overlapped' });
      // from r ≈ 0.7 bohr (grid index 167; nearer the nucleus the 5 printed digits of V_C limit the check) to I_mt
      const worst = (mt: typeof ours, ip: number) => {
        const fp = pots[ip]!;
        let w = 0;
        for (let i = 166; i < fp.iMt; i++)
          w = Math.max(w, Math.abs(mt.potentials[ip]!.vtot[i]! - fp.ovlVtot[i]!) * HARTREE_EV);
        return w;
      };
      // measured (transition metal, ipot 1): NiO 0.17 vs 0.95 eV, LiCoO2 0.23 vs 1.57 eV
      expect(worst(ours, 1)).toBeLessThan(0.25);
      expect(worst(plain, 1)).toBeGreaterThan(0.8);
      // the part of the xc density that differs is the neighbours' density inside their own muffin tins
      const p = ours.potentials[1]!;
      for (let i = 0; i < 150; i++) expect(p.xcDensity[i]! / p.density[i]!).toBeCloseTo(1, 6);
      expect(p.xcDensity[pots[1]!.iMt]!).toBeLessThan(p.density[pots[1]!.iMt]!);
    });
  }

  for (const name of ['LiCoO2_CoK', 'LiNiO2_NiK'] as const) {
    it(`${name}: cell-weighted V_int is closer to FEFF10's than the literal shell-volume average (Li's thin shell)`, () => {
      const { head, free, atoms } = load(name);
      const cell = buildMuffinTin(atoms, free, { grid: g });
      const lit = buildMuffinTin(atoms, free, { grid: g, interstitialPotential: 'shells' });
      // measured: LiCoO2 −0.48 vs −0.89 eV, LiNiO2 −0.30 vs −0.57 eV; both deeper than FEFF's, the cell weights less so
      const dCell = cell.vInt * HARTREE_EV - head.vint;
      const dLit = lit.vInt * HARTREE_EV - head.vint;
      expect(Math.abs(dCell)).toBeLessThan(Math.abs(dLit) - 0.2);
      expect(dLit).toBeLessThan(dCell);
      // the density and radii do not depend on how V_int is averaged
      expect(cell.rhoInt).toBe(lit.rhoInt);
    });
  }

  for (const name of all) {
    it(`${name}: interstitial density with the overlap lenses matches FEFF10's r_s,int; V_int and E_F follow`, () => {
      const { head, free, atoms } = load(name);
      const mt = buildMuffinTin(atoms, free, { grid: g });
      const shells = buildMuffinTin(atoms, free, { grid: g, interstitialDensity: 'shells' });
      // measured r_s/r_s(FEFF): oxides 0.992–1.013 with the lenses, 1.06–1.08 shells only; Cu metal 1.051 (with our
      // LDA atoms 1.010, pipeline.test.ts): the lens weighting was judged on oxides, the project's materials
      expect(Math.abs(mt.rsInt / head.rsInt - 1)).toBeLessThan(name === 'Cu_CuK' ? 0.06 : 0.015);
      expect(shells.rsInt / head.rsInt).toBeGreaterThan(1.05);
      // V_int with cell (Norman-volume) weights: measured rock salt +0.18…+0.37 eV, layered LiMO2 −0.30…−0.48 eV, Cu
      // +0.02 eV. E_F: rock salt ≤ 0.24 eV, layered −0.16…−0.96 eV (r_s,int 1 % large there), Cu −1.16 eV (r_s 5 %)
      const dV = mt.vInt * HARTREE_EV - head.vint;
      const dMu = mt.fermiLevel * HARTREE_EV - head.mu;
      expect(Math.abs(dV)).toBeLessThan(0.55);
      expect(Math.abs(dMu)).toBeLessThan(name === 'Cu_CuK' ? 1.3 : 1);
    });
  }
});
