import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength } from './checks.js';
import { zlpCentre, zlpEndIndex, zlpFwhm } from './eels-lowloss.js';
import { fftReal, ifftReal, nextPow2 } from './fft.js';

/**
 * Fourier-ratio deconvolution of plural scattering from a core-loss EELS spectrum with the low-loss spectrum
 * recorded under the same conditions (R. F. Egerton, *Electron Energy-Loss Spectroscopy in the Electron
 * Microscope*, 3rd ed. 2011, §4.3.2, Eqs. 4.25–4.28):
 *
 *   the measured core loss is J_k(E) = k₁(E) ⊗ J_l(E)/I₀, with k₁ the single-scattering core-loss distribution and
 *   J_l the low-loss spectrum (ZLP + plural plasmons) of total ZLP counts I₀. In Fourier space
 *   k₁(ν) = I₀ · j_k(ν) / j_l(ν); to keep noise finite the result is re-convolved with a resolution function R of
 *   unit area: s(ν) = I₀ · R(ν) · j_k(ν)/j_l(ν). Here R is a Gaussian whose FWHM defaults to the measured ZLP
 *   FWHM (Egerton's choice, which keeps the original resolution), so the output is in counts per channel like J_k.
 *
 * Both spectra must share the channel width; the low-loss axis is read as energy loss (its zero at the ZLP centre,
 * which is measured — a mis-calibrated low-loss offset does not shift the result). Before the transforms each
 * spectrum is continued beyond its last channel by a power law A·E^−r fitted to its last `tailChannels` channels
 * (Egerton §4.3.2 recommends extrapolation to avoid the wrap-around step of the discrete transform), to a common
 * power-of-two length ≥ n_core + n_low.
 */
export interface FourierRatioOptions {
  /** FWHM (eV) of the Gaussian re-convolution function; default: the ZLP FWHM. */
  readonly fwhm?: number;
  /** Last energy (eV) of the ZLP for I₀; default: the first minimum after the ZLP. */
  readonly threshold?: number;
  /**
   * Where the low-loss energy zero is: 'axis' (default) — at E = 0 of the low-loss energy axis as calibrated, so a
   * ZLP recorded off zero (e.g. at +0.9 eV on a pair of spectra calibrated together) also moves the result by the
   * same amount back, i.e. the deconvolution applies the ZLP calibration to the core loss (HyperSpy's convention);
   * 'zlp' — at the measured ZLP centre, for a core-loss axis calibrated independently of the low loss.
   */
  readonly origin?: 'axis' | 'zlp';
  /** Channels at the end of each spectrum used for the power-law continuation (default 20; 0 = zero padding). */
  readonly tailChannels?: number;
}

export interface FourierRatioResult {
  /** Single-scattering distribution on the core-loss axis (counts per channel, re-convolved with R). */
  readonly signal: Float64Array;
  readonly i0: number;
  readonly fwhm: number;
  readonly zlpCentre: number;
}

