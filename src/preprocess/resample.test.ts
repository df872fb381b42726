import { xyEquallySpaced } from 'ml-spectra-processing';
import { describe, expect, it } from 'vitest';
import { interpLinear, resample, uniformGrid } from './resample.js';

describe('resample', () => {
  const x = [0, 1, 3, 4, 7];
  const y = [0, 2, 6, 8, 14]; // y = 2x, non-uniform axis
  it('linear mode is exact on a straight line, NaN outside unless filled', () => {
    const out = resample(x, y, [0, 0.5, 2.5, 6.9, 7, 8]);
    expect(Array.from(out.slice(0, 5))).toEqual([0, 1, 5, 13.8, 14].map((v) => expect.closeTo(v, 12)));
    expect(out[5]).toBeNaN();
    expect(resample(x, y, [-1, 8], { fill: 'edge' })).toEqual(Float64Array.from([0, 14]));
    expect(resample(x, y, [8], { fill: 0 })[0]).toBe(0);
  });
  it('integrate mode: cell means of a line equal the value at the cell centre', () => {
    const out = resample(x, y, [1, 3, 5], { mode: 'integrate' });
    // cells [0.5? no: 1 → [1, 2], 3 → [2, 4], 5 → [4, 5]] (end cells are half cells)
    expect(out[0]).toBeCloseTo(3, 12); // mean of 2x over [1,2] = 3
    expect(out[1]).toBeCloseTo(6, 12); // over [2,4] = 6
    expect(out[2]).toBeCloseTo(9, 12); // over [4,5] = 9
  });
  it('integrate mode conserves the area of a narrow peak that linear sampling would miss', () => {
    const fx = Array.from({ length: 1001 }, (_, i) => i * 0.01); // 0…10
    const fy = fx.map((e) => (Math.abs(e - 5.45) < 0.05 ? 1 : 0)); // a 0.1-wide box between grid points
    const grid = uniformGrid(0, 10, 1);
    const lin = resample(fx, fy, grid);
    const bin = resample(fx, fy, grid, { mode: 'integrate' });
    expect(lin.reduce((a, b) => a + b, 0)).toBe(0);
    // cells of width 1 eV tile the axis: Σ cell means = the trapezoid integral of the data (≈ 0.1)
    let area = 0;
    for (let i = 1; i < fx.length; i++) area += 0.5 * (fx[i]! - fx[i - 1]!) * (fy[i]! + fy[i - 1]!);
    expect(area).toBeGreaterThan(0.08);
    expect(bin.reduce((a, b) => a + b, 0)).toBeCloseTo(area, 12);
  });
  it('integrate mode agrees with ml-spectra-processing xyEquallySpaced (smooth) on uniform grids (interior cells)', () => {
    const fx = Array.from({ length: 401 }, (_, i) => 8300 + i * 0.25);
    const fy = fx.map((e) => Math.exp(-(((e - 8340) / 3) ** 2)) + 0.001 * (e - 8300));
    const ref = xyEquallySpaced(
      { x: fx, y: fy },
      { from: 8302, to: 8398, numberOfPoints: 49, variant: 'smooth' },
    );
    const ours = resample(fx, fy, Float64Array.from(ref.x), { mode: 'integrate' });
    // (at the two end points that library uses a full cell, this module the half cell inside the grid)
    for (let i = 1; i < ours.length - 1; i++) expect(ours[i]).toBeCloseTo(ref.y[i]!, 6);
  });
  it('interpLinear and uniformGrid', () => {
    expect(interpLinear(x, y, 3.5)).toBeCloseTo(7, 12);
    expect(Array.from(uniformGrid(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75, 2]);
  });
  it('rejects a non-increasing axis', () => {
    expect(() => resample([0, 1, 1], [0, 1, 2], [0.5])).toThrow(/strictly increasing/);
  });
});
