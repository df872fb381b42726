import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength } from './checks.js';
import { interpLinear, resample } from './resample.js';

/**
 * Alignment of a spectrum y(E) to a reference r(E): the energy shift s (eV) such that y(E − s) best matches r(E),
 * i.e. add s to y's energy axis to align it. Both spectra are first put on a common uniform grid (the overlap of
 * the two axes, spacing `step` eV, default the finer of the two median spacings). Written here: the mljs packages
 * offer no sub-channel shift estimator.
 */
export interface AlignOptions {
  /** Largest shift searched, eV (default 10). */
  readonly maxShift?: number;
  /** Grid spacing for the comparison, eV. */
  readonly step?: number;
}

/**
 * Shift by cross-correlation: maximise C(s) = Σ_E r̃(E) ỹ(E − s) over s on the grid (mean-removed spectra), refined
 * to sub-channel precision by the vertex of the parabola through the maximum and its neighbours.
 */
export function shiftByCrossCorrelation(
  refEnergy: ArrayLike<number>,
  ref: ArrayLike<number>,
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: AlignOptions = {},
): number {
  const { grid, r, z, step } = commonGrid(refEnergy, ref, energy, y, opts.step);
  const maxLag = Math.min(Math.round((opts.maxShift ?? 10) / step), Math.floor(grid.length / 2));
  const rm = demean(r);
  const zm = demean(z);
  const cc = (lag: number): number => {
    // C(lag) = Σ_i r(i) z(i − lag), normalised by the overlap length.
    let s = 0;
    let n = 0;
    for (let i = Math.max(0, lag); i < Math.min(grid.length, grid.length + lag); i++) {
      s += rm[i]! * zm[i - lag]!;
      n++;
    }
    return n > 0 ? s / n : Number.NEGATIVE_INFINITY;
  };
  let best = 0;
  let bestVal = Number.NEGATIVE_INFINITY;
  const vals = new Map<number, number>();
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const v = cc(lag);
    vals.set(lag, v);
    if (v > bestVal) {
      bestVal = v;
      best = lag;
    }
  }
  let frac = 0;
  if (Math.abs(best) < maxLag) {
    const a = vals.get(best - 1)!;
    const c = vals.get(best + 1)!;
    const den = a - 2 * bestVal + c;
    if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  }
  return (best + frac) * step;
}

/**
 * Least-squares shift: minimise Σ_E [r(E) − a·y(E − s) − b]² over s (golden-section search in a ±1 grid-step
 * bracket around the cross-correlation estimate, scale a and offset b solved linearly at each s). Returns s (eV) and
 * the fitted scale a and offset b.
 */
export function shiftByLeastSquares(
  refEnergy: ArrayLike<number>,
  ref: ArrayLike<number>,
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: AlignOptions = {},
): { shift: number; scale: number; offset: number; rms: number } {
  const s0 = shiftByCrossCorrelation(refEnergy, ref, energy, y, opts);
  const { grid, r, step } = commonGrid(refEnergy, ref, energy, y, opts.step);
  const cost = (s: number): { c: number; a: number; b: number } => {
    // y(E − s) on the grid, only where defined.
    let n = 0;
    let sy = 0;
    let sr = 0;
    let syy = 0;
    let syr = 0;
    const ys = new Float64Array(grid.length);
    for (let i = 0; i < grid.length; i++) {
      const v = interpLinear(energy, y, grid[i]! - s);
      ys[i] = v;
      if (!Number.isFinite(v)) continue;
      n++;
      sy += v;
      sr += r[i]!;
      syy += v * v;
      syr += v * r[i]!;
    }
    if (n < 3) return { c: Number.POSITIVE_INFINITY, a: 0, b: 0 };
    const det = n * syy - sy * sy;
    const a = det !== 0 ? (n * syr - sy * sr) / det : 0;
    const b = (sr - a * sy) / n;
    let c = 0;
    for (let i = 0; i < grid.length; i++) {
      const v = ys[i]!;
      if (!Number.isFinite(v)) continue;
      c += (r[i]! - a * v - b) ** 2;
    }
    return { c: c / n, a, b };
  };
  let lo = s0 - step;
  let hi = s0 + step;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = cost(x1).c;
  let f2 = cost(x2).c;
  for (let it = 0; it < 50 && hi - lo > 1e-6 * step; it++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = cost(x1).c;
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = cost(x2).c;
    }
  }
  const shift = 0.5 * (lo + hi);
  const best = cost(shift);
  return { shift, scale: best.a, offset: best.b, rms: Math.sqrt(best.c) };
}

/** Apply a shift: the spectrum y on axis E + shift (a fresh axis; intensities unchanged). */
export function shiftAxis(energy: ArrayLike<number>, shift: number): Float64Array {
  return Float64Array.from(energy, (e) => e + shift);
}

function demean(a: Float64Array): Float64Array {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  return a.map((v) => v - m);
}

function medianStep(x: ArrayLike<number>): number {
  const d: number[] = [];
  for (let i = 1; i < x.length; i++) d.push(x[i]! - x[i - 1]!);
  d.sort((a, b) => a - b);
  return d[d.length >> 1]!;
}

function commonGrid(
  refEnergy: ArrayLike<number>,
  ref: ArrayLike<number>,
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  step?: number,
): { grid: Float64Array; r: Float64Array; z: Float64Array; step: number } {
  checkSameLength(refEnergy, ref, 'reference');
  checkSameLength(energy, y);
  checkIncreasing(refEnergy, 'referenceEnergy');
  checkIncreasing(energy);
  const h = step ?? Math.min(medianStep(refEnergy), medianStep(energy));
  const from = Math.max(refEnergy[0]!, energy[0]!);
  const to = Math.min(refEnergy[refEnergy.length - 1]!, energy[energy.length - 1]!);
  if (!(to > from + 4 * h))
    fail('invalid-argument', 'the spectra do not overlap enough in energy to align them', {
      field: 'energy',
    });
  const n = Math.floor((to - from) / h) + 1;
  const grid = Float64Array.from({ length: n }, (_, i) => from + i * h);
  return { grid, r: resample(refEnergy, ref, grid), z: resample(energy, y, grid), step: h };
}

/**
 * Linear energy-axis calibration from two reference features (EELS: the ZLP and a known edge onset, e.g. O K at
 * 532 eV; XAS: a foil edge measured with two features): E′ = A + B·E with B = (T₂ − T₁)/(M₂ − M₁) and
 * A = T₁ − B·M₁, mapping the measured positions M to the true ones T (eV). Corrects both offset and dispersion.
 */
export function calibrateTwoPoint(
  energy: ArrayLike<number>,
  measured: readonly [number, number],
  truth: readonly [number, number],
): { energy: Float64Array; offset: number; scale: number } {
  const [m1, m2] = measured;
  const [t1, t2] = truth;
  if (!(Number.isFinite(m1) && Number.isFinite(m2) && m1 !== m2))
    fail('invalid-argument', 'the two measured positions must differ', { field: 'measured' });
  const scale = (t2 - t1) / (m2 - m1);
  if (!(scale > 0)) fail('invalid-argument', 'calibration would reverse the axis', { field: 'truth' });
  const offset = t1 - scale * m1;
  return { energy: Float64Array.from(energy, (e) => offset + scale * e), offset, scale };
}
