import { SpecfuseError } from '../core/errors.js';
import { type MlDataset, requireLabel, spectraOf } from './data.js';
import {
  CLASSIFICATION_METRICS,
  type Estimate,
  HIGHER_IS_BETTER,
  type MetricName,
  REGRESSION_METRICS,
  bootstrapMetric,
} from './metrics.js';
import { type Task, inferTask } from './models.js';
import { type Split, assertGroupedSplit, groupHoldout, groupKFold } from './split.js';
import {
  type PipelineOptions,
  type Progress,
  type TrainedPipeline,
  predictPipeline,
  trainPipeline,
} from './train.js';
import { coverage, oodScore } from './uncertainty.js';

/**
 * Honest evaluation: grouped k-fold CV and grouped held-out splits (structures never cross), metrics with
 * cluster-bootstrap 95 % intervals, and the single-mode vs fused comparison table.
 */
export interface TargetEvaluation {
  readonly target: string;
  readonly task: Task;
  readonly n: number;
  readonly metrics: Partial<Record<MetricName, Estimate>>;
  /** Empirical coverage of the conformal (1−α) intervals on the evaluated rows (regression). */
  readonly coverage?: number;
  readonly intervalHalfWidth?: number;
}

export interface EvalOptions {
  readonly bootstrap?: number;
  readonly seed?: number;
}

function metricsFor(task: Task): readonly MetricName[] {
  return task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
}

function scoreRows(
  task: Task,
  y: Float64Array,
  p: Float64Array,
  groups: string[],
  o: EvalOptions,
): Partial<Record<MetricName, Estimate>> {
  const out: Partial<Record<MetricName, Estimate>> = {};
  for (const m of metricsFor(task))
    out[m] = bootstrapMetric(m, y, p, groups, { reps: o.bootstrap ?? 1000, seed: o.seed ?? 12345 });
  return out;
}

export interface HoldoutReport {
  readonly trainSize: number;
  readonly testSize: number;
  readonly trainStructures: number;
  readonly testStructures: number;
  readonly targets: TargetEvaluation[];
  readonly ood?: { readonly threshold: number; readonly testFlagged: number };
}

/** Score a trained pipeline on rows `testIdx` (labels with NaN are skipped per target). */
export async function evaluatePipeline(
  ds: MlDataset,
  pipe: TrainedPipeline,
  testIdx: Int32Array,
  eo: EvalOptions = {},
): Promise<{ targets: TargetEvaluation[]; ood?: { threshold: number; testFlagged: number } }> {
  const bundle = spectraOf(ds, pipe.modes, testIdx);
  const preds = await predictPipeline(pipe, bundle);
  const targets: TargetEvaluation[] = [];
  for (const pr of preds) {
    const yAll = requireLabel(ds, pr.target);
    const rows: number[] = [];
    testIdx.forEach((i, k) => {
      if (Number.isFinite(yAll[i] as number)) rows.push(k);
    });
    const y = Float64Array.from(rows, (k) => yAll[testIdx[k] as number] as number);
    const p = Float64Array.from(rows, (k) => pr.value[k] as number);
    const groups = rows.map((k) => ds.groups[testIdx[k] as number] as string);
    const tm = pipe.targets.find((t) => t.target === pr.target);
    const q = tm?.conformal?.q;
    targets.push({
      target: pr.target,
      task: pr.task,
      n: rows.length,
      metrics: scoreRows(pr.task, y, p, groups, eo),
      ...(q !== undefined ? { coverage: coverage(y, p, q), intervalHalfWidth: q } : {}),
    });
  }
  if (!pipe.ood) return { targets };
  const d = oodScore(pipe.ood, bundle);
  let f = 0;
  for (const v of d) if (v > pipe.ood.threshold) f++;
  return { targets, ood: { threshold: pipe.ood.threshold, testFlagged: f / d.length } };
}

/** Train on the training structures, evaluate on held-out structures. */
export async function evaluateHoldout(
  ds: MlDataset,
  opts: PipelineOptions,
  split: Split | { testFraction: number; seed?: number },
  eo: EvalOptions = {},
  progress?: Progress,
): Promise<HoldoutReport> {
  const s = 'train' in split ? split : groupHoldout(ds.groups, split.testFraction, split.seed ?? 0);
  assertGroupedSplit(ds.groups, s);
  const pipe = await trainPipeline(ds, opts, s.train, progress);
  const r = await evaluatePipeline(ds, pipe, s.test, eo);
  const uniq = (idx: Int32Array) => new Set(Array.from(idx, (i) => ds.groups[i])).size;
  return {
    trainSize: s.train.length,
    testSize: s.test.length,
    trainStructures: uniq(s.train),
    testStructures: uniq(s.test),
    targets: r.targets,
    ...(r.ood ? { ood: r.ood } : {}),
  };
}

export interface CvResult {
  readonly folds: number;
  /** Out-of-fold prediction per target (NaN where the label is missing). */
  readonly oof: Record<string, Float64Array>;
  readonly targets: TargetEvaluation[];
}

