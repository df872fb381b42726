import { describe, expect, it } from 'vitest';
import { polyfit, polyval } from './polyfit.js';

describe('polyfit', () => {
  it('recovers a quadratic exactly at X-ray energies (≈ 8 keV, where raw powers are ill-conditioned)', () => {
    const x = Array.from({ length: 50 }, (_, i) => 8300 + 10 * i);
    // y = 2 − 3e-4·x + 1.5e-8·x²
    const y = x.map((e) => 2 - 3e-4 * e + 1.5e-8 * e * e);
    const c = polyfit(x, y, 2);
    expect(c[0]).toBeCloseTo(2, 6);
    expect(c[1]! / -3e-4).toBeCloseTo(1, 6);
    expect(c[2]! / 1.5e-8).toBeCloseTo(1, 6);
    expect(polyval(c, 8500)).toBeCloseTo(2 - 3e-4 * 8500 + 1.5e-8 * 8500 * 8500, 9);
  });
  it('fits a line over a sub-range only', () => {
    const x = [0, 1, 2, 3, 4, 5];
    const y = [100, 1, 3, 5, 7, -50]; // line 1 + 2(x − 1) on indices 1…4
    const c = polyfit(x, y, 1, 1, 5);
    expect(c[0]).toBeCloseTo(-1, 12);
    expect(c[1]).toBeCloseTo(2, 12);
  });
  it('least squares of 3 points with a line: hand-computed', () => {
    // (0,0), (1,1), (2,1): slope 1/2, intercept 1/6
    const c = polyfit([0, 1, 2], [0, 1, 1], 1);
    expect(c[1]).toBeCloseTo(0.5, 12);
    expect(c[0]).toBeCloseTo(1 / 6, 12);
  });
  it('refuses too few points', () => {
    expect(() => polyfit([1, 2], [1, 2], 2)).toThrow(/needs ≥ 3 points/);
  });
});
