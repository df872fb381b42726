import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import {
  parseFeffConfig,
  parseFeffInpCluster,
  parseFeffLog1,
  parseFeffPhaseFile,
  parseFeffPotFile,
} from '../../io/feff-internals/index.js';
import { feffGrid, logGridSpan } from '../../math/radial-grid.js';
import { sphericalBesselJ, sphericalBesselY, sphericalDerivatives } from '../../math/special.js';
import { freeAtomOnGrid } from './free-atom.js';
import type { FreeAtomData } from './muffin-tin.js';
import { buildMuffinTin } from './muffin-tin.js';
import { phaseDifferenceModPi, phaseShifts, unwrapPhases } from './phase-shifts.js';
import { opticalPotential } from './self-energy.js';

const HARTREE = 27.211386245988;
const BOHR_ANGSTROM = 0.529177210903;

describe('phase shifts: analytic limits', () => {
  const g = logGridSpan(1e-5, 10, 0.01);
  const flat = (v: number, R: number) => ({
    grid: g,
    Z: 0,
    rMt: R,
    vRe: new Float64Array(g.r.length).fill(v),
    vIm: new Float64Array(g.r.length),
  });
  it('free electron (V = E_ref everywhere): δ_l = 0', () => {
    const r = phaseShifts(flat(-0.5, 2), { re: 1, im: 0 }, { re: -0.5, im: 0 }, 4, false);
    for (let l = 0; l <= 4; l++) {
      expect(Math.abs(r.re[l]!)).toBeLessThan(1e-7);
      expect(Math.abs(r.im[l]!)).toBeLessThan(1e-7);
    }
  });
  it('square well: matches the analytic Bessel-function result', () => {
    const V0 = -1.2;
    const R = 2;
    const E = 0.7;
    const num = phaseShifts(flat(V0, R), { re: E, im: 0 }, { re: 0, im: 0 }, 3, false);
    const k = Math.sqrt(2 * E);
    const q = Math.sqrt(2 * (E - V0));
    const jk = sphericalBesselJ(4, { re: k * R, im: 0 });
    const nk = sphericalBesselY(4, { re: k * R, im: 0 });
    const jq = sphericalBesselJ(4, { re: q * R, im: 0 });
    const djk = sphericalDerivatives(jk, { re: k * R, im: 0 });
    const dnk = sphericalDerivatives(nk, { re: k * R, im: 0 });
    const djq = sphericalDerivatives(jq, { re: q * R, im: 0 });
    for (let l = 0; l <= 3; l++) {
      const L = (q * djq[l]!.re) / jq[l]!.re;
      const t = (k * djk[l]!.re - L * jk[l]!.re) / (k * dnk[l]!.re - L * nk[l]!.re);
      expect(phaseDifferenceModPi(num.re[l]!, Math.atan(t))).toBeCloseTo(0, 6);
    }
  });
  it('Levinson: an attractive well with one s bound state has δ_0(0⁺) − δ_0(∞) = π', () => {
    // depth chosen between the first and second s thresholds: π²/8 < V R² /… (q0 R between π/2 and 3π/2)
    const R = 1.5;
    const V0 = -((1.0 * Math.PI) ** 2) / (2 * R * R); // q0 R = π → one bound s state
    const energies = Array.from({ length: 250 }, (_, i) => 400 * Math.exp(-i / 15));
    const d = Float64Array.from(
      energies,
      (E) => phaseShifts(flat(V0, R), { re: E, im: 0 }, { re: 0, im: 0 }, 0, false).re[0]!,
    );
    const u = unwrapPhases(d);
    expect(Math.abs(u[0]!)).toBeLessThan(0.15); // high energy (Born): δ → 0
    expect(u[u.length - 1]!).toBeCloseTo(Math.PI, 1); // δ_0(0⁺) = n_b π
  });
  it('absorption: an imaginary optical potential −iΓ gives Im δ > 0', () => {
    const mt = { ...flat(-1, 2), vIm: new Float64Array(g.r.length).fill(-0.1) };
    const r = phaseShifts(mt, { re: 1, im: 0 }, { re: 0, im: 0 }, 2, false);
    for (let l = 0; l <= 2; l++) expect(r.im[l]!).toBeGreaterThan(0);
  });
});

/**
 * Against FEFF10 (non-SCF, Hedin–Lundqvist, final-state rule) phase0N.dat: our Mattheiss muffin tins with the local
 * HL optical potential V_tot(r) + Σ(ρ(r), E) − Σ(k_F), matched at FEFF's interstitial level E_ref(E) and complex
 * momentum (the absolute energy reference differs between codes, so the grid is aligned on E − E_ref, i.e. p).
 * Free atoms: (a) FEFF's own Dirac–Fock densities/Coulomb potentials (pot0N.dat) — isolates stages 2–4;
 * (b) our scalar-relativistic LDA atoms with FEFF's occupations (config.dat) — the whole chain.
 */
const HL_CASES = [
  { name: 'NiO_NiK', npot: 3 },
  { name: 'LiCoO2_CoK', npot: 4 },
] as const;

