/**
 * Special functions for scattering theory.
 *
 * Spherical Bessel j_l, Neumann n_l (= y_l) and outgoing Hankel h_l^(+) = j_l + i n_l of complex argument
 * (Abramowitz & Stegun 10.1.1–10.1.23). For |z| ≥ 1 (or l ≤ |z|) the closed forms built by upward recurrence
 * (A&S 10.1.19) are stable; for small |z| the ascending series (A&S 10.1.2, 10.1.3) is used for j_l, and n_l is
 * obtained by upward recurrence, which is stable for the irregular solution.
 */
import type { Complex } from './complex.js';
import { cdiv, cmul } from './complex.js';

function sinC(z: Complex): Complex {
  return { re: Math.sin(z.re) * Math.cosh(z.im), im: Math.cos(z.re) * Math.sinh(z.im) };
}
function cosC(z: Complex): Complex {
  return { re: Math.cos(z.re) * Math.cosh(z.im), im: -Math.sin(z.re) * Math.sinh(z.im) };
}

/** j_l(z) for l = 0…lmax, complex z (A&S 10.1.2 series for small |z|, 10.1.11/10.1.19 otherwise). */
export function sphericalBesselJ(lmax: number, z: Complex): Complex[] {
  const out: Complex[] = new Array(lmax + 1);
  const az = Math.hypot(z.re, z.im);
  const z2 = cmul(z, z);
  for (let l = 0; l <= lmax; l++) {
    if (az < 0.5 + 0.5 * l) {
      // Series: j_l(z) = z^l / (2l+1)!! Σ_k (−z²/2)^k / (k! (2l+3)(2l+5)…(2l+2k+1))
      let term: Complex = { re: 1, im: 0 };
      let sum: Complex = { re: 1, im: 0 };
      for (let k = 1; k < 40; k++) {
        const f = -0.5 / (k * (2 * l + 2 * k + 1));
        term = cmul(term, { re: z2.re * f, im: z2.im * f });
        sum = { re: sum.re + term.re, im: sum.im + term.im };
        if (Math.hypot(term.re, term.im) < 1e-17 * Math.hypot(sum.re, sum.im)) break;
      }
      let zl: Complex = { re: 1, im: 0 };
      let dfact = 1;
      for (let m = 1; m <= l; m++) {
        zl = cmul(zl, z);
        dfact *= 2 * m + 1;
      }
      out[l] = cmul(zl, { re: sum.re / dfact, im: sum.im / dfact });
    } else {
      out[l] = { re: Number.NaN, im: 0 };
    }
  }
  // Upward recurrence for the large-|z| orders, seeded by closed forms.
  if (out.some((v) => Number.isNaN(v.re))) {
    const s = sinC(z);
    const c = cosC(z);
    let jm1 = cdiv(c, z); // j_{-1} = cos z / z
    let j0 = cdiv(s, z);
    for (let l = 0; l <= lmax; l++) {
      if (Number.isNaN(out[l]!.re)) out[l] = j0;
      const f = cdiv({ re: 2 * l + 1, im: 0 }, z);
      const jn = { re: f.re * j0.re - f.im * j0.im - jm1.re, im: f.re * j0.im + f.im * j0.re - jm1.im };
      jm1 = j0;
      j0 = jn;
    }
  }
  return out;
}

/** n_l(z) (= y_l) for l = 0…lmax by upward recurrence from n_0 = −cos z / z, n_{−1} = sin z / z. */
export function sphericalBesselY(lmax: number, z: Complex): Complex[] {
  const out: Complex[] = new Array(lmax + 1);
  const s = sinC(z);
  const c = cosC(z);
  let nm1 = cdiv(s, z);
  let n0 = cdiv({ re: -c.re, im: -c.im }, z);
  for (let l = 0; l <= lmax; l++) {
    out[l] = n0;
    const f = cdiv({ re: 2 * l + 1, im: 0 }, z);
    const nn = { re: f.re * n0.re - f.im * n0.im - nm1.re, im: f.re * n0.im + f.im * n0.re - nm1.im };
    nm1 = n0;
    n0 = nn;
  }
  return out;
}

/** Outgoing spherical Hankel h_l^(+)(z) = j_l + i n_l, l = 0…lmax. */
export function sphericalHankel1(lmax: number, z: Complex): Complex[] {
  const j = sphericalBesselJ(lmax, z);
  const n = sphericalBesselY(lmax, z);
  return j.map((jl, l) => ({ re: jl.re - n[l]!.im, im: jl.im + n[l]!.re }));
}

/**
 * Derivatives d/dz of spherical Bessel-type functions f_l from the values f_0…f_{lmax+1}:
 * f_l' = f_{l−1} − (l+1)/z f_l for l ≥ 1, f_0' = −f_1 (A&S 10.1.22).
 */
export function sphericalDerivatives(f: readonly Complex[], z: Complex): Complex[] {
  const out: Complex[] = new Array(f.length - 1);
  for (let l = 0; l < f.length - 1; l++) {
    if (l === 0) out[0] = { re: -f[1]!.re, im: -f[1]!.im };
    else {
      const t = cdiv({ re: (l + 1) * f[l]!.re, im: (l + 1) * f[l]!.im }, z);
      out[l] = { re: f[l - 1]!.re - t.re, im: f[l - 1]!.im - t.im };
    }
  }
  return out;
}

/** Legendre polynomials P_0…P_lmax at x (Bonnet recurrence, A&S 8.5.3). */
export function legendreP(lmax: number, x: number): Float64Array {
  const p = new Float64Array(lmax + 1);
  p[0] = 1;
  if (lmax >= 1) p[1] = x;
  for (let l = 2; l <= lmax; l++) p[l] = ((2 * l - 1) * x * p[l - 1]! - (l - 1) * p[l - 2]!) / l;
  return p;
}

/** Derivatives P_l'(x), l = 0…lmax (A&S 8.5.4: (x²−1)P_l' = l(x P_l − P_{l−1})); valid for |x| < 1 and x = ±1. */
export function legendrePDerivative(lmax: number, x: number): Float64Array {
  const p = legendreP(lmax, x);
  const d = new Float64Array(lmax + 1);
  for (let l = 1; l <= lmax; l++) {
    if (Math.abs(1 - x * x) < 1e-14) d[l] = ((x > 0 ? 1 : (-1) ** (l + 1)) * l * (l + 1)) / 2;
    else d[l] = (l * (x * p[l]! - p[l - 1]!)) / (x * x - 1);
  }
  return d;
}
