import { describe, expect, it } from 'vitest';
import { logGridSpan } from '../../math/radial-grid.js';
import { SPEED_OF_LIGHT_AU, solveBoundState } from './radial.js';

describe('bound states of −Z/r', () => {
  const g = logGridSpan(1e-6, 80, 0.01);
  for (const Z of [1, 8, 28]) {
    const V = g.r.map((r) => -Z / r);
    for (const [n, l] of [
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 2],
      [4, 0],
    ] as const) {
      it(`Z=${Z} n=${n} l=${l}: E = −Z²/2n²`, () => {
        const s = solveBoundState(g, V, n, l, { Z });
        expect(s.energy / (-(Z * Z) / (2 * n * n))).toBeCloseTo(1, 6);
        expect(s.nodes).toBe(n - l - 1);
      });
    }
  }
  it('scalar-relativistic 1s of Z = 28 is below the Schrödinger value by ≈ the Dirac shift', () => {
    const Z = 28;
    const V = g.r.map((r) => -Z / r);
    const a = 1 / SPEED_OF_LIGHT_AU;
    const s = solveBoundState(g, V, 1, 0, { Z, alpha: a });
    // Dirac 1s: E = c²(√(1 − (αZ)²) − 1); scalar-relativistic equals Dirac for s states to O((αZ)⁴)
    const dirac = SPEED_OF_LIGHT_AU ** 2 * (Math.sqrt(1 - (a * Z) ** 2) - 1);
    expect(Math.abs(s.energy - dirac)).toBeLessThan(0.05);
    expect(s.energy).toBeLessThan(-392);
  });
});
