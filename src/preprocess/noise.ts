import { fail } from '../core/errors.js';
import { makeRng, type Rng } from '../math/random.js';

/**
 * Noise augmentation with a seed (reproducible: same seed → same noise). Uses the project's xoshiro128** generator
 * (`makeRng`, src/math/random.ts).
 */

/**
 * Poisson (shot) noise: each channel becomes a Poisson deviate of mean y·dose, divided back by dose, so the
 * expected value is unchanged and the relative noise is 1/√(y·dose). `dose` is counts per unit intensity
 * (default 1: y is already in counts). Negative means are an error.
 */
export function addPoissonNoise(
  y: ArrayLike<number>,
  opts: { seed: number | string; dose?: number },
): Float64Array {
  const dose = opts.dose ?? 1;
  if (!(dose > 0)) fail('invalid-argument', `dose must be positive, got ${dose}`, { field: 'dose' });
  const rng = makeRng(opts.seed);
  return Float64Array.from(y, (v, i) => {
    if (!(v >= 0))
      fail('invalid-argument', `Poisson noise needs non-negative intensity (index ${i}: ${v})`, {
        field: 'intensity',
      });
    return poisson(rng, v * dose) / dose;
  });
}

/** Additive Gaussian noise of standard deviation `sigma` (units of y), or `relative`·|y| per channel. */
export function addGaussianNoise(
  y: ArrayLike<number>,
  opts: { seed: number | string; sigma?: number; relative?: number },
): Float64Array {
  const sigma = opts.sigma ?? 0;
  const rel = opts.relative ?? 0;
  if (!(sigma >= 0 && rel >= 0) || (sigma === 0 && rel === 0))
    fail('invalid-argument', 'give sigma > 0 or relative > 0', { field: 'sigma' });
  const rng = makeRng(opts.seed);
  return Float64Array.from(y, (v) => v + (sigma + rel * Math.abs(v)) * rng.normal());
}

/**
 * Poisson deviate of mean λ: Knuth's multiplication method for λ < 30 (D. E. Knuth, TAOCP vol. 2, §3.4.1), and
 * for larger λ the PTRS transformed-rejection method of W. Hörmann, Insurance: Math. Econ. 12, 39 (1993), which is
 * exact (not a normal approximation) with O(1) expected cost.
 */
export function poisson(rng: Rng, lambda: number): number {
  if (lambda === 0) return 0;
  if (lambda < 30) {
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    for (;;) {
      p *= rng.next();
      if (p <= L) return k;
      k++;
    }
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.next() - 0.5;
    const V = rng.next();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (
      Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - logFactorial(k)
    )
      return k;
  }
}

/** ln k! (exact sum for small k, Stirling series otherwise; relative error < 1e-10 for k ≥ 10). */
function logFactorial(k: number): number {
  if (k < 10) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const x = k + 1;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}
