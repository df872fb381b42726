import { describe, expect, it } from 'vitest';
import { gaunt, wigner3j } from './angular.js';

describe('Wigner 3j and Gaunt coefficients', () => {
  it('matches hand-computed 3j values', () => {
    // (1 1 0; 0 0 0) = −1/√3 ; (1 1 2; 0 0 0) = √(2/15) ; (2 2 2; 0 0 0) = −√(2/35)
    expect(wigner3j(1, 1, 0, 0, 0, 0)).toBeCloseTo(-1 / Math.sqrt(3), 12);
    expect(wigner3j(1, 1, 2, 0, 0, 0)).toBeCloseTo(Math.sqrt(2 / 15), 12);
    expect(wigner3j(2, 2, 2, 0, 0, 0)).toBeCloseTo(-Math.sqrt(2 / 35), 12);
    // (1/2 1/2 1; 1/2 −1/2 0) = 1/√6
    expect(wigner3j(0.5, 0.5, 1, 0.5, -0.5, 0)).toBeCloseTo(1 / Math.sqrt(6), 12);
    expect(wigner3j(1, 1, 3, 0, 0, 0)).toBe(0);
  });
  it('reproduces the c^k tables of Condon & Shortley / Slater (d–d, p–d)', () => {
    // c²(2 0, 2 0) = 2/7 ; c⁴(2 0, 2 0) = 6/21 = 2/7·… (Slater table: c⁴(0,0) = 6/21)
    expect(gaunt(2, 2, 0, 2, 0)).toBeCloseTo(2 / 7, 12);
    expect(gaunt(4, 2, 0, 2, 0)).toBeCloseTo(6 / 21, 12);
    expect(gaunt(2, 2, 2, 2, 2)).toBeCloseTo(-2 / 7, 12);
    expect(gaunt(4, 2, 2, 2, 2)).toBeCloseTo(1 / 21, 12);
    // p–d dipole: c¹(2 0, 1 0) = √(4/15) (Slater App. 20: c¹(d0,p0)=√(4/15))
    expect(gaunt(1, 2, 0, 1, 0)).toBeCloseTo(Math.sqrt(4 / 15), 12);
    expect(gaunt(0, 2, 1, 2, 1)).toBeCloseTo(1, 12);
  });
  it('sum rule Σ_m′ c^k(l m, l′ m′)² = (2l′+1)/(2k+1)·… is independent of m', () => {
    for (const k of [1, 3]) {
      const sums = [-2, -1, 0, 1, 2].map((m) =>
        [-1, 0, 1].reduce((s, mp) => s + gaunt(k, 2, m, 1, mp) ** 2, 0),
      );
      for (const s of sums) expect(s).toBeCloseTo(sums[0], 12);
    }
  });
});
