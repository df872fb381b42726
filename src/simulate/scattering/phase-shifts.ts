/**
 * Complex scattering phase shifts δ_l(E) of a muffin-tin potential.
 *
 * Inside the sphere r < R_mt the regular solution of the (scalar-relativistic, Koelling & Harmon 1977) radial
 * equation is integrated outward at complex energy E with a complex, possibly energy-dependent optical potential
 * V(r) = V_Coulomb(r) + Σ(r, E). Outside, the potential is the constant E_ref = V_int + Σ_int(E), so the solution is
 * a combination of spherical Bessel functions of the complex momentum p = √(2(E − E_ref)) (Hartree a.u.):
 *   R(r) ∝ j_l(pr) − tan δ_l · n_l(pr),
 * and matching the logarithmic derivative L = R'/R at R_mt gives (Rehr & Albers RMP 72, 621 (2000), Eq. 27 and
 * Sec. II.B; Messiah, Quantum Mechanics, Ch. X)
 *   tan δ_l = [p j_l'(pR) − L j_l(pR)] / [p n_l'(pR) − L n_l(pR)].
 * δ_l is returned in the principal branch Re δ ∈ (−π/2, π/2]; physical phase shifts are defined modulo π (use
 * `unwrapPhases` along an energy grid to get a continuous curve, Levinson's theorem fixing δ(0) = n_b π).
 * Im δ > 0 means absorption (loss of flux into inelastic channels).
 */
import type { Complex } from '../../math/complex.js';
import { cdiv, cmul, csqrt, csub } from '../../math/complex.js';
import type { RadialGrid } from '../../math/radial-grid.js';
import { sphericalBesselJ, sphericalBesselY, sphericalDerivatives } from '../../math/special.js';
import { SpecfuseError } from '../../core/errors.js';
import { SPEED_OF_LIGHT_AU } from './radial.js';

/** A complex potential inside one muffin-tin sphere, on a log grid (Ha). */
export interface ComplexMuffinTin {
  readonly grid: RadialGrid;
  /** Nuclear charge (for the behaviour at the origin). */
  readonly Z: number;
  readonly rMt: number;
  readonly vRe: Float64Array;
  readonly vIm: Float64Array;
}

export interface RegularSolution {
  /** Number of grid points integrated (indices 0…n−1). */
  readonly n: number;
  readonly RRe: Float64Array;
  readonly RIm: Float64Array;
  readonly SRe: Float64Array;
  readonly SIm: Float64Array;
}

/**
 * Outward integration of the regular solution at complex energy E (Ha) up to grid index iEnd (inclusive);
 * first-order system of radial.ts with complex coefficients, implicit Adams–Moulton 4 (exact 2×2 solve per step).
 */
/** l-independent coefficients of the radial system at energy E: a = 2M/r, −r³(E − V), r M̄/(2|M|²). */
export interface RadialCoefficients {
  readonly n: number;
  readonly aRe: Float64Array;
  readonly aIm: Float64Array;
  readonly cRe: Float64Array;
  readonly cIm: Float64Array;
  readonly mRe: Float64Array;
  readonly mIm: Float64Array;
}

export function radialCoefficients(
  mt: ComplexMuffinTin,
  E: Complex,
  n: number,
  relativistic = true,
): RadialCoefficients {
  const r = mt.grid.r;
  const a2 = relativistic ? 1 / (SPEED_OF_LIGHT_AU * SPEED_OF_LIGHT_AU) : 0;
  const aRe = new Float64Array(n);
  const aIm = new Float64Array(n);
  const cRe = new Float64Array(n);
  const cIm = new Float64Array(n);
  const mRe = new Float64Array(n);
  const mIm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = r[i]!;
    const dRe = E.re - mt.vRe[i]!;
    const dIm = E.im - mt.vIm[i]!;
    const MRe = 1 + (a2 * dRe) / 2;
    const MIm = (a2 * dIm) / 2;
    aRe[i] = (2 * MRe) / ri;
    aIm[i] = (2 * MIm) / ri;
    const r3 = ri * ri * ri;
    cRe[i] = -r3 * dRe;
    cIm[i] = -r3 * dIm;
    const den = 2 * (MRe * MRe + MIm * MIm);
    mRe[i] = (ri * MRe) / den;
    mIm[i] = (-ri * MIm) / den;
  }
  return { n, aRe, aIm, cRe, cIm, mRe, mIm };
}

