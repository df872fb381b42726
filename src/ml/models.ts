import { SpecfuseError } from '../core/errors.js';
import type { Rng } from './rng.js';
import { type CompiledForest, compileXgboostJson, forestPredict } from './tree-eval.js';
import { Booster, type DenseMatrix, type XgbParams } from './xgboost.js';

/**
 * Learners behind one interface: gradient-boosted trees and random forests (XGBoost through the FFI; saved as
 * XGBoost JSON and evaluated in TypeScript) and the MLP (TensorFlow.js, see mlp.ts).
 */
export type ModelKind = 'gbt' | 'rf' | 'mlp' | 'cnn';
export const MODEL_KINDS: readonly ModelKind[] = ['gbt', 'rf', 'mlp', 'cnn'];
export type Task = 'regression' | 'classification';

export type Hyper = Record<string, number>;

export interface FittedTrees {
  readonly kind: 'xgboost';
  /** XGBoost's own JSON model text, unchanged (loads in Python's xgboost). */
  readonly json: string;
}

export interface FittedMlp {
  readonly kind: 'tfjs';
  readonly topology: unknown;
  readonly weightSpecs: unknown;
  /** Weights (little-endian float32), base64. */
  readonly weights: string;
  /** Feature standardisation learned on the training rows. */
  readonly xMean: number[];
  readonly xStd: number[];
  /** Regression target standardisation (identity for classification). */
  readonly yMean: number;
  readonly yStd: number;
}

/** A 1D CNN (cnn.ts). */
export interface FittedCnn {
  readonly kind: 'cnn';
  /** Lengths of each mode's block of raw features, in input order. */
  readonly segments: number[];
  readonly points: number;
  readonly kernel: number;
  readonly filters: [number, number];
  readonly dense: number;
  readonly task: Task;
  /** Named float32 tensors (little-endian, base64). */
  readonly weights: { name: string; shape: number[]; data: string }[];
  readonly xMean: number[];
  readonly xStd: number[];
  readonly yMean: number;
  readonly yStd: number;
}

export type FittedModel = FittedTrees | FittedMlp | FittedCnn;

/** Task from the label values: {0, 1} only → classification. */
export function inferTask(y: ArrayLike<number>): Task {
  let any = false;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (Number.isNaN(v)) continue;
    any = true;
    if (v !== 0 && v !== 1) return 'regression';
  }
  return any ? 'classification' : 'regression';
}

export const DEFAULT_HYPER: Record<ModelKind, Hyper> = {
  gbt: {
    rounds: 150,
    eta: 0.1,
    max_depth: 4,
    subsample: 0.8,
    colsample_bytree: 0.8,
    min_child_weight: 1,
    lambda: 1,
  },
  rf: { num_parallel_tree: 100, max_depth: 8, subsample: 0.7, colsample_bynode: 0.5, min_child_weight: 1 },
  mlp: { hidden: 64, layers: 2, epochs: 80, learning_rate: 0.003, dropout: 0.1, batch_size: 32, l2: 1e-4 },
  cnn: {
    points: 64,
    kernel: 5,
    filters1: 8,
    filters2: 16,
    dense: 32,
    epochs: 60,
    learning_rate: 0.003,
    batch_size: 32,
  },
};

function logUniform(rng: Rng, a: number, b: number): number {
  return Math.exp(Math.log(a) + rng.next() * (Math.log(b) - Math.log(a)));
}

