import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../core/errors.js';
import {
  imageEnergyAxis,
  makeBundle,
  makeSpectrum,
  makeSpectrumImage,
  modeKey,
  pixelSpectrum,
} from './spectrum.js';

const measured = { origin: { kind: 'measured' as const } };

describe('makeSpectrum', () => {
  it('accepts strictly increasing finite energies', () => {
    const s = makeSpectrum([1, 2, 3], [4, 5, 6], measured);
    expect(s.energy).toBeInstanceOf(Float64Array);
    expect(Array.from(s.intensity)).toEqual([4, 5, 6]);
  });
  it('rejects repeats, decreasing, non-finite and mismatched lengths', () => {
    expect(() => makeSpectrum([1, 1], [0, 0], measured)).toThrow(/strictly increasing at index 1/);
    expect(() => makeSpectrum([2, 1], [0, 0], measured)).toThrow(SpecfuseError);
    expect(() => makeSpectrum([1, Number.NaN], [0, 0], measured)).toThrow(/not finite/);
    expect(() => makeSpectrum([1, 2], [0], measured)).toThrow(/2 points/);
    expect(() => makeSpectrum([], [], measured)).toThrow(SpecfuseError);
  });
});

describe('modes and bundles', () => {
  it('builds canonical mode keys', () => {
    expect(modeKey('ni', 'l23')).toBe('Ni:L23');
    expect(modeKey('O', 'K')).toBe('O:K');
  });
  it('bundles by element/edge and refuses duplicates', () => {
    const a = makeSpectrum([1, 2], [0, 1], { ...measured, element: 'O', edge: 'K' });
    const b = makeSpectrum([1, 2], [0, 1], { ...measured, element: 'Ni', edge: 'L23' });
    const bundle = makeBundle('s1', [a, b]);
    expect([...bundle.modes.keys()]).toEqual(['O:K', 'Ni:L23']);
    expect(() => makeBundle('s1', [a, a])).toThrow(/two spectra/);
    expect(() => makeBundle('s', [makeSpectrum([1], [1], measured)])).toThrow(/no element/);
  });
});

describe('spectrum images', () => {
  // 2×3 navigation, 4 channels; value = 100·pixel + channel.
  const data = new Float32Array(24).map((_, k) => 100 * Math.floor(k / 4) + (k % 4));
  const img = makeSpectrumImage({
    navShape: [2, 3],
    channels: 4,
    data,
    energyAxis: { offset: 440, scale: 0.3, units: 'eV' },
    meta: measured,
  });
  it('computes the energy axis offset + scale·i', () => {
    const e = imageEnergyAxis(img);
    expect(e[0]).toBe(440);
    expect(e[3]).toBeCloseTo(440.9, 12);
  });
  it('extracts pixels by flat and by (row, column) index', () => {
    expect(Array.from(pixelSpectrum(img, 4).intensity)).toEqual([400, 401, 402, 403]);
    expect(Array.from(pixelSpectrum(img, [1, 1]).intensity)).toEqual([400, 401, 402, 403]);
    expect(() => pixelSpectrum(img, 6)).toThrow(SpecfuseError);
    expect(() => pixelSpectrum(img, [2, 0])).toThrow(SpecfuseError);
  });
  it('checks the data length', () => {
    expect(() =>
      makeSpectrumImage({
        navShape: [2, 2],
        channels: 4,
        data,
        energyAxis: { offset: 0, scale: 1, units: 'eV' },
        meta: measured,
      }),
    ).toThrow(/expected 4×4/);
  });
});
