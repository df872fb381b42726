import { describe, expect, it } from 'vitest';
import { calibrateOnZlp, thicknessLogRatio, zlpCentre, zlpFwhm, zlpIntensity } from './eels-lowloss.js';

const gauss = (x: number, c: number, fwhm: number): number => Math.exp(-4 * Math.LN2 * ((x - c) / fwhm) ** 2);

/**
 * Low loss with Poisson plural scattering (Egerton Eq. 3.117): the n-th plasmon order has area I0·(t/λ)^n/n!, so
 * I_t/I_0 = e^{t/λ} when all orders are inside the spectrum.
 */
function lowLoss(tl: number, centre = 0.3): { e: Float64Array; y: Float64Array } {
  const e = Float64Array.from({ length: 3000 }, (_, i) => -20 + 0.1 * i); // −20…280 eV
  const ep = 22; // plasmon energy
  const y = e.map((x) => {
    let v = 1e6 * gauss(x, centre, 1.0);
    let fact = 1;
    for (let n = 1; n <= 8; n++) {
      fact *= n;
      // Gaussian of FWHM w has area w·√(π/(4 ln2)); scale heights so areas ∝ (t/λ)^n/n!
      const w = 4 * Math.sqrt(n);
      v += ((1e6 * 1.0 * (tl ** n / fact)) / w) * gauss(x, centre + n * ep, w);
    }
    return v;
  });
  return { e, y };
}

describe('zero-loss peak', () => {
  it('centre and FWHM of a sampled Gaussian', () => {
    const { e, y } = lowLoss(0.3, 0.33);
    expect(zlpCentre(e, y)).toBeCloseTo(0.33, 2);
    expect(zlpFwhm(e, y)).toBeCloseTo(1.0, 2);
    const cal = calibrateOnZlp(e, y);
    expect(cal.shift).toBeCloseTo(0.33, 2);
    expect(cal.energy[200]).toBeCloseTo(-0.33, 2);
  });
  it('log-ratio t/λ = ln(It/I0) recovers the Poisson thickness', () => {
    for (const tl of [0.2, 0.6, 1.1]) {
      const { e, y } = lowLoss(tl);
      const r = thicknessLogRatio(e, y, { threshold: 8 });
      expect(r.tOverLambda).toBeCloseTo(tl, 2);
    }
  });
  it('I0 up to the first minimum after the ZLP', () => {
    const { e, y } = lowLoss(0.5);
    const auto = zlpIntensity(e, y);
    const area = (1e6 * Math.sqrt(Math.PI / (4 * Math.LN2))) / 0.1; // Gaussian area in channel sums
    expect(auto / area).toBeCloseTo(1, 2);
  });
});
