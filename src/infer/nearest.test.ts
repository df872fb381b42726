import { describe, expect, it } from 'vitest';
import { importanceOverEnergy, nearestSpectra, relativeDistance } from './nearest.js';

describe('relativeDistance', () => {
  it('is ‖m − s‖/‖m‖ over the finite points', () => {
    // m = (3, 4), s = (3, 0): ‖m − s‖ = 4, ‖m‖ = 5
    expect(relativeDistance([3, 4], [3, 0])).toBeCloseTo(0.8, 15);
    // a NaN point is left out: m = (3, 4, 1), s = (3, 0, NaN) → same as above
    expect(relativeDistance([3, 4, 1], [3, 0, Number.NaN])).toBeCloseTo(0.8, 15);
    expect(relativeDistance([1, 2], [1, 2])).toBe(0);
  });

  it('is NaN with less than half of the grid overlapping or a zero measurement', () => {
    expect(relativeDistance([1, 2, 3], [1, Number.NaN, Number.NaN])).toBeNaN();
    expect(relativeDistance([0, 0], [1, 1])).toBeNaN();
  });
});

describe('nearestSpectra', () => {
  const grid = [10, 11, 12, 13];
  const measured = [1, 2, 3, 4]; // ‖m‖² = 30
  it('ranks candidates by distance, interpolating those on another grid', () => {
    const c = [
      { id: 'far', energy: grid, intensity: [0, 0, 0, 0] }, // d = 1
      { id: 'exact-coarse', energy: [10, 13], intensity: [1, 4] }, // linear: (1, 2, 3, 4) on the grid → d = 0
      { id: 'offset', energy: grid, intensity: [2, 3, 4, 5] }, // ‖m − s‖² = 4 → d = √(4/30)
      { id: 'short', energy: [12, 13], intensity: [3, 4] }, // half the grid: d = 0 over (12, 13)
      { id: 'tiny', energy: [13.5, 14], intensity: [1, 1] }, // no overlap: skipped
    ];
    const r = nearestSpectra(measured, grid, c, 3);
    expect(r.map((x) => x.candidate.id)).toEqual(['exact-coarse', 'short', 'offset']);
    expect(r[0]!.distance).toBeCloseTo(0, 15);
    expect(Array.from(r[0]!.intensity)).toEqual([1, 2, 3, 4]);
    expect(r[2]!.distance).toBeCloseTo(Math.sqrt(4 / 30), 15);
    expect(Number.isNaN(r[1]!.intensity[0]!)).toBe(true);
    expect(nearestSpectra(measured, grid, c, 10)).toHaveLength(4);
  });

  it('refuses a measurement not on the grid', () => {
    expect(() => nearestSpectra([1, 2], grid, [])).toThrow(/grid has 4/);
  });
});

describe('importanceOverEnergy', () => {
  it('spreads each target’s normalised |contribution| over its window and averages targets', () => {
    const grid = [0, 1, 2, 3];
    const targets = [
      {
        target: 'a',
        topWindows: [
          { mode: 'X', lo: 0, hi: 1, contribution: 3 },
          { mode: 'X', lo: 2, hi: 3, contribution: -1 },
          { mode: 'Y', lo: 0, hi: 9, contribution: 4 },
        ],
      }, // Σ|c| = 8 → X windows 3/8, 1/8
      {
        target: 'b',
        topWindows: [
          { mode: 'X', lo: 0, hi: 1, contribution: 0 },
          { mode: 'X', lo: 2, hi: 3, contribution: 2 },
        ],
      }, // Σ|c| = 2 → 0, 1
      { target: 'c', topWindows: [{ mode: 'X', lo: 0, hi: 3, contribution: 0 }] }, // all zero: not counted
    ];
    const r = importanceOverEnergy(grid, 'X', targets);
    expect(Array.from(r.byTarget.a!)).toEqual([3 / 8, 3 / 8, 1 / 8, 1 / 8]);
    expect(Array.from(r.byTarget.b!)).toEqual([0, 0, 1, 1]);
    expect(Array.from(r.byTarget.c!)).toEqual([0, 0, 0, 0]);
    // mean over the two targets with any attribution
    expect(Array.from(r.total)).toEqual([3 / 16, 3 / 16, 9 / 16, 9 / 16]);
  });
});
