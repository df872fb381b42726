import { SpecfuseError, type Warning } from '../../core/errors.js';
import { makeSpectrumImage } from '../../spectrum/spectrum.js';
import type {
  AxisCalibration,
  EelsConditions,
  Spectrum,
  SpectrumImage,
  SpectrumMeta,
} from '../../spectrum/types.js';
import { asParseError, orderedSpectrum, type Read } from './common.js';
import {
  type DmTagData,
  type DmTagGroup,
  dmNumber,
  dmPath,
  dmString,
  dmToObject,
  parseDmTags,
} from './dm-tags.js';

/**
 * DigitalMicrograph images (second stage over the tag tree of dm-tags.ts). Each entry of `ImageList` is an image:
 * `ImageData/Data` (the pixels), `ImageData/DataType`, `ImageData/Dimensions` (x fastest), `ImageData/Calibrations/
 * Dimension/[i]/{Origin,Scale,Units}` (calibrated value = (i − Origin)·Scale) and `ImageTags` (acquisition
 * metadata). Images listed under the root `Thumbnails` group are previews and are skipped when mapping.
 * Image data types (Boothroyd's table): 1 int16, 2 float32, 3 complex64, 6 uint8, 7 int32, 8 RGB (4 bytes),
 * 9 int8, 10 uint16, 11 uint32, 12 float64, 13 complex128, 14 bool, 23 RGBA uint8 (4 bytes).
 */

export interface DmCalibration {
  readonly origin: number;
  readonly scale: number;
  readonly units: string;
}

export type DmPixels =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export interface DmImage {
  readonly index: number;
  readonly name: string;
  /** DM image data type code. */
  readonly dataType: number;
  readonly dataTypeName: string;
  /** Dimensions as DM stores them: x (fastest) first. */
  readonly dims: number[];
  /**
   * Pixel values in file order (x fastest). Complex types: interleaved (re, im) pairs; RGB types: 4 bytes per pixel
   * (as stored); bool: 0/1 bytes.
   */
  readonly data: DmPixels;
  readonly complex: boolean;
  readonly rgb: boolean;
  readonly calibrations: DmCalibration[];
  readonly brightness?: DmCalibration;
  readonly thumbnail: boolean;
  /** The image's `ImageTags` group (metadata). */
  readonly tags?: DmTagGroup;
}

export interface DmFile {
  readonly version: 3 | 4;
  readonly littleEndian: boolean;
  /** The full tag tree. */
  readonly tags: DmTagGroup;
  readonly images: DmImage[];
}

interface PixelType {
  readonly name: string;
  readonly bytes: number;
  readonly complex?: boolean;
  readonly rgb?: boolean;
}

export const DM_IMAGE_TYPES: Readonly<Record<number, PixelType>> = {
  1: { name: 'int16', bytes: 2 },
  2: { name: 'float32', bytes: 4 },
  3: { name: 'complex64', bytes: 8, complex: true },
  6: { name: 'uint8', bytes: 1 },
  7: { name: 'int32', bytes: 4 },
  8: { name: 'rgb', bytes: 4, rgb: true },
  9: { name: 'int8', bytes: 1 },
  10: { name: 'uint16', bytes: 2 },
  11: { name: 'uint32', bytes: 4 },
  12: { name: 'float64', bytes: 8 },
  13: { name: 'complex128', bytes: 16, complex: true },
  14: { name: 'bool', bytes: 1 },
  23: { name: 'rgba8', bytes: 4, rgb: true },
};

function decodePixels(
  bytes: Uint8Array,
  offset: number,
  count: number,
  type: number,
  little: boolean,
): DmPixels {
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + offset,
    count * (DM_IMAGE_TYPES[type]?.bytes ?? 1),
  );
  const read = <T extends DmPixels>(out: T, size: number, get: (at: number) => number): T => {
    for (let i = 0; i < out.length; i++) out[i] = get(i * size);
    return out;
  };
  switch (type) {
    case 1:
      return read(new Int16Array(count), 2, (a) => view.getInt16(a, little));
    case 2:
      return read(new Float32Array(count), 4, (a) => view.getFloat32(a, little));
    case 3:
      return read(new Float32Array(2 * count), 4, (a) => view.getFloat32(a, little));
    case 6:
    case 14:
      return Uint8Array.from(bytes.subarray(offset, offset + count));
    case 7:
      return read(new Int32Array(count), 4, (a) => view.getInt32(a, little));
    case 8:
    case 23:
      return Uint8Array.from(bytes.subarray(offset, offset + 4 * count));
    case 9:
      return read(new Int8Array(count), 1, (a) => view.getInt8(a));
    case 10:
      return read(new Uint16Array(count), 2, (a) => view.getUint16(a, little));
    case 11:
      return read(new Uint32Array(count), 4, (a) => view.getUint32(a, little));
    case 12:
      return read(new Float64Array(count), 8, (a) => view.getFloat64(a, little));
    case 13:
      return read(new Float64Array(2 * count), 8, (a) => view.getFloat64(a, little));
    default:
      throw new SpecfuseError('unsupported', `DM image data type ${type}`, { offset });
  }
}

