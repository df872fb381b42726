/**
 * Curved-wave single-scattering EXAFS amplitude of one absorber–scatterer pair (K edge, polarisation averaged).
 *
 * Exact spherical-wave treatment (Rehr & Albers PRB 41, 8139 (1990); RMP 72, 621 (2000), Sec. III.A): the
 * photoelectron leaves the absorber in the p channel as h_1(pr) Y_1m, is re-expanded about the scatterer at
 * distance R (two-centre translation coefficients A_{l'm}), scattered with t_{l'} = (e^{2iδ_{l'}} − 1)/2, and the
 * outgoing h_{l'} Y_{l'm} re-expanded back about the absorber (B_{1m,l'm}). With the bond along z, m is conserved:
 *   C_m = Σ_{l'} A_{l'm} t_{l'} B_{1m,l'm},   χ(k) = Re[ e^{2iδ_1^c} (C_0 + 2 C_1)/3 ].
 * The translation coefficients are obtained by projecting the exact shifted waves on spherical harmonics over a
 * small sphere (radius ρ < R) about the new centre — the l = l' component equals A j_{l'}(pρ) — so no Gaunt tables
 * are needed; the polar integral uses Gauss–Legendre quadrature and the azimuthal one is exact (∝ e^{imφ}).
 * In FEFF's path notation χ = |F_eff| e^{−2R/λ}/(kR²) · sin(2kR + 2δ_c + φ_eff) (no Debye–Waller, N = 1).
 */
import { gaussLegendre } from '../../math/quadrature.js';
import type { Complex } from '../../math/complex.js';
import { cadd, cdiv, cexp, cmul, cscale } from '../../math/complex.js';
import { sphericalBesselJ, sphericalHankel1 } from '../../math/special.js';

const GL_N = 64;
const GL = gaussLegendre(GL_N);

/** Normalised associated Legendre Θ_lm(x) = N_lm P_l^m(x) for m = 0, 1 (so Y_lm = Θ_lm e^{imφ}/√(2π)). */
function theta(lmax: number, m: 0 | 1, x: number): Float64Array {
  const out = new Float64Array(lmax + 1);
  const s = Math.sqrt(Math.max(0, 1 - x * x));
  // P_m^m, P_{m+1}^m then upward recurrence (A&S 8.5.3), unnormalised
  const P = new Float64Array(lmax + 2);
  P[m] = m === 0 ? 1 : -s;
  if (m + 1 <= lmax) P[m + 1] = x * (2 * m + 1) * P[m]!;
  for (let l = m + 2; l <= lmax; l++)
    P[l] = ((2 * l - 1) * x * P[l - 1]! - (l + m - 1) * P[l - 2]!) / (l - m);
  for (let l = m; l <= lmax; l++) {
    let ratio = 1; // (l−m)!/(l+m)!
    for (let k = l - m + 1; k <= l + m; k++) ratio /= k;
    out[l] = Math.sqrt(((2 * l + 1) / 2) * ratio) * P[l]!;
  }
  return out;
}

/**
 * A_{l'm}: h_1(p|r|) Y_1m(r̂) = Σ_{l'} A_{l'm} j_{l'}(p|r − Rẑ|) Y_{l'm}(…) near Rẑ;
 * B_{l'm}: h_{l'}(p|r − Rẑ|) Y_{l'm}(…) = B_{l'm} j_1(p|r|) Y_1m(r̂) + … near the origin.
 */
