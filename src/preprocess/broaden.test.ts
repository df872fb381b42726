import { describe, expect, it } from 'vitest';
import {
  arctanWidth,
  broadenVariable,
  gaussianBroaden,
  lineShape,
  lorentzianBroaden,
  seahDenchWidth,
  voigtBroaden,
} from './broaden.js';

/** FWHM of a sampled peak by linear interpolation of the half-maximum crossings. */
function fwhmOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > y[p]!) p = i;
  const h = y[p]! / 2;
  let l = p;
  while (y[l]! > h) l--;
  let r = p;
  while (y[r]! > h) r++;
  const cx = (a: number, b: number): number => x[a]! + ((h - y[a]!) / (y[b]! - y[a]!)) * (x[b]! - x[a]!);
  return cx(r - 1, r) - cx(l, l + 1);
}

const x = Float64Array.from({ length: 2001 }, (_, i) => -50 + 0.05 * i);
const delta = x.map((v) => (Math.abs(v) < 1e-9 ? 1 : 0));

describe('broadening', () => {
  it('kernels have unit area and the stated FWHM', () => {
    for (const s of ['gaussian', 'lorentzian'] as const) {
      expect(lineShape(s, 1, 2) / lineShape(s, 0, 2)).toBeCloseTo(0.5, 12); // half max at ±FWHM/2
    }
    let area = 0;
    for (let i = 0; i < x.length; i++) area += 0.05 * lineShape('gaussian', x[i]!, 1.3);
    expect(area).toBeCloseTo(1, 9);
  });
  it('a delta becomes a peak of the requested FWHM (Gaussian, Lorentzian); Voigt width ≈ Olivero–Longbothum', () => {
    expect(fwhmOf(x, gaussianBroaden(x, delta, 2))).toBeCloseTo(2, 2);
    expect(fwhmOf(x, lorentzianBroaden(x, delta, 1.5))).toBeCloseTo(1.5, 2);
    // Olivero & Longbothum (1977): f_V ≈ 0.5346 f_L + √(0.2166 f_L² + f_G²), accurate to 0.02 %
    const fl = 1.5;
    const fg = 2;
    const fv = 0.5346 * fl + Math.sqrt(0.2166 * fl * fl + fg * fg);
    expect(fwhmOf(x, voigtBroaden(x, delta, fl, fg)) / fv).toBeCloseTo(1, 2);
  });
  it('keeps a constant constant to the ends of a non-uniform grid', () => {
    const g = [0, 0.1, 0.3, 0.7, 1.5, 3.1, 3.2, 3.3];
    const out = gaussianBroaden(g, new Array(8).fill(2), 1);
    for (const v of out) expect(v).toBeCloseTo(2, 12);
  });
  it('energy-dependent width: a comb of deltas broadens more at high energy', () => {
    const comb = x.map((v) => (Math.abs(v + 30) < 1e-9 || Math.abs(v - 30) < 1e-9 ? 1 : 0));
    const out = broadenVariable(x, comb, (e) => (e < 0 ? 1 : 4), 'lorentzian');
    const left = out.slice(0, 1000);
    const right = out.slice(1001);
    expect(fwhmOf(x.slice(0, 1000), left)).toBeCloseTo(1, 1);
    expect(fwhmOf(x.slice(1001), right)).toBeCloseTo(4, 1);
  });
  it('arctangent width (Bunău & Joly 2009): Γ_hole below E_F, → Γ_hole + Γ_max far above, half-way at e = 1', () => {
    const w = arctanWidth({ gammaHole: 1.44, eFermi: 8333 });
    expect(w(8300)).toBe(1.44);
    // e = 1 → arctan argument 0 → Γ_hole + Γ_max/2
    expect(w(8333 + 30)).toBeCloseTo(1.44 + 7.5, 12);
    expect(w(8333 + 3000)).toBeGreaterThan(1.44 + 14.5);
  });
  it('Seah–Dench width at 50 eV above E_F: hand-computed 6.63 eV (+ Γ_hole)', () => {
    // λ = 0.25·(538/2500 + 0.41·√12.5) nm = 0.41618 nm; v = c·√(100/510998.95) = 4.1938e6 m/s;
    // ħv/λ = 6.5821e-16·4.1938e6/4.1618e-10 = 6.633 eV
    const w = seahDenchWidth({ gammaHole: 0.5, eFermi: 0 });
    expect(w(50)).toBeCloseTo(0.5 + 6.633, 2);
    expect(w(-1)).toBe(0.5);
  });
});
