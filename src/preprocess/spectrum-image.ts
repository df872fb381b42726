import { fail } from '../core/errors.js';
import { imageEnergyAxis, pixelCount } from '../spectrum/spectrum.js';
import type { SpectrumImage } from '../spectrum/types.js';

/**
 * Spectrum-image (SI) operations. Data layout as in `SpectrumImage`: row-major navigation, channel index fastest,
 * data[(iy·nx + ix)·channels + ic]. Functions return fresh images (Float64Array data) and never modify the input.
 */

/**
 * Navigation binning: sum (or mean) the spectra in blocks of `factors` pixels along each navigation axis (same
 * order as navShape). Incomplete blocks at the far edges are dropped, as in detector binning. Raises counts per
 * spectrum (signal-to-noise ∝ √(block size) for Poisson data) at the cost of spatial resolution.
 */
export function binNavigation(
  si: SpectrumImage,
  factors: readonly number[],
  mode: 'sum' | 'mean' = 'sum',
): SpectrumImage {
  const nd = si.navShape.length;
  if (factors.length !== nd)
    fail('invalid-argument', `need ${nd} binning factors (one per navigation axis), got ${factors.length}`, {
      field: 'factors',
    });
  for (const f of factors)
    if (!(Number.isInteger(f) && f >= 1))
      fail('invalid-argument', `binning factors must be positive integers, got ${f}`, { field: 'factors' });
  const outShape = si.navShape.map((n, d) => Math.floor(n / factors[d]!));
  if (outShape.some((n) => n === 0))
    fail(
      'invalid-argument',
      `binning ${factors.join('×')} is larger than the image ${si.navShape.join('×')}`,
      {
        field: 'factors',
      },
    );
  const c = si.channels;
  const outPixels = outShape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(outPixels * c);
  const inStrides = strides(si.navShape);
  const outStrides = strides(outShape);
  const blockSize = factors.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  const total = pixelCount(si);
  for (let p = 0; p < total; p++) {
    // unravel p
    let rem = p;
    let q = 0;
    let inside = true;
    for (let d = 0; d < nd; d++) {
      idx[d] = Math.floor(rem / inStrides[d]!);
      rem -= idx[d]! * inStrides[d]!;
      const o = Math.floor(idx[d]! / factors[d]!);
      if (o >= outShape[d]!) inside = false;
      q += o * outStrides[d]!;
    }
    if (!inside) continue;
    const src = p * c;
    const dst = q * c;
    for (let k = 0; k < c; k++) out[dst + k]! += si.data[src + k]!;
  }
  if (mode === 'mean') for (let i = 0; i < out.length; i++) out[i]! /= blockSize;
  return {
    ...si,
    navShape: outShape,
    data: out,
    navAxes: si.navAxes.map((a, d) => ({
      ...a,
      offset: a.offset + (a.scale * (factors[d]! - 1)) / 2,
      scale: a.scale * factors[d]!,
    })),
  };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/**
 * Sum of the spectra of the pixels selected by `mask` (length = pixel count, non-zero = included) or by an
 * inclusive rectangle {x0, x1, y0, y1} on a 2-D navigation (x the fast axis). Returns counts per channel.
 */
export function regionSum(
  si: SpectrumImage,
  region: ArrayLike<number> | { x0: number; x1: number; y0: number; y1: number },
): { intensity: Float64Array; pixels: number } {
  const c = si.channels;
  const n = pixelCount(si);
  let mask: ArrayLike<number>;
  if ('x0' in region) {
    if (si.navShape.length !== 2)
      fail('invalid-argument', 'a rectangle needs a 2-D navigation shape', { field: 'region' });
    const [ny, nx] = si.navShape as [number, number];
    const { x0, x1, y0, y1 } = region;
    if (!(0 <= x0 && x0 <= x1 && x1 < nx && 0 <= y0 && y0 <= y1 && y1 < ny))
      fail('invalid-argument', `rectangle x ${x0}…${x1}, y ${y0}…${y1} is outside ${nx}×${ny}`, {
        field: 'region',
      });
    const m = new Uint8Array(n);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m[y * nx + x] = 1;
    mask = m;
  } else {
    mask = region;
    if (mask.length !== n)
      fail('invalid-argument', `mask has ${mask.length} entries, the image has ${n} pixels`, {
        field: 'region',
      });
  }
  const out = new Float64Array(c);
  let pixels = 0;
  for (let p = 0; p < n; p++) {
    if (!mask[p]) continue;
    pixels++;
    const src = p * c;
    for (let k = 0; k < c; k++) out[k]! += si.data[src + k]!;
  }
  return { intensity: out, pixels };
}

/** The intensities of one pixel (flat index), copied (`pixelSpectrum` of the spectrum layer gives a Spectrum). */
export function pixelIntensity(si: SpectrumImage, pixel: number): Float64Array {
  const c = si.channels;
  if (!(Number.isInteger(pixel) && pixel >= 0 && pixel < pixelCount(si)))
    fail('invalid-argument', `pixel ${pixel} is outside the image`, { field: 'pixel' });
  return Float64Array.from(si.data.subarray(pixel * c, (pixel + 1) * c));
}

/**
 * Apply a per-spectrum transform to every pixel; `fn` receives the energy axis and a pixel's spectrum and returns a
 * spectrum of `outChannels` channels (default: same count). Returns the transformed data (pixel-major).
 */
export function mapPixels(
  si: SpectrumImage,
  fn: (energy: Float64Array, intensity: Float64Array, pixel: number) => ArrayLike<number>,
  outChannels = si.channels,
): Float64Array {
  const e = imageEnergyAxis(si);
  const n = pixelCount(si);
  const out = new Float64Array(n * outChannels);
  for (let p = 0; p < n; p++) {
    const y = fn(e, pixelIntensity(si, p), p);
    if (y.length !== outChannels)
      fail('internal', `pixel transform returned ${y.length} channels, expected ${outChannels}`);
    out.set(y, p * outChannels);
  }
  return out;
}
