import { fail } from '../core/errors.js';

/** Shared argument checks for the preprocessing functions (throw `invalid-argument` naming the offending field). */

export function checkSameLength(x: ArrayLike<number>, y: ArrayLike<number>, field = 'intensity'): void {
  if (x.length !== y.length)
    fail('invalid-argument', `energy has ${x.length} points but ${field} has ${y.length}`, { field });
}

/** Energy axis must be finite and strictly increasing (the Spectrum model's invariant). */
export function checkIncreasing(x: ArrayLike<number>, field = 'energy'): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) fail('invalid-argument', `${field}[${i}] is not finite`, { field });
    if (i > 0 && !(x[i]! > x[i - 1]!))
      fail(
        'invalid-argument',
        `${field} must be strictly increasing (index ${i}: ${x[i]} after ${x[i - 1]})`,
        {
          field,
        },
      );
  }
}

export function checkPositive(value: number, field: string): void {
  if (!(Number.isFinite(value) && value > 0))
    fail('invalid-argument', `${field} must be a positive number, got ${value}`, { field });
}

/** Index of the first element ≥ v in a sorted array (binary search); n if none. */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Half-open index range [lo, hi) of the points with from ≤ x ≤ to in a sorted array. */
export function indexRange(x: ArrayLike<number>, from: number, to: number): [number, number] {
  const lo = lowerBound(x, from);
  let hi = lowerBound(x, to);
  if (hi < x.length && x[hi]! <= to) hi++;
  return [lo, hi];
}

/** Trapezoid-rule quadrature weights w with Σ w_i y_i = ∫ y dx over the whole axis. */
export function trapezoidWeights(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const w = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) {
    const h = (x[i + 1]! - x[i]!) / 2;
    w[i]! += h;
    w[i + 1]! += h;
  }
  return w;
}
