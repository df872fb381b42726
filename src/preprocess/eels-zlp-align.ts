import type { SpectrumImage } from '../spectrum/types.js';
import { zlpCentre } from './eels-lowloss.js';
import { interpLinear } from './resample.js';
import { imageEnergyAxis, pixelCount } from '../spectrum/spectrum.js';
import { pixelIntensity } from './spectrum-image.js';

/**
 * Zero-loss alignment of a spectrum image (Egerton 2011, §4.1: the ZLP drifts with the high-tension and the scan
 * (de-scan) across a map; each pixel is re-calibrated so its ZLP centre sits at 0 eV). Every pixel's ZLP centre c_p
 * is measured on the low-loss SI (`zlpCentre`) and the pixel's spectrum re-sampled as y_p(E + c_p) on the common
 * axis (linear interpolation; channels that fall outside the recorded range become 0). A simultaneously recorded
 * core-loss SI (dual EELS) is shifted by the same c_p.
 */
export interface ZlpAlignment {
  /** Per-pixel ZLP centre before alignment (eV). */
  readonly shifts: Float64Array;
  readonly low: SpectrumImage;
  readonly core?: SpectrumImage;
}

export function alignZeroLossImage(low: SpectrumImage, core?: SpectrumImage): ZlpAlignment {
  const n = pixelCount(low);
  const eLow = imageEnergyAxis(low);
  const shifts = new Float64Array(n);
  for (let p = 0; p < n; p++) shifts[p] = zlpCentre(eLow, pixelIntensity(low, p));
  const out: ZlpAlignment = { shifts, low: shiftPixels(low, shifts) };
  return core ? { ...out, core: shiftPixels(core, shifts) } : out;
}

/** Shift every pixel p of an SI by −shifts[p] eV on its fixed axis: out_p(E) = y_p(E + shifts[p]). */
export function shiftPixels(si: SpectrumImage, shifts: ArrayLike<number>): SpectrumImage {
  const e = imageEnergyAxis(si);
  const c = si.channels;
  const n = pixelCount(si);
  const data = new Float64Array(n * c);
  for (let p = 0; p < n; p++) {
    const y = pixelIntensity(si, p);
    const s = shifts[p]!;
    for (let k = 0; k < c; k++) {
      const v = interpLinear(e, y, e[k]! + s);
      data[p * c + k] = Number.isFinite(v) ? v : 0;
    }
  }
  return { ...si, data };
}
