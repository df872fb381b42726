import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength, indexRange } from './checks.js';

/**
 * EELS pre-edge background as a power law I(E) = A·E^−r fitted over a window [from, to] (energy loss, eV) just
 * below an edge and extrapolated under it (R. F. Egerton, *Electron Energy-Loss Spectroscopy in the Electron
 * Microscope*, 3rd ed., Springer 2011, §4.4.2):
 *
 *  - 'log-lsq' (default): linear least squares of ln I against ln E over the window (Egerton §4.4.2, the "log–log"
 *    fit), every channel weighted equally in log space. Channels with I ≤ 0 carry no logarithm and are skipped.
 *  - 'two-area': Egerton's two-area method (§4.4.2, Eq. 4.64): the window is split into two halves of equal width
 *    with integrals I₁ over (ε₁, ε₂) and I₂ over (ε₂, ε₃); r = 2·ln(I₁/I₂)/ln(ε₃/ε₁) and
 *    A = (1 − r)(I₁ + I₂)/(ε₃^(1−r) − ε₁^(1−r)). Fast and robust for low counts. The integrals use per-channel
 *    counts (I·ΔE), so counts per channel of constant width are the intensity per eV times ΔE.
 *
 * Intensities are counts per channel on a uniform or non-uniform axis; the returned background is on the same
 * scale. Energies must be positive losses (the power law is undefined at E ≤ 0).
 */
export interface PowerLawOptions {
  /** Fit window, energy loss in eV (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly method?: 'log-lsq' | 'two-area';
}

export interface PowerLawFit {
  /** I(E) = A·E^−r, I in the input's units, E in eV. */
  readonly A: number;
  readonly r: number;
  /** Channels used in the fit. */
  readonly points: number;
}

export function fitPowerLaw(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: PowerLawOptions,
): PowerLawFit {
  checkSameLength(energy, intensity);
  const { from, to } = opts;
  if (!(from > 0 && to > from))
    fail('invalid-argument', `background window must satisfy 0 < from < to, got ${from}…${to} eV`, {
      field: 'from',
    });
  const [lo, hi] = indexRange(energy, from, to);
  if (hi - lo < 3)
    fail('invalid-argument', `background window ${from}…${to} eV holds ${hi - lo} channel(s), need ≥ 3`, {
      field: 'from',
    });
  return (opts.method ?? 'log-lsq') === 'log-lsq'
    ? fitLogLsq(energy, intensity, lo, hi)
    : fitTwoArea(energy, intensity, lo, hi);
}

function fitLogLsq(e: ArrayLike<number>, y: ArrayLike<number>, lo: number, hi: number): PowerLawFit {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = lo; i < hi; i++) {
    if (!(y[i]! > 0)) continue;
    const lx = Math.log(e[i]!);
    const ly = Math.log(y[i]!);
    n++;
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  if (n < 3)
    fail('invalid-argument', 'background window has fewer than 3 positive channels', { field: 'intensity' });
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const icpt = (sy - slope * sx) / n;
  return { A: Math.exp(icpt), r: -slope, points: n };
}

function fitTwoArea(e: ArrayLike<number>, y: ArrayLike<number>, lo: number, hi: number): PowerLawFit {
  // Channel boundaries: each channel i covers [e_i − Δ/2, e_i + Δ/2]; split the channels into two equal halves.
  const nch = hi - lo;
  const half = Math.floor(nch / 2);
  const start = lo + (nch - 2 * half); // drop the first channel if odd so both halves are equal
  const width = (i: number): number => (i + 1 < e.length ? e[i + 1]! - e[i]! : e[i]! - e[i - 1]!);
  let i1 = 0;
  let i2 = 0;
  for (let i = start; i < start + half; i++) i1 += y[i]!;
  for (let i = start + half; i < hi; i++) i2 += y[i]!;
  const e1 = e[start]! - 0.5 * width(start);
  const e3 = e[hi - 1]! + 0.5 * width(hi - 1);
  if (!(i1 > 0 && i2 > 0 && e1 > 0))
    fail('invalid-argument', 'two-area background needs positive integrals and energies', {
      field: 'intensity',
    });
  const r = (2 * Math.log(i1 / i2)) / Math.log(e3 / e1);
  // Channel sums approximate ∫ I'(E) dE with I' per eV: A' = (1 − r)(I₁ + I₂)/(ε₃^(1−r) − ε₁^(1−r)). The
  // returned amplitude is per channel (A = A'·ΔE, ΔE the mean channel width) so it is on the input's scale.
  const de = (e3 - e1) / (2 * half);
  const A = ((1 - r) * (i1 + i2) * de) / (e3 ** (1 - r) - e1 ** (1 - r));
  return { A, r, points: 2 * half };
}

/** A·E^−r on the given axis (0 where E ≤ 0). */
export function powerLawCurve(energy: ArrayLike<number>, fit: Pick<PowerLawFit, 'A' | 'r'>): Float64Array {
  const out = new Float64Array(energy.length);
  for (let i = 0; i < energy.length; i++) {
    const e = energy[i]!;
    out[i] = e > 0 ? fit.A * e ** -fit.r : 0;
  }
  return out;
}

export interface BackgroundSubtraction {
  readonly fit: PowerLawFit;
  readonly background: Float64Array;
  /** Intensity minus background. */
  readonly signal: Float64Array;
}

/** Fit a power law over the window and subtract it from the whole spectrum. */
export function removePowerLawBackground(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: PowerLawOptions,
): BackgroundSubtraction {
  checkIncreasing(energy);
  const fit = fitPowerLaw(energy, intensity, opts);
  const background = powerLawCurve(energy, fit);
  const signal = new Float64Array(energy.length);
  for (let i = 0; i < signal.length; i++) signal[i] = intensity[i]! - background[i]!;
  return { fit, background, signal };
}
