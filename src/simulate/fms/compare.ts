/**
 * The spectrum-comparison metric of `../shared/tools/compare_spectra.py` (the acceptance metric of the K-edge
 * engine), re-implemented: each spectrum is put on its edge step (first point 0, mean of the last 20 % = 1);
 * E0 = steepest rise of the reference; the spectrum is shifted rigidly (difference of E0s, then ±20 eV in 0.25 eV
 * steps) to maximise the Pearson correlation of μ over E0 − 10 … E0 + 50 eV of the reference (r_mu); the correlation
 * of first differences over the same window is maximised at its own shift (r_deriv).
 */

function interp(x: number, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - xs[lo]!) / (xs[lo + 1]! - xs[lo]!);
  return ys[lo]! * (1 - t) + ys[lo + 1]! * t;
}

/** Edge-step normalisation: first point 0, mean of the last 20 % of points 1. */
export function edgeStepNormalize(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const k = Math.floor(0.8 * n);
  let tail = 0;
  for (let i = k; i < n; i++) tail += y[i]!;
  tail /= Math.max(1, n - k);
  const base = y[0]!;
  const d = tail - base || 1;
  return Float64Array.from(y, (v) => (v - base) / d);
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / (Math.sqrt(saa * sbb) || 1);
}

/** Energy of the steepest rise (left point of the largest forward difference quotient). */
export function steepestRise(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let best = -Infinity;
  let at = x[0]!;
  for (let i = 0; i + 1 < x.length; i++) {
    const d = (y[i + 1]! - y[i]!) / (x[i + 1]! - x[i]! || 1);
    if (d > best) {
      best = d;
      at = x[i]!;
    }
  }
  return at;
}

/**
 * Edge position of a simulated spectrum: the steepest rise of the edge-step-normalised μ among the points whose
 * photoelectron energy E − E_F lies in [lo, hi] eV (default −5 … 10). Sharp O K spectra (Γ_ch = 0.16 eV) can have a
 * multiple-scattering resonance 15–25 eV above the edge that rises faster than the edge itself; the window keeps
 * the calibration on the edge.
 */
export function edgePosition(
  omega: ArrayLike<number>,
  mu: ArrayLike<number>,
  eRel: ArrayLike<number>,
  lo = -5,
  hi = 10,
): number {
  const y = edgeStepNormalize(mu);
  const idx: number[] = [];
  for (let i = 0; i < omega.length; i++) if (eRel[i]! >= lo && eRel[i]! <= hi) idx.push(i);
  return steepestRise(
    idx.map((i) => omega[i]!),
    idx.map((i) => y[i]!),
  );
}

export interface SpectrumComparison {
  readonly rMu: number;
  /** Shift (eV) added to the reference energies to read the spectrum (spectrum energy = reference energy + shift). */
  readonly shiftMu: number;
  readonly rDeriv: number;
  readonly shiftDeriv: number;
}

/** compare_spectra.py's `compare(sim, ref)`; x arrays strictly increasing (eV). */
export function compareSpectra(
  sx: ArrayLike<number>,
  syRaw: ArrayLike<number>,
  rx: ArrayLike<number>,
  ryRaw: ArrayLike<number>,
): SpectrumComparison {
  const sy = edgeStepNormalize(syRaw);
  const ry = edgeStepNormalize(ryRaw);
  const r0 = steepestRise(rx, ry);
  const s0 = steepestRise(sx, sy);
  const grid = Array.from({ length: 241 }, (_, i) => r0 - 10 + 0.25 * i);
  const b = grid.map((e) => interp(e, rx, ry));
  const db = b.slice(1).map((v, i) => v - b[i]!);
  let best = { rMu: -2, shiftMu: 0, rDeriv: -2, shiftDeriv: 0 };
  for (let k = -80; k <= 80; k++) {
    const sh = s0 - r0 + 0.25 * k;
    const a = grid.map((e) => interp(e + sh, sx, sy));
    const da = a.slice(1).map((v, i) => v - a[i]!);
    const rm = pearson(a, b);
    const rd = pearson(da, db);
    if (rm > best.rMu) best = { ...best, rMu: rm, shiftMu: sh };
    if (rd > best.rDeriv) best = { ...best, rDeriv: rd, shiftDeriv: sh };
  }
  return best;
}

/**
 * White line of a K edge: the largest μ among the points with E − E_F below `maxRel` eV, its height, and its photon
 * energy refined by the vertex of the parabola through that point and its two neighbours (so a peak between grid
 * points is located to a fraction of the step). Where that point is not a local maximum (a grid end, or a window
 * that ends on the rising edge) the grid point itself is returned.
 */
export function whiteLine(
  eRel: ArrayLike<number>,
  omega: ArrayLike<number>,
  mu: ArrayLike<number>,
  maxRel = 15,
): { height: number; at: number } {
  let k = -1;
  for (let i = 0; i < mu.length; i++) if (eRel[i]! < maxRel && (k < 0 || mu[i]! > mu[k]!)) k = i;
  if (k < 0) return { height: Number.NaN, at: Number.NaN };
  // not an interior local maximum (grid end, or the window cut a rising edge): the grid point itself
  if (k === 0 || k === mu.length - 1 || mu[k + 1]! > mu[k]! || mu[k - 1]! > mu[k]!)
    return { height: mu[k]!, at: omega[k]! };
  const [x0, x1, x2] = [omega[k - 1]!, omega[k]!, omega[k + 1]!];
  const d1 = (mu[k]! - mu[k - 1]!) / (x1 - x0);
  const d2 = (mu[k + 1]! - mu[k]!) / (x2 - x1);
  const curvature = (d2 - d1) / (x2 - x0);
  return { height: mu[k]!, at: curvature < 0 ? (x0 + x1) / 2 - d1 / (2 * curvature) : x1 };
}

export { interp as linearInterpolate };