export function translationCoefficients(
  p: Complex,
  R: number,
  lmax: number,
  m: 0 | 1,
): { A: Complex[]; B: Complex[] } {
  const A: Complex[] = [];
  const B: Complex[] = [];
  const ap = Math.hypot(p.re, p.im);
  for (let l = 0; l <= lmax; l++) {
    if (l < m) {
      A.push({ re: 0, im: 0 });
      B.push({ re: 0, im: 0 });
      continue;
    }
    const rho = Math.min((l + 1.5) / ap, 0.6 * R);
    // A: project onto Y_lm about the scatterer
    let a: Complex = { re: 0, im: 0 };
    let b: Complex = { re: 0, im: 0 };
    for (let i = 0; i < GL_N; i++) {
      const c = GL.x[i]!;
      const w = GL.w[i]!;
      // point Rẑ + ρω: distance from origin s, polar cosine cs
      const s = Math.sqrt(R * R + rho * rho + 2 * R * rho * c);
      const cs = (R + rho * c) / s;
      const h1 = sphericalHankel1(1, { re: p.re * s, im: p.im * s })[1]!;
      const fa = w * theta(lmax, m, c)[l]! * theta(1, m, cs)[1]!;
      a = cadd(a, cscale(h1, fa));
      // point ρω about the origin, seen from the scatterer: r − Rẑ
      const s2 = Math.sqrt(R * R + rho * rho - 2 * R * rho * c);
      const cs2 = (rho * c - R) / s2;
      const hl = sphericalHankel1(l, { re: p.re * s2, im: p.im * s2 })[l]!;
      const fb = w * theta(1, m, c)[1]! * theta(lmax, m, cs2)[l]!;
      b = cadd(b, cscale(hl, fb));
    }
    const z = { re: p.re * rho, im: p.im * rho };
    const jl = sphericalBesselJ(l, z)[l]!;
    const j1 = sphericalBesselJ(1, z)[1]!;
    A.push(cdiv(a, jl));
    B.push(cdiv(b, j1));
  }
  return { A, B };
}

/**
 * Partial-wave t-matrix element in the convention R_l = j_l + t_l h_l^(+) (outside the sphere):
 * t_l = (e^{2iδ_l} − 1)/2 = i e^{iδ_l} sin δ_l (complex δ allowed; |1 + 2t| = e^{−2 Im δ} ≤ 1 with losses).
 */
export function tMatrixElement(delta: Complex): Complex {
  const e = cexp({ re: -2 * delta.im, im: 2 * delta.re });
  return { re: (e.re - 1) / 2, im: e.im / 2 };
}

export interface SingleScatteringResult {
  /** Complex fine-structure amplitude Z with χ = Re Z. */
  readonly Z: Complex;
  readonly chi: number;
  /** FEFF-convention effective amplitude |F_eff| (bohr) with e^{−2R Im p} and e^{−2 Im δ_c} removed. */
  readonly fEff: number;
  /** Total phase Φ = arg(iZ) (rad, in (−π, π]), to compare with 2kR + 2δ_c + φ_eff modulo 2π. */
  readonly totalPhase: number;
}

/**
 * Single-scattering χ for complex interstitial momentum p (bohr⁻¹), distance R (bohr), absorber p-wave phase
 * δ_1^c and scatterer phase shifts δ_l (complex, l = 0…lmax). `kReal` (bohr⁻¹) is the photoelectron wave number
 * used for the kR² normalisation of F_eff.
 */
export function singleScatteringK(
  p: Complex,
  R: number,
  deltaCentral: Complex,
  delta: readonly Complex[],
  kReal: number,
): SingleScatteringResult {
  const lmax = delta.length - 1;
  const t = delta.map(tMatrixElement);
  let sum: Complex = { re: 0, im: 0 };
  for (const m of [0, 1] as const) {
    const { A, B } = translationCoefficients(p, R, lmax, m);
    let c: Complex = { re: 0, im: 0 };
    for (let l = m; l <= lmax; l++) c = cadd(c, cmul(cmul(A[l]!, t[l]!), B[l]!));
    sum = cadd(sum, cscale(c, m === 0 ? 1 : 2));
  }
  const Z = cmul(cexp({ re: -2 * deltaCentral.im, im: 2 * deltaCentral.re }), cscale(sum, 1 / 3));
  const iZ = { re: -Z.im, im: Z.re };
  const damp = Math.exp(-2 * R * p.im) * Math.exp(-2 * deltaCentral.im);
  return {
    Z,
    chi: Z.re,
    fEff: (Math.hypot(Z.re, Z.im) * kReal * R * R) / damp,
    totalPhase: Math.atan2(iZ.im, iZ.re),
  };
}
