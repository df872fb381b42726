import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../test/shared.js';
import { readSpectra } from '../io/spectra/index.js';
import { pixelCount } from '../spectrum/spectrum.js';
import { removePowerLawBackground } from './eels-background.js';
import { thicknessLogRatio, zlpCentre } from './eels-lowloss.js';
import { alignZeroLossImage } from './eels-zlp-align.js';
import { binNavigation, mapPixels, regionSum } from './spectrum-image.js';

/**
 * The Si-doped NMC line scan of the seed paper (21 × 2 pixels, dual EELS): low loss offset −60 eV and core loss
 * 440–1054 eV, 0.3 eV/channel. Checks that the spectrum-image operations behave on real data: the ZLP sits near
 * −3.1 eV on the recorded axis and is brought to 0 in every pixel; the thickness rises from vacuum-like (< 0.1) at
 * the scan start to ≈ 1 inside the particle; the O K edge survives background subtraction where the sample is thick.
 */
describe.skipIf(!hasShared())('Si-doped NMC spectrum images', () => {
  const low = hasShared()
    ? readSpectra(sharedPath('data', 'eels', 'nmc-si-doped', 'ZLP_EELS_Spectrum_Image.dm3')).value.image!
    : undefined;
  const core = hasShared()
    ? readSpectra(sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3')).value.image!
    : undefined;

  it('zero-loss alignment and log-ratio thickness map', () => {
    const al = alignZeroLossImage(low!);
    for (const s of al.shifts) {
      expect(s).toBeGreaterThan(-3.6);
      expect(s).toBeLessThan(-2.7);
    }
    const centres = mapPixels(al.low, (e, y) => [zlpCentre(e, y)], 1);
    for (const c of centres) expect(Math.abs(c)).toBeLessThan(0.1);
    const t = mapPixels(al.low, (e, y) => [thicknessLogRatio(e, y).tOverLambda], 1);
    // row 0 starts in (near) vacuum and ends inside the particle
    expect(t[0]).toBeLessThan(0.1);
    expect(t[20]).toBeGreaterThan(0.9);
    expect(t[20]).toBeLessThan(1.3);
  });

  it('O K edge after power-law background removal in every pixel; binning and region sums conserve counts', () => {
    const pixels = pixelCount(core!);
    const oK = mapPixels(
      core!,
      (e, y) => {
        const r = removePowerLawBackground(e, y, { from: 470, to: 525, method: 'two-area' });
        let s = 0;
        for (let i = 0; i < e.length; i++) if (e[i]! >= 530 && e[i]! <= 560) s += r.signal[i]!;
        return [s];
      },
      1,
    );
    expect(oK[20]).toBeGreaterThan(0); // thick pixel: a positive O K edge
    const all = regionSum(core!, new Uint8Array(pixels).fill(1));
    expect(all.pixels).toBe(42);
    const binned = binNavigation(core!, [2, 3]);
    expect(binned.navShape).toEqual([1, 7]);
    const total = (a: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]!;
      return s;
    };
    expect(total(binned.data) / total(all.intensity)).toBeCloseTo(1, 6); // 21 columns = 7 blocks of 3
  });
});
