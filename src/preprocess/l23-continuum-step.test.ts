import { describe, expect, it } from 'vitest';
import {
  L23_SPIN_ORBIT_SPLITTING,
  hasContinuumStep,
  removeL23ContinuumStep,
  tailFraction,
} from './l23-continuum-step.js';

/** Mn-like L2,3 edge on a 635–665 eV grid, 0.2 eV steps (the model grid of Mn:L23). */
const energy = Float64Array.from({ length: 151 }, (_, i) => 635 + 0.2 * i);
/** Lorentzian of peak height a, FWHM g at c. */
const lor = (e: number, a: number, c: number, g: number) =>
  (a * (g / 2) ** 2) / ((e - c) ** 2 + (g / 2) ** 2);
const atanStep = (e: number, c: number, g: number) => 0.5 + Math.atan((2 * (e - c)) / g) / Math.PI;
const lines = (l2: number) => Float64Array.from(energy, (e) => lor(e, 10, 640, 1) + lor(e, 5, l2, 1));
/** Known 2:1 arctan step of total height 3 (h_L3 = 2, h_L2 = 1), Γ = 1 eV, at the line maxima. */
const withStep = (l2: number) =>
  Float64Array.from(lines(l2), (y, i) => {
    const e = energy[i]!;
    return y + 2 * atanStep(e, 640, 1) + atanStep(e, l2, 1);
  });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('L23_SPIN_ORBIT_SPLITTING', () => {
  it('holds the X-ray Data Booklet 2p1/2 − 2p3/2 differences', () => {
    expect(L23_SPIN_ORBIT_SPLITTING.Mn).toBeCloseTo(11.2, 6); // 649.9 − 638.7
    expect(L23_SPIN_ORBIT_SPLITTING.Co).toBeCloseTo(15.1, 6); // 793.2 − 778.1
    expect(L23_SPIN_ORBIT_SPLITTING.Ni).toBeCloseTo(17.3, 6); // 870.0 − 852.7
  });
});

describe('removeL23ContinuumStep', () => {
  it('recovers two Lorentzians from under a known 2:1 arctan step (auto width)', () => {
    const l2 = 651.2; // 640 + Δ_so(Mn)
    const r = removeL23ContinuumStep(energy, withStep(l2), { element: 'Mn' });
    expect(r.l3).toBeCloseTo(640, 6);
    expect(r.l2).toBeCloseTo(l2, 6);
    // low-side half maximum of line + step lies exactly at E_L3 − Γ/2 (see module notes); the L2 line and step add
    // ≈ 0.3 % of the maximum at 639.5 eV, moving it by < 0.01 eV
    expect(r.width).toBeCloseTo(1, 1);
    // height: 3 plus the Lorentzian tails in 662–665 eV (≈ 0.006 + 0.009 → ≤ 0.02)
    expect(r.height).toBeGreaterThan(3);
    expect(r.height).toBeLessThan(3.03);
    // recovered lines within 0.5 % of the L3 maximum everywhere
    expect(maxAbsDiff(r.intensity, lines(l2))).toBeLessThan(0.05);
    expect(r.tailBefore).toBeGreaterThan(0.25); // ≈ 3 / 11
    expect(Math.abs(r.tailAfter)).toBeLessThan(0.003);
  });

  it('finds L2 at its own maximum when the measured splitting differs from the tabulated one', () => {
    const l2 = 650.4; // 0.8 eV below 640 + 11.2, inside the ±2.5 eV search window
    const r = removeL23ContinuumStep(energy, withStep(l2), { element: 'Mn', width: 1 });
    expect(r.l2).toBeCloseTo(l2, 6);
    expect(r.width).toBe(1);
    expect(maxAbsDiff(r.intensity, lines(l2))).toBeLessThan(0.05);
  });

  it('leaves a spectrum without a step essentially unchanged', () => {
    const y = lines(651.2);
    const r = removeL23ContinuumStep(energy, y, { element: 'Mn' });
    // only the Lorentzian tails at the grid end (≈ 0.015) are taken for a step
    expect(r.height).toBeLessThan(0.02);
    expect(maxAbsDiff(r.intensity, y)).toBeLessThan(0.02); // 0.2 % of the maximum
  });

  it('removes nothing when the post-edge is negative (over-subtracted background)', () => {
    const y = Float64Array.from(lines(651.2), (v) => v - 0.5);
    const r = removeL23ContinuumStep(energy, y, { element: 'Mn' });
    expect(r.height).toBe(0);
    expect(maxAbsDiff(r.intensity, y)).toBe(0);
  });

  it('does not clamp: noise dipping below the subtracted step stays negative', () => {
    const y = withStep(651.2);
    y[110] = y[110]! - 1; // 657 eV, in the post-L2 continuum
    const r = removeL23ContinuumStep(energy, y, { element: 'Mn', width: 1 });
    expect(r.intensity[110]!).toBeLessThan(-0.9);
  });

  it('rejects an unknown element and a bad width', () => {
    expect(() => removeL23ContinuumStep(energy, lines(651), { element: 'Xx' })).toThrow(/splitting/);
    expect(() => removeL23ContinuumStep(energy, lines(651), { element: 'Mn', width: 0 })).toThrow(/width/);
  });
});

describe('tailFraction / hasContinuumStep', () => {
  it('measures the post-edge level relative to the maximum', () => {
    // last 10 % of 10 points = the last point
    expect(tailFraction([0, 10, 5, 1, 1, 1, 1, 1, 1, 2])).toBeCloseTo(0.2, 12);
    expect(hasContinuumStep(withStep(651.2))).toBe(true);
    expect(hasContinuumStep(lines(651.2))).toBe(false);
  });
});

describe('removeL23ContinuumStep residualTail', () => {
  it('takes only the post-edge excess over the references’ own tail level for the step', () => {
    const y = withStep(651.2);
    const r0 = removeL23ContinuumStep(energy, y, { element: 'Mn', width: 1 });
    // leave 10 % of the maximum (≈ 11.0 at L3) in the post-edge: H drops by ≈ 1.1 / (mean unit step ≈ 0.97)
    const mx = Math.max(...y);
    const r1 = removeL23ContinuumStep(energy, y, { element: 'Mn', width: 1, residualTail: 0.1 });
    expect(r0.height - r1.height).toBeGreaterThan((0.1 * mx) / 1);
    expect(r0.height - r1.height).toBeLessThan((0.1 * mx) / 0.9);
    expect(r1.tailAfter).toBeCloseTo(0.1 * (mx / Math.max(...r1.intensity)), 2);
    // a spectrum no higher there than the references is left unchanged
    const lines0 = lines(651.2);
    const r2 = removeL23ContinuumStep(energy, lines0, { element: 'Mn', residualTail: tailFraction(lines0) });
    expect(r2.height).toBeLessThan(1e-9);
  });
});
