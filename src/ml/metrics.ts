import { SpecfuseError } from '../core/errors.js';
import { makeRng } from './rng.js';

/**
 * Metrics (standard definitions; e.g. scikit-learn user guide §3.4):
 *  R² = 1 − Σ(y−ŷ)²/Σ(y−ȳ)² (NaN when y is constant); MAE = mean|y−ŷ|; RMSE = √mean(y−ŷ)²;
 *  accuracy and F1 = 2TP/(2TP+FP+FN) at threshold 0.5 on probabilities;
 *  ROC-AUC = Mann–Whitney U/(n₊n₋) with mid-ranks for ties (Hanley & McNeil 1982).
 * Bootstrap intervals resample whole structures (groups) with replacement (cluster bootstrap), percentile 95 %.
 */
export type MetricName = 'r2' | 'mae' | 'rmse' | 'accuracy' | 'f1' | 'auc';
export const REGRESSION_METRICS: readonly MetricName[] = ['r2', 'mae', 'rmse'];
export const CLASSIFICATION_METRICS: readonly MetricName[] = ['accuracy', 'f1', 'auc'];
/** Larger is better? */
export const HIGHER_IS_BETTER: Record<MetricName, boolean> = {
  r2: true,
  mae: false,
  rmse: false,
  accuracy: true,
  f1: true,
  auc: true,
};

type Arr = ArrayLike<number>;

function checkLen(y: Arr, p: Arr): void {
  if (y.length !== p.length)
    throw new SpecfuseError('internal', `metric inputs differ in length (${y.length}, ${p.length})`);
}

export function r2(y: Arr, p: Arr): number {
  checkLen(y, p);
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i] as number;
  m /= y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += ((y[i] as number) - (p[i] as number)) ** 2;
    st += ((y[i] as number) - m) ** 2;
  }
  // constant truth (up to rounding): R² is undefined → NaN (bootstrap resamples skip it)
  let scale = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i] as number));
  if (st <= 1e-24 * Math.max(1, scale * scale) * y.length) return Number.NaN;
  return 1 - ss / st;
}

export function mae(y: Arr, p: Arr): number {
  checkLen(y, p);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs((y[i] as number) - (p[i] as number));
  return s / y.length;
}

export function rmse(y: Arr, p: Arr): number {
  checkLen(y, p);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += ((y[i] as number) - (p[i] as number)) ** 2;
  return Math.sqrt(s / y.length);
}

export function accuracy(y: Arr, prob: Arr, threshold = 0.5): number {
  checkLen(y, prob);
  let c = 0;
  for (let i = 0; i < y.length; i++)
    if (((prob[i] as number) >= threshold ? 1 : 0) === ((y[i] as number) >= 0.5 ? 1 : 0)) c++;
  return c / y.length;
}

export function f1(y: Arr, prob: Arr, threshold = 0.5): number {
  checkLen(y, prob);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const t = (y[i] as number) >= 0.5;
    const q = (prob[i] as number) >= threshold;
    if (t && q) tp++;
    else if (!t && q) fp++;
    else if (t && !q) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** ROC-AUC; NaN when only one class is present. */
export function rocAuc(y: Arr, score: Arr): number {
  checkLen(y, score);
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (score[a] as number) - (score[b] as number),
  );
  const rank = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[idx[j + 1] as number] === score[idx[i] as number]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rank[idx[k] as number] = r;
    i = j + 1;
  }
  let np = 0;
  let sum = 0;
  for (let i = 0; i < n; i++)
    if ((y[i] as number) >= 0.5) {
      np++;
      sum += rank[i] as number;
    }
  const nn = n - np;
  if (np === 0 || nn === 0) return Number.NaN;
  return (sum - (np * (np + 1)) / 2) / (np * nn);
}

export const METRIC_FNS: Record<MetricName, (y: Arr, p: Arr) => number> = {
  r2,
  mae,
  rmse,
  accuracy: (y, p) => accuracy(y, p),
  f1: (y, p) => f1(y, p),
  auc: rocAuc,
};

export interface Estimate {
  readonly value: number;
  /** 2.5th and 97.5th percentiles of the cluster-bootstrap distribution. */
  readonly lo: number;
  readonly hi: number;
}

/** Percentile (linear interpolation between order statistics, like numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/**
 * Metric with a 95 % cluster-bootstrap interval: `reps` resamples of the groups with replacement (seeded); a
 * resample where the metric is undefined (e.g. AUC with one class) is skipped.
 */
export function bootstrapMetric(
  metric: MetricName,
  y: Arr,
  pred: Arr,
  groups: readonly string[],
  opts: { reps?: number; seed?: number } = {},
): Estimate {
  const fn = METRIC_FNS[metric];
  const value = fn(y, pred);
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const a = byGroup.get(g);
    if (a) a.push(i);
    else byGroup.set(g, [i]);
  });
  const clusters = [...byGroup.values()];
  const rng = makeRng(opts.seed ?? 12345);
  const reps = opts.reps ?? 1000;
  const stats: number[] = [];
  const yy: number[] = [];
  const pp: number[] = [];
  for (let r = 0; r < reps; r++) {
    yy.length = 0;
    pp.length = 0;
    for (let c = 0; c < clusters.length; c++) {
      for (const i of clusters[rng.int(clusters.length)] as number[]) {
        yy.push(y[i] as number);
        pp.push(pred[i] as number);
      }
    }
    const s = fn(yy, pp);
    if (Number.isFinite(s)) stats.push(s);
  }
  stats.sort((a, b) => a - b);
  return { value, lo: quantile(stats, 0.025), hi: quantile(stats, 0.975) };
}
