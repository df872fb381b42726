import { describe, expect, it } from 'vitest';
import { fitPowerLaw, powerLawCurve, removePowerLawBackground } from './eels-background.js';

const energy = Float64Array.from({ length: 1000 }, (_, i) => 400 + 0.5 * i); // 400…899.5 eV
const A = 3e9;
const r = 3.2;
const bg = energy.map((e) => A * e ** -r);

describe('power-law background', () => {
  it('log–log least squares recovers A and r of a pure power law exactly', () => {
    const f = fitPowerLaw(energy, bg, { from: 450, to: 520 });
    expect(f.r).toBeCloseTo(r, 10);
    expect(f.A / A).toBeCloseTo(1, 8);
    expect(f.points).toBe(141);
  });
  it('two-area method (Egerton Eq. 4.64) recovers r to 1e-4 from channel sums', () => {
    const f = fitPowerLaw(energy, bg, { from: 450, to: 520, method: 'two-area' });
    expect(f.r).toBeCloseTo(r, 2); // channel sums approximate the integrals (midpoint rule)
    const c = powerLawCurve([600], f)[0]!;
    expect(c / (A * 600 ** -r)).toBeCloseTo(1, 2);
  });
  it('subtracting leaves the edge: a step added at 532 eV is recovered above it', () => {
    const y = energy.map((e, i) => bg[i]! + (e >= 532 ? 1000 * (e / 532) ** -2 : 0));
    const res = removePowerLawBackground(energy, y, { from: 450, to: 525 });
    const i = (600 - 400) / 0.5;
    expect(res.signal[i]).toBeCloseTo(1000 * (600 / 532) ** -2, 4);
    expect(res.signal[100]).toBeCloseTo(0, 4);
  });
  it('skips non-positive channels in the log fit and rejects bad windows', () => {
    const y = Float64Array.from(bg);
    y[110] = -5;
    expect(fitPowerLaw(energy, y, { from: 450, to: 520 }).points).toBe(140);
    expect(() => fitPowerLaw(energy, bg, { from: 520, to: 450 })).toThrow(/window/);
    expect(() => fitPowerLaw(energy, bg, { from: 450, to: 450.5 })).toThrow(/channel/);
  });
});
