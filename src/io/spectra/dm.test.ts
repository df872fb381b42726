import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { SpecfuseError } from '../../core/errors.js';
import { imageEnergyAxis, pixelSpectrum } from '../../spectrum/spectrum.js';
import { calibrationOffset, dmAcquisition, dmDateIso, dmTimeIso, dmToSpectrumFile, parseDm } from './dm.js';
import { dmPath, dmString, parseDmTags } from './dm-tags.js';
import { readSpectra } from './read.js';

// ---------------------------------------------------------------------------------------------------------------
// A minimal DM3/DM4 writer for synthetic files (the layout documented in dm-tags.ts), to exercise every type.
type TagValue =
  | { kind: 'group'; entries: [string, TagValue][] }
  | { kind: 'scalar'; type: number; value: number }
  | { kind: 'array'; type: number; bytes: Uint8Array; length: number }
  | { kind: 'text'; value: string };

const SIZE: Record<number, number> = { 2: 2, 3: 4, 4: 2, 5: 4, 6: 4, 7: 8, 8: 1, 9: 1, 10: 1, 11: 8, 12: 8 };

class Out {
  parts: number[] = [];
  u8(v: number) {
    this.parts.push(v & 0xff);
  }
  be(v: number, n: number) {
    for (let i = n - 1; i >= 0; i--) this.parts.push(Number((BigInt(v) >> BigInt(8 * i)) & 0xffn));
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.parts.push(x);
  }
}

function scalarBytes(type: number, v: number, little: boolean): Uint8Array {
  const b = new Uint8Array(SIZE[type] as number);
  const dv = new DataView(b.buffer);
  const set: Record<number, () => void> = {
    2: () => dv.setInt16(0, v, little),
    3: () => dv.setInt32(0, v, little),
    4: () => dv.setUint16(0, v, little),
    5: () => dv.setUint32(0, v, little),
    6: () => dv.setFloat32(0, v, little),
    7: () => dv.setFloat64(0, v, little),
    8: () => dv.setUint8(0, v ? 1 : 0),
    9: () => dv.setInt8(0, v),
    10: () => dv.setUint8(0, v),
    11: () => dv.setBigInt64(0, BigInt(v), little),
    12: () => dv.setBigUint64(0, BigInt(v), little),
  };
  (set[type] as () => void)();
  return b;
}

function writeGroup(o: Out, g: Extract<TagValue, { kind: 'group' }>, dm4: boolean, little: boolean) {
  o.u8(1);
  o.u8(0);
  o.be(g.entries.length, dm4 ? 8 : 4);
  for (const [name, v] of g.entries) {
    const body = new Out();
    if (v.kind === 'group') writeGroup(body, v, dm4, little);
    else {
      for (const c of '%%%%') body.u8(c.charCodeAt(0));
      const w = dm4 ? 8 : 4;
      if (v.kind === 'scalar') {
        body.be(1, w);
        body.be(v.type, w);
        body.bytes(scalarBytes(v.type, v.value, little));
      } else if (v.kind === 'text') {
        body.be(3, w);
        body.be(20, w);
        body.be(4, w);
        body.be(v.value.length, w);
        for (const ch of v.value) body.bytes(scalarBytes(4, ch.charCodeAt(0), little));
      } else {
        body.be(3, w);
        body.be(20, w);
        body.be(v.type, w);
        body.be(v.length, w);
        body.bytes(v.bytes);
      }
    }
    o.u8(v.kind === 'group' ? 20 : 21);
    o.be(name.length, 2);
    for (const c of name) o.u8(c.charCodeAt(0));
    if (dm4) o.be(body.parts.length, 8);
    o.parts.push(...body.parts);
  }
}

const grp = (...entries: [string, TagValue][]): TagValue => ({ kind: 'group', entries });
const f32 = (value: number): TagValue => ({ kind: 'scalar', type: 6, value });
const u32 = (value: number): TagValue => ({ kind: 'scalar', type: 5, value });

