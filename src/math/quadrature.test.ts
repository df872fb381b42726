import { describe, expect, it } from 'vitest';
import { gaussLegendre } from './quadrature.js';

describe('gaussLegendre', () => {
  it('2 points: ±1/√3 with weights 1', () => {
    const { x, w } = gaussLegendre(2);
    expect([...x].sort((a, b) => a - b)).toEqual([
      expect.closeTo(-1 / Math.sqrt(3), 14),
      expect.closeTo(1 / Math.sqrt(3), 14),
    ]);
    expect(w[0]).toBeCloseTo(1, 14);
    expect(w[1]).toBeCloseTo(1, 14);
  });

  it('n points integrate polynomials of degree 2n − 1 exactly: ∫ x⁴ = 2/5, ∫ x⁶ = 2/7 with n = 4', () => {
    const { x, w } = gaussLegendre(4);
    const integrate = (f: (t: number) => number) => x.reduce((s, t, i) => s + w[i]! * f(t), 0);
    expect(integrate((t) => t ** 4)).toBeCloseTo(2 / 5, 13);
    expect(integrate((t) => t ** 6)).toBeCloseTo(2 / 7, 13);
    expect(integrate(() => 1)).toBeCloseTo(2, 13);
  });
});
