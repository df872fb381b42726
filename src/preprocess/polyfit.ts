import { fail } from '../core/errors.js';
import { solveDense } from '../math/dense-solve.js';

/**
 * Least-squares polynomial y ≈ Σ_k c_k x^k over points lo ≤ i < hi, returned as coefficients c_0…c_degree in
 * ascending powers of the *absolute* x. The fit is done in the centred, scaled variable t = (x − x̄)/s (so the
 * normal equations stay well conditioned at x ≈ 10⁴ eV) and then expanded back to powers of x (binomial theorem).
 * Optional weights w_i multiply the squared residuals. Written here (not ml-regression-polynomial, which is not a
 * dependency) because the fits need an index sub-range, weights and absolute-energy coefficients.
 */
export function polyfit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  degree: number,
  lo = 0,
  hi = x.length,
  weights?: ArrayLike<number>,
): number[] {
  const m = degree + 1;
  if (!Number.isInteger(degree) || degree < 0 || degree > 6)
    fail('invalid-argument', `polynomial degree must be an integer 0…6, got ${degree}`, { field: 'degree' });
  if (hi - lo < m)
    fail('invalid-argument', `a degree-${degree} fit needs ≥ ${m} points, the range has ${hi - lo}`, {
      field: 'range',
    });
  let mean = 0;
  for (let i = lo; i < hi; i++) mean += x[i]!;
  mean /= hi - lo;
  let scale = 0;
  for (let i = lo; i < hi; i++) scale = Math.max(scale, Math.abs(x[i]! - mean));
  if (scale === 0) scale = 1;
  // Normal equations A c = b in t.
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  const pw = new Float64Array(2 * m);
  for (let i = lo; i < hi; i++) {
    const t = (x[i]! - mean) / scale;
    const w = weights ? weights[i]! : 1;
    pw[0] = w;
    for (let k = 1; k < 2 * m; k++) pw[k] = pw[k - 1]! * t;
    for (let r = 0; r < m; r++) {
      b[r]! += pw[r]! * y[i]!;
      for (let c = 0; c < m; c++) a[r * m + c]! += pw[r + c]!;
    }
  }
  const ct = solveDense(a, b, m);
  if (!ct)
    fail('invalid-argument', 'polynomial fit is singular (too few distinct x values)', { field: 'range' });
  // Expand Σ ct_k ((x − mean)/scale)^k into powers of x.
  const out = new Array<number>(m).fill(0);
  for (let k = 0; k < m; k++) {
    const ck = ct[k]! / scale ** k;
    // (x − mean)^k = Σ_j C(k,j) x^j (−mean)^(k−j)
    let binom = 1;
    for (let j = 0; j <= k; j++) {
      out[j]! += ck * binom * (-mean) ** (k - j);
      binom = (binom * (k - j)) / (j + 1);
    }
  }
  return out;
}

/** Value of Σ c_k x^k (Horner). */
export function polyval(c: readonly number[], x: number): number {
  let v = 0;
  for (let k = c.length - 1; k >= 0; k--) v = v * x + c[k]!;
  return v;
}
