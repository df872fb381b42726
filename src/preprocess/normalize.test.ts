import { describe, expect, it } from 'vitest';
import { addGaussianNoise, addPoissonNoise, poisson } from './noise.js';
import { areaNormalize, minMaxNormalize } from './normalize.js';
import { makeRng } from '../math/random.js';

describe('normalization', () => {
  it('min–max to [0, 1]', () => {
    expect(Array.from(minMaxNormalize([2, 4, 3]))).toEqual([0, 1, 0.5]);
    expect(() => minMaxNormalize([1, 1])).toThrow(/constant/);
  });
  it('area normalization: trapezoid area 1 (whole axis or a window)', () => {
    // y = 1 on [0, 2] with a non-uniform grid: area 2
    expect(Array.from(areaNormalize([0, 0.5, 2], [1, 1, 1]))).toEqual([0.5, 0.5, 0.5]);
    // window [0.5, 2] has area 1.5
    expect(areaNormalize([0, 0.5, 2], [1, 1, 1], [0.5, 2])[0]).toBeCloseTo(1 / 1.5, 12);
  });
});

describe('noise augmentation', () => {
  it('is reproducible with a seed and differs between seeds', () => {
    const y = new Float64Array(50).fill(100);
    expect(addPoissonNoise(y, { seed: 7 })).toEqual(addPoissonNoise(y, { seed: 7 }));
    expect(addPoissonNoise(y, { seed: 7 })).not.toEqual(addPoissonNoise(y, { seed: 8 }));
    expect(addGaussianNoise(y, { seed: 'a', sigma: 1 })).toEqual(
      addGaussianNoise(y, { seed: 'a', sigma: 1 }),
    );
  });
  it('Poisson deviates have mean = variance = λ (small λ: Knuth; large λ: PTRS)', () => {
    const rng = makeRng(42);
    for (const lam of [3.5, 250]) {
      const n = 20000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const k = poisson(rng, lam);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        s += k;
        s2 += k * k;
      }
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      expect(Math.abs(mean - lam)).toBeLessThan(4 * Math.sqrt(lam / n)); // 4σ of the sample mean
      expect(variance / lam).toBeGreaterThan(0.95);
      expect(variance / lam).toBeLessThan(1.05);
    }
  });
  it('dose scales the relative noise; Gaussian sigma is respected', () => {
    const y = new Float64Array(20000).fill(10);
    const sd = (a: Float64Array): number => {
      const m = a.reduce((p, v) => p + v, 0) / a.length;
      return Math.sqrt(a.reduce((p, v) => p + (v - m) ** 2, 0) / a.length);
    };
    // mean 10 intensity at dose 100 → 1000 counts → relative noise 1/√1000 → σ = 10/√1000 ≈ 0.316
    expect(sd(addPoissonNoise(y, { seed: 1, dose: 100 }))).toBeCloseTo(0.316, 1);
    expect(sd(addGaussianNoise(y, { seed: 1, sigma: 0.5 }))).toBeCloseTo(0.5, 1);
    expect(() => addPoissonNoise([-1], { seed: 1 })).toThrow(/non-negative/);
  });
});