export function fourierRatioDeconvolve(
  coreEnergy: ArrayLike<number>,
  core: ArrayLike<number>,
  lowEnergy: ArrayLike<number>,
  low: ArrayLike<number>,
  opts: FourierRatioOptions = {},
): FourierRatioResult {
  checkSameLength(coreEnergy, core, 'core');
  checkSameLength(lowEnergy, low, 'low');
  checkIncreasing(coreEnergy, 'coreEnergy');
  checkIncreasing(lowEnergy, 'lowEnergy');
  const nc = core.length;
  const nl = low.length;
  if (nc < 8 || nl < 8) fail('invalid-argument', 'spectra too short for deconvolution', { field: 'core' });
  const dc = (coreEnergy[nc - 1]! - coreEnergy[0]!) / (nc - 1);
  const dl = (lowEnergy[nl - 1]! - lowEnergy[0]!) / (nl - 1);
  if (Math.abs(dc - dl) > 1e-6 * Math.abs(dc))
    fail('invalid-argument', `core-loss (${dc} eV/ch) and low-loss (${dl} eV/ch) dispersions differ`, {
      field: 'dispersion',
    });
  const centre = zlpCentre(lowEnergy, low);
  const zEnd = zlpEndIndex(lowEnergy, low, opts.threshold);
  let i0 = 0;
  for (let i = 0; i <= zEnd; i++) i0 += low[i]!;
  if (!(i0 > 0)) fail('invalid-argument', 'zero-loss intensity I0 is not positive', { field: 'low' });
  const fwhm = opts.fwhm ?? zlpFwhm(lowEnergy, low);
  if (!(fwhm > 0)) fail('invalid-argument', `fwhm must be positive, got ${fwhm}`, { field: 'fwhm' });
  const tail = opts.tailChannels ?? 20;

  const n = nextPow2(nc + nl);
  const jk = extendPowerLaw(coreEnergy, core, n, tail);
  const jlExt = extendPowerLaw(lowEnergy, low, n, tail);
  // Put the low-loss zero (nearest channel) at index 0; negative losses wrap to the end. The sub-channel remainder
  // is applied as a phase shift below.
  const zero = (opts.origin ?? 'axis') === 'zlp' ? centre : 0;
  const k0 = Math.round((zero - lowEnergy[0]!) / dl);
  const frac = (zero - lowEnergy[0]!) / dl - k0;
  if (k0 < 0 || k0 >= nl)
    fail(
      'invalid-argument',
      `the low-loss axis (${lowEnergy[0]}…${lowEnergy[nl - 1]} eV) does not contain 0 eV`,
      {
        field: 'lowEnergy',
      },
    );
  const jl = new Float64Array(n);
  for (let i = 0; i < n; i++) jl[i] = jlExt[(i + k0) % n]!;

  const K = fftReal(jk);
  const L = fftReal(jl);
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2)) / dc; // channels
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = k <= n / 2 ? k / n : (k - n) / n; // cycles per channel
    // Unit-area Gaussian in Fourier space, times the sub-channel phase e^{+2πi f frac}.
    const g = i0 * Math.exp(-2 * (Math.PI * f * sigma) ** 2);
    const ph = 2 * Math.PI * f * frac;
    const rRe = g * Math.cos(ph);
    const rIm = g * Math.sin(ph);
    const den = L.re[k]! ** 2 + L.im[k]! ** 2;
    if (den === 0) continue;
    // K/L
    const qRe = (K.re[k]! * L.re[k]! + K.im[k]! * L.im[k]!) / den;
    const qIm = (K.im[k]! * L.re[k]! - K.re[k]! * L.im[k]!) / den;
    outRe[k] = qRe * rRe - qIm * rIm;
    outIm[k] = qRe * rIm + qIm * rRe;
  }
  const s = ifftReal(outRe, outIm);
  return { signal: s.slice(0, nc), i0, fwhm, zlpCentre: centre };
}

/**
 * Continue y(E) to length n: a power law A·E^−r fitted (log–log least squares) to the last `tail` channels, or, if
 * that is impossible (non-positive counts or energies), a cosine taper from the last value to 0.
 */
export function extendPowerLaw(
  e: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  tail: number,
): Float64Array {
  const m = y.length;
  const out = new Float64Array(n);
  for (let i = 0; i < m; i++) out[i] = y[i]!;
  if (n === m) return out;
  const de = (e[m - 1]! - e[0]!) / (m - 1);
  let ok = tail >= 3 && m >= tail;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  if (ok) {
    for (let i = m - tail; i < m; i++) {
      if (!(y[i]! > 0 && e[i]! > 0)) {
        ok = false;
        break;
      }
      const lx = Math.log(e[i]!);
      const ly = Math.log(y[i]!);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
    }
  }
  if (ok) {
    const slope = (tail * sxy - sx * sy) / (tail * sxx - sx * sx);
    const icpt = (sy - slope * sx) / tail;
    for (let i = m; i < n; i++) out[i] = Math.exp(icpt + slope * Math.log(e[m - 1]! + (i - m + 1) * de));
    return out;
  }
  if (tail === 0) return out;
  const last = y[m - 1]!;
  for (let i = m; i < n; i++) out[i] = last * 0.5 * (1 + Math.cos((Math.PI * (i - m + 1)) / (n - m)));
  return out;
}
