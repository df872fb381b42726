import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from './data.js';
import type { FeatureRecipe } from './features.js';
import { makeRng } from './rng.js';
import { type TargetModel, memberMatrices, predictFromMatrices } from './train.js';
import { Booster, type DenseMatrix } from './xgboost.js';

/**
 * Interpretability, mapped back onto the spectrum.
 *
 *  - SHAP: XGBoost's TreeSHAP (Lundberg et al., Nat. Mach. Intell. 2, 56 (2020)) through `pred_contribs`;
 *    importance of feature j = mean_i |φ_ij| (margin units). For late fusion a member's values are scaled by
 *    |its stacking weight|.
 *  - Permutation importance (Breiman, Mach. Learn. 45, 5 (2001); Fisher et al., JMLR 20 (2019)): increase of the
 *    mean squared error (Brier score for classification) when one feature column is shuffled, averaged over
 *    `repeats` seeded permutations. Works for every model kind.
 *  - Windows: feature importances summed into energy windows per mode — point features (raw, CDF) into the window
 *    holding their energy, window features (cubic, peaks) spread over overlapping windows by overlap length, PCA
 *    scores spread over the grid by their squared loadings (Σ = 1) — and normalised to a total of 1.
 */
export interface FeatureImportance {
  readonly name: string;
  readonly importance: number;
}

export interface EnergyWindow {
  readonly lo: number;
  readonly hi: number;
  readonly importance: number;
}

export interface ImportanceReport {
  readonly target: string;
  readonly method: 'shap' | 'permutation';
  /** Features sorted by decreasing importance. */
  readonly features: FeatureImportance[];
  readonly windows: Record<string, EnergyWindow[]>;
}

/** Mean |SHAP| per feature of each member (native XGBoost needed). */
export function shapImportance(tm: TargetModel, bundle: SpectraBundle): Float64Array[] {
  const Xs = memberMatrices(tm, bundle);
  return tm.members.map((m, mi) => {
    if (m.learner.kind !== 'xgboost')
      throw new SpecfuseError(
        'unsupported',
        'SHAP contributions need a tree model; use permutation importance',
      );
    const X = Xs[mi] as DenseMatrix;
    const b = Booster.fromJson(m.learner.json);
    try {
      const c = b.contributions(X);
      const w = X.ncol + 1;
      const out = new Float64Array(X.ncol);
      for (let i = 0; i < X.nrow; i++)
        for (let j = 0; j < X.ncol; j++)
          out[j] = (out[j] as number) + Math.abs(c[i * w + j] as number) / X.nrow;
      const scale = tm.meta ? Math.abs(tm.meta.weights[mi] ?? 1) : 1;
      return out.map((v) => v * scale);
    } finally {
      b.dispose();
    }
  });
}

function mse(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += ((y[i] as number) - (p[i] as number)) ** 2;
  return s / y.length;
}

/** Permutation importance per feature of each member (increase of MSE / Brier score). */
export async function permutationImportance(
  tm: TargetModel,
  bundle: SpectraBundle,
  y: Float64Array,
  opts: { repeats?: number; seed?: number } = {},
): Promise<Float64Array[]> {
  const Xs = memberMatrices(tm, bundle);
  const base = mse(y, await predictFromMatrices(tm, Xs));
  const rng = makeRng(opts.seed ?? 7);
  const repeats = opts.repeats ?? 3;
  const out: Float64Array[] = [];
  for (const [mi, X] of Xs.entries()) {
    const imp = new Float64Array(X.ncol);
    const col = new Float32Array(X.nrow);
    for (let j = 0; j < X.ncol; j++) {
      for (let i = 0; i < X.nrow; i++) col[i] = X.data[i * X.ncol + j] as number;
      let acc = 0;
      for (let r = 0; r < repeats; r++) {
        const perm = Float32Array.from(col);
        for (let i = perm.length - 1; i > 0; i--) {
          const k = rng.int(i + 1);
          const t = perm[i] as number;
          perm[i] = perm[k] as number;
          perm[k] = t;
        }
        for (let i = 0; i < X.nrow; i++) X.data[i * X.ncol + j] = perm[i] as number;
        const Xp = Xs.slice();
        Xp[mi] = X;
        acc += mse(y, await predictFromMatrices(tm, Xp)) - base;
      }
      for (let i = 0; i < X.nrow; i++) X.data[i * X.ncol + j] = col[i] as number;
      imp[j] = acc / repeats;
    }
    out.push(imp);
  }
  return out;
}