export function regularSolution(
  mt: ComplexMuffinTin,
  l: number,
  E: Complex,
  iEnd: number,
  relativistic = true,
  coefficients?: RadialCoefficients,
): RegularSolution {
  const g = mt.grid;
  const r = g.r;
  const h = g.h;
  const n = iEnd + 1;
  const ll = l * (l + 1);
  const a2 = relativistic ? 1 / (SPEED_OF_LIGHT_AU * SPEED_OF_LIGHT_AU) : 0;
  const RRe = new Float64Array(n);
  const RIm = new Float64Array(n);
  const SRe = new Float64Array(n);
  const SIm = new Float64Array(n);
  const co = coefficients && coefficients.n >= n ? coefficients : radialCoefficients(mt, E, n, relativistic);
  // a = 2M/r; b = r³(V − E) + l(l+1) r/(2M)
  const aRe = co.aRe;
  const aIm = co.aIm;
  const bRe = new Float64Array(n);
  const bIm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    bRe[i] = co.cRe[i]! + ll * co.mRe[i]!;
    bIm[i] = co.cIm[i]! + ll * co.mIm[i]!;
  }
  const s = relativistic ? Math.sqrt(ll + 1 - a2 * mt.Z * mt.Z) - 1 : l;
  for (let i = 0; i < Math.min(3, n); i++) {
    const ri = r[i]!;
    const rs = ri ** s;
    if (relativistic) {
      RRe[i] = rs;
      // S = s r^{s+1} / (2M) = s r^{s+1} · (a/(4/r))^{-1}… use S = r² R'/(2M) with M from a: 2M = a r
      const twoMRe = aRe[i]! * ri;
      const twoMIm = aIm[i]! * ri;
      const m2 = twoMRe * twoMRe + twoMIm * twoMIm;
      SRe[i] = (s * rs * ri * twoMRe) / m2;
      SIm[i] = (-s * rs * ri * twoMIm) / m2;
    } else {
      RRe[i] = rs * (1 - (mt.Z * ri) / (l + 1));
      SRe[i] = (ri ** (l + 1) * (l - mt.Z * ri)) / 2;
    }
  }
  const c = (h * 9) / 24;
  const w = h / 24;
  for (let i = 2; i < n - 1; i++) {
    // f = (a S, b R) at i, i−1, i−2
    let fR19Re = 0;
    let fR19Im = 0;
    let fS19Re = 0;
    let fS19Im = 0;
    for (let k = 0; k < 3; k++) {
      const j = i - k;
      const cf = k === 0 ? 19 : k === 1 ? -5 : 1;
      fR19Re += cf * (aRe[j]! * SRe[j]! - aIm[j]! * SIm[j]!);
      fR19Im += cf * (aRe[j]! * SIm[j]! + aIm[j]! * SRe[j]!);
      fS19Re += cf * (bRe[j]! * RRe[j]! - bIm[j]! * RIm[j]!);
      fS19Im += cf * (bRe[j]! * RIm[j]! + bIm[j]! * RRe[j]!);
    }
    const xRe = RRe[i]! + w * fR19Re;
    const xIm = RIm[i]! + w * fR19Im;
    const yRe = SRe[i]! + w * fS19Re;
    const yIm = SIm[i]! + w * fS19Im;
    const caRe = c * aRe[i + 1]!;
    const caIm = c * aIm[i + 1]!;
    const cbRe = c * bRe[i + 1]!;
    const cbIm = c * bIm[i + 1]!;
    // det = 1 − ca cb
    const detRe = 1 - (caRe * cbRe - caIm * cbIm);
    const detIm = -(caRe * cbIm + caIm * cbRe);
    // R = (x + ca y)/det, S = (y + cb x)/det
    const nRRe = xRe + caRe * yRe - caIm * yIm;
    const nRIm = xIm + caRe * yIm + caIm * yRe;
    const nSRe = yRe + cbRe * xRe - cbIm * xIm;
    const nSIm = yIm + cbRe * xIm + cbIm * xRe;
    const dd = detRe * detRe + detIm * detIm;
    RRe[i + 1] = (nRRe * detRe + nRIm * detIm) / dd;
    RIm[i + 1] = (nRIm * detRe - nRRe * detIm) / dd;
    SRe[i + 1] = (nSRe * detRe + nSIm * detIm) / dd;
    SIm[i + 1] = (nSIm * detRe - nSRe * detIm) / dd;
    // keep magnitudes bounded (linear equation: rescaling is harmless)
    const m = Math.abs(RRe[i + 1]!) + Math.abs(RIm[i + 1]!);
    if (m > 1e100) {
      for (let j = 0; j <= i + 1; j++) {
        RRe[j] = RRe[j]! * 1e-100;
        RIm[j] = RIm[j]! * 1e-100;
        SRe[j] = SRe[j]! * 1e-100;
        SIm[j] = SIm[j]! * 1e-100;
      }
    }
  }
  return { n, RRe, RIm, SRe, SIm };
}

function lagrange4(f: Float64Array, i0: number, u: number): number {
  const f0 = f[i0]!;
  const f1 = f[i0 + 1]!;
  const f2 = f[i0 + 2]!;
  const f3 = f[i0 + 3]!;
  return (
    (-f0 * (u - 1) * (u - 2) * (u - 3)) / 6 +
    (f1 * u * (u - 2) * (u - 3)) / 2 -
    (f2 * u * (u - 1) * (u - 3)) / 2 +
    (f3 * u * (u - 1) * (u - 2)) / 6
  );
}

