import { describe, expect, it } from 'vitest';
import type { SpectrumImage } from '../spectrum/types.js';
import { alignZeroLossImage } from './eels-zlp-align.js';
import { binNavigation, mapPixels, pixelIntensity, regionSum } from './spectrum-image.js';

/** 3 rows × 4 columns × 2 channels; pixel p = y·4 + x holds [p, 10p]. */
function image(): SpectrumImage {
  const data = new Float32Array(24);
  for (let p = 0; p < 12; p++) {
    data[2 * p] = p;
    data[2 * p + 1] = 10 * p;
  }
  return {
    navShape: [3, 4],
    channels: 2,
    data,
    energyAxis: { offset: 100, scale: 0.5, units: 'eV' },
    navAxes: [
      { offset: 0, scale: 1, units: 'nm' },
      { offset: 0, scale: 2, units: 'nm' },
    ],
    meta: { origin: { kind: 'measured' } },
  };
}

describe('spectrum image', () => {
  it('2×2 navigation binning sums blocks and drops the incomplete last row', () => {
    const b = binNavigation(image(), [2, 2]);
    expect(b.navShape).toEqual([1, 2]);
    // block (0,0): pixels 0,1,4,5 → 10; block (0,1): 2,3,6,7 → 18
    expect(Array.from(b.data)).toEqual([10, 100, 18, 180]);
    expect(b.navAxes[1]).toEqual({ offset: 1, scale: 4, units: 'nm' });
    expect(Array.from(binNavigation(image(), [1, 2], 'mean').data.slice(0, 2))).toEqual([0.5, 5]);
    expect(() => binNavigation(image(), [5, 1])).toThrow(/larger than the image/);
  });
  it('region sums by rectangle and by mask', () => {
    const r = regionSum(image(), { x0: 1, x1: 2, y0: 1, y1: 2 }); // pixels 5,6,9,10
    expect(r.pixels).toBe(4);
    expect(Array.from(r.intensity)).toEqual([30, 300]);
    const m = new Uint8Array(12);
    m[11] = 1;
    expect(Array.from(regionSum(image(), m).intensity)).toEqual([11, 110]);
    expect(() => regionSum(image(), { x0: 0, x1: 4, y0: 0, y1: 0 })).toThrow(/outside/);
  });
  it('mapPixels applies a transform to every pixel', () => {
    const out = mapPixels(image(), (_e, y) => [y[0]! + y[1]!], 1);
    expect(Array.from(out)).toEqual(Array.from({ length: 12 }, (_, p) => 11 * p));
    expect(Array.from(pixelIntensity(image(), 3))).toEqual([3, 30]);
  });
  it('zero-loss alignment moves every pixel ZLP to 0 eV and the core loss with it', () => {
    const channels = 200;
    const shiftsTrue = [0.3, -0.5, 1.1, 0];
    const low = new Float64Array(4 * channels);
    const core = new Float64Array(4 * channels);
    for (let p = 0; p < 4; p++)
      for (let k = 0; k < channels; k++) {
        const e = -10 + 0.1 * k;
        low[p * channels + k] = Math.exp(-4 * Math.LN2 * ((e - shiftsTrue[p]!) / 1) ** 2);
        core[p * channels + k] = e > 2 + shiftsTrue[p]! ? 1 : 0; // an edge that drifted with the ZLP
      }
    const base = { navShape: [2, 2], channels, navAxes: [], meta: { origin: { kind: 'measured' as const } } };
    const res = alignZeroLossImage(
      { ...base, data: low, energyAxis: { offset: -10, scale: 0.1, units: 'eV' } },
      { ...base, data: core, energyAxis: { offset: -10, scale: 0.1, units: 'eV' } },
    );
    for (let p = 0; p < 4; p++) expect(res.shifts[p]).toBeCloseTo(shiftsTrue[p]!, 2);
    // After alignment each ZLP peaks at channel 100 (0 eV) and each edge rises at 2 eV (channel 120).
    for (let p = 0; p < 4; p++) {
      const y = res.low.data.subarray(p * channels, (p + 1) * channels);
      expect(y.indexOf(Math.max(...y))).toBe(100);
      expect(res.core!.data[p * channels + 118]).toBeLessThan(0.5);
      expect(res.core!.data[p * channels + 122]).toBeGreaterThan(0.5);
    }
  });
});