function calibration(node: DmTagGroup | DmTagData | undefined): DmCalibration | undefined {
  if (node?.kind !== 'group') return undefined;
  const origin = dmNumber(dmPath(node, 'Origin'));
  const scale = dmNumber(dmPath(node, 'Scale'));
  if (origin === undefined || scale === undefined) return undefined;
  return { origin, scale, units: dmString(dmPath(node, 'Units')) ?? '' };
}

/** Parse a DM3/DM4 file: full tag tree plus every image in `ImageList`, decoded. */
export function parseDm(buffer: Uint8Array, file?: string): DmFile {
  const where = file === undefined ? {} : { file };
  const { header, root } = parseDmTags(buffer, file);
  const thumbs = new Set<number>();
  const th = dmPath(root, 'Thumbnails');
  if (th?.kind === 'group')
    for (const e of th.entries) {
      const idx = e.value.kind === 'group' ? dmNumber(dmPath(e.value, 'ImageIndex')) : undefined;
      if (idx !== undefined) thumbs.add(idx);
    }
  const list = dmPath(root, 'ImageList');
  const images: DmImage[] = [];
  if (list?.kind === 'group') {
    list.entries.forEach((entry, index) => {
      if (entry.value.kind !== 'group') return;
      const g = entry.value;
      const dataNode = dmPath(g, 'ImageData/Data');
      const dataType = dmNumber(dmPath(g, 'ImageData/DataType'));
      const dimsNode = dmPath(g, 'ImageData/Dimensions');
      if (dataNode?.kind !== 'data' || dataType === undefined || dimsNode?.kind !== 'group') return;
      const arr = dataNode.value;
      if (
        typeof arr !== 'object' ||
        Array.isArray(arr) ||
        (arr.kind !== 'array' && arr.kind !== 'struct-array')
      )
        throw new SpecfuseError('parse', `image ${index}: ImageData/Data is not an array`, {
          ...where,
          offset: entryOffset(list, index),
        });
      const dims: number[] = [];
      for (const d of dimsNode.entries) {
        const v = d.value.kind === 'data' ? dmNumber(d.value) : undefined;
        if (v === undefined || !Number.isInteger(v) || v < 0)
          throw new SpecfuseError('parse', `image ${index}: bad dimension`, { ...where, offset: d.offset });
        dims.push(v);
      }
      if (dims.length === 0)
        throw new SpecfuseError('parse', `image ${index}: no dimensions`, {
          ...where,
          offset: dimsNode.entries[0]?.offset ?? 0,
        });
      const type = DM_IMAGE_TYPES[dataType];
      if (!type)
        throw new SpecfuseError('unsupported', `image ${index}: DM data type ${dataType}`, {
          ...where,
          offset: arr.offset,
        });
      const count = dims.reduce((a, b) => a * b, 1);
      if (count * type.bytes !== arr.byteLength)
        throw new SpecfuseError(
          'parse',
          `image ${index}: ${dims.join('×')} ${type.name} pixels need ${count * type.bytes} bytes, Data holds ${arr.byteLength}`,
          { ...where, offset: arr.offset },
        );
      const data = decodePixels(buffer, arr.offset, count, dataType, header.littleEndian);
      const cal = dmPath(g, 'ImageData/Calibrations/Dimension');
      const calibrations = dims.map((_, k) => {
        const c = cal?.kind === 'group' ? calibration(cal.entries[k]?.value) : undefined;
        return c ?? { origin: 0, scale: 1, units: '' };
      });
      const brightness = calibration(dmPath(g, 'ImageData/Calibrations/Brightness'));
      const tags = dmPath(g, 'ImageTags');
      const name = dmString(dmPath(g, 'Name')) ?? '';
      const img: DmImage = {
        index,
        name,
        dataType,
        dataTypeName: type.name,
        dims,
        data,
        complex: type.complex === true,
        rgb: type.rgb === true,
        calibrations,
        thumbnail: thumbs.has(index),
        ...(brightness ? { brightness } : {}),
        ...(tags?.kind === 'group' ? { tags } : {}),
      };
      images.push(img);
    });
  }
  return { version: header.version, littleEndian: header.littleEndian, tags: root, images };
}