function buildDm(opts: {
  version: 3 | 4;
  little: boolean;
  dataType: number;
  dims: number[];
  pixels: Uint8Array;
  arrayType: number;
  arrayLength: number;
  calibrations?: { origin: number; scale: number; units: string }[];
  tags?: TagValue;
}): Uint8Array {
  const cals = opts.calibrations ?? opts.dims.map(() => ({ origin: 0, scale: 1, units: '' }));
  const image = grp(
    [
      'ImageData',
      grp(
        [
          'Calibrations',
          grp([
            'Dimension',
            grp(
              ...cals.map((c): [string, TagValue] => [
                '',
                grp(
                  ['Origin', f32(c.origin)],
                  ['Scale', f32(c.scale)],
                  ['Units', { kind: 'text', value: c.units }],
                ),
              ]),
            ),
          ]),
        ],
        ['Data', { kind: 'array', type: opts.arrayType, bytes: opts.pixels, length: opts.arrayLength }],
        ['DataType', u32(opts.dataType)],
        ['Dimensions', grp(...opts.dims.map((d): [string, TagValue] => ['', u32(d)]))],
      ),
    ],
    ['ImageTags', opts.tags ?? grp()],
    ['Name', { kind: 'text', value: 'synthetic' }],
  );
  const root = grp(['ImageList', grp(['', image])]) as Extract<TagValue, { kind: 'group' }>;
  const body = new Out();
  writeGroup(body, root, opts.version === 4, opts.little);
  const head = new Out();
  head.be(opts.version, 4);
  head.be(body.parts.length + 8, opts.version === 4 ? 8 : 4);
  head.be(opts.little ? 1 : 0, 4);
  return Uint8Array.from([...head.parts, ...body.parts, 0, 0, 0, 0, 0, 0, 0, 0]);
}

/** Pixel bytes for DM image type `t` from values (complex: [re, im] pairs flattened). */
function pixelBytes(t: number, values: number[], little: boolean): { bytes: Uint8Array; arrayType: number } {
  const simple: Record<number, number> = {
    1: 2,
    2: 6,
    3: 6,
    6: 10,
    7: 3,
    9: 9,
    10: 4,
    11: 5,
    12: 7,
    13: 7,
    14: 8,
    8: 10,
    23: 10,
  };
  const at = simple[t] as number;
  const parts = values.map((v) => scalarBytes(at, v, little));
  return { bytes: Uint8Array.from(parts.flatMap((p) => [...p])), arrayType: at };
}

// ---------------------------------------------------------------------------------------------------------------
const DM = (f: string) => sharedPath('data', 'eels', 'digitalmicrograph', f);
const run = hasShared() ? describe : describe.skip;

