import { SpecfuseError } from '../core/errors.js';

/**
 * A pure-TypeScript evaluator of XGBoost's JSON model format (schema of XGBoost ≥ 1.0, `doc/model.schema` in the
 * XGBoost docs): inference without the native library (and in a browser).
 *
 * Semantics reproduced from the format documentation:
 *  - each tree is stored as parallel arrays; node i is a leaf when `left_children[i] == -1`, and then
 *    `split_conditions[i]` holds the leaf value;
 *  - an internal node sends a row left when `x[split_indices[i]] < split_conditions[i]`, comparing in float32
 *    (XGBoost stores features and thresholds as 32-bit floats), and a missing value (NaN) goes left when
 *    `default_left[i]` is set;
 *  - margin = base margin + Σ leaf values over all trees of a `gbtree` booster (random forests are several trees
 *    per round, summed the same way), accumulated in float32 like XGBoost's CPU predictor;
 *  - base margin = ProbToMargin(base_score): logit for logistic objectives, log for log-link objectives,
 *    identity otherwise; output = sigmoid / exp / identity of the margin.
 */
export type Link = 'identity' | 'logistic' | 'log' | 'logitraw';

export interface CompiledForest {
  readonly objective: string;
  readonly link: Link;
  readonly numFeature: number;
  readonly baseMargin: number;
  /** Index of each tree's root node. */
  readonly roots: Int32Array;
  /** Split feature, or −1 for a leaf. Nodes are renumbered breadth-first so a node's children are adjacent. */
  readonly feature: Int32Array;
  /** Split threshold (internal node) or leaf value (leaf), float32. */
  readonly value: Float32Array;
  /** Index of the left child; the right child is the next node. */
  readonly child: Int32Array;
  readonly defaultLeft: Uint8Array;
}

const LINKS: Record<string, Link> = {
  'reg:squarederror': 'identity',
  'reg:squaredlogerror': 'identity',
  'reg:pseudohubererror': 'identity',
  'reg:absoluteerror': 'identity',
  'reg:linear': 'identity',
  'reg:logistic': 'logistic',
  'binary:logistic': 'logistic',
  'binary:logitraw': 'logitraw',
  'count:poisson': 'log',
  'reg:gamma': 'log',
  'reg:tweedie': 'log',
};

interface JsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  split_type?: number[];
}

function bad(msg: string, field?: string): never {
  throw new SpecfuseError('parse', `XGBoost JSON model: ${msg}`, field === undefined ? {} : { field });
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('expected an object', field);
  return v as Record<string, unknown>;
}

