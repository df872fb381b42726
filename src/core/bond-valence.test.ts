import { describe, expect, it } from 'vitest';
import {
  BOND_VALENCE_TABLE,
  bondValence,
  bondValenceParameter,
  bondValenceSum,
  tabulatedValences,
} from './bond-valence.js';

describe('bond-valence parameters', () => {
  it('covers Li⁺, Mn/Co/Ni 2+/3+/4+ with O²⁻, b = 0.37 Å, each with a source', () => {
    expect(tabulatedValences('Li')).toEqual([1]);
    for (const el of ['Mn', 'Co', 'Ni']) expect(tabulatedValences(el)).toEqual([2, 3, 4]);
    for (const p of BOND_VALENCE_TABLE) {
      expect(p.b === 0.37 || (p.cation === 'Ni' && p.valence === 4 && p.b === 0.35)).toBe(true);
      expect(p.source).toMatch(/Brese|Brown/);
    }
    expect(bondValenceParameter('Mn', 4).r0).toBe(1.753);
    expect(bondValenceParameter('Co', 3).r0).toBe(1.7);
    expect(() => bondValenceParameter('Ni', 5)).toThrow(/no bond-valence parameter/);
  });
  it('s = exp((R0 − R)/b): a bond of length R0 has valence 1; six at R0 + b·ln 2 sum to 3', () => {
    const p = bondValenceParameter('Ni', 3);
    expect(bondValence(p, p.r0)).toBe(1);
    expect(bondValenceSum(p, new Array(6).fill(p.r0 + 0.37 * Math.log(2)))).toBeCloseTo(3, 12);
    // LiCoO2 Co–O = 1.9336 Å (mp-24850): 6·exp((1.70 − 1.9336)/0.37) = 3.191
    expect(bondValenceSum(bondValenceParameter('Co', 3), new Array(6).fill(1.9336))).toBeCloseTo(3.191, 3);
  });
});