/** Values R(R_mt) and R'(R_mt) of a regular solution, interpolated between grid points. */
export function valueAtRadius(
  mt: ComplexMuffinTin,
  sol: RegularSolution,
  E: Complex,
  rr: number,
  relativistic = true,
): { R: Complex; dR: Complex } {
  const g = mt.grid;
  const t = (Math.log(rr) - g.x0) / g.h;
  let i0 = Math.floor(t) - 1;
  if (i0 + 3 >= sol.n) i0 = sol.n - 4;
  const u = t - i0;
  const R = { re: lagrange4(sol.RRe, i0, u), im: lagrange4(sol.RIm, i0, u) };
  const S = { re: lagrange4(sol.SRe, i0, u), im: lagrange4(sol.SIm, i0, u) };
  const v = { re: lagrange4(mt.vRe, i0, u), im: lagrange4(mt.vIm, i0, u) };
  const a2 = relativistic ? 1 / (SPEED_OF_LIGHT_AU * SPEED_OF_LIGHT_AU) : 0;
  const M = { re: 1 + (a2 * (E.re - v.re)) / 2, im: (a2 * (E.im - v.im)) / 2 };
  // R' = 2 M S / r²
  const dR = cmul(M, S);
  return { R, dR: { re: (2 * dR.re) / (rr * rr), im: (2 * dR.im) / (rr * rr) } };
}

export interface PhaseShiftResult {
  /** δ_l, l = 0…lmax (rad), principal branch. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** Complex momentum in the interstitial p = √(2(E − E_ref)) (bohr⁻¹). */
  readonly p: Complex;
}

/** Complex arctangent, principal branch: atan t = (1/2i) ln((1 + i t)/(1 − i t)). */
function catan(t: Complex): Complex {
  const num = { re: 1 - t.im, im: t.re };
  const den = { re: 1 + t.im, im: -t.re };
  const q = cdiv(num, den);
  // (1/2i) ln q = −(i/2)(ln|q| + i arg q) = arg q / 2 − (i/2) ln|q|
  return { re: Math.atan2(q.im, q.re) / 2, im: -Math.log(Math.hypot(q.re, q.im)) / 2 };
}

/**
 * Phase shifts δ_l(E), l = 0…lmax, of one muffin tin at complex energy E with interstitial level E_ref (Ha).
 */
export function phaseShifts(
  mt: ComplexMuffinTin,
  E: Complex,
  eref: Complex,
  lmax: number,
  relativistic = true,
): PhaseShiftResult {
  const g = mt.grid;
  const iEnd = Math.ceil((Math.log(mt.rMt) - g.x0) / g.h) + 2;
  if (iEnd >= g.r.length)
    throw new SpecfuseError('invalid-argument', 'muffin-tin radius beyond the radial grid');
  const p = csqrt({ re: 2 * (E.re - eref.re), im: 2 * (E.im - eref.im) });
  const z = { re: p.re * mt.rMt, im: p.im * mt.rMt };
  const j = sphericalBesselJ(lmax + 1, z);
  const y = sphericalBesselY(lmax + 1, z);
  const dj = sphericalDerivatives(j, z);
  const dy = sphericalDerivatives(y, z);
  const re = new Float64Array(lmax + 1);
  const im = new Float64Array(lmax + 1);
  const co = radialCoefficients(mt, E, iEnd + 1, relativistic);
  for (let l = 0; l <= lmax; l++) {
    const sol = regularSolution(mt, l, E, iEnd, relativistic, co);
    const { R, dR } = valueAtRadius(mt, sol, E, mt.rMt, relativistic);
    const L = cdiv(dR, R);
    const num = csub(cmul(p, dj[l]!), cmul(L, j[l]!));
    const den = csub(cmul(p, dy[l]!), cmul(L, y[l]!));
    const d = catan(cdiv(num, den));
    re[l] = d.re;
    im[l] = d.im;
  }
  return { re, im, p };
}

/** Reduce a phase difference to (−π/2, π/2] (phase shifts are defined modulo π). */
export function phaseDifferenceModPi(a: number, b: number): number {
  let d = (a - b) % Math.PI;
  if (d > Math.PI / 2) d -= Math.PI;
  if (d <= -Math.PI / 2) d += Math.PI;
  return d;
}

/** Make a sequence of phase shifts continuous (remove jumps of ±π between neighbouring energies). */
export function unwrapPhases(d: Float64Array): Float64Array {
  const out = Float64Array.from(d);
  for (let i = 1; i < out.length; i++) {
    while (out[i]! - out[i - 1]! > Math.PI / 2) out[i] = out[i]! - Math.PI;
    while (out[i]! - out[i - 1]! < -Math.PI / 2) out[i] = out[i]! + Math.PI;
  }
  return out;
}