describe.skipIf(!hasShared())('phase shifts vs FEFF10 phase0N.dat', () => {
  for (const c of HL_CASES) {
    const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
    const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
    const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
    const g = feffGrid(251);
    const atoms = inp.atoms.map((a) => ({
      position: [a.x, a.y, a.z] as [number, number, number],
      ipot: a.ipot,
    }));
    const compare = (free: FreeAtomData[], feffRadii = false) => {
      const mt = buildMuffinTin(atoms, free, {
        grid: g,
        ...(feffRadii
          ? { folp: log.potentials.map((p) => p.folp), normanCap: Number.POSITIVE_INFINITY }
          : {}),
      });
      return mt.potentials.map((p) => {
        const ph = parseFeffPhaseFile(readFileSync(dir(`phase0${p.ipot}.dat`), 'utf8'));
        const worstRe = [0, 0, 0, 0];
        const worstIm = [0, 0, 0, 0];
        for (let e = 0; e < ph.energy.length; e++) {
          const eref = { re: ph.erefRe[e]! / HARTREE, im: ph.erefIm[e]! / HARTREE };
          const pr = ph.pRe[e]!;
          const pi = ph.pIm[e]!;
          const E = { re: eref.re + (pr * pr - pi * pi) / 2 / HARTREE, im: eref.im + (pr * pi) / HARTREE };
          const v = opticalPotential(p.vtot, p.density, E.re - ph.mu / HARTREE);
          const d = phaseShifts({ grid: g, Z: p.Z, rMt: p.rMt, vRe: v.vRe, vIm: v.vIm }, E, eref, 3);
          for (let l = 0; l <= 3; l++) {
            worstRe[l] = Math.max(worstRe[l]!, Math.abs(phaseDifferenceModPi(d.re[l]!, ph.deltaRe[l]![e]!)));
            worstIm[l] = Math.max(worstIm[l]!, Math.abs(d.im[l]! - ph.deltaIm[l]![e]!));
          }
        }
        return { worstRe, worstIm };
      });
    };
    it(`${c.name}: FEFF's free atoms and radii → Re δ_l (l ≤ 3) within 0.02 rad of every ipot over the whole grid`, () => {
      const free = Array.from({ length: c.npot }, (_, i) => {
        const p = parseFeffPotFile(readFileSync(dir(`pot0${i}.dat`), 'utf8'));
        return { ipot: i, Z: inp.potentials[i]!.Z, density: p.rho, coulomb: p.vcoul };
      });
      // measured with our recipe on FEFF's atoms and radii: Re ≤ 0.015 rad, Im ≤ 0.04 rad
      for (const w of compare(free, true)) {
        for (const x of w.worstRe) expect(x).toBeLessThan(0.02);
        for (const x of w.worstIm) expect(x).toBeLessThan(0.05);
      }
    });
    it(`${c.name}: our exact-exchange atoms, default radii → radii within 3 %, V_int and E_F within 1 eV, Re δ_l within 0.03 rad`, () => {
      const cfg = parseFeffConfig(readFileSync(dir('config.dat'), 'utf8'));
      const free = cfg.map((k) =>
        freeAtomOnGrid(k.ipot, k.Z, k.shells, g, { stoichiometry: inp.potentials[k.ipot]!.stoichiometry }),
      );
      // the whole chain: our scalar-relativistic exact-exchange (KLI) atoms with FEFF's occupations, our radius rule,
      // xc and ρ_int
      const mt = buildMuffinTin(atoms, free, { grid: g });
      for (const p of mt.potentials) {
        const ref = log.potentials[p.ipot]!;
        // measured: |ΔR_N| ≤ 0.5 %, |ΔR_mt| ≤ 1.3 % (log1.dat radii are in Å)
        expect(Math.abs((p.rNorman * BOHR_ANGSTROM) / ref.rNorman - 1)).toBeLessThan(0.03);
        expect(Math.abs((p.rMt * BOHR_ANGSTROM) / ref.rMt - 1)).toBeLessThan(0.03);
      }
      const head = parseFeffPhaseFile(readFileSync(dir('phase00.dat'), 'utf8'));
      // goal |ΔV_int|, |ΔE_F| ≤ 1 eV. measured: NiO +0.27 / +0.24 eV, LiCoO2 −0.44 / −0.84 eV (with the literal
      // shell-volume average of V_int LiCoO2 was −0.84 / −1.25 eV). What is left in LiCoO2 is r_s,int 1 % larger than
      // FEFF's (−0.45 eV of kinetic k_F²/2) and the O potential's xc near R_mt (muffin-tin.test.ts)
      const dV = mt.vInt * HARTREE - head.vint;
      const dMu = mt.fermiLevel * HARTREE - head.mu;
      expect(Math.abs(dV)).toBeLessThan(c.name === 'NiO_NiK' ? 0.4 : 0.6);
      expect(Math.abs(dMu)).toBeLessThan(c.name === 'NiO_NiK' ? 0.4 : 1);
      expect(mt.fermiLevel).toBeGreaterThan(mt.vInt);
      // measured: worst 0.021 rad (NiO Ni d wave; with LDA atoms 0.074), LiCoO2 0.016 rad
      for (const w of compare(free)) for (const x of w.worstRe) expect(x).toBeLessThan(0.03);
    });
  }
});