function entryOffset(group: DmTagGroup, index: number): number {
  return group.entries[index]?.offset ?? 0;
}

/**
 * Calibrated offset −origin·scale (eV). When origin and scale were stored as float32 (each rounded to 2⁻²⁴
 * relative), their product is only known to ≈2⁻²³ relative, so the shortest decimal inside that band is returned:
 * origin −1466.6666 × scale 0.3 → 440 (not 440.0000052), origin 200 × 0.3 → −60 (not −60.0000024).
 */
export function calibrationOffset(origin: number, scale: number): number {
  if (origin === 0) return 0;
  const p = -origin * scale;
  if (Math.fround(origin) !== origin || Math.fround(scale) !== scale || !Number.isFinite(p)) return p;
  const tol = Math.abs(p) * 2 ** -23;
  for (let k = 1; k <= 17; k++) {
    const v = Number(p.toPrecision(k));
    if (Math.abs(v - p) <= tol) return v;
  }
  return p;
}

/** Shortest decimal that is the same float32 (DM stores most calibrations as float32: 0.3 not 0.30000001192…). */
export function float32Decimal(x: number): number {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return x;
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  return x;
}

const MONTHS_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** DM dates are written M/D/YYYY or D/M/YYYY depending on locale; a field above 12 decides, else US order. */
export function dmDateIso(s: string | undefined): string | undefined {
  const m = s ? MONTHS_FIRST.exec(s.trim()) : null;
  if (!m) return s?.trim() || undefined;
  let a = Number(m[1]);
  let b = Number(m[2]);
  if (a > 12 && b <= 12) [a, b] = [b, a];
  return `${m[3]}-${String(a).padStart(2, '0')}-${String(b).padStart(2, '0')}`;
}

