import { fail } from '../core/errors.js';
import type {
  AxisCalibration,
  ModeKey,
  Spectrum,
  SpectrumBundle,
  SpectrumImage,
  SpectrumMeta,
} from './types.js';

/**
 * Constructors for the spectrum domain model. They validate strictly and never repair: sorting, merging duplicate
 * energies or dropping non-finite rows is a reader's job (with a warning), not the model's.
 */

function toFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Make a spectrum. `energy` (eV) must be finite and strictly increasing; `intensity` must have the same length and
 * may hold any number (NaN marks a missing value and is allowed). Arrays are taken as they are when already
 * Float64Array (no copy), otherwise converted. Throws `invalid-argument` naming the first offending index.
 */
export function makeSpectrum(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  meta: SpectrumMeta,
): Spectrum {
  const e = toFloat64(energy);
  const y = toFloat64(intensity);
  if (e.length !== y.length)
    fail('invalid-argument', `energy has ${e.length} points but intensity has ${y.length}`, {
      field: 'intensity',
    });
  if (e.length === 0) fail('invalid-argument', 'a spectrum needs at least one point', { field: 'energy' });
  for (let i = 0; i < e.length; i++) {
    const v = e[i] as number;
    if (!Number.isFinite(v))
      fail('invalid-argument', `energy[${i}] is not finite (${v})`, { field: 'energy' });
    if (i > 0 && !(v > (e[i - 1] as number)))
      fail('invalid-argument', `energy is not strictly increasing at index ${i} (${e[i - 1]} → ${v} eV)`, {
        field: 'energy',
      });
  }
  return { energy: e, intensity: y, meta };
}

/** Mode key `${element}:${edge}`, e.g. modeKey('Ni', 'L23') = 'Ni:L23'. Element capitalised canonically. */
export function modeKey(element: string, edge: string): ModeKey {
  const el = element.trim();
  const ed = edge.trim();
  if (el === '' || ed === '')
    fail('invalid-argument', 'mode key needs an element and an edge', { field: 'mode' });
  const canon = el.charAt(0).toUpperCase() + el.slice(1).toLowerCase();
  return `${canon}:${ed.toUpperCase()}`;
}

/**
 * Bundle one sample's spectra by mode. Each spectrum must name its element and edge (or be given under an explicit
 * key via a [key, spectrum] pair); two spectra for the same mode are an error.
 */
export function makeBundle(
  sample: string,
  spectra: Iterable<Spectrum | readonly [ModeKey, Spectrum]>,
): SpectrumBundle {
  const modes = new Map<ModeKey, Spectrum>();
  for (const item of spectra) {
    let key: ModeKey;
    let s: Spectrum;
    if (Array.isArray(item)) {
      [key, s] = item as readonly [ModeKey, Spectrum];
    } else {
      s = item as Spectrum;
      if (s.meta.element === undefined || s.meta.edge === undefined)
        fail('invalid-argument', `a spectrum in bundle '${sample}' has no element/edge; give its mode key`, {
          field: 'mode',
        });
      key = modeKey(s.meta.element, s.meta.edge);
    }
    if (modes.has(key))
      fail('invalid-argument', `bundle '${sample}' has two spectra for mode ${key}`, { field: key });
    modes.set(key, s);
  }
  return { sample, modes };
}

export interface SpectrumImageInit {
  readonly navShape: readonly number[];
  readonly channels: number;
  readonly data: Float32Array | Float64Array;
  readonly energyAxis: AxisCalibration;
  readonly navAxes?: readonly AxisCalibration[];
  readonly meta: SpectrumMeta;
}

/**
 * Make a spectrum image (navigation shape × channels, channel index fastest). Checks that the data length equals
 * product(navShape)·channels and that the energy scale is finite and positive (so the axis is strictly increasing).
 * Missing navigation axes default to pixel units (offset 0, scale 1).
 */
export function makeSpectrumImage(init: SpectrumImageInit): SpectrumImage {
  const { navShape, channels, data, energyAxis, meta } = init;
  if (!Number.isInteger(channels) || channels < 1)
    fail('invalid-argument', `channels must be a positive integer, got ${channels}`, { field: 'channels' });
  let n = 1;
  for (const d of navShape) {
    if (!Number.isInteger(d) || d < 1)
      fail('invalid-argument', `navigation shape [${navShape.join(', ')}] has a non-positive size`, {
        field: 'navShape',
      });
    n *= d;
  }
  if (data.length !== n * channels)
    fail('invalid-argument', `data has ${data.length} values, expected ${n}×${channels} = ${n * channels}`, {
      field: 'data',
    });
  if (!Number.isFinite(energyAxis.offset) || !Number.isFinite(energyAxis.scale) || !(energyAxis.scale > 0))
    fail(
      'invalid-argument',
      `energy axis needs a finite offset and positive scale (got ${energyAxis.scale})`,
      {
        field: 'energyAxis',
      },
    );
  const navAxes =
    init.navAxes ?? navShape.map((_, i) => ({ offset: 0, scale: 1, units: 'px', name: `nav${i}` }));
  if (navAxes.length !== navShape.length)
    fail('invalid-argument', `${navAxes.length} navigation axes for ${navShape.length} dimensions`, {
      field: 'navAxes',
    });
  return { navShape: [...navShape], channels, data, energyAxis, navAxes, meta };
}

/** Energy axis of a spectrum image (eV): offset + scale·i, i = 0…channels−1. Fresh array. */
export function imageEnergyAxis(image: SpectrumImage): Float64Array {
  const out = new Float64Array(image.channels);
  const { offset, scale } = image.energyAxis;
  for (let i = 0; i < image.channels; i++) out[i] = offset + scale * i;
  return out;
}

/** Number of navigation pixels of a spectrum image. */
export function pixelCount(image: SpectrumImage): number {
  return image.navShape.reduce((a, b) => a * b, 1);
}

/**
 * The spectrum at one navigation pixel. `index` is either the flat pixel index (row-major over navShape) or one
 * index per navigation dimension. Copies the channel data into a fresh Float64Array.
 */
export function pixelSpectrum(image: SpectrumImage, index: number | readonly number[]): Spectrum {
  let flat: number;
  if (typeof index === 'number') flat = index;
  else {
    if (index.length !== image.navShape.length)
      fail(
        'invalid-argument',
        `pixel index has ${index.length} coordinates for ${image.navShape.length} dimensions`,
        {
          field: 'index',
        },
      );
    flat = 0;
    for (let d = 0; d < index.length; d++) {
      const i = index[d] as number;
      const size = image.navShape[d] as number;
      if (!Number.isInteger(i) || i < 0 || i >= size)
        fail('invalid-argument', `pixel coordinate ${i} outside 0…${size - 1} on axis ${d}`, {
          field: 'index',
        });
      flat = flat * size + i;
    }
  }
  const n = pixelCount(image);
  if (!Number.isInteger(flat) || flat < 0 || flat >= n)
    fail('invalid-argument', `pixel index ${flat} outside 0…${n - 1}`, { field: 'index' });
  const c = image.channels;
  const y = Float64Array.from(image.data.subarray(flat * c, flat * c + c));
  const origin = image.meta.origin;
  const meta: SpectrumMeta = {
    ...image.meta,
    origin: origin.kind === 'measured' ? { ...origin, group: `pixel ${flat}` } : origin,
  };
  return makeSpectrum(imageEnergyAxis(image), y, meta);
}