run('DigitalMicrograph fixtures (shared/README.md: rosettasciio test files)', () => {
  const main = (f: string) => {
    const dm = parseDm(new Uint8Array(readFileSync(DM(f))), f);
    const im = dm.images.find((i) => !i.thumbnail);
    if (!im) throw new Error('no image');
    return { dm, im };
  };
  // type code N in the file name → element type (README)
  const cases: [string, 3 | 4, string][] = [
    ['1D_test-2.dm3', 3, 'float32'],
    ['1D_test-2.dm4', 4, 'float32'],
    ['1D_test-10.dm4', 4, 'uint16'],
    ['1D_test-12.dm3', 3, 'float64'],
  ];
  for (const [f, v, type] of cases)
    it(`${f}: ${type} 1-D data [1, 2]`, () => {
      const { dm, im } = main(f);
      expect(dm.version).toBe(v);
      expect(im.dataTypeName).toBe(type);
      expect(im.dims).toEqual([2]);
      expect(Array.from(im.data)).toEqual([1, 2]);
      // the thumbnail (ImageList[0], listed under Thumbnails) is recognised and skipped
      expect(dm.images[0]?.thumbnail).toBe(true);
      const s = dmToSpectrumFile(dm, f).value.spectra[0];
      expect(Array.from(s?.intensity ?? [])).toEqual([1, 2]);
      expect(Array.from(s?.energy ?? [])).toEqual([0, 1]);
    });
  it('2D_test-2.dm3: float32 2×2 image [[1, 2], [3, 4]]', () => {
    const { im } = main('2D_test-2.dm3');
    expect(im.dims).toEqual([2, 2]);
    expect(Array.from(im.data)).toEqual([1, 2, 3, 4]);
  });
  for (const [f, type] of [
    ['3D_test-2.dm3', 'float32'],
    ['3D_test-2.dm4', 'float32'],
    ['3D_test-7.dm4', 'int32'],
  ] as const)
    it(`${f}: ${type} 2×2×2 stack 1…8`, () => {
      const { im } = main(f);
      expect(im.dataTypeName).toBe(type);
      expect(im.dims).toEqual([2, 2, 2]);
      expect(Array.from(im.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const r = readSpectra(DM(f));
      // no eV axis: dimension 0 becomes the channel axis, with a warning
      expect(r.warnings.some((w) => /no dimension is calibrated in eV/.test(w.message))).toBe(true);
      expect(Array.from(pixelSpectrum(r.value.image!, 3).intensity)).toEqual([7, 8]);
    });

  it('1D_test-EELS_spectrum.dm3: EELS metadata as in the README', () => {
    const { im } = main('1D_test-EELS_spectrum.dm3');
    const a = dmAcquisition(im);
    expect(a.mode).toBe('STEM');
    expect(a.beamEnergyKeV).toBe(200);
    expect(a.microscope).toBe('FEI Titan');
    expect(a.cameraLengthMm).toBe(135);
    expect(a.magnification).toBe(640000);
    expect(a.convergenceMrad).toBe(21);
    expect(a.exposureS).toBeCloseTo(0.0035, 12);
    expect(a.frames).toBe(50);
    expect(a.spectrometer).toBe('GIF Quantum ER');
    expect(a.apertureMm).toBe(5);
    expect(a.date).toBe('2016-08-08');
    expect(a.time).toBe('19:35:17');
    expect(a.title).toBe('EELS Acquire');
    expect(a.signalQuantity).toBe('Electrons (Counts)');
    const s = readSpectra(DM('1D_test-EELS_spectrum.dm3')).value.spectra[0];
    expect(s?.meta.technique).toBe('EELS');
    expect(s?.energy.length).toBe(2048);
    // calibration origin 200 ch, 0.5 eV/ch → energy(i) = (i − 200)·0.5
    expect(s?.energy[0]).toBe(-100);
    expect(s?.energy[200]).toBe(0);
    expect(s?.meta.eels?.beamEnergyKeV).toBe(200);
  });

  it('3D_EELS_SI.dm4: 2×2 pixels × 2048 channels, offset 300 eV, 1 eV/ch, README metadata', () => {
    const r = readSpectra(DM('3D_EELS_SI.dm4'));
    const im = r.value.image;
    expect(im?.navShape).toEqual([2, 2]);
    expect(im?.channels).toBe(2048);
    expect(im?.energyAxis.offset).toBe(300);
    expect(im?.energyAxis.scale).toBe(1);
    const a = r.value.metadata.acquisition as ReturnType<typeof dmAcquisition>;
    expect(a.mode).toBe('STEM');
    expect(a.date).toBe('2019-05-14');
    expect(a.time).toBe('20:50:13');
    expect(a.apertureMm).toBe(5);
    expect(a.convergenceMrad).toBe(21);
    expect(a.collectionMrad).toBe(62);
    expect(a.frames).toBe(1);
    expect(a.exposureS).toBeCloseTo(0.019950125, 9);
  });
});

const NMC = (f: string) => sharedPath('data', 'eels', 'nmc-si-doped', f);
run('Si-doped NMC spectrum images (seed paper data)', () => {
  it('TM_TM-O: navigation 21 × 2 (x × y), 2048 channels, 0.3 eV/ch from 440 eV, 300 kV, README metadata', () => {
    const r = readSpectra(NMC('TM_TM-O_EELS_Spectrum_Image.dm3'));
    const im = r.value.image;
    if (!im) throw new Error('no image');
    expect(r.value.format).toBe('dm3');
    expect(im.navShape).toEqual([2, 21]); // [rows y, columns x]
    expect(im.channels).toBe(2048);
    expect(im.energyAxis.offset).toBe(440);
    expect(im.energyAxis.scale).toBe(0.3);
    const e = imageEnergyAxis(im);
    expect(e[2047]).toBeCloseTo(1054.1, 9);
    expect(im.meta.eels?.beamEnergyKeV).toBe(300);
    expect(im.meta.eels?.collectionMrad).toBe(100);
    expect(im.meta.eels?.exposureS).toBe(5);
    expect(im.meta.eels?.microscope).toBe('FEI Tecnai Remote');
    expect(im.meta.eels?.spectrometer).toBe('GIF Quantum ER');
    const a = r.value.metadata.acquisition as ReturnType<typeof dmAcquisition>;
    expect(a.spectrometer).toBe('GIF Quantum ER');
    expect(a.mode).toBe('STEM');
  });
  it('pixel order: TM_Extracted_Spectrum_1.msa is the sum of SI pixels x 8…12, y 0…1 (to float32 precision)', () => {
    const im = readSpectra(NMC('TM_TM-O_EELS_Spectrum_Image.dm3')).value.image!;
    const msa = readSpectra(NMC('TM_Extracted_Spectrum_1.msa')).value.spectra[0]!;
    const c = im.channels;
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < c; i++) {
      let s = 0;
      for (let y = 0; y <= 1; y++) for (let x = 8; x <= 12; x++) s += im.data[(y * 21 + x) * c + i] as number;
      diff += Math.abs(s - (msa.intensity[i] as number));
      norm += Math.abs(msa.intensity[i] as number);
    }
    expect(diff / norm).toBeLessThan(1e-6);
    expect(msa.energy[0]).toBe(440);
  });
  it('ZLP: same navigation and dispersion, offset −60 eV, dwell 0.0005 s', () => {
    const im = readSpectra(NMC('ZLP_EELS_Spectrum_Image.dm3')).value.image!;
    expect(im.navShape).toEqual([2, 21]);
    expect(im.energyAxis.offset).toBe(-60);
    expect(im.energyAxis.scale).toBe(0.3);
    expect(im.meta.eels?.exposureS).toBeCloseTo(0.0005, 12);
  });
});

describe('synthetic DM3/DM4: every element type, both byte orders', () => {
  const types: [number, string, number[], number[]][] = [
    // [DM type, name, values written, values expected (complex interleaved, rgb 4 bytes/pixel)]
    [1, 'int16', [-3, 2, 1000, -32768], [-3, 2, 1000, -32768]],
    [2, 'float32', [1.5, -2.25, 3, 4], [1.5, -2.25, 3, 4]],
    [3, 'complex64', [1, -1, 2, 0.5, 3, 0, 4, -4], [1, -1, 2, 0.5, 3, 0, 4, -4]],
    [6, 'uint8', [0, 1, 254, 255], [0, 1, 254, 255]],
    [7, 'int32', [-1, 2, 2147483647, -5], [-1, 2, 2147483647, -5]],
    [9, 'int8', [-128, -1, 0, 127], [-128, -1, 0, 127]],
    [10, 'uint16', [0, 65535, 2, 3], [0, 65535, 2, 3]],
    [11, 'uint32', [4294967295, 1, 2, 3], [4294967295, 1, 2, 3]],
    [12, 'float64', [0.1, 1e300, -2, 3], [0.1, 1e300, -2, 3]],
    [13, 'complex128', [0.1, 0.2, 1, 2, 3, 4, 5, 6], [0.1, 0.2, 1, 2, 3, 4, 5, 6]],
    [14, 'bool', [1, 0, 0, 1], [1, 0, 0, 1]],
    [
      23,
      'rgba8',
      [1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255],
      [1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255],
    ],
  ];
  for (const version of [3, 4] as const)
    for (const little of [true, false])
      for (const [t, name, written, expected] of types)
        it(`DM${version} ${little ? 'LE' : 'BE'} ${name}`, () => {
          const { bytes, arrayType } = pixelBytes(t, written, little);
          const file = buildDm({
            version,
            little,
            dataType: t,
            dims: [2, 2],
            pixels: bytes,
            arrayType,
            arrayLength: written.length,
          });
          const dm = parseDm(file, 'synthetic');
          const im = dm.images[0];
          expect(im?.dataTypeName).toBe(name);
          expect(im?.dims).toEqual([2, 2]);
          expect(Array.from(im?.data ?? [])).toEqual(expected);
          expect(im?.complex).toBe(t === 3 || t === 13);
          expect(im?.rgb).toBe(t === 23);
        });

  it('maps a 3-D spectrum image with the energy axis last to channel-fastest order', () => {
    // dims x=3, y=2, E=4; value = 100·E + 10·y + x (file order x fastest)
    const vals: number[] = [];
    for (let e = 0; e < 4; e++)
      for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) vals.push(100 * e + 10 * y + x);
    const { bytes, arrayType } = pixelBytes(2, vals, true);
    const file = buildDm({
      version: 4,
      little: true,
      dataType: 2,
      dims: [3, 2, 4],
      pixels: bytes,
      arrayType,
      arrayLength: vals.length,
      calibrations: [
        { origin: 0, scale: 2, units: 'nm' },
        { origin: 0, scale: 2, units: 'nm' },
        { origin: -5, scale: 0.25, units: 'eV' },
      ],
    });
    const r = dmToSpectrumFile(parseDm(file), 'si');
    const im = r.value.image!;
    expect(im.navShape).toEqual([2, 3]);
    expect(im.channels).toBe(4);
    expect(im.energyAxis.offset).toBe(1.25); // −(−5)·0.25
    expect(Array.from(pixelSpectrum(im, [1, 2]).intensity)).toEqual([12, 112, 212, 312]);
    expect(im.navAxes.map((a) => a.name)).toEqual(['y', 'x']);
  });

  it('reads keV calibrations as eV and the DM tag tree with labels', () => {
    const file = buildDm({
      version: 3,
      little: false,
      dataType: 2,
      dims: [3],
      pixels: pixelBytes(2, [1, 2, 3], false).bytes,
      arrayType: 6,
      arrayLength: 3,
      calibrations: [{ origin: 0, scale: 0.5, units: 'keV' }],
      tags: grp(['Microscope Info', grp(['Voltage', { kind: 'scalar', type: 7, value: 300000 }])]),
    });
    const { root } = parseDmTags(file);
    expect(dmString(dmPath(root, 'ImageList/[0]/Name'))).toBe('synthetic');
    const r = dmToSpectrumFile(parseDm(file), 'kev');
    expect(Array.from(r.value.spectra[0]!.energy)).toEqual([0, 500, 1000]);
    expect(r.value.spectra[0]!.meta.eels?.beamEnergyKeV).toBe(300);
  });
});

