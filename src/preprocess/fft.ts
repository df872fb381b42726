import { reimFFT } from 'ml-spectra-processing';

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Forward DFT X_k = Σ x_n e^{−2πikn/N} of a real array of power-of-two length (ml-spectra-processing / fft.js). */
export function fftReal(x: Float64Array): { re: Float64Array; im: Float64Array } {
  return reimFFT({ re: x, im: new Float64Array(x.length) });
}

/** Inverse DFT, x_n = (1/N) Σ X_k e^{+2πikn/N}; returns the real part. */
export function ifftReal(re: Float64Array, im: Float64Array): Float64Array {
  return reimFFT({ re, im }, { inverse: true }).re;
}