/** Grouped k-fold cross-validation; every sample is predicted by a model that never saw its structure. */
export async function crossValidate(
  ds: MlDataset,
  opts: PipelineOptions,
  k = 5,
  eo: EvalOptions = {},
  progress?: Progress,
): Promise<CvResult> {
  const folds = groupKFold(ds.groups, k, eo.seed ?? 0);
  const oof: Record<string, Float64Array> = {};
  for (const t of opts.targets) oof[t] = new Float64Array(ds.ids.length).fill(Number.NaN);
  const o: PipelineOptions = { ...opts, skipOod: true, skipConformal: opts.skipConformal ?? true };
  for (const [fi, s] of folds.entries()) {
    progress?.(`fold ${fi + 1}/${k}`);
    const pipe = await trainPipeline(ds, o, s.train);
    const preds = await predictPipeline(pipe, spectraOf(ds, opts.modes, s.test));
    for (const pr of preds) {
      const dst = oof[pr.target] as Float64Array;
      s.test.forEach((i, j) => {
        dst[i] = pr.value[j] as number;
      });
    }
  }
  const targets: TargetEvaluation[] = [];
  for (const t of opts.targets) {
    const yAll = requireLabel(ds, t);
    const p = oof[t] as Float64Array;
    const rows: number[] = [];
    for (let i = 0; i < yAll.length; i++)
      if (Number.isFinite(yAll[i] as number) && Number.isFinite(p[i] as number)) rows.push(i);
    const y = Float64Array.from(rows, (i) => yAll[i] as number);
    const task = inferTask(y);
    targets.push({
      target: t,
      task,
      n: rows.length,
      metrics: scoreRows(
        task,
        y,
        Float64Array.from(rows, (i) => p[i] as number),
        rows.map((i) => ds.groups[i] as string),
        eo,
      ),
    });
  }
  return { folds: k, oof, targets };
}

/** All non-empty combinations asked for: every single mode, every pair, and all modes together. */
export function modeCombinations(modes: readonly string[]): string[][] {
  const out: string[][] = modes.map((m) => [m]);
  for (let i = 0; i < modes.length; i++)
    for (let j = i + 1; j < modes.length; j++) out.push([modes[i] as string, modes[j] as string]);
  if (modes.length > 2) out.push([...modes]);
  return out;
}

export interface CompareRow {
  readonly modes: string[];
  readonly target: string;
  readonly task: Task;
  readonly metric: MetricName;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

export interface CompareVerdict {
  readonly target: string;
  readonly metric: MetricName;
  readonly bestSingle: { modes: string[]; value: number; lo: number; hi: number };
  readonly fused: { modes: string[]; value: number; lo: number; hi: number };
  /** Fused better than the best single mode… */
  readonly fusedBetter: boolean;
  /** …and the two 95 % intervals do not overlap. */
  readonly significant: boolean;
}

export interface CompareResult {
  readonly protocol: string;
  readonly rows: CompareRow[];
  readonly verdicts: CompareVerdict[];
}

export interface CompareOptions extends Omit<PipelineOptions, 'modes'> {
  readonly modes: readonly string[];
  /** Grouped k for cross-validation (default 5). */
  readonly folds?: number;
}

/**
 * The single-mode vs fused table: grouped k-fold CV for every single mode, every pair and all modes, on the same
 * folds; metrics with cluster-bootstrap 95 % intervals; per target a verdict fused (all modes) vs best single.
 */
export async function compareModes(
  ds: MlDataset,
  o: CompareOptions,
  eo: EvalOptions = {},
  progress?: Progress,
): Promise<CompareResult> {
  if (o.modes.length < 2)
    throw new SpecfuseError('invalid-argument', 'comparing modes needs at least 2 modes', { field: 'modes' });
  const k = o.folds ?? 5;
  const rows: CompareRow[] = [];
  const combos = modeCombinations(o.modes);
  for (const [ci, combo] of combos.entries()) {
    progress?.(`[${ci + 1}/${combos.length}] ${combo.join('+')}`);
    const cv = await crossValidate(ds, { ...o, modes: combo }, k, eo);
    for (const t of cv.targets)
      for (const [metric, est] of Object.entries(t.metrics) as [MetricName, Estimate][])
        rows.push({
          modes: combo,
          target: t.target,
          task: t.task,
          metric,
          value: est.value,
          lo: est.lo,
          hi: est.hi,
        });
  }
  const verdicts: CompareVerdict[] = [];
  for (const target of o.targets) {
    const tr = rows.filter((r) => r.target === target);
    const task = tr[0]?.task ?? 'regression';
    const metric: MetricName = task === 'classification' ? 'auc' : 'r2';
    const sign = HIGHER_IS_BETTER[metric] ? 1 : -1;
    const singles = tr.filter((r) => r.metric === metric && r.modes.length === 1);
    const fused = tr.find((r) => r.metric === metric && r.modes.length === o.modes.length);
    if (!fused || singles.length === 0) continue;
    const best = singles.reduce((a, b) => (sign * b.value > sign * a.value ? b : a));
    const fusedBetter = sign * fused.value > sign * best.value;
    const significant = fusedBetter && (sign > 0 ? fused.lo > best.hi : fused.hi < best.lo);
    const pickE = (r: CompareRow) => ({ modes: r.modes, value: r.value, lo: r.lo, hi: r.hi });
    verdicts.push({ target, metric, bestSingle: pickE(best), fused: pickE(fused), fusedBetter, significant });
  }
  return { protocol: `grouped ${k}-fold CV, ${o.model}, ${o.fusion ?? 'early'} fusion`, rows, verdicts };
}
