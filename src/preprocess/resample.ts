import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength, lowerBound } from './checks.js';

/**
 * Resampling of a spectrum y(x) onto another energy grid (eV).
 *
 * Written here rather than with `xyEquallySpaced` from ml-spectra-processing because that function only builds
 * *uniform* grids from (from, to, numberOfPoints) and returns number[]; simulated and measured spectra must be put
 * on arbitrary, caller-given grids (e.g. a measured axis). For uniform grids `integrate` agrees with its 'smooth'
 * variant (checked in resample.test.ts).
 */
export interface ResampleOptions {
  /**
   * 'linear' (default): piecewise-linear interpolation at each grid point — right for grids as fine as or finer than
   * the data. 'integrate': the mean of the piecewise-linear y(x) over each grid cell [midpoint to previous point,
   * midpoint to next point] — right for coarser grids (a binning that conserves area, no aliasing of sharp features).
   */
  readonly mode?: 'linear' | 'integrate';
  /** Value for grid points outside [x₀, x_last] (default NaN; 'edge' repeats the end value). */
  readonly fill?: number | 'edge';
}

export function resample(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  grid: ArrayLike<number>,
  opts: ResampleOptions = {},
): Float64Array {
  checkSameLength(x, y);
  checkIncreasing(x);
  checkIncreasing(grid, 'grid');
  if (x.length < 2) fail('invalid-argument', 'resampling needs at least 2 points', { field: 'energy' });
  return (opts.mode ?? 'linear') === 'linear'
    ? resampleLinear(x, y, grid, opts.fill ?? Number.NaN)
    : resampleIntegrate(x, y, grid, opts.fill ?? Number.NaN);
}

/** Piecewise-linear interpolation of y(x) at xi (x strictly increasing, not checked). */
export function interpLinear(x: ArrayLike<number>, y: ArrayLike<number>, xi: number): number {
  const n = x.length;
  if (xi <= x[0]!) return xi === x[0]! ? y[0]! : Number.NaN;
  if (xi >= x[n - 1]!) return xi === x[n - 1]! ? y[n - 1]! : Number.NaN;
  const j = lowerBound(x, xi); // x[j-1] < xi ≤ x[j]
  const t = (xi - x[j - 1]!) / (x[j]! - x[j - 1]!);
  return y[j - 1]! + t * (y[j]! - y[j - 1]!);
}

function resampleLinear(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  grid: ArrayLike<number>,
  fill: number | 'edge',
): Float64Array {
  const n = x.length;
  const out = new Float64Array(grid.length);
  let j = 1;
  for (let i = 0; i < grid.length; i++) {
    const g = grid[i]!;
    if (g < x[0]! || g > x[n - 1]!) {
      out[i] = fill === 'edge' ? (g < x[0]! ? y[0]! : y[n - 1]!) : fill;
      continue;
    }
    while (j < n - 1 && x[j]! < g) j++;
    const t = (g - x[j - 1]!) / (x[j]! - x[j - 1]!);
    out[i] = y[j - 1]! + t * (y[j]! - y[j - 1]!);
  }
  return out;
}

/** ∫_{x0}^{b} y dx of the piecewise-linear interpolant, for b inside [x0, x_last]; `cum` holds ∫ up to each x_i. */
function cumulativeAt(x: ArrayLike<number>, y: ArrayLike<number>, cum: Float64Array, b: number): number {
  const j = Math.max(1, Math.min(x.length - 1, lowerBound(x, b)));
  const h = b - x[j - 1]!;
  const slope = (y[j]! - y[j - 1]!) / (x[j]! - x[j - 1]!);
  return cum[j - 1]! + h * (y[j - 1]! + 0.5 * slope * h);
}

function resampleIntegrate(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  grid: ArrayLike<number>,
  fill: number | 'edge',
): Float64Array {
  const n = x.length;
  const cum = new Float64Array(n);
  for (let i = 1; i < n; i++) cum[i] = cum[i - 1]! + 0.5 * (x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!);
  const m = grid.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const g = grid[i]!;
    if (g < x[0]! || g > x[n - 1]!) {
      out[i] = fill === 'edge' ? (g < x[0]! ? y[0]! : y[n - 1]!) : fill;
      continue;
    }
    // Cell edges: midpoints to the neighbouring grid points (the cell of an end point is the half cell inside),
    // clipped to the data range.
    const a = Math.max(x[0]!, i > 0 ? 0.5 * (grid[i - 1]! + g) : g);
    const b = Math.min(x[n - 1]!, i < m - 1 ? 0.5 * (g + grid[i + 1]!) : g);
    if (b - a <= 0) {
      out[i] = interpLinear(x, y, g);
      continue;
    }
    out[i] = (cumulativeAt(x, y, cum, b) - cumulativeAt(x, y, cum, a)) / (b - a);
  }
  return out;
}

/** A uniform grid from `from` to `to` (inclusive, eV) with spacing `step` (eV); the last point is ≤ to. */
export function uniformGrid(from: number, to: number, step: number): Float64Array {
  if (!(step > 0) || !(to >= from))
    fail('invalid-argument', `bad grid ${from}…${to} step ${step}`, { field: 'grid' });
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = from + i * step;
  return g;
}
