import { SpecfuseError } from '../core/errors.js';
import { type MlDataset, type SpectraBundle, requireLabel, spectraOf } from './data.js';
import {
  type FeatureOptions,
  type FeatureRecipe,
  fitFeatureRecipe,
  gridTriple,
  transformFeatures,
} from './features.js';
import { predictCnn, trainCnn } from './cnn.js';
import { predictMlp, trainMlp } from './mlp.js';
import {
  DEFAULT_HYPER,
  type FittedModel,
  type Hyper,
  type ModelKind,
  type Task,
  type TrainContext,
  inferTask,
  predictTrees,
  sampleHyper,
  trainTrees,
} from './models.js';
import { makeRng } from './rng.js';
import { groupKFold } from './split.js';
import { type Conformal, type OodModel, conformalFromResiduals, fitOod } from './uncertainty.js';
import type { DenseMatrix } from './xgboost.js';

/**
 * Training pipelines: features fitted on the training rows → learner(s) → (late fusion) a stacked meta-model,
 * plus conformal intervals and an OOD detector, all learned from the training rows only.
 *
 * Fusion: `early` concatenates the features of all modes into one learner; `late` trains one learner per mode and
 * stacks their out-of-fold predictions (Wolpert, Neural Networks 5, 241 (1992)) with a linear (regression) or
 * logistic (classification) meta-model.
 */
export type Fusion = 'early' | 'late';

export interface PipelineOptions {
  readonly modes: readonly string[];
  readonly targets: readonly string[];
  readonly model: ModelKind;
  readonly fusion?: Fusion;
  readonly features?: FeatureOptions;
  /** Fixed hyperparameters (merged over the defaults); ignored for keys the search draws. */
  readonly hyper?: Hyper;
  /** Random search inside the training rows (grouped inner CV). */
  readonly search?: { readonly iterations: number; readonly folds?: number };
  /** Grouped folds for out-of-fold residuals (conformal) and stacking; default 5. */
  readonly innerFolds?: number;
  /** Miscoverage of the conformal intervals (default 0.1 → 90 % intervals). */
  readonly alpha?: number;
  readonly nthread?: number;
  readonly seed?: number;
  /** Skip OOD model fitting (e.g. inside CV loops). */
  readonly skipOod?: boolean;
  /** Skip conformal calibration (saves innerFolds trainings). */
  readonly skipConformal?: boolean;
}

export interface Member {
  readonly modes: string[];
  readonly recipe: FeatureRecipe;
  readonly learner: FittedModel;
}

export interface MetaModel {
  /** One weight per member, then the bias. Inputs: member predictions (regression) or logits (classification). */
  readonly weights: number[];
  readonly bias: number;
}

export interface TargetModel {
  readonly target: string;
  readonly task: Task;
  readonly fusion: Fusion;
  readonly hyper: Hyper[];
  readonly members: Member[];
  readonly meta?: MetaModel;
  readonly conformal?: Conformal;
}

export interface TrainedPipeline {
  readonly modelKind: ModelKind;
  readonly modes: string[];
  /** [e_start, e_step, n] per mode (eV). */
  readonly grids: Record<string, [number, number, number]>;
  readonly targets: TargetModel[];
  readonly ood?: OodModel;
  /** Training-mean spectrum per mode (for plots of importance over the spectrum). */
  readonly meanSpectra: Record<string, number[]>;
  readonly trainSize: number;
}

export type Progress = (msg: string) => void;

function ctxOf(o: PipelineOptions, salt = 0): TrainContext {
  return { nthread: o.nthread ?? 1, seed: (o.seed ?? 0) + salt };
}

export async function fitLearner(
  kind: ModelKind,
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  h: Hyper,
  ctx: TrainContext,
): Promise<FittedModel> {
  if (kind === 'mlp') return trainMlp(task, X, y, h, ctx);
  if (kind === 'cnn') return trainCnn(task, X, y, h, ctx);
  return trainTrees(kind, task, X, y, h, ctx);
}

export async function predictLearner(m: FittedModel, X: DenseMatrix): Promise<Float64Array> {
  if (m.kind === 'xgboost') return predictTrees(m, X);
  return m.kind === 'cnn' ? predictCnn(m, X) : predictMlp(m, X);
}

