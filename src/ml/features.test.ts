import { describe, expect, it } from 'vitest';
import { makeGrid } from './data.js';
import {
  cdf,
  cubicFit,
  fitFeatureRecipe,
  fitPca,
  fitPeaks,
  normalizeSpectrum,
  transformFeatures,
} from './features.js';

describe('spectral features', () => {
  it('CDF is the cumulative normalised sum', () => {
    expect(Array.from(cdf(Float64Array.from([1, 1, 2])))).toEqual([0.25, 0.5, 1]);
    expect(Array.from(cdf(Float64Array.from([0, 0])))).toEqual([0, 0]);
  });

  it('normalisation by area and maximum', () => {
    const x = Float64Array.from([1, 3]);
    expect(Array.from(normalizeSpectrum(x, 'area', 0.5))).toEqual([0.5, 1.5]);
    expect(Array.from(normalizeSpectrum(x, 'max', 0.5))).toEqual([1 / 3, 1]);
  });

  it('a cubic window fit recovers an exact cubic', () => {
    // x(t) = 2 − t + 0.5 t² + 3 t³ on 9 points t ∈ [−1, 1]
    const x = Float64Array.from({ length: 9 }, (_, i) => {
      const t = (2 * i) / 8 - 1;
      return 2 - t + 0.5 * t * t + 3 * t * t * t;
    });
    const c = cubicFit(x, 0, 9);
    expect(c[0]).toBeCloseTo(2, 10);
    expect(c[1]).toBeCloseTo(-1, 10);
    expect(c[2]).toBeCloseTo(0.5, 10);
    expect(c[3]).toBeCloseTo(3, 10);
  });

  it('Gaussian decomposition recovers peak parameters', () => {
    const g: [number, number, number] = [520, 0.2, 151];
    const x = Float64Array.from({ length: 151 }, (_, i) => {
      const e = 520 + 0.2 * i;
      return (
        1.2 * Math.exp(-0.5 * ((e - 530) / 1.1) ** 2) + 0.6 * Math.exp(-0.5 * ((e - 540) / 2) ** 2) + 0.05
      );
    });
    const p = fitPeaks(x, g, [
      { center: 529.5, width: 1.5 },
      { center: 541, width: 1.5 },
    ]);
    expect(p[0]).toBeCloseTo(1.2, 2);
    expect(p[1]).toBeCloseTo(530, 2);
    expect(p[2]).toBeCloseTo(1.1, 2);
    expect(p[3]).toBeCloseTo(0.6, 2);
    expect(p[4]).toBeCloseTo(540, 2);
    expect(p[5]).toBeCloseTo(2, 2);
  });

  it('PCA finds the direction of largest variance', () => {
    // points along (3, 4)/5 with small orthogonal spread
    const rows = Array.from({ length: 50 }, (_, i) => {
      const a = (i - 25) / 5;
      const b = 0.01 * Math.sin(i);
      return Float64Array.from([0.6 * a - 0.8 * b + 1, 0.8 * a + 0.6 * b - 2]);
    });
    const p = fitPca(rows, 1);
    expect(p.mean[0]).toBeCloseTo(
      1 + 0.6 * -0.1 - 0.8 * (rows.reduce((s, _, i) => s + 0.01 * Math.sin(i), 0) / 50),
      8,
    );
    expect(Math.abs(p.components[0]?.[0] ?? 0)).toBeCloseTo(0.6, 3);
    expect(Math.abs(p.components[0]?.[1] ?? 0)).toBeCloseTo(0.8, 3);
    expect(p.explained[0]).toBeGreaterThan(0.999);
  });

  it('names keep mode and energy; concatenation order is by mode then kind', () => {
    const gA = makeGrid(530, 0.5, 8);
    const gB = makeGrid(850, 1, 8);
    const mk = (k: number) => Float64Array.from({ length: 8 }, (_, i) => 1 + Math.sin(i + k));
    const bundle = { 'O:K': [mk(0), mk(1), mk(2)], 'Ni:L23': [mk(3), mk(4), mk(5)] };
    const r = fitFeatureRecipe(bundle, { 'O:K': gA, 'Ni:L23': gB }, ['O:K', 'Ni:L23'], {
      kinds: ['raw', 'cdf', 'cubic', 'pca'],
      cubicWindows: 2,
      pcaComponents: 2,
    });
    const names = r.features.map((f) => f.name);
    expect(names[0]).toBe('O:K/raw@530.00');
    expect(names).toContain('O:K/cdf@533.50');
    expect(names).toContain('Ni:L23/cubic.c3@851.50');
    expect(names).toContain('Ni:L23/pca2');
    const X = transformFeatures(r, bundle);
    expect(X.ncol).toBe(names.length);
    expect(X.nrow).toBe(3);
    expect(X.data[names.indexOf('O:K/raw@531.00')]).toBeCloseTo(mk(0)[2] as number, 6);
    expect(X.data[X.ncol + names.indexOf('Ni:L23/cdf@857.00')]).toBeCloseTo(1, 6);
    expect(() => transformFeatures(r, { 'O:K': [mk(0)], 'Ni:L23': [Float64Array.from([1, 2])] })).toThrow(
      /grid has 8/,
    );
  });
});