/** Compile XGBoost JSON (text or parsed) into flat typed arrays. */
export function compileXgboostJson(model: string | unknown): CompiledForest {
  let root: unknown = model;
  if (typeof model === 'string') {
    try {
      root = JSON.parse(model);
    } catch (e) {
      bad(`not JSON (${(e as Error).message})`);
    }
  }
  const learner = obj(obj(root, 'root').learner, 'learner');
  const lmp = obj(learner.learner_model_param, 'learner.learner_model_param');
  const numClass = Number(lmp.num_class ?? 0);
  if (numClass > 1) throw new SpecfuseError('unsupported', 'multi-class XGBoost models are not supported');
  if (Number(lmp.num_target ?? 1) > 1)
    throw new SpecfuseError('unsupported', 'multi-target XGBoost models are not supported');
  const objective = String(obj(learner.objective, 'learner.objective').name);
  const link = LINKS[objective];
  if (!link) throw new SpecfuseError('unsupported', `objective '${objective}' is not supported`);
  const baseScore = Number.parseFloat(String(lmp.base_score));
  if (!Number.isFinite(baseScore)) bad('base_score is not a number', 'base_score');
  const baseMargin =
    link === 'logistic' ? -Math.log(1 / baseScore - 1) : link === 'log' ? Math.log(baseScore) : baseScore;
  const gb = obj(learner.gradient_booster, 'learner.gradient_booster');
  if (gb.name !== 'gbtree')
    throw new SpecfuseError('unsupported', `booster '${String(gb.name)}' is not supported (only gbtree)`);
  const trees = obj(gb.model, 'gradient_booster.model').trees;
  if (!Array.isArray(trees)) bad('trees is not an array', 'trees');
  let total = 0;
  for (const t of trees as JsonTree[]) total += t.left_children.length;
  const roots = new Int32Array(trees.length);
  const feature = new Int32Array(total);
  const value = new Float32Array(total);
  const child = new Int32Array(total);
  const defaultLeft = new Uint8Array(total);
  let off = 0;
  trees.forEach((t: JsonTree, ti: number) => {
    const n = t.left_children.length;
    if (
      t.right_children.length !== n ||
      t.split_indices.length !== n ||
      t.split_conditions.length !== n ||
      t.default_left.length !== n
    )
      bad(`tree ${ti} has arrays of different lengths`, `trees[${ti}]`);
    if (t.split_type?.some((s) => s !== 0))
      throw new SpecfuseError('unsupported', `tree ${ti} has categorical splits`);
    roots[ti] = off;
    // breadth-first renumbering: the children of a node get consecutive slots
    const queue: number[] = [0];
    const slot: number[] = [off];
    let next = off + 1;
    let visited = 0;
    for (let q = 0; q < queue.length; q++) {
      const i = queue[q] as number;
      const at = slot[q] as number;
      if (++visited > n) bad(`tree ${ti} is not a tree (cycle)`, `trees[${ti}]`);
      const l = t.left_children[i] as number;
      const r = t.right_children[i] as number;
      if (l >= n || r >= n || (l === -1) !== (r === -1)) bad(`tree ${ti} node ${i} has invalid children`);
      value[at] = t.split_conditions[i] as number;
      if (l === -1) {
        feature[at] = -1;
        continue;
      }
      const fi = t.split_indices[i] as number;
      if (!(fi >= 0)) bad(`tree ${ti} node ${i} has split feature ${fi}`);
      feature[at] = fi;
      const d = t.default_left[i];
      defaultLeft[at] = d === true || d === 1 ? 1 : 0;
      child[at] = next;
      queue.push(l, r);
      slot.push(next, next + 1);
      next += 2;
    }
    off += n;
  });
  return {
    objective,
    link,
    numFeature: Number(lmp.num_feature),
    baseMargin: Math.fround(baseMargin),
    roots,
    feature,
    value,
    child,
    defaultLeft,
  };
}

/** Margins for rows of a float32 row-major matrix (`ncol` ≥ the model's num_feature; NaN = missing). */
export function forestMargin(f: CompiledForest, X: Float32Array, ncol: number): Float64Array {
  if (ncol < f.numFeature)
    throw new SpecfuseError('invalid-argument', `model needs ${f.numFeature} features, got ${ncol}`);
  const nrow = Math.floor(X.length / ncol);
  const out = new Float64Array(nrow);
  const { roots, feature, value, child, defaultLeft } = f;
  const nt = roots.length;
  const fr = Math.fround;
  for (let r = 0; r < nrow; r++) {
    const o = r * ncol;
    let s = f.baseMargin;
    for (let t = 0; t < nt; t++) {
      let node = roots[t] as number;
      let fi = feature[node] as number;
      while (fi >= 0) {
        const v = X[o + fi] as number;
        const thr = value[node] as number;
        const c = child[node] as number;
        // v < thr → left; v ≥ thr → right; NaN (both false) → default direction
        node = v < thr ? c : v >= thr ? c + 1 : c + 1 - (defaultLeft[node] as number);
        fi = feature[node] as number;
      }
      s = fr(s + (value[node] as number));
    }
    out[r] = s;
  }
  return out;
}

/** Predictions in output space (probability for logistic objectives), like XGBoost's `predict`. */
export function forestPredict(f: CompiledForest, X: Float32Array, ncol: number): Float64Array {
  const m = forestMargin(f, X, ncol);
  if (f.link === 'logistic')
    for (let i = 0; i < m.length; i++) m[i] = Math.fround(1 / (1 + Math.exp(-(m[i] as number))));
  else if (f.link === 'log') for (let i = 0; i < m.length; i++) m[i] = Math.fround(Math.exp(m[i] as number));
  return m;
}
