import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength } from './checks.js';
import { gradient, savitzkyGolay } from './smooth.js';

export interface FindE0Options {
  /**
   * Smooth the derivative with a Savitzky–Golay filter of this many points (odd, quadratic) before taking its
   * maximum; 0 or undefined = the raw three-point derivative (the Athena/Larch default behaviour).
   */
  readonly smoothPoints?: number;
  /** Search only energies within [min, max] (eV); default the whole scan minus its first and last 2 % of points. */
  readonly searchRange?: readonly [number, number];
}

/**
 * Absorption threshold E0 (eV) as the energy of the maximum of dμ/dE — the convention of Athena/IFEFFIT and Larch
 * (B. Ravel and M. Newville, J. Synchrotron Rad. 12, 537 (2005), §3; Larch manual, "find_e0"). The derivative is the
 * second-order finite difference on the (possibly non-uniform) energy grid.
 *
 * Guard against spurious glitches (a single jumped point gives a huge one-channel derivative): the maximum is taken
 * over points whose derivative stays positive on both neighbours, so an isolated spike (a rise followed by an
 * immediate fall) is skipped; ends of the scan (2 % of points each side) are excluded, where monochromator
 * start-up transients live. The result is refined to sub-grid precision by the vertex of the parabola through the
 * derivative maximum and its two neighbours (clamped to ±half a step).
 */
export function findE0(energy: ArrayLike<number>, mu: ArrayLike<number>, opts: FindE0Options = {}): number {
  checkSameLength(energy, mu, 'mu');
  checkIncreasing(energy);
  const n = energy.length;
  if (n < 5) fail('invalid-argument', `E0 search needs ≥ 5 points, got ${n}`, { field: 'energy' });
  const d =
    opts.smoothPoints && opts.smoothPoints >= 3
      ? savitzkyGolay(energy, mu, { windowSize: opts.smoothPoints, polynomial: 2, derivative: 1 })
      : gradient(energy, mu);
  const skip = Math.max(1, Math.floor(0.02 * n));
  let lo = skip;
  let hi = n - 1 - skip;
  if (opts.searchRange) {
    const [a, b] = opts.searchRange;
    while (lo < hi && energy[lo]! < a) lo++;
    while (hi > lo && energy[hi]! > b) hi--;
  }
  let best = -1;
  for (let i = Math.max(lo, 1); i <= Math.min(hi, n - 2); i++) {
    if (!(d[i - 1]! > 0 && d[i + 1]! > 0)) continue;
    if (best < 0 || d[i]! > d[best]!) best = i;
  }
  if (best < 0) fail('invalid-argument', 'no rising edge found: dμ/dE is never positive', { field: 'mu' });
  // Parabolic refinement on the (possibly non-uniform) grid through (x_{i-1}, d), (x_i, d), (x_{i+1}, d).
  const x0 = energy[best - 1]!;
  const x1 = energy[best]!;
  const x2 = energy[best + 1]!;
  const y0 = d[best - 1]!;
  const y1 = d[best]!;
  const y2 = d[best + 1]!;
  const denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const A = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
  const B = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
  if (A < 0) {
    const v = -B / (2 * A);
    const lim0 = x1 - 0.5 * (x1 - x0);
    const lim1 = x1 + 0.5 * (x2 - x1);
    return Math.min(lim1, Math.max(lim0, v));
  }
  return x1;
}
