import { describe, expect, it } from 'vitest';
import { cumulativeIntegral, feffGrid, integrate, interpolateRadial, logGridSpan } from './radial-grid.js';

describe('log radial grid', () => {
  it('matches FEFF r_i = exp(-8.8 + 0.05 (i-1))', () => {
    const g = feffGrid();
    expect(g.r[0]).toBeCloseTo(1.5073e-4, 8);
    expect(g.r[194]).toBeCloseTo(2.4596, 4); // pot00.dat row 195
  });
  it('integrates 4π r² e^{-2r}/π = 1 (hydrogen 1s density) to 1e-9', () => {
    const g = logGridSpan(1e-6, 40, 0.02);
    const f = g.r.map((r) => 4 * r * r * Math.exp(-2 * r));
    expect(integrate(g, f)).toBeCloseTo(1, 9);
  });
  it('cumulative integral of r² on [0, r] is r³/3', () => {
    const g = logGridSpan(1e-4, 5, 0.05);
    const c = cumulativeIntegral(
      g,
      g.r.map((r) => r * r),
    );
    const i = 150;
    expect(c[i]! / (g.r[i]! ** 3 / 3)).toBeCloseTo(1, 4); // 4th order: error ≈ h⁴·3⁴·11/720 ≈ 8e-6
  });
  it('interpolates smooth functions to high accuracy', () => {
    const g = logGridSpan(1e-4, 10, 0.05);
    const f = g.r.map((r) => Math.exp(-r) * r);
    expect(interpolateRadial(g, f, 1.2345)).toBeCloseTo(1.2345 * Math.exp(-1.2345), 5);
  });
});