export function rowsOf(X: DenseMatrix, idx: ArrayLike<number>): DenseMatrix {
  const out = new Float32Array(idx.length * X.ncol);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k] as number;
    out.set(X.data.subarray(i * X.ncol, (i + 1) * X.ncol), k * X.ncol);
  }
  return { data: out, nrow: idx.length, ncol: X.ncol };
}

function pick(y: Float64Array, idx: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: idx.length }, (_, k) => y[idx[k] as number] as number);
}

/** Out-of-fold predictions of one learner over grouped folds (features fixed). */
export async function oofPredict(
  kind: ModelKind,
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  groups: readonly string[],
  h: Hyper,
  folds: number,
  ctx: TrainContext,
): Promise<Float64Array> {
  const out = new Float64Array(y.length).fill(Number.NaN);
  const k = Math.min(folds, new Set(groups).size);
  for (const s of groupKFold(groups, k, ctx.seed)) {
    const m = await fitLearner(kind, task, rowsOf(X, s.train), pick(y, s.train), h, ctx);
    const p = await predictLearner(m, rowsOf(X, s.test));
    s.test.forEach((i, j) => {
      out[i] = p[j] as number;
    });
  }
  return out;
}

function meanSquared(y: Float64Array, p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += ((y[i] as number) - (p[i] as number)) ** 2;
  return s / y.length;
}

/**
 * Random search (Bergstra & Bengio, JMLR 13, 281 (2012)) over the kind's space, scored by grouped inner-CV mean
 * squared error (Brier score for classification); the defaults are candidate 0.
 */
export async function randomSearch(
  kind: ModelKind,
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  groups: readonly string[],
  base: Hyper,
  opts: { iterations: number; folds?: number },
  ctx: TrainContext,
): Promise<{ best: Hyper; score: number; tried: number }> {
  const rng = makeRng(ctx.seed ^ 0x5eed);
  let best = base;
  let bestScore = meanSquared(y, await oofPredict(kind, task, X, y, groups, base, opts.folds ?? 3, ctx));
  for (let it = 0; it < opts.iterations; it++) {
    const h = { ...base, ...sampleHyper(kind, rng) };
    const s = meanSquared(y, await oofPredict(kind, task, X, y, groups, h, opts.folds ?? 3, ctx));
    if (s < bestScore) {
      bestScore = s;
      best = h;
    }
  }
  return { best, score: bestScore, tried: opts.iterations + 1 };
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Stacking meta-model: ridge least squares (regression) or L2 logistic regression by Newton/IRLS (classification). */
export function fitMeta(task: Task, inputs: Float64Array[], y: Float64Array, ridge = 1e-3): MetaModel {
  const m = inputs.length;
  const n = y.length;
  const Z = inputs.map((v) => (task === 'classification' ? Float64Array.from(v, logit) : v));
  const p = m + 1;
  let w: Float64Array = new Float64Array(p);
  const iters = task === 'classification' ? 25 : 1;
  for (let it = 0; it < iters; it++) {
    const H: Float64Array[] = Array.from({ length: p }, () => new Float64Array(p));
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const x = new Float64Array(p);
      for (let a = 0; a < m; a++) x[a] = (Z[a] as Float64Array)[i] as number;
      x[m] = 1;
      let wt = 1;
      let r: number;
      if (task === 'classification') {
        let z = 0;
        for (let a = 0; a < p; a++) z += (w[a] as number) * (x[a] as number);
        const mu = sigmoid(z);
        wt = Math.max(mu * (1 - mu), 1e-9);
        r = (y[i] as number) - mu;
      } else r = y[i] as number;
      for (let a = 0; a < p; a++) {
        g[a] = (g[a] as number) + (x[a] as number) * r;
        const Ha = H[a] as Float64Array;
        for (let b = 0; b < p; b++) Ha[b] = (Ha[b] as number) + wt * (x[a] as number) * (x[b] as number);
      }
    }
    for (let a = 0; a < m; a++) {
      (H[a] as Float64Array)[a] = ((H[a] as Float64Array)[a] as number) + ridge * n;
      if (task === 'classification') g[a] = (g[a] as number) - ridge * n * (w[a] as number);
    }
    const step = solve(H, g);
    if (task === 'classification') {
      const nw = Float64Array.from(w, (v, a) => v + (step[a] as number));
      const delta = Math.max(...Array.from(step, Math.abs));
      w = nw;
      if (delta < 1e-10) break;
    } else w = step;
  }
  return { weights: Array.from(w.subarray(0, m)), bias: w[m] as number };
}

