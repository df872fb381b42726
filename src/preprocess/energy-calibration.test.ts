import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../test/shared.js';
import { readSpectra } from '../io/spectra/read.js';
import { imageEnergyAxis, pixelCount } from '../spectrum/spectrum.js';
import {
  EELS_REFERENCE_FEATURES,
  applyEnergyCalibration,
  calibrateEelsAxis,
  locateFeature,
  solveLinearCalibration,
} from './energy-calibration.js';
import { addPoissonNoise } from './noise.js';
import { regionSum } from './spectrum-image.js';

/** 2048 channels from 440 eV at 0.3 eV/channel (the Si-doped NMC acquisition's recorded axis). */
const AXIS = Float64Array.from({ length: 2048 }, (_, i) => 440 + 0.3 * i);

/**
 * A synthetic NMC-like core-loss spectrum whose true energies are E_true = a + b·E_rec: power law 4e12·E^−3 plus
 * Gaussian features (σ 0.8 eV) at true energies — O K pre-peak 530 (height 2000) before a larger O K main peak 541
 * (3500) and its continuum, Mn L3 643 / L2 654, Co L3 779.8 / L2 795, Ni L3 853.2 / L2 870.5.
 */
function synthetic(a: number, b: number, seed = 1): Float64Array {
  const g = (e: number, c: number, h: number, s = 0.8) => h * Math.exp(-0.5 * ((e - c) / s) ** 2);
  const y = Float64Array.from(AXIS, (er) => {
    const e = a + b * er;
    let v = 4e12 * e ** -3;
    v += g(e, 530, 2000) + g(e, 541, 3500, 2) + (e > 536 ? 750 : 0);
    v += g(e, 643, 4500) + g(e, 654, 2250);
    v += g(e, 779.8, 1250) + g(e, 795, 600);
    v += g(e, 853.2, 1500) + g(e, 870.5, 600);
    return v;
  });
  return addPoissonNoise(y, { seed });
}

describe('solveLinearCalibration', () => {
  it('gives the exact two-point line and the plain offset for one feature', () => {
    // hand-computed: b = (853.2 − 530)/(834 − 518) = 323.2/316 = 1.0227848, a = 530 − b·518 = 0.197468
    const two = solveLinearCalibration([
      { measured: 518, reference: 530, uncertainty: 1 },
      { measured: 834, reference: 853.2, uncertainty: 1 },
    ]);
    expect(two.b).toBeCloseTo(1.0227848, 6);
    expect(two.a).toBeCloseTo(0.197468, 5);
    for (const r of two.residuals) expect(Math.abs(r)).toBeLessThan(1e-9);
    const one = solveLinearCalibration([{ measured: 630, reference: 643, uncertainty: 1.5 }]);
    expect(one.b).toBe(1);
    expect(one.a).toBeCloseTo(13, 12);
    expect(() => solveLinearCalibration([])).toThrow(/at least one/);
  });

  it('weights features by 1/u² in the least-squares line', () => {
    // three points, the middle one 1 eV off the line through the outer two; with a tiny u on the outer points
    // the line passes through them and the middle residual is the full −1 eV (hand-computed)
    const pairs = [
      { measured: 500, reference: 510, uncertainty: 0.01 },
      { measured: 600, reference: 611, uncertainty: 1 },
      { measured: 700, reference: 710, uncertainty: 0.01 },
    ];
    const l = solveLinearCalibration(pairs);
    expect(l.b).toBeCloseTo(1, 3);
    expect(l.a).toBeCloseTo(10, 1);
    expect(l.residuals[1]).toBeCloseTo(-1, 2);
  });
});