/** One random draw from the search space of a model kind (random search, Bergstra & Bengio 2012). */
export function sampleHyper(kind: ModelKind, rng: Rng): Hyper {
  if (kind === 'gbt')
    return {
      rounds: 50 + 25 * rng.int(11),
      eta: logUniform(rng, 0.03, 0.3),
      max_depth: 2 + rng.int(5),
      subsample: 0.6 + 0.4 * rng.next(),
      colsample_bytree: 0.4 + 0.6 * rng.next(),
      min_child_weight: logUniform(rng, 0.5, 8),
      lambda: logUniform(rng, 0.3, 10),
    };
  if (kind === 'rf')
    return {
      num_parallel_tree: 100,
      max_depth: 4 + rng.int(9),
      subsample: 0.5 + 0.4 * rng.next(),
      colsample_bynode: 0.2 + 0.6 * rng.next(),
      min_child_weight: logUniform(rng, 0.5, 8),
    };
  if (kind === 'cnn')
    return {
      points: 64,
      kernel: [3, 5, 7][rng.int(3)] as number,
      filters1: [4, 8, 16][rng.int(3)] as number,
      filters2: [8, 16, 32][rng.int(3)] as number,
      dense: [16, 32, 64][rng.int(3)] as number,
      epochs: 40 + 20 * rng.int(3),
      learning_rate: logUniform(rng, 5e-4, 1e-2),
      batch_size: 32,
    };
  return {
    hidden: [32, 64, 128][rng.int(3)] as number,
    layers: 1 + rng.int(3),
    epochs: 60 + 20 * rng.int(4),
    learning_rate: logUniform(rng, 5e-4, 1e-2),
    dropout: 0.3 * rng.next(),
    batch_size: 32,
    l2: logUniform(rng, 1e-6, 1e-3),
  };
}

export interface TrainContext {
  readonly nthread: number;
  readonly seed: number;
  /** Per-mode lengths of the raw-feature blocks (the CNN stacks modes as channels). */
  readonly segments?: number[];
}

/**
 * XGBoost parameters for a kind/task/hyper. Tree method: `exact` for small matrices (< 2·10⁵ cells; measured 3×
 * faster than `hist` at 240×300 here), `hist` (256 bins) above.
 */
export function xgbParams(
  kind: 'gbt' | 'rf',
  task: Task,
  h: Hyper,
  ctx: TrainContext,
  size: { nrow: number; ncol: number } = { nrow: 0, ncol: 0 },
): { params: XgbParams; rounds: number } {
  const objective = task === 'classification' ? 'binary:logistic' : 'reg:squarederror';
  const common: XgbParams = {
    objective,
    nthread: ctx.nthread,
    seed: ctx.seed,
    ...(size.nrow * size.ncol < 2e5 ? { tree_method: 'exact' } : { tree_method: 'hist', max_bin: 256 }),
    verbosity: 0,
    max_depth: h.max_depth ?? 6,
    min_child_weight: h.min_child_weight ?? 1,
    subsample: h.subsample ?? 1,
  };
  if (task === 'classification') common.eval_metric = 'logloss';
  if (kind === 'gbt')
    return {
      params: {
        ...common,
        eta: h.eta ?? 0.1,
        colsample_bytree: h.colsample_bytree ?? 1,
        lambda: h.lambda ?? 1,
      },
      rounds: Math.max(1, Math.round(h.rounds ?? 100)),
    };
  // Random forest in XGBoost: one round of num_parallel_tree trees, eta = 1, row and per-node column subsampling.
  return {
    params: {
      ...common,
      eta: 1,
      num_parallel_tree: Math.max(1, Math.round(h.num_parallel_tree ?? 100)),
      colsample_bynode: h.colsample_bynode ?? 0.5,
      lambda: 1e-5,
    },
    rounds: 1,
  };
}

export function trainTrees(
  kind: 'gbt' | 'rf',
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  h: Hyper,
  ctx: TrainContext,
): FittedTrees {
  const { params, rounds } = xgbParams(kind, task, h, ctx, X);
  const b = Booster.train(X, Float32Array.from(y), params, rounds);
  try {
    return { kind: 'xgboost', json: b.saveJson() };
  } finally {
    b.dispose();
  }
}

const compiled = new WeakMap<FittedTrees, CompiledForest>();

/** The compiled TypeScript evaluator of a tree model (cached per model object). */
export function compiledForest(m: FittedTrees): CompiledForest {
  let f = compiled.get(m);
  if (!f) {
    f = compileXgboostJson(m.json);
    compiled.set(m, f);
  }
  return f;
}

/** Tree-model predictions with the TypeScript evaluator (no native library). */
export function predictTrees(m: FittedTrees, X: DenseMatrix): Float64Array {
  return forestPredict(compiledForest(m), X.data, X.ncol);
}

export function assertKind(kind: string): ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(kind))
    throw new SpecfuseError('invalid-argument', `unknown model '${kind}' (${MODEL_KINDS.join(', ')})`, {
      field: 'model',
    });
  return kind as ModelKind;
}