function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M: Float64Array[] = A.map((r, i) => {
    const row = new Float64Array(n + 1);
    row.set(r);
    row[n] = b[i] as number;
    return row;
  });
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((M[r] as Float64Array)[c] as number) > Math.abs((M[piv] as Float64Array)[c] as number))
        piv = r;
    const t = M[c] as Float64Array;
    M[c] = M[piv] as Float64Array;
    M[piv] = t;
    const pr = M[c] as Float64Array;
    const d = pr[c] as number;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] as Float64Array;
      const f = (row[c] as number) / d;
      if (f !== 0) for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pr[k] as number);
    }
  }
  return Float64Array.from(M, (row, i) => {
    const d = row[i] as number;
    return d === 0 ? 0 : (row[n] as number) / d;
  });
}

export function applyMeta(task: Task, meta: MetaModel, inputs: Float64Array[]): Float64Array {
  const n = (inputs[0] as Float64Array).length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = meta.bias;
    inputs.forEach((v, a) => {
      const x = v[i] as number;
      z += (meta.weights[a] as number) * (task === 'classification' ? logit(x) : x);
    });
    out[i] = task === 'classification' ? sigmoid(z) : z;
  }
  return out;
}

/** Rows whose label is finite (NaN labels are skipped per target). */
function labelled(y: Float64Array, idx: Int32Array): Int32Array {
  return Int32Array.from(Array.from(idx).filter((i) => Number.isFinite(y[i] as number)));
}

function gridsOf(ds: MlDataset, modes: readonly string[]): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const m of modes) {
    const md = ds.modes[m];
    if (!md)
      throw new SpecfuseError(
        'not-found',
        `mode '${m}' is not in the dataset (have: ${Object.keys(ds.modes).join(', ')})`,
        {
          field: 'modes',
        },
      );
    out[m] = md.grid;
  }
  return out;
}