describe('calibrateEelsAxis', () => {
  it('recovers a known offset and dispersion error from the O K pre-peak and the TM L3 maxima', () => {
    const a = 2;
    const b = 1.02; // true = 2 + 1.02·recorded: 10.8 eV low at 440 eV, 19.3 eV low at 865 eV
    const y = synthetic(a, b);
    const out = calibrateEelsAxis(AXIS, y);
    const c = out.calibration!;
    expect(c, out.warnings.join('; ')).not.toBeNull();
    expect(c.method).toBe('least-squares');
    expect(c.features.map((f) => f.name)).toEqual(EELS_REFERENCE_FEATURES.map((f) => f.name));
    expect(c.dispersion).toBeCloseTo(b, 3);
    // 10.8 eV at the first channel; within one channel (0.3 eV: the features sit on sloping neighbours)
    expect(Math.abs(c.offset - (a + (b - 1) * 440))).toBeLessThan(0.3);
    for (const f of c.features) expect(Math.abs(f.residual), f.name).toBeLessThan(0.3);
    // the O K feature is the pre-peak, not the larger main peak 11 eV above it
    const o = c.features.find((f) => f.name.startsWith('O K'))!;
    expect(a + b * o.measured).toBeCloseTo(530, 0);
    const cal = applyEnergyCalibration(AXIS, c);
    expect(Math.abs(cal[0]! - (a + b * 440))).toBeLessThan(0.3);
    expect(Math.abs(cal[2047]! - (a + b * AXIS[2047]!))).toBeLessThan(0.3);
  });

  it('drops a feature that does not fit the line and says why', () => {
    // Co L3 placed 6 eV above its literature energy (as if another compound): rejected by the 3σ rule
    const g = (e: number, c0: number, h: number) => h * Math.exp(-0.5 * ((e - c0) / 0.8) ** 2);
    const y = Float64Array.from(AXIS, (e) => {
      let v = 4e12 * e ** -3 + g(e, 518, 2000) + (e > 524 ? 750 : 0);
      v += g(e, 630, 4500) + g(e, 766 + 6, 1250) + g(e, 835, 1500);
      return v;
    });
    const c = calibrateEelsAxis(AXIS, addPoissonNoise(y, { seed: 3 })).calibration!;
    expect(c.features.map((f) => f.name)).not.toContain('Co L3 maximum');
    expect(c.rejected.find((r) => r.name === 'Co L3 maximum')?.reason).toMatch(/residual/);
  });

  it('falls back (null, with a warning) when no reference feature stands above the noise', () => {
    const y = addPoissonNoise(
      Float64Array.from(AXIS, (e) => 4e13 * e ** -3),
      { seed: 2 },
    );
    const out = calibrateEelsAxis(AXIS, y);
    expect(out.calibration).toBeNull();
    expect(out.warnings.join(' ')).toMatch(/no reference feature found.*rigid per-mode alignment/);
    const r = locateFeature(AXIS, y, EELS_REFERENCE_FEATURES[3]!);
    expect(r.found).toBe(false);
  });

  it.runIf(hasShared())('calibrates the Si-doped NMC spectrum image (axis 11–18 eV low, per edge)', () => {
    const si = readSpectra(sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3'))
      .value.image!;
    const sum = regionSum(si, new Uint8Array(pixelCount(si)).fill(1)).intensity;
    const c = calibrateEelsAxis(imageEnergyAxis(si), sum).calibration!;
    expect(c).not.toBeNull();
    expect(c.features.length).toBe(4);
    // measured on this file: offset 9.68 eV at 440 eV, dispersion 1.0202; per-edge shifts O K +11.3 … Ni L3 +17.7
    expect(c.offset).toBeGreaterThan(9);
    expect(c.offset).toBeLessThan(10.5);
    expect(c.dispersion).toBeGreaterThan(1.015);
    expect(c.dispersion).toBeLessThan(1.025);
    const shift = Object.fromEntries(c.features.map((f) => [f.name, f.shift]));
    expect(shift['O K pre-peak']).toBeGreaterThan(10.5);
    expect(shift['O K pre-peak']).toBeLessThan(12);
    expect(shift['Ni L3 maximum']).toBeGreaterThan(17);
    expect(shift['Ni L3 maximum']).toBeLessThan(18.5);
    for (const f of c.features) expect(Math.abs(f.residual), f.name).toBeLessThan(1.5);
  });
});
