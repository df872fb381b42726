/**
 * Embedded-atom dipole matrix elements and the smooth atomic absorption background μ0(E).
 *
 * Golden rule in the dipole approximation (Rehr & Albers RMP 72, 621 (2000), Eqs. 3, 17 and 30): for a core level
 * (n_c, l_c) and final channels l = l_c ± 1,
 *   μ0(E) ∝ ω Σ_l w_l · Re p · |M_l(E)|²,   M_l = ∫_0^{R_mt} φ_c(r) r R_l(r; E) r² dr,
 * where R_l is the regular solution inside the absorber's muffin tin normalised so that outside
 * R_l = cos δ_l j_l(pr) − sin δ_l n_l(pr) (energy normalisation: −Im G_l(r,r) = 2p R_l(r)² for real potentials),
 * w_l = max(l, l_c)/(2l_c + 1) the angular (Gaunt) weight of the spherically averaged transition, and ω the photon
 * energy. With a lossy optical potential this is the usual "|M|²" approximation to −Im⟨c|d G d|c⟩ (exact when
 * Im Σ → 0). Units are arbitrary: μ0 is compared after normalisation.
 */
import type { Complex } from '../../math/complex.js';
import { cdiv, cmul, csub } from '../../math/complex.js';
import { sphericalBesselJ, sphericalBesselY } from '../../math/special.js';
import type { ComplexMuffinTin } from './phase-shifts.js';
import { phaseShifts, regularSolution, valueAtRadius } from './phase-shifts.js';

function ccos(z: Complex): Complex {
  return { re: Math.cos(z.re) * Math.cosh(z.im), im: -Math.sin(z.re) * Math.sinh(z.im) };
}
function csin(z: Complex): Complex {
  return { re: Math.sin(z.re) * Math.cosh(z.im), im: Math.cos(z.re) * Math.sinh(z.im) };
}

export interface DipoleResult {
  /** Radial dipole matrix element M_l (bohr^{5/2}·normalisation, complex). */
  readonly M: Complex;
  /** Phase shift of the final channel. */
  readonly delta: Complex;
  readonly p: Complex;
}

/** M_l(E) for the core orbital `core` (large component R_c(r) on the muffin tin's grid). */
export function dipoleMatrixElement(
  mt: ComplexMuffinTin,
  core: Float64Array,
  l: number,
  E: Complex,
  eref: Complex,
): DipoleResult {
  const g = mt.grid;
  const ps = phaseShifts(mt, E, eref, l);
  const delta = { re: ps.re[l]!, im: ps.im[l]! };
  const p = ps.p;
  const iEnd = Math.ceil((Math.log(mt.rMt) - g.x0) / g.h) + 2;
  const sol = regularSolution(mt, l, E, iEnd);
  const { R } = valueAtRadius(mt, sol, E, mt.rMt);
  const z = { re: p.re * mt.rMt, im: p.im * mt.rMt };
  const j = sphericalBesselJ(l, z)[l]!;
  const n = sphericalBesselY(l, z)[l]!;
  const outside = csub(cmul(ccos(delta), j), cmul(csin(delta), n));
  const c = cdiv(outside, R);
  // ∫ φ_c r R r² dr = ∫ φ_c R r⁴ dx on the log grid (trapezoid; the integrand vanishes at both ends)
  let sRe = 0;
  let sIm = 0;
  const lim = Math.min(iEnd, core.length - 1);
  const rmtIdx = (Math.log(mt.rMt) - g.x0) / g.h;
  for (let i = 0; i <= lim; i++) {
    if (i > rmtIdx) break;
    const r = g.r[i]!;
    const w = core[i]! * r ** 4 * g.h;
    sRe += w * sol.RRe[i]!;
    sIm += w * sol.RIm[i]!;
  }
  return { M: cmul(c, { re: sRe, im: sIm }), delta, p };
}

/** Angular weight of the final channel l for a core level l_c (spherical average): max(l, l_c)/(2l_c + 1). */
export function channelWeight(lc: number, l: number): number {
  return Math.max(l, lc) / (2 * lc + 1);
}

/**
 * μ0 at complex energies E (Ha) with interstitial levels eref (Ha) and photon energies ω (Ha);
 * core level angular momentum lc (0 for K, 1 for L2,3).
 */
export function atomicBackground(
  mtAt: (E: Complex) => ComplexMuffinTin,
  core: Float64Array,
  lc: number,
  energies: readonly Complex[],
  eref: readonly Complex[],
  omega: readonly number[],
): Float64Array {
  const out = new Float64Array(energies.length);
  energies.forEach((E, i) => {
    const mt = mtAt(E);
    let s = 0;
    for (const l of [lc - 1, lc + 1]) {
      if (l < 0) continue;
      const d = dipoleMatrixElement(mt, core, l, E, eref[i]!);
      s += channelWeight(lc, l) * d.p.re * (d.M.re * d.M.re + d.M.im * d.M.im);
    }
    out[i] = omega[i]! * s;
  });
  return out;
}

/**
 * Occupation cut-off at the Fermi level broadened by the core-hole Lorentzian (FWHM Γ): the convolution of the
 * step θ(E − μ) with a Lorentzian is 1/2 + (1/π) arctan(2(E − μ)/Γ). Multiply μ0 by it to compare across the edge.
 */
export function lorentzianEdgeStep(eMinusMu: number, gamma: number): number {
  return 0.5 + Math.atan((2 * eMinusMu) / gamma) / Math.PI;
}
