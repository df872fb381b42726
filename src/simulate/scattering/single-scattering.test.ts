import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, requireTool, sharedPath } from '../../../test/shared.js';
import { which } from '../external/tools.js';
import { BOHR_ANGSTROM, HARTREE_EV } from '../../core/units.js';
import { parseFeffPath } from '../../io/feff/index.js';
import { parseFeffInpCluster } from '../../io/feff-internals/index.js';
import type { Complex } from '../../math/complex.js';
import type { MuffinTinResult } from './muffin-tin.js';
import { buildScatteringPotentials, interstitialLevel, phaseShiftsAll } from './pipeline.js';
import { singleScatteringK, tMatrixElement, translationCoefficients } from './single-scattering.js';

describe('curved-wave single scattering: limits', () => {
  it('t-matrix: t = i e^{iδ} sin δ for real δ; |1 + 2t| = e^{−2 Im δ}', () => {
    const d = 0.7;
    const t = tMatrixElement({ re: d, im: 0 });
    expect(t.re).toBeCloseTo(-Math.sin(d) * Math.sin(d), 14);
    expect(t.im).toBeCloseTo(Math.cos(d) * Math.sin(d), 14);
    const tl = tMatrixElement({ re: d, im: 0.1 });
    expect(Math.hypot(1 + 2 * tl.re, 2 * tl.im)).toBeCloseTo(Math.exp(-0.2), 14);
  });
  it('no scatterer potential (δ_l = 0) gives χ = 0', () => {
    const r = singleScatteringK(
      { re: 2, im: 0 },
      4,
      { re: 0.3, im: 0 },
      [
        { re: 0, im: 0 },
        { re: 0, im: 0 },
      ],
      2,
    );
    expect(Math.abs(r.chi)).toBeLessThan(1e-14);
  });
  it('translation coefficients: large-kR (plane-wave) limit |A_{l0}| → √(3(2l+1))/(kR) for the m = 0 p wave', () => {
    // h_1(kr) Y_10 at a distant point on its axis behaves like (−i)² e^{ikR}/(kR) Y_10(ẑ) × plane wave along z,
    // whose expansion coefficients are 4π i^l Y_l0(ẑ)
    const p = { re: 20, im: 0 };
    const R = 10;
    const { A } = translationCoefficients(p, R, 6, 0);
    for (let l = 0; l <= 4; l++) {
      const expected = Math.sqrt(3 * (2 * l + 1)) / (p.re * R);
      expect(Math.hypot(A[l]!.re, A[l]!.im) / expected).toBeCloseTo(1, 1);
    }
  });
});

/** The first two NiO shells around Ni: FEFF path file, unique potential of the scatterer, distance (Å). */
const NIO_SHELLS = [
  { file: 'feff0001.dat', ipot: 2, R: 2.0842 },
  { file: 'feff0002.dat', ipot: 1, R: 2.9475 },
] as const;
const GAMMA_HALF = 0.788 / HARTREE_EV; // Ni K core-hole Γ/2

/** Our non-SCF muffin tins for the FEFF10 golden NiO cluster (default settings). */
function nioGoldenMuffinTin(): MuffinTinResult {
  const inp = parseFeffInpCluster(
    readFileSync(sharedPath('data', 'feff-golden', 'NiO_NiK', 'feff.inp'), 'utf8'),
  );
  return buildScatteringPotentials({
    atoms: inp.atoms.map((a) => ({ position: [a.x, a.y, a.z] as [number, number, number], ipot: a.ipot })),
    potentials: [
      { ipot: 0, Z: 28, stoichiometry: 0.01 },
      { ipot: 1, Z: 28 },
      { ipot: 2, Z: 8 },
    ],
    coreLevel: '1s',
  }).muffinTin;
}

/**
 * Single scattering off the shell at R (Å) at complex energy E (Ha) and photoelectron k = kA Å⁻¹, against row i of a
 * FEFF path file: relative |F_eff| difference and total-phase difference (rad, mod 2π).
 */
function shellVsFeff(
  mt: MuffinTinResult,
  E: Complex,
  ipot: number,
  R: number,
  kA: number,
  path: ReturnType<typeof parseFeffPath>,
  i: number,
): { amp: number; phase: number } {
  const ps = phaseShiftsAll(mt, E, 24);
  const delta = Array.from(ps.re[ipot]!, (v, l) => ({ re: v, im: ps.im[ipot]![l]! }));
  const r = singleScatteringK(
    ps.p,
    R / BOHR_ANGSTROM,
    { re: ps.re[0]![1]!, im: ps.im[0]![1]! },
    delta,
    kA * BOHR_ANGSTROM,
  );
  const feffPhase = 2 * kA * R + path.realPhc[i]! + path.phaseFeff[i]!;
  return {
    amp: Math.abs((r.fEff * BOHR_ANGSTROM) / path.magFeff[i]! - 1),
    phase: Math.abs(Math.atan2(Math.sin(r.totalPhase - feffPhase), Math.cos(r.totalPhase - feffPhase))),
  };
}

/**
 * NiO Ni K against FEFF 8.5L's path files (NiO-feff8l-paths: self-consistent potentials, E_F = −11.95 eV, and its
 * own S02/defaults). Our potentials are non-SCF overlapped atoms from the FEFF10 NiO cluster with default settings.
 * The SCF run places the Fermi level ~8 eV lower relative to V_int, so at a given k = √(2(E − E_F)) the interstitial
 * momentum p differs (by 0.27 Å⁻¹ at k = 3 Å⁻¹). We therefore compare at equal interstitial momentum (FEFF's
 * `real[p]` column), which removes that systematic SCF offset; on our own k scale only the amplitude is compared.
 */
