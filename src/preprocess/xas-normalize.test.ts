import { describe, expect, it } from 'vitest';
import { findE0 } from './xas-e0.js';
import { normalizeXas } from './xas-normalize.js';

/**
 * Synthetic K-edge: pre-edge line, a tanh step of height J centred at E0 (width 1.5 eV: zero derivative beyond
 * ±30 eV to 1e-17), and a post-edge quadratic. All fit ranges see exact polynomials, so every output is known.
 */
const E0 = 8333.3;
const J = 0.8;
const energy = Float64Array.from({ length: 900 }, (_, i) => 8100 + i * 1.0);
const pre = (e: number): number => 0.3 - 2e-4 * (e - 8000);
const postShape = (e: number): number => -3e-4 * (e - E0) + 2e-7 * (e - E0) ** 2;
const mu = energy.map(
  (e) => pre(e) + J * 0.5 * (1 + Math.tanh((e - E0) / 1.5)) + (e > E0 + 20 ? postShape(e) : 0),
);

describe('findE0', () => {
  it('finds the inflection point of a symmetric step to sub-grid precision', () => {
    const e0 = findE0(energy, mu);
    expect(Math.abs(e0 - E0)).toBeLessThan(0.1);
  });
  it('skips a one-point glitch larger than the edge', () => {
    const g = Float64Array.from(mu);
    g[100] = g[100]! + 5; // a spike at 8200 eV: rise then immediate fall
    expect(Math.abs(findE0(energy, g) - E0)).toBeLessThan(0.1);
  });
  it('honours a search range', () => {
    // a second, smaller edge at 8700 eV is found when the search is restricted to it
    const two = mu.map((m, i) => m + 0.3 * 0.5 * (1 + Math.tanh((energy[i]! - 8700) / 2)));
    expect(findE0(energy, two, { searchRange: [8500, 8900] })).toBeCloseTo(8700, 0);
    expect(Math.abs(findE0(energy, two) - E0)).toBeLessThan(0.1);
  });
});

describe('normalizeXas', () => {
  it('recovers the pre-edge line, the edge step and a flat post edge', () => {
    const r = normalizeXas(energy, mu, { e0: E0, pre1: -200, pre2: -30, norm1: 30, norm2: 560, nnorm: 2 });
    expect(r.pre[0]).toBeCloseTo(-2e-4, 10);
    expect(r.pre[1]).toBeCloseTo(0.3 + 2e-4 * 8000, 8);
    // Post-edge polynomial = pre + J + postShape: at E0 it is pre(E0) + J, so the step is exactly J.
    expect(r.edgeStep).toBeCloseTo(J, 8);
    const i = 800; // 8900 eV
    expect(r.norm[i]).toBeCloseTo(1 + postShape(energy[i]!) / J, 8);
    expect(r.flat[i]).toBeCloseTo(1, 8);
    expect(r.norm[50]).toBeCloseTo(0, 8); // 8150 eV, pre-edge
    expect(r.ranges.nnorm).toBe(2);
  });
  it('defaults: E0 found, ranges clipped to data, nnorm chosen from the range (Larch rule)', () => {
    const r = normalizeXas(energy, mu);
    expect(Math.abs(r.e0 - E0)).toBeLessThan(0.1);
    expect(r.ranges.pre1).toBe(-200); // the data start 233 eV below E0, so −200 needs no clipping
    expect(normalizeXas(energy, mu, { pre1: -400 }).ranges.pre1).toBeCloseTo(8100 - r.e0, 9); // clipped
    expect(r.ranges.norm1).toBe(150);
    expect(r.ranges.norm2).toBeCloseTo(8999 - r.e0, 9);
    expect(r.ranges.nnorm).toBe(2); // 415 eV > 350 eV
    expect(r.edgeStep).toBeCloseTo(J, 3);
  });
  it('nnorm by range: 1 for 50–350 eV, 0 below', () => {
    expect(normalizeXas(energy, mu, { e0: E0, norm1: 100, norm2: 300 }).ranges.nnorm).toBe(1);
    expect(normalizeXas(energy, mu, { e0: E0, norm1: 100, norm2: 140 }).ranges.nnorm).toBe(0);
  });
  it('with an imposed step, flat still → 1 far above the edge scaled by the step ratio', () => {
    const r = normalizeXas(energy, mu, { e0: E0, norm1: 30, nnorm: 2, step: 2 * J });
    expect(r.edgeStep).toBe(2 * J);
    expect(r.flat[800]).toBeCloseTo(0.5, 8);
  });
  it('errors name the field', () => {
    expect(() => normalizeXas(energy, mu, { e0: 9500 })).toThrow(/outside the data/);
    expect(() => normalizeXas(energy, mu, { e0: E0, pre1: -30.5, pre2: -30 })).toThrow(/pre-edge range/);
  });
});
