import { sgg } from 'ml-savitzky-golay-generalized';
import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength } from './checks.js';

export interface SavitzkyGolayOptions {
  /** Window length in points (odd, ≥ polynomial + 2; default 9). */
  readonly windowSize?: number;
  /** Degree of the local polynomial (default 3). */
  readonly polynomial?: number;
  /** 0 = smoothed values (default), 1 = first derivative dy/dx (per eV), 2 = second derivative. */
  readonly derivative?: number;
}

/**
 * Savitzky–Golay smoothing / differentiation (A. Savitzky and M. J. E. Golay, Anal. Chem. 36, 1627 (1964)), in the
 * generalized form for non-uniform x of `ml-savitzky-golay-generalized` (local least-squares polynomial in x).
 */
export function savitzkyGolay(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: SavitzkyGolayOptions = {},
): Float64Array {
  checkSameLength(x, y);
  checkIncreasing(x);
  const windowSize = opts.windowSize ?? 9;
  const polynomial = opts.polynomial ?? 3;
  const derivative = opts.derivative ?? 0;
  if (!Number.isInteger(windowSize) || windowSize % 2 === 0 || windowSize < 3)
    fail('invalid-argument', `windowSize must be an odd integer ≥ 3, got ${windowSize}`, {
      field: 'windowSize',
    });
  if (!Number.isInteger(polynomial) || polynomial < 1 || polynomial >= windowSize - 1)
    fail('invalid-argument', `polynomial must be 1…windowSize−2, got ${polynomial}`, { field: 'polynomial' });
  if (y.length < windowSize)
    fail('invalid-argument', `Savitzky–Golay needs ≥ ${windowSize} points, got ${y.length}`, {
      field: 'windowSize',
    });
  return Float64Array.from(sgg(Array.from(y), Array.from(x), { windowSize, polynomial, derivative }));
}

/**
 * Derivative dy/dx on a non-uniform grid by second-order finite differences (the three-point formula with unequal
 * spacing in the interior, one-sided first-order differences at the ends).
 */
export function gradient(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  checkSameLength(x, y);
  const n = x.length;
  const d = new Float64Array(n);
  if (n < 2) return d;
  d[0] = (y[1]! - y[0]!) / (x[1]! - x[0]!);
  d[n - 1] = (y[n - 1]! - y[n - 2]!) / (x[n - 1]! - x[n - 2]!);
  for (let i = 1; i < n - 1; i++) {
    const h1 = x[i]! - x[i - 1]!;
    const h2 = x[i + 1]! - x[i]!;
    d[i] = (h1 * h1 * y[i + 1]! - h2 * h2 * y[i - 1]! + (h2 * h2 - h1 * h1) * y[i]!) / (h1 * h2 * (h1 + h2));
  }
  return d;
}
