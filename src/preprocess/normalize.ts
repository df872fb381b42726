import { xRescale } from 'ml-spectra-processing';
import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength, trapezoidWeights } from './checks.js';

/**
 * Min–max scaling to [0, 1]: (y − min)/(max − min), by ml-spectra-processing's `xRescale`. A constant (or
 * non-finite) spectrum is an error: there is no scale to take.
 */
export function minMaxNormalize(y: ArrayLike<number>): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  if (!(hi > lo && Number.isFinite(hi - lo)))
    fail('invalid-argument', 'cannot min–max normalize a constant or non-finite spectrum', {
      field: 'intensity',
    });
  return xRescale(Float64Array.from(y), { min: 0, max: 1 });
}

/**
 * Area normalization: y / ∫ y dE (trapezoid rule over the whole axis, or over [from, to] eV if given), so the
 * result integrates to 1 eV⁻¹·eV = 1 over that range.
 */
export function areaNormalize(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  range?: readonly [number, number],
): Float64Array {
  checkSameLength(energy, y);
  checkIncreasing(energy);
  let area = 0;
  if (range) {
    // trapezoid over the points inside [from, to]
    let prev = -1;
    for (let i = 0; i < energy.length; i++) {
      if (energy[i]! < range[0] || energy[i]! > range[1]) continue;
      if (prev >= 0) area += 0.5 * (energy[i]! - energy[prev]!) * (y[i]! + y[prev]!);
      prev = i;
    }
  } else {
    const w = trapezoidWeights(energy);
    for (let i = 0; i < y.length; i++) area += w[i]! * y[i]!;
  }
  if (!(Number.isFinite(area) && area !== 0))
    fail('invalid-argument', `spectrum area is ${area}; cannot area-normalize`, { field: 'intensity' });
  return Float64Array.from(y, (v) => v / area);
}