/** Train a pipeline on rows `trainIdx` (default: all rows). */
export async function trainPipeline(
  ds: MlDataset,
  opts: PipelineOptions,
  trainIdx?: Int32Array,
  progress?: Progress,
): Promise<TrainedPipeline> {
  if (opts.modes.length === 0)
    throw new SpecfuseError('invalid-argument', 'no modes given', { field: 'modes' });
  if (opts.targets.length === 0)
    throw new SpecfuseError('invalid-argument', 'no targets given', { field: 'targets' });
  const all = trainIdx ?? Int32Array.from(ds.ids, (_, i) => i);
  const grids = gridsOf(ds, opts.modes);
  const fusion = opts.fusion ?? 'early';
  const inner = opts.innerFolds ?? 5;
  const targets: TargetModel[] = [];
  for (const [ti, target] of opts.targets.entries()) {
    const yAll = requireLabel(ds, target);
    const idx = labelled(yAll, all);
    if (idx.length < 4)
      throw new SpecfuseError(
        'invalid-argument',
        `target '${target}' has only ${idx.length} labelled training rows`,
      );
    const y = pick(yAll, idx);
    const groups = Array.from(idx, (i) => ds.groups[i] as string);
    const task = inferTask(y);
    const bundle = spectraOf(ds, opts.modes, idx);
    const memberModes = fusion === 'early' ? [[...opts.modes]] : opts.modes.map((m) => [m]);
    const members: Member[] = [];
    const hypers: Hyper[] = [];
    const oofs: Float64Array[] = [];
    const needOof = fusion === 'late' || (task === 'regression' && !opts.skipConformal);
    for (const [mi, mm] of memberModes.entries()) {
      // the CNN convolves the spectra themselves: raw intensities, one channel per mode
      const features = opts.model === 'cnn' ? { ...opts.features, kinds: ['raw' as const] } : opts.features;
      const recipe = fitFeatureRecipe(bundle, grids, mm, features);
      const ctx: TrainContext = {
        ...ctxOf(opts, 1000 * ti + mi),
        segments: recipe.modes.map((r) => recipe.features.filter((f) => f.mode === r.mode).length),
      };
      const X = transformFeatures(recipe, bundle);
      let h: Hyper = { ...DEFAULT_HYPER[opts.model], ...(opts.hyper ?? {}) };
      if (opts.search && opts.search.iterations > 0) {
        progress?.(`${target} [${mm.join('+')}]: random search, ${opts.search.iterations} draws`);
        h = (await randomSearch(opts.model, task, X, y, groups, h, opts.search, ctx)).best;
      }
      if (needOof) oofs.push(await oofPredict(opts.model, task, X, y, groups, h, inner, ctx));
      progress?.(`${target} [${mm.join('+')}]: fitting ${opts.model} on ${X.nrow}×${X.ncol}`);
      members.push({ modes: mm, recipe, learner: await fitLearner(opts.model, task, X, y, h, ctx) });
      hypers.push(h);
    }
    let meta: MetaModel | undefined;
    let oofFinal: Float64Array | undefined = oofs[0];
    if (fusion === 'late') {
      meta = fitMeta(task, oofs, y);
      oofFinal = applyMeta(task, meta, oofs);
    }
    let conformal: Conformal | undefined;
    if (task === 'regression' && !opts.skipConformal && oofFinal) {
      const res = Float64Array.from(y, (v, i) => Math.abs(v - (oofFinal[i] as number)));
      conformal = conformalFromResiduals(res, opts.alpha ?? 0.1);
    }
    targets.push({
      target,
      task,
      fusion,
      hyper: hypers,
      members,
      ...(meta ? { meta } : {}),
      ...(conformal ? { conformal } : {}),
    });
  }
  const bundleAll = spectraOf(ds, opts.modes, all);
  const meanSpectra: Record<string, number[]> = {};
  for (const m of opts.modes) {
    const X = bundleAll[m] as Float64Array[];
    const mean = new Array<number>((grids[m] as Float64Array).length).fill(0);
    for (const x of X)
      for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] as number) + (x[i] as number) / X.length;
    meanSpectra[m] = mean;
  }
  const ood = opts.skipOod ? undefined : fitOod(bundleAll, grids, opts.modes);
  const g3: Record<string, [number, number, number]> = {};
  for (const m of opts.modes) g3[m] = gridTriple(grids[m] as Float64Array);
  return {
    modelKind: opts.model,
    modes: [...opts.modes],
    grids: g3,
    targets,
    ...(ood ? { ood } : {}),
    meanSpectra,
    trainSize: all.length,
  };
}

/** Feature matrices of each member of a target model. */
export function memberMatrices(tm: TargetModel, bundle: SpectraBundle): DenseMatrix[] {
  return tm.members.map((m) => transformFeatures(m.recipe, bundle));
}

/** Predict from precomputed member matrices (used by permutation importance). */
export async function predictFromMatrices(tm: TargetModel, Xs: DenseMatrix[]): Promise<Float64Array> {
  const preds: Float64Array[] = [];
  for (const [i, m] of tm.members.entries())
    preds.push(await predictLearner(m.learner, Xs[i] as DenseMatrix));
  if (tm.fusion === 'late' && tm.meta) return applyMeta(tm.task, tm.meta, preds);
  return preds[0] as Float64Array;
}

export async function predictTarget(tm: TargetModel, bundle: SpectraBundle): Promise<Float64Array> {
  return predictFromMatrices(tm, memberMatrices(tm, bundle));
}

export interface TargetPrediction {
  readonly target: string;
  readonly task: Task;
  /** Value (regression) or probability of class 1 (classification). */
  readonly value: Float64Array;
  /** Conformal interval (regression, when calibrated). */
  readonly lo?: Float64Array;
  readonly hi?: Float64Array;
}

export async function predictPipeline(
  p: TrainedPipeline,
  bundle: SpectraBundle,
): Promise<TargetPrediction[]> {
  const out: TargetPrediction[] = [];
  for (const tm of p.targets) {
    const value = await predictTarget(tm, bundle);
    const q = tm.conformal?.q;
    out.push({
      target: tm.target,
      task: tm.task,
      value,
      ...(q !== undefined
        ? { lo: Float64Array.from(value, (v) => v - q), hi: Float64Array.from(value, (v) => v + q) }
        : {}),
    });
  }
  return out;
}
