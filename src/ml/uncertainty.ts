import { Matrix, pseudoInverse } from 'ml-matrix';
import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from './data.js';
import { type FeatureRecipe, fitFeatureRecipe, transformFeatures } from './features.js';
import { quantile } from './metrics.js';

/**
 * Uncertainty.
 *
 * Intervals — split/cross conformal prediction (Vovk et al. 2005; Lei et al., JASA 113, 1094 (2018), eq. 3;
 * Barber et al., Ann. Stat. 49, 486 (2021) for the cross-fitted variant): with absolute out-of-fold residuals
 * R_1…R_n of the training rows, the interval ŷ ± R_(k), k = ⌈(n+1)(1−α)⌉, covers a new exchangeable sample with
 * probability ≥ 1−α. Folds are grouped by structure so residuals are honest out-of-structure errors. (XGBoost 1.7
 * has no quantile objective; `reg:quantileerror` arrived in 2.0.)
 *
 * Out-of-distribution — Mahalanobis distance (Lee et al., NeurIPS 2018, eq. 2 in feature space) of a sample's
 * per-mode PCA scores from the training mean, with the training covariance; the threshold is the 99th percentile
 * of the training distances. Spectra far outside the training manifold score above it.
 */
export interface Conformal {
  readonly alpha: number;
  /** Half-width of the (1−α) interval, in target units. */
  readonly q: number;
  readonly n: number;
}

export function conformalFromResiduals(absResiduals: ArrayLike<number>, alpha = 0.1): Conformal {
  const r = Array.from(absResiduals)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  const n = r.length;
  if (n === 0) throw new SpecfuseError('invalid-argument', 'conformal calibration needs residuals');
  const k = Math.ceil((n + 1) * (1 - alpha));
  return { alpha, q: k > n ? Number.POSITIVE_INFINITY : (r[k - 1] as number), n };
}

/** Fraction of y inside [pred − q, pred + q]. */
export function coverage(y: ArrayLike<number>, pred: ArrayLike<number>, q: number): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (Math.abs((y[i] as number) - (pred[i] as number)) <= q) c++;
  return c / y.length;
}

export interface OodModel {
  readonly recipe: FeatureRecipe;
  readonly mean: number[];
  /** Inverse (pseudo-inverse) covariance of the PCA scores, row-major. */
  readonly precision: number[];
  readonly threshold: number;
  readonly quantile: number;
}

export function fitOod(
  train: SpectraBundle,
  grids: Record<string, Float64Array>,
  modes: readonly string[],
  opts: { components?: number; quantile?: number } = {},
): OodModel {
  const n = (train[modes[0] as string] ?? []).length;
  const comps = Math.max(1, Math.min(opts.components ?? 5, n - 2));
  const recipe = fitFeatureRecipe(train, grids, modes, {
    kinds: ['pca'],
    pcaComponents: comps,
    normalize: 'none',
  });
  const Z = transformFeatures(recipe, train);
  const p = Z.ncol;
  const mean = new Array<number>(p).fill(0);
  for (let i = 0; i < Z.nrow; i++)
    for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) + (Z.data[i * p + j] as number) / Z.nrow;
  const cov = Matrix.zeros(p, p);
  for (let i = 0; i < Z.nrow; i++)
    for (let a = 0; a < p; a++) {
      const da = (Z.data[i * p + a] as number) - (mean[a] as number);
      for (let b = 0; b < p; b++)
        cov.set(
          a,
          b,
          cov.get(a, b) +
            (da * ((Z.data[i * p + b] as number) - (mean[b] as number))) / Math.max(1, Z.nrow - 1),
        );
    }
  // small ridge keeps the inverse finite when a score has (numerically) zero variance
  let tr = 0;
  for (let a = 0; a < p; a++) tr += cov.get(a, a);
  for (let a = 0; a < p; a++) cov.set(a, a, cov.get(a, a) + 1e-9 * (tr / p || 1));
  const prec = pseudoInverse(cov);
  const model0: OodModel = {
    recipe,
    mean,
    precision: prec.to1DArray(),
    threshold: Number.POSITIVE_INFINITY,
    quantile: opts.quantile ?? 0.99,
  };
  const d = Array.from(oodScore(model0, train)).sort((a, b) => a - b);
  return { ...model0, threshold: quantile(d, model0.quantile) };
}

/** Mahalanobis distance of each sample from the training distribution (in PCA space). */
export function oodScore(m: OodModel, bundle: SpectraBundle): Float64Array {
  const Z = transformFeatures(m.recipe, bundle);
  const p = Z.ncol;
  const out = new Float64Array(Z.nrow);
  const d = new Float64Array(p);
  for (let i = 0; i < Z.nrow; i++) {
    for (let j = 0; j < p; j++) d[j] = (Z.data[i * p + j] as number) - (m.mean[j] as number);
    let s = 0;
    for (let a = 0; a < p; a++) {
      let r = 0;
      for (let b = 0; b < p; b++) r += (m.precision[a * p + b] as number) * (d[b] as number);
      s += (d[a] as number) * r;
    }
    out[i] = Math.sqrt(Math.max(0, s));
  }
  return out;
}