/** '7:35:17 PM' → '19:35:17'; '20:50:13' stays. */
export function dmTimeIso(s: string | undefined): string | undefined {
  const m = s ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/.exec(s.trim()) : null;
  if (!m) return s?.trim() || undefined;
  let h = Number(m[1]);
  const ap = m[4]?.toUpperCase();
  if (ap === 'PM' && h < 12) h += 12;
  if (ap === 'AM' && h === 12) h = 0;
  return `${String(h).padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
}

/** EELS / microscope metadata from an image's tags, in specfuse's names and units. */
export interface DmAcquisition {
  readonly signal?: string;
  readonly format?: string;
  readonly title: string;
  readonly mode?: 'STEM' | 'TEM';
  readonly beamEnergyKeV?: number;
  readonly microscope?: string;
  readonly cameraLengthMm?: number;
  readonly magnification?: number;
  readonly convergenceMrad?: number;
  readonly collectionMrad?: number;
  /** Exposure of one spectrum (s): integration time if recorded, else the exposure. For an SI: the dwell time. */
  readonly exposureS?: number;
  readonly frames?: number;
  readonly spectrometer?: string;
  readonly apertureLabel?: string;
  readonly apertureMm?: number;
  readonly date?: string;
  readonly time?: string;
  readonly signalQuantity?: string;
}

function num(tags: DmTagGroup | undefined, path: string): number | undefined {
  const v = dmNumber(dmPath(tags, path));
  return v === undefined ? undefined : float32Decimal(v);
}
function str(tags: DmTagGroup | undefined, path: string): string | undefined {
  const v = dmString(dmPath(tags, path))?.trim();
  return v === '' ? undefined : v;
}

export function dmAcquisition(image: DmImage): DmAcquisition {
  const t = image.tags;
  const voltage = num(t, 'Microscope Info/Voltage');
  const illumination =
    str(t, 'Microscope Info/Illumination Mode') ?? str(t, 'Microscope Info/Operation Mode');
  const mode = illumination ? (/STEM|SCANNING/i.test(illumination) ? 'STEM' : 'TEM') : undefined;
  const isSi = /spectrum image/i.test(str(t, 'Meta Data/Format') ?? '');
  const exposure = isSi
    ? (num(t, 'EELS/Acquisition/Exposure (s)') ?? num(t, 'SI/Acquisition/Pixel time (s)'))
    : (num(t, 'EELS/Acquisition/Integration time (s)') ?? num(t, 'EELS/Acquisition/Exposure (s)'));
  const aperture = str(t, 'EELS Spectrometer/Aperture label');
  const apMm = aperture ? Number(/([\d.]+)\s*mm/i.exec(aperture)?.[1]) : Number.NaN;
  const bu = image.brightness?.units?.trim();
  const out: Record<string, unknown> = {
    title: image.name,
    signal: str(t, 'Meta Data/Signal'),
    format: str(t, 'Meta Data/Format'),
    mode,
    beamEnergyKeV: voltage !== undefined && voltage > 0 ? voltage / 1000 : undefined,
    microscope: str(t, 'Session Info/Microscope') ?? str(t, 'Microscope Info/Name'),
    cameraLengthMm: num(t, 'Microscope Info/STEM Camera Length'),
    magnification: num(t, 'Microscope Info/Indicated Magnification'),
    convergenceMrad: num(t, 'EELS/Experimental Conditions/Convergence semi-angle (mrad)'),
    collectionMrad: num(t, 'EELS/Experimental Conditions/Collection semi-angle (mrad)'),
    exposureS: exposure,
    frames: num(t, 'EELS/Acquisition/Number of frames'),
    spectrometer: str(t, 'EELS Spectrometer/Instrument name'),
    apertureLabel: aperture,
    apertureMm: Number.isFinite(apMm) ? apMm : undefined,
    date: dmDateIso(
      str(t, 'DataBar/Acquisition Date') ?? str(t, 'EELS/Acquisition/Date') ?? str(t, 'SI/Acquisition/Date'),
    ),
    time: dmTimeIso(
      str(t, 'DataBar/Acquisition Time') ??
        str(t, 'EELS/Acquisition/Start time') ??
        str(t, 'SI/Acquisition/Start time'),
    ),
    // the stored values are detector counts; a Brightness calibration in e- converts them to electrons
    signalQuantity: bu === 'e-' ? 'Electrons (Counts)' : bu ? `Intensity (${bu})` : undefined,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as DmAcquisition;
}

const ENERGY_UNITS: Readonly<Record<string, number>> = { ev: 1, kev: 1000 };

/**
 * Map a DM file to spectra / a spectrum image. The main image is the first non-thumbnail image. The spectral axis
 * is the dimension calibrated in eV (or keV); a 1-D image without one is a spectrum in its own units; an n-D image
 * without one takes dimension 0 as channels (warned). Spectrum-image pixels are reordered channel-fastest with the
 * navigation shape [ny, nx] (row-major). Complex / RGB images are refused for spectra.
 */
export function dmToSpectrumFile(
  dm: DmFile,
  file?: string,
): Read<{
  spectra: Spectrum[];
  image?: SpectrumImage;
  metadata: Record<string, unknown>;
}> {
  const warnings: Warning[] = [];
  const where = file === undefined ? {} : { file };
  const main = dm.images.find((im) => !im.thumbnail);
  if (!main)
    throw new SpecfuseError('parse', 'DM file has no (non-thumbnail) image', { ...where, offset: 0 });
  if (main.complex || main.rgb)
    throw new SpecfuseError('unsupported', `DM image is ${main.dataTypeName}; spectra must be real-valued`, {
      ...where,
      offset: 0,
    });
  const acq = dmAcquisition(main);
  const cals = main.calibrations;
  let axis = cals.findIndex((c) => ENERGY_UNITS[c.units.trim().toLowerCase()] !== undefined);
  if (axis < 0) {
    axis = 0;
    if (main.dims.length > 1)
      warnings.push({
        message: `no dimension is calibrated in eV; dimension 0 (${main.dims[0]} values) taken as the spectral axis`,
        path: where,
      });
  }
  const cal = cals[axis] as DmCalibration;
  const toEv = ENERGY_UNITS[cal.units.trim().toLowerCase()] ?? 1;
  let scale = float32Decimal(cal.scale) * toEv;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    warnings.push({
      message: `energy scale ${cal.scale} is not positive; channels numbered 0, 1, 2…`,
      path: where,
    });
    scale = 1;
  }
  // offset = −origin·scale: the calibrated value of channel i is (i − origin)·scale
  const offset = calibrationOffset(cal.origin, cal.scale) * toEv;
  const eels: EelsConditions = {
    ...(acq.beamEnergyKeV !== undefined ? { beamEnergyKeV: acq.beamEnergyKeV } : {}),
    ...(acq.convergenceMrad ? { convergenceMrad: acq.convergenceMrad } : {}),
    ...(acq.collectionMrad ? { collectionMrad: acq.collectionMrad } : {}),
    ...(acq.exposureS !== undefined ? { exposureS: acq.exposureS } : {}),
    ...(acq.microscope ? { microscope: acq.microscope } : {}),
    ...(acq.spectrometer ? { spectrometer: acq.spectrometer } : {}),
  };
  const technique = acq.signal === 'EELS' ? ('EELS' as const) : undefined;
  const meta: SpectrumMeta = {
    origin: file === undefined ? { kind: 'measured' } : { kind: 'measured', file },
    ...(technique ? { technique } : {}),
    ...(Object.keys(eels).length > 0 ? { eels } : {}),
    ...(acq.title ? { label: acq.title } : {}),
    ...(acq.signalQuantity ? { intensityUnit: acq.signalQuantity } : {}),
    extra: { acquisition: acq },
  };
  const metadata: Record<string, unknown> = {
    version: dm.version,
    image: {
      name: main.name,
      dataType: main.dataTypeName,
      dims: main.dims,
      calibrations: cals.map((c) => ({
        offset: calibrationOffset(c.origin, c.scale),
        scale: float32Decimal(c.scale),
        units: c.units,
      })),
    },
    acquisition: acq,
    tags: main.tags ? dmToObject(main.tags) : {},
  };
  const channels = main.dims[axis] as number;
  const nav = main.dims.filter((_, k) => k !== axis);
  const navCount = nav.reduce((a, b) => a * b, 1);
  if (channels === 0 || navCount === 0)
    throw new SpecfuseError('parse', 'DM image has a zero-length dimension', { ...where, offset: 0 });
  const energyAxis: AxisCalibration = { offset, scale, units: 'eV', name: 'Energy loss' };
  try {
    if (nav.length === 0) {
      const e = new Float64Array(channels);
      for (let i = 0; i < channels; i++) e[i] = offset + scale * i;
      const s = orderedSpectrum(e, Float64Array.from(main.data as ArrayLike<number>), meta, where, warnings);
      return { value: { spectra: [s], metadata }, warnings };
    }
    // reorder to channel-fastest: out[p*channels + c] = data[index of (nav pixel p, channel c)]
    const strides: number[] = [];
    let st = 1;
    for (const d of main.dims) {
      strides.push(st);
      st *= d;
    }
    const navDims = main.dims.map((d, k) => ({ d, k })).filter((x) => x.k !== axis);
    const out =
      main.data instanceof Float64Array
        ? new Float64Array(navCount * channels)
        : new Float32Array(navCount * channels);
    const src = main.data as ArrayLike<number>;
    const cStride = strides[axis] as number;
    const coord = new Array<number>(navDims.length).fill(0);
    for (let p = 0; p < navCount; p++) {
      let base = 0;
      for (let j = 0; j < navDims.length; j++)
        base += (coord[j] as number) * (strides[(navDims[j] as { k: number }).k] as number);
      for (let c = 0; c < channels; c++) out[p * channels + c] = src[base + c * cStride] as number;
      for (let j = 0; j < navDims.length; j++) {
        coord[j] = (coord[j] as number) + 1;
        if ((coord[j] as number) < (navDims[j] as { d: number }).d) break;
        coord[j] = 0;
      }
    }
    // DM's first navigation dimension is x (fastest); the model is row-major, so navShape = [.., y, x]
    const navShape = navDims.map((x) => x.d).reverse();
    const navAxes = navDims
      .map((x, j) => {
        const c = cals[x.k] as DmCalibration;
        return {
          offset: calibrationOffset(c.origin, c.scale),
          scale: float32Decimal(c.scale),
          units: c.units,
          name: ['x', 'y', 'z'][j] ?? `nav${j}`,
        };
      })
      .reverse();
    const image = makeSpectrumImage({ navShape, channels, data: out, energyAxis, navAxes, meta });
    return { value: { spectra: [], image, metadata }, warnings };
  } catch (e) {
    asParseError(e, { ...where, offset: 0 });
  }
}