/** Sum feature importances of one recipe into energy windows of `windowEv` eV per mode (unnormalised). */
export function windowImportance(
  recipe: FeatureRecipe,
  importance: ArrayLike<number>,
  windowEv?: number,
): Record<string, EnergyWindow[]> {
  const out: Record<string, { lo: number; hi: number; importance: number }[]> = {};
  for (const r of recipe.modes) {
    const [e0, step, n] = r.grid;
    const e1 = e0 + step * (n - 1);
    const w = windowEv && windowEv > 0 ? windowEv : Math.max(step, (e1 - e0) / 20);
    const nw = Math.max(1, Math.ceil((e1 - e0 + step) / w));
    out[r.mode] = Array.from({ length: nw }, (_, k) => ({
      lo: e0 - step / 2 + k * w,
      hi: e0 - step / 2 + (k + 1) * w,
      importance: 0,
    }));
  }
  const add = (mode: string, e: number, v: number) => {
    const ws = out[mode];
    if (!ws) return;
    const first = ws[0] as EnergyWindow;
    const width = first.hi - first.lo;
    const k = Math.min(ws.length - 1, Math.max(0, Math.floor((e - first.lo) / width)));
    (ws[k] as { importance: number }).importance += v;
  };
  recipe.features.forEach((f, j) => {
    const v = Math.max(0, Number(importance[j] ?? 0));
    if (v === 0) return;
    const ws = out[f.mode];
    if (!ws) return;
    if (f.kind === 'pca' && f.component !== undefined) {
      const mr = recipe.modes.find((m) => m.mode === f.mode);
      const comp = mr?.pca?.components[f.component];
      if (!mr || !comp) return;
      let ss = 0;
      for (const c of comp) ss += c * c;
      comp.forEach((c, k) => {
        add(f.mode, mr.grid[0] + k * mr.grid[1], (v * c * c) / (ss || 1));
      });
    } else if (f.window) {
      const [a, b] = f.window;
      const span = Math.max(b - a, 1e-12);
      let placed = 0;
      for (const w of ws) {
        const ov = Math.max(0, Math.min(b, w.hi) - Math.max(a, w.lo));
        if (ov > 0) {
          (w as { importance: number }).importance += (v * ov) / span;
          placed += ov / span;
        }
      }
      if (placed < 1) add(f.mode, f.energy ?? (a + b) / 2, v * (1 - placed));
    } else if (f.energy !== undefined) add(f.mode, f.energy, v);
  });
  return out;
}

/** Combine members' importances into one report (features ranked, windows summed over members, total = 1). */
export function importanceReport(
  tm: TargetModel,
  perMember: Float64Array[],
  method: 'shap' | 'permutation',
  windowEv?: number,
): ImportanceReport {
  const features: FeatureImportance[] = [];
  const windows: Record<string, { lo: number; hi: number; importance: number }[]> = {};
  tm.members.forEach((m, mi) => {
    const imp = perMember[mi] as Float64Array;
    m.recipe.features.forEach((f, j) => {
      features.push({ name: f.name, importance: imp[j] as number });
    });
    for (const [mode, ws] of Object.entries(windowImportance(m.recipe, imp, windowEv))) {
      const dst = windows[mode];
      if (!dst) windows[mode] = ws.map((w) => ({ ...w }));
      else
        ws.forEach((w, k) => {
          (dst[k] as { importance: number }).importance += w.importance;
        });
    }
  });
  let total = 0;
  for (const ws of Object.values(windows)) for (const w of ws) total += w.importance;
  if (total > 0) for (const ws of Object.values(windows)) for (const w of ws) w.importance /= total;
  features.sort((a, b) => b.importance - a.importance);
  return { target: tm.target, method, features, windows };
}