describe.skipIf(!hasShared())(
  'NiO first shells vs FEFF 8.5L feff0001.dat (Ni–O) and feff0002.dat (Ni–Ni)',
  () => {
    const mt = nioGoldenMuffinTin();
    for (const { file, ipot, R } of NIO_SHELLS) {
      it(`${file}: |F_eff| within 15 % and total phase within 0.3 rad for k = 3–14 Å⁻¹ (aligned on p)`, () => {
        const path = parseFeffPath(
          readFileSync(sharedPath('data', 'feff-golden', 'NiO-feff8l-paths', file), 'utf8'),
        );
        let worstAmp = 0;
        let worstPhase = 0;
        let worstOwnAmp = 0;
        for (let kA = 3; kA <= 14; kA += 1) {
          const i = path.k.findIndex((x) => Math.abs(x - kA) < 1e-6);
          const pF = path.realP[i]! * BOHR_ANGSTROM;
          // the energy whose interstitial momentum is FEFF's p: E = Re E_ref(E) + p²/2, by fixed-point iteration
          let E = mt.vInt + (pF * pF) / 2;
          for (let it = 0; it < 3; it++) E = interstitialLevel(mt, E).re + (pF * pF) / 2;
          const a = shellVsFeff(mt, { re: E, im: GAMMA_HALF }, ipot, R, kA, path, i);
          worstAmp = Math.max(worstAmp, a.amp);
          worstPhase = Math.max(worstPhase, a.phase);
          // on our own energy scale (E = μ + k²/2): amplitude only
          const k = kA * BOHR_ANGSTROM;
          const b = shellVsFeff(
            mt,
            { re: mt.fermiLevel + (k * k) / 2, im: GAMMA_HALF },
            ipot,
            R,
            kA,
            path,
            i,
          );
          worstOwnAmp = Math.max(worstOwnAmp, b.amp);
        }
        // measured aligned on p: Ni–O |ΔF|/F ≤ 14.4 %, |ΔΦ| ≤ 0.13 rad; Ni–Ni ≤ 4.9 %, ≤ 0.31 rad. On our own k scale
        // |ΔF|/F ≤ 17 % (Ni–O) and 26 % (Ni–Ni): the SCF run's Fermi level is ~8 eV lower. Against the non-SCF run
        // (next block, same physics) the differences are 3.8–4.5 % and 0.15–0.25 rad with no alignment; the extra
        // Ni–Ni phase difference here (0.31 rad at k = 3 Å⁻¹) is the SCF charge transfer (Ni 8.7 d electrons).
        expect(worstAmp).toBeLessThan(0.15);
        expect(worstPhase).toBeLessThan(file === 'feff0001.dat' ? 0.3 : 0.35);
        expect(worstOwnAmp).toBeLessThan(0.3);
      });
    }
  },
);

/**
 * The same comparison against a *non-self-consistent* FEFF 8.5L run made here (Debian feff85exafs, `feff8l`): the
 * golden NiO feff.inp without its SCF card, so both codes use overlapped-atom potentials and each its own electron-gas
 * Fermi level. Then the natural comparison is on each code's own k scale, E = E_F + k²/2, with no alignment.
 */
const hasFeff8l = which('feff8l') !== undefined;
describe.skipIf(!hasShared() || !requireTool('feff85exafs', hasFeff8l))(
  'NiO first shells vs a fresh non-SCF FEFF 8.5L run (same physics, own k scales)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'specfuse-feff8l-nscf-'));
    const paths = new Map<string, ReturnType<typeof parseFeffPath>>();
    const inpText = readFileSync(sharedPath('data', 'feff-golden', 'NiO-feff8l-paths', 'feff.inp'), 'utf8');
    const setup = () => {
      if (paths.size > 0) return;
      writeFileSync(
        join(dir, 'feff.inp'),
        inpText
          .split('\n')
          .filter((l) => !/^\s*SCF\b/.test(l))
          .join('\n'),
      );
      execFileSync('feff8l', ['.'], { cwd: dir, timeout: 120_000, stdio: 'ignore' });
      for (const f of ['feff0001.dat', 'feff0002.dat'])
        paths.set(f, parseFeffPath(readFileSync(join(dir, f), 'utf8'), f));
      rmSync(dir, { recursive: true, force: true });
    };
    const mt = nioGoldenMuffinTin();
    for (const { file, ipot, R } of NIO_SHELLS) {
      it(`${file}: |F_eff| within 15 % and total phase within 0.3 rad for k = 3–14 Å⁻¹`, () => {
        setup();
        const path = paths.get(file)!;
        let worstAmp = 0;
        let worstPhase = 0;
        for (let kA = 3; kA <= 14; kA += 1) {
          const i = path.k.findIndex((x) => Math.abs(x - kA) < 1e-6);
          const k = kA * BOHR_ANGSTROM;
          const a = shellVsFeff(
            mt,
            { re: mt.fermiLevel + (k * k) / 2, im: GAMMA_HALF },
            ipot,
            R,
            kA,
            path,
            i,
          );
          worstAmp = Math.max(worstAmp, a.amp);
          worstPhase = Math.max(worstPhase, a.phase);
        }
        // measured: Ni–O 3.8 %, 0.15 rad; Ni–Ni 4.5 %, 0.25 rad
        expect(worstAmp).toBeLessThan(0.15);
        expect(worstPhase).toBeLessThan(0.3);
      }, 150_000);
    }
  },
);