describe('hostile DM input gives typed errors, never big allocations', () => {
  const base = () => {
    const { bytes, arrayType } = pixelBytes(2, [1, 2], true);
    return buildDm({
      version: 3,
      little: true,
      dataType: 2,
      dims: [2],
      pixels: bytes,
      arrayType,
      arrayLength: 2,
    });
  };
  const expectTyped = (bytes: Uint8Array) => {
    try {
      parseDm(bytes, 'hostile');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecfuseError);
      return (e as SpecfuseError).code;
    }
    return 'ok';
  };
  it('a tag count of 2³²−1 is refused against the bytes left', () => {
    const b = base();
    new DataView(b.buffer).setUint32(14, 0xffffffff, false); // root tag count (after 12-byte header + 2 flag bytes)
    expect(expectTyped(b)).toBe('truncated');
  });
  it('an array length of 2³²−1 is refused before allocating', () => {
    const b = base();
    // find the Data array length word: the type words [20, 6, 2] then the length
    const dv = new DataView(b.buffer);
    let at = -1;
    for (let i = 0; i + 12 <= b.length; i++)
      if (
        dv.getUint32(i, false) === 20 &&
        dv.getUint32(i + 4, false) === 6 &&
        dv.getUint32(i + 8, false) === 2
      )
        at = i + 8;
    expect(at).toBeGreaterThan(0);
    dv.setUint32(at, 0xffffffff, false);
    expect(expectTyped(b)).toBe('truncated');
  });
  it('DM4 64-bit sizes beyond 2⁵³ are a parse error', () => {
    const b = new Uint8Array(40);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, 4, false);
    dv.setUint32(12, 1, false);
    dv.setBigUint64(18, 0xffffffffffffffffn, false);
    expect(expectTyped(b)).toBe('parse');
  });
  it('tag groups nested 10 000 deep stop at the depth cap', () => {
    const depth = 10000;
    const parts: number[] = [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1];
    for (let i = 0; i < depth; i++) parts.push(1, 0, 0, 0, 0, 1, 20, 0, 0);
    const t0 = performance.now();
    expect(expectTyped(Uint8Array.from(parts))).toBe('parse');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
  it('not a DM file', () => {
    expect(expectTyped(new Uint8Array(20))).toBe('parse');
    expect(expectTyped(new Uint8Array(5))).toBe('truncated');
  });
});

describe('DM helpers', () => {
  it('dates in either order, 12-hour times', () => {
    expect(dmDateIso('8/8/2016')).toBe('2016-08-08');
    expect(dmDateIso('12/19/2017')).toBe('2017-12-19');
    expect(dmDateIso('14/05/2019')).toBe('2019-05-14');
    expect(dmTimeIso('7:35:17 PM')).toBe('19:35:17');
    expect(dmTimeIso('12:02:18 AM')).toBe('00:02:18');
    expect(dmTimeIso('20:50:13')).toBe('20:50:13');
  });
  it('float32 calibration products are rounded to their precision', () => {
    expect(calibrationOffset(Math.fround(-1466.6666), Math.fround(0.3))).toBe(440);
    expect(calibrationOffset(200, Math.fround(0.3))).toBe(-60);
    expect(calibrationOffset(0.1, 0.3)).toBe(-0.1 * 0.3); // float64 inputs: exact product
  });
});
