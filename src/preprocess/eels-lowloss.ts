import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength } from './checks.js';

/**
 * Zero-loss peak (ZLP) measurements on a low-loss EELS spectrum (energy loss in eV, counts per channel).
 * References: R. F. Egerton, *Electron Energy-Loss Spectroscopy in the Electron Microscope*, 3rd ed. (2011),
 * §4.1 (energy calibration on the ZLP), §5.1 (log-ratio thickness).
 */

/** Channel of the ZLP maximum: the largest count within ±`window` eV of nominal zero (default ±10 eV; whole
 * spectrum if none of it lies there). */
export function zlpPeakIndex(energy: ArrayLike<number>, intensity: ArrayLike<number>, window = 10): number {
  checkSameLength(energy, intensity);
  if (energy.length === 0) fail('invalid-argument', 'empty spectrum', { field: 'intensity' });
  let best = -1;
  for (let i = 0; i < energy.length; i++) {
    if (Math.abs(energy[i]!) > window) continue;
    if (best < 0 || intensity[i]! > intensity[best]!) best = i;
  }
  if (best < 0)
    for (let i = 0; i < energy.length; i++) if (best < 0 || intensity[i]! > intensity[best]!) best = i;
  return best;
}

/**
 * ZLP centre (eV) to sub-channel precision: vertex of the parabola through the maximum channel and its two
 * neighbours (exact for a Gaussian sampled finely enough near its top, to ≲ 0.05 channel for FWHM ≥ 3 channels).
 */
export function zlpCentre(energy: ArrayLike<number>, intensity: ArrayLike<number>, window = 10): number {
  const i = zlpPeakIndex(energy, intensity, window);
  if (i === 0 || i === energy.length - 1) return energy[i]!;
  const ym = intensity[i - 1]!;
  const y0 = intensity[i]!;
  const yp = intensity[i + 1]!;
  const den = ym - 2 * y0 + yp;
  const delta = den < 0 ? (0.5 * (ym - yp)) / den : 0;
  const h = delta >= 0 ? energy[i + 1]! - energy[i]! : energy[i]! - energy[i - 1]!;
  return energy[i]! + Math.max(-0.5, Math.min(0.5, delta)) * h;
}

/** Full width at half maximum of the ZLP (eV), half-maximum crossings by linear interpolation. */
export function zlpFwhm(energy: ArrayLike<number>, intensity: ArrayLike<number>, window = 10): number {
  const p = zlpPeakIndex(energy, intensity, window);
  const half = intensity[p]! / 2;
  let l = p;
  while (l > 0 && intensity[l]! > half) l--;
  let r = p;
  while (r < energy.length - 1 && intensity[r]! > half) r++;
  if (intensity[l]! > half || intensity[r]! > half)
    fail('invalid-argument', 'the ZLP does not fall to half maximum inside the spectrum', {
      field: 'intensity',
    });
  const cross = (a: number, b: number): number =>
    energy[a]! + ((half - intensity[a]!) / (intensity[b]! - intensity[a]!)) * (energy[b]! - energy[a]!);
  return cross(r - 1, r) - cross(l, l + 1);
}

/**
 * Last channel of the ZLP (inclusive): the given threshold energy (eV), or else the first local minimum after the
 * ZLP maximum (Egerton §5.1.1: the elastic intensity I0 is integrated up to the minimum between the ZLP and the
 * first inelastic feature). So that a single noisy channel cannot end the ZLP early, the minimum is looked for on
 * the counts smoothed by a moving average about half a ZLP FWHM wide (odd, ≥ 3 channels), then refined to the
 * lowest raw channel within that window.
 */
export function zlpEndIndex(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  threshold?: number,
  window = 10,
): number {
  const p = zlpPeakIndex(energy, intensity, window);
  const n = energy.length;
  if (threshold !== undefined) {
    let i = p;
    while (i + 1 < n && energy[i + 1]! <= threshold) i++;
    return i;
  }
  let w = 3;
  try {
    const step = (energy[n - 1]! - energy[0]!) / (n - 1);
    w = Math.max(3, 2 * Math.floor(zlpFwhm(energy, intensity, window) / step / 4) + 1);
  } catch {
    // ZLP without a measurable FWHM: fall back to 3 channels
  }
  const h = (w - 1) / 2;
  const smooth = (i: number): number => {
    let s = 0;
    let c = 0;
    for (let k = Math.max(0, i - h); k <= Math.min(n - 1, i + h); k++) {
      s += intensity[k]!;
      c++;
    }
    return s / c;
  };
  let i = p;
  let cur = smooth(i);
  // climb to the maximum of the smoothed ZLP, then descend to the first minimum after it
  while (i + 1 < n && smooth(i + 1) >= cur) cur = smooth(++i);
  while (i + 1 < n) {
    const next = smooth(i + 1);
    if (!(next < cur)) break;
    i++;
    cur = next;
  }
  let best = i;
  for (let k = Math.max(p, i - h); k <= Math.min(n - 1, i + h); k++)
    if (intensity[k]! < intensity[best]!) best = k;
  return best;
}

/** I0: counts in the ZLP, from the first channel through `zlpEndIndex`. */
export function zlpIntensity(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  threshold?: number,
): number {
  const end = zlpEndIndex(energy, intensity, threshold);
  let s = 0;
  for (let i = 0; i <= end; i++) s += intensity[i]!;
  return s;
}

/**
 * Relative thickness t/λ by the log-ratio method, t/λ = ln(I_t/I_0) (Egerton §5.1.1, Eq. 5.1), with I_t the total
 * counts of the low-loss spectrum and I_0 the ZLP counts (see `zlpIntensity`). The low-loss spectrum must extend
 * far enough (≳ 5 plasmon energies) for I_t to approximate the total.
 */
export function thicknessLogRatio(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: { threshold?: number } = {},
): { tOverLambda: number; i0: number; total: number } {
  checkSameLength(energy, intensity);
  checkIncreasing(energy);
  const i0 = zlpIntensity(energy, intensity, opts.threshold);
  let total = 0;
  for (let i = 0; i < intensity.length; i++) total += intensity[i]!;
  if (!(i0 > 0 && total >= i0))
    fail('invalid-argument', `bad ZLP/total counts (I0 = ${i0}, It = ${total})`, { field: 'intensity' });
  return { tOverLambda: Math.log(total / i0), i0, total };
}

/**
 * Energy calibration on the ZLP (Egerton §4.1): shift the axis so the ZLP centre sits at 0 eV.
 * Returns the corrected axis and the shift applied (eV; new = old − shift).
 */
export function calibrateOnZlp(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
): { energy: Float64Array; shift: number } {
  checkIncreasing(energy);
  const shift = zlpCentre(energy, intensity);
  return { energy: Float64Array.from(energy, (e) => e - shift), shift };
}
