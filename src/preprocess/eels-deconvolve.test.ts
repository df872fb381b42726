import { describe, expect, it } from 'vitest';
import { gaussianBroaden } from './broaden.js';
import { fourierRatioDeconvolve } from './eels-deconvolve.js';
import { fftReal, ifftReal, nextPow2 } from './fft.js';

const d = 0.2; // eV per channel
const gauss = (x: number, c: number, fwhm: number): number => Math.exp(-4 * Math.LN2 * ((x - c) / fwhm) ** 2);

/** Low loss: ZLP (FWHM 1 eV, 1e6 counts) + Poisson plasmons at 20 eV, t/λ = 0.4. */
const lowE = Float64Array.from({ length: 1024 }, (_, i) => -20 + d * i);
const zlp = lowE.map((x) => gauss(x, 0, 1.0));
const zArea = zlp.reduce((a, b) => a + b, 0);
const low = lowE.map((x, i) => {
  let v = (1e6 * zlp[i]!) / zArea;
  let f = 1;
  for (let n = 1; n <= 6; n++) {
    f *= n;
    const w = 3 * Math.sqrt(n);
    const g = gauss(x, 20 * n, w) / ((w / d) * Math.sqrt(Math.PI / (4 * Math.LN2)));
    v += 1e6 * (0.4 ** n / f) * g;
  }
  return v;
});

/** Single scattering: a sawtooth-like edge at 532 eV with a white line, decaying. */
const coreE = Float64Array.from({ length: 1024 }, (_, i) => 480 + d * i);
const single = coreE.map((e) => (e < 532 ? 0 : 400 * (e / 532) ** -3) + 800 * gauss(e, 536, 2));

/** Plural core loss: J_k = single ⊗ J_l/I0, computed by direct summation (no FFT) on the channel grid. */
function convolveDirect(): Float64Array {
  const i0 = low.reduce((a, b) => a + b, 0) / Math.exp(0.4); // ZLP counts
  const k0 = Math.round(20 / d); // 0 eV channel of the low loss
  const out = new Float64Array(coreE.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < low.length; j++) {
      const src = i - (j - k0);
      if (src >= 0 && src < single.length) s += (single[src]! * low[j]!) / i0;
    }
    out[i] = s;
  }
  return out;
}

describe('FFT helpers', () => {
  it('round-trip and a delta transform', () => {
    expect(nextPow2(1000)).toBe(1024);
    const x = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i) + i);
    const X = fftReal(x);
    const back = ifftReal(X.re, X.im);
    for (let i = 0; i < 16; i++) expect(back[i]).toBeCloseTo(x[i]!, 12);
    const delta = new Float64Array(8);
    delta[0] = 1;
    expect(Array.from(fftReal(delta).re)).toEqual(new Array(8).fill(1));
  });
});

describe('Fourier-ratio deconvolution', () => {
  it('removes plural scattering: the result is the single-scattering edge at the ZLP resolution', () => {
    const core = convolveDirect();
    const r = fourierRatioDeconvolve(coreE, core, lowE, low, { threshold: 5 });
    expect(r.fwhm).toBeCloseTo(1.0, 1); // half-maximum crossings interpolated linearly between 0.2-eV channels
    // Expected: single ⊗ Gaussian(FWHM 1 eV), in counts per channel.
    const expected = gaussianBroaden(coreE, single, 1.0);
    const max = Math.max(...expected);
    let worst = 0;
    for (let i = 0; i < coreE.length; i++) {
      if (coreE[i]! < 520 || coreE[i]! > 620) continue;
      worst = Math.max(worst, Math.abs(r.signal[i]! - expected[i]!));
    }
    expect(worst / max).toBeLessThan(0.01);
    // The plural input differs from it by far more (plasmon satellites at +20 eV carry 40 % of the counts).
    let diff = 0;
    for (let i = 0; i < coreE.length; i++)
      if (coreE[i]! > 520 && coreE[i]! < 620) diff = Math.max(diff, Math.abs(core[i]! - expected[i]!));
    expect(diff / max).toBeGreaterThan(0.1);
  });
  it('rejects spectra of different dispersion', () => {
    const e2 = coreE.map((e) => e * 1.5);
    expect(() => fourierRatioDeconvolve(e2, single, lowE, low)).toThrow(/dispersions differ/);
  });
});
