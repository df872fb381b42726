import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from './data.js';
import type { DenseMatrix } from './xgboost.js';

/**
 * Spectral features per mode, computed on that mode's fixed grid, and their fusion by concatenation.
 *
 *  - `raw`: the (optionally normalised) intensity at every `rawStride`-th grid point.
 *  - `cdf`: cumulative normalised integral C(E_k) = Σ_{i≤k} μ_i / Σ_i μ_i (trapezoid-free running sum on a
 *    uniform grid), the feature the seed paper (Jia et al., ACS Nano 2026) found most robust to small energy shifts.
 *  - `cubic`: the grid cut into `cubicWindows` equal windows; a least-squares cubic a0 + a1 t + a2 t² + a3 t³ in the
 *    local coordinate t = (E − E_mid)/half-width ∈ [−1, 1] per window; the four coefficients are features.
 *  - `peaks`: K Gaussians A·exp(−(E−c)²/2σ²) plus a linear background fitted by Levenberg–Marquardt
 *    (ml-levenberg-marquardt, analytic Jacobian); seeds are the K most prominent maxima of the training-mean
 *    spectrum; features A, c, σ per peak.
 *  - `pca`: projections on the leading principal components of the training spectra (eigenvectors of the sample
 *    covariance, ml-matrix EVD).
 *
 * Everything learned from data (peak seeds, PCA) is fitted on the training rows only and stored in the recipe.
 * Feature names keep mode and energy, e.g. `Ni:L23/cdf@855.20`, `O:K/cubic.c2@531.25`, `Mn:L23/peak1.c@643.00`,
 * `O:K/pca3`, so importances map back onto the spectrum.
 */
export type FeatureKind = 'raw' | 'cdf' | 'cubic' | 'peaks' | 'pca';
export const FEATURE_KINDS: readonly FeatureKind[] = ['raw', 'cdf', 'cubic', 'peaks', 'pca'];

export interface FeatureOptions {
  readonly kinds?: readonly FeatureKind[];
  /** Per-spectrum normalisation before any feature: none, unit area (Σ μ ΔE = 1) or unit maximum. */
  readonly normalize?: 'none' | 'area' | 'max';
  readonly rawStride?: number;
  readonly cdfStride?: number;
  readonly cubicWindows?: number;
  readonly peaks?: number;
  readonly pcaComponents?: number;
}

export interface FeatureDef {
  readonly name: string;
  readonly mode: string;
  readonly kind: FeatureKind;
  /** Energy (eV) the feature refers to: grid point, window centre or peak seed. */
  readonly energy?: number;
  /** Energy window (eV) the feature summarises. */
  readonly window?: readonly [number, number];
  /** PCA component index (0-based). */
  readonly component?: number;
}

export interface ModeRecipe {
  readonly mode: string;
  /** [e_start, e_step, n] in eV. */
  readonly grid: readonly [number, number, number];
  readonly normalize: 'none' | 'area' | 'max';
  readonly kinds: readonly FeatureKind[];
  readonly rawStride: number;
  readonly cdfStride: number;
  readonly cubicWindows: number;
  readonly peakSeeds: readonly { readonly center: number; readonly width: number }[];
  readonly pca?: { readonly mean: number[]; readonly components: number[][]; readonly explained: number[] };
}

export interface FeatureRecipe {
  readonly modes: readonly ModeRecipe[];
  readonly features: readonly FeatureDef[];
}

export const DEFAULT_FEATURE_OPTIONS = {
  kinds: ['cdf'] as readonly FeatureKind[],
  normalize: 'none' as const,
  rawStride: 1,
  cdfStride: 1,
  cubicWindows: 8,
  peaks: 3,
  pcaComponents: 8,
};

function gridEnergy(g: readonly [number, number, number], i: number): number {
  return g[0] + i * g[1];
}

export function gridTriple(grid: Float64Array): [number, number, number] {
  const n = grid.length;
  const step = n > 1 ? ((grid[n - 1] as number) - (grid[0] as number)) / (n - 1) : 1;
  return [grid[0] as number, step, n];
}

/** Normalised copy of one spectrum. */
export function normalizeSpectrum(x: Float64Array, how: 'none' | 'area' | 'max', step: number): Float64Array {
  const out = Float64Array.from(x);
  if (how === 'none') return out;
  let d = 0;
  if (how === 'area') {
    for (const v of x) d += v;
    d *= step;
  } else for (const v of x) d = Math.max(d, Math.abs(v));
  if (d !== 0 && Number.isFinite(d)) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / d;
  return out;
}

/** Cumulative normalised integral (0 … 1); all zeros if the spectrum integrates to 0. */
export function cdf(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i] as number;
    out[i] = s;
  }
  if (s !== 0 && Number.isFinite(s)) for (let i = 0; i < x.length; i++) out[i] = (out[i] as number) / s;
  else out.fill(0);
  return out;
}

/** Index ranges [lo, hi) of `w` equal windows over n points. */
function windows(n: number, w: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < w; k++) out.push([Math.floor((k * n) / w), Math.floor(((k + 1) * n) / w)]);
  return out;
}

/**
 * Least-squares cubic coefficients over x[lo:hi] against t ∈ [−1, 1] (normal equations, 4×4, solved by Gaussian
 * elimination with partial pivoting). Windows with fewer than 4 points fit a lower degree (higher terms 0).
 */
export function cubicFit(x: Float64Array, lo: number, hi: number): [number, number, number, number] {
  const m = hi - lo;
  const deg = Math.min(3, m - 1);
  const k = deg + 1;
  const A: Float64Array[] = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = lo; i < hi; i++) {
    const t = m > 1 ? (2 * (i - lo)) / (m - 1) - 1 : 0;
    const p = [1, t, t * t, t * t * t];
    for (let r = 0; r < k; r++) {
      const row = A[r] as Float64Array;
      for (let c = 0; c < k; c++) row[c] = (row[c] as number) + (p[r] as number) * (p[c] as number);
      row[k] = (row[k] as number) + (p[r] as number) * (x[i] as number);
    }
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++)
      if (Math.abs((A[r] as Float64Array)[c] as number) > Math.abs((A[piv] as Float64Array)[c] as number))
        piv = r;
    const tmp = A[c] as Float64Array;
    A[c] = A[piv] as Float64Array;
    A[piv] = tmp;
    const pr = A[c] as Float64Array;
    const d = pr[c] as number;
    if (d === 0) continue;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const row = A[r] as Float64Array;
      const f = (row[c] as number) / d;
      for (let cc = c; cc <= k; cc++) row[cc] = (row[cc] as number) - f * (pr[cc] as number);
    }
  }
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let r = 0; r < k; r++) {
    const row = A[r] as Float64Array;
    out[r] = (row[r] as number) !== 0 ? (row[k] as number) / (row[r] as number) : 0;
  }
  return out;
}

/** The `k` most prominent local maxima of a spectrum (prominence over the lower of the two flanking minima). */
export function peakSeeds(
  x: Float64Array,
  g: readonly [number, number, number],
  k: number,
): { center: number; width: number }[] {
  const n = x.length;
  // light 5-point smoothing so noise maxima don't win
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let c = 0;
    for (let j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) {
      a += x[j] as number;
      c++;
    }
    s[i] = a / c;
  }
  const cands: { i: number; prom: number; width: number }[] = [];
  for (let i = 1; i < n - 1; i++) {
    const v = s[i] as number;
    if (!(v > (s[i - 1] as number) && v >= (s[i + 1] as number))) continue;
    let l = i;
    let lmin = v;
    while (l > 0 && (s[l - 1] as number) <= v) {
      l--;
      lmin = Math.min(lmin, s[l] as number);
    }
    let r = i;
    let rmin = v;
    while (r < n - 1 && (s[r + 1] as number) <= v) {
      r++;
      rmin = Math.min(rmin, s[r] as number);
    }
    const base = Math.max(lmin, rmin);
    const prom = v - base;
    // half-prominence width
    const half = base + prom / 2;
    let a = i;
    while (a > 0 && (s[a] as number) > half) a--;
    let b = i;
    while (b < n - 1 && (s[b] as number) > half) b++;
    cands.push({ i, prom, width: Math.max(g[1], ((b - a) * g[1]) / 2.3548) });
  }
  cands.sort((p, q) => q.prom - p.prom);
  const chosen = cands.slice(0, k).sort((p, q) => p.i - q.i);
  // fewer maxima than requested: spread seeds evenly
  while (chosen.length < k)
    chosen.push({ i: Math.floor(((chosen.length + 0.5) * n) / k), prom: 0, width: 4 * g[1] });
  return chosen.map((c) => ({ center: gridEnergy(g, c.i), width: c.width }));
}

/** Fit K Gaussians + linear background; returns [A, c, σ] per peak (σ in eV). */
export function fitPeaks(
  x: Float64Array,
  g: readonly [number, number, number],
  seeds: readonly { center: number; width: number }[],
): number[] {
  const n = x.length;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = gridEnergy(g, i);
  const e0 = g[0];
  const span = Math.max(g[1] * (n - 1), 1e-9);
  const K = seeds.length;
  const init: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  let ymin = Number.POSITIVE_INFINITY;
  let ymax = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    ymin = Math.min(ymin, v);
    ymax = Math.max(ymax, v);
  }
  const range = Math.max(ymax - ymin, 1e-9);
  for (const s of seeds) {
    const idx = Math.min(n - 1, Math.max(0, Math.round((s.center - e0) / g[1])));
    init.push(Math.max(0, (x[idx] as number) - ymin), s.center, s.width);
    min.push(0, s.center - 3 * s.width - 2 * g[1], g[1] / 2);
    max.push(4 * range, s.center + 3 * s.width + 2 * g[1], span / 2);
  }
  init.push(ymin, 0);
  min.push(ymin - 2 * range, -4 * range);
  max.push(ymax + 2 * range, 4 * range);
  const model = (p: number[]) => (E: number) => {
    let v = (p[3 * K] as number) + ((p[3 * K + 1] as number) * (E - e0)) / span;
    for (let k = 0; k < K; k++) {
      const z = (E - (p[3 * k + 1] as number)) / (p[3 * k + 2] as number);
      v += (p[3 * k] as number) * Math.exp(-0.5 * z * z);
    }
    return v;
  };
  const jac = (p: number[]) => (E: number) => {
    const d: number[] = [];
    for (let k = 0; k < K; k++) {
      const A = p[3 * k] as number;
      const c = p[3 * k + 1] as number;
      const s = p[3 * k + 2] as number;
      const z = (E - c) / s;
      const gz = Math.exp(-0.5 * z * z);
      d.push(gz, (A * gz * z) / s, (A * gz * z * z) / s);
    }
    d.push(1, (E - e0) / span);
    return d;
  };
  const res = levenbergMarquardt({ x: Array.from(e), y: Array.from(x) }, model, {
    initialValues: init,
    minValues: min,
    maxValues: max,
    jacobianFunction: jac,
    maxIterations: 60,
    errorTolerance: 1e-10,
    damping: 1e-2,
  });
  return res.parameterValues.slice(0, 3 * K);
}

/** PCA by eigen-decomposition of the sample covariance of the rows. */
export function fitPca(
  rows: readonly Float64Array[],
  k: number,
): { mean: number[]; components: number[][]; explained: number[] } {
  const n = rows.length;
  if (n < 2) throw new SpecfuseError('invalid-argument', 'PCA needs at least 2 training spectra');
  const p = (rows[0] as Float64Array).length;
  const mean = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) + (r[j] as number) / n;
  const acc = new Float64Array(p * p);
  const c = new Float64Array(p);
  for (const r of rows) {
    for (let j = 0; j < p; j++) c[j] = (r[j] as number) - (mean[j] as number);
    for (let a = 0; a < p; a++) {
      const ca = c[a] as number;
      if (ca === 0) continue;
      const o = a * p;
      for (let b = a; b < p; b++) acc[o + b] = (acc[o + b] as number) + ca * (c[b] as number);
    }
  }
  const cov = Matrix.zeros(p, p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      const v = (acc[a * p + b] as number) / (n - 1);
      cov.set(a, b, v);
      cov.set(b, a, v);
    }
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const total = vals.reduce((s, v) => s + Math.max(0, v), 0) || 1;
  const kk = Math.min(k, p);
  const components: number[][] = [];
  const explained: number[] = [];
  for (let q = 0; q < kk; q++) {
    const [v, idx] = order[q] as readonly [number, number];
    const comp = vecs.getColumn(idx);
    // sign convention: largest |loading| positive (deterministic across runs)
    let big = 0;
    for (const x of comp) if (Math.abs(x) > Math.abs(big)) big = x;
    components.push(big < 0 ? comp.map((x) => -x) : comp);
    explained.push(Math.max(0, v) / total);
  }
  return { mean, components, explained };
}

function checkBundle(bundle: SpectraBundle, r: ModeRecipe): Float64Array[] {
  const X = bundle[r.mode];
  if (!X)
    throw new SpecfuseError('invalid-argument', `spectra of mode '${r.mode}' are missing`, { field: r.mode });
  for (const x of X)
    if (x.length !== r.grid[2])
      throw new SpecfuseError(
        'invalid-argument',
        `a '${r.mode}' spectrum has ${x.length} points; the model's grid has ${r.grid[2]} (resample first)`,
        { field: r.mode },
      );
  return X;
}

/** Fit the recipe (feature definitions + learned parts) for `modes` on training spectra. */
export function fitFeatureRecipe(
  train: SpectraBundle,
  grids: Record<string, Float64Array>,
  modes: readonly string[],
  options: FeatureOptions = {},
): FeatureRecipe {
  const o = { ...DEFAULT_FEATURE_OPTIONS, ...options };
  for (const k of o.kinds)
    if (!FEATURE_KINDS.includes(k))
      throw new SpecfuseError(
        'invalid-argument',
        `unknown feature kind '${k}' (${FEATURE_KINDS.join(', ')})`,
      );
  const recipes: ModeRecipe[] = [];
  const features: FeatureDef[] = [];
  for (const mode of modes) {
    const grid = grids[mode];
    if (!grid) throw new SpecfuseError('not-found', `mode '${mode}' has no grid`, { field: mode });
    const g = gridTriple(grid);
    const base: ModeRecipe = {
      mode,
      grid: g,
      normalize: o.normalize,
      kinds: o.kinds,
      rawStride: Math.max(1, Math.floor(o.rawStride)),
      cdfStride: Math.max(1, Math.floor(o.cdfStride)),
      cubicWindows: Math.max(1, Math.min(Math.floor(o.cubicWindows), Math.floor(g[2] / 4) || 1)),
      peakSeeds: [],
    };
    const X = checkBundle(train, base).map((x) => normalizeSpectrum(x, o.normalize, g[1]));
    let r: ModeRecipe = base;
    if (o.kinds.includes('peaks')) {
      const mean = new Float64Array(g[2]);
      for (const x of X)
        for (let i = 0; i < g[2]; i++) mean[i] = (mean[i] as number) + (x[i] as number) / X.length;
      r = { ...r, peakSeeds: peakSeeds(mean, g, o.peaks) };
    }
    if (o.kinds.includes('pca')) r = { ...r, pca: fitPca(X, Math.min(o.pcaComponents, X.length - 1)) };
    recipes.push(r);
    features.push(...modeFeatureDefs(r));
  }
  return { modes: recipes, features };
}

function fmt(e: number): string {
  return e.toFixed(2);
}

export function modeFeatureDefs(r: ModeRecipe): FeatureDef[] {
  const out: FeatureDef[] = [];
  const g = r.grid;
  for (const kind of r.kinds) {
    if (kind === 'raw' || kind === 'cdf') {
      const stride = kind === 'raw' ? r.rawStride : r.cdfStride;
      for (let i = 0; i < g[2]; i += stride) {
        const e = gridEnergy(g, i);
        out.push({ name: `${r.mode}/${kind}@${fmt(e)}`, mode: r.mode, kind, energy: e });
      }
    } else if (kind === 'cubic') {
      for (const [lo, hi] of windows(g[2], r.cubicWindows)) {
        const a = gridEnergy(g, lo);
        const b = gridEnergy(g, hi - 1);
        const mid = (a + b) / 2;
        for (let c = 0; c < 4; c++)
          out.push({
            name: `${r.mode}/cubic.c${c}@${fmt(mid)}`,
            mode: r.mode,
            kind,
            energy: mid,
            window: [a, b],
          });
      }
    } else if (kind === 'peaks') {
      r.peakSeeds.forEach((s, k) => {
        for (const p of ['A', 'c', 'sigma'])
          out.push({
            name: `${r.mode}/peak${k + 1}.${p}@${fmt(s.center)}`,
            mode: r.mode,
            kind,
            energy: s.center,
            window: [s.center - 2 * s.width, s.center + 2 * s.width],
          });
      });
    } else if (kind === 'pca') {
      const nc = r.pca?.components.length ?? 0;
      for (let c = 0; c < nc; c++)
        out.push({ name: `${r.mode}/pca${c + 1}`, mode: r.mode, kind, component: c });
    }
  }
  return out;
}

/** Features of every sample in `bundle` (row-major float32, NaN where a fit failed). */
export function transformFeatures(recipe: FeatureRecipe, bundle: SpectraBundle): DenseMatrix {
  const ncol = recipe.features.length;
  let nrow = -1;
  for (const r of recipe.modes) {
    const X = checkBundle(bundle, r);
    if (nrow >= 0 && X.length !== nrow)
      throw new SpecfuseError(
        'invalid-argument',
        `modes have different numbers of spectra (${nrow} vs ${X.length})`,
      );
    nrow = X.length;
  }
  nrow = Math.max(0, nrow);
  const data = new Float32Array(nrow * ncol);
  for (let i = 0; i < nrow; i++) {
    let col = i * ncol;
    for (const r of recipe.modes) {
      const g = r.grid;
      const x = normalizeSpectrum((bundle[r.mode] as Float64Array[])[i] as Float64Array, r.normalize, g[1]);
      for (const kind of r.kinds) {
        if (kind === 'raw') for (let k = 0; k < g[2]; k += r.rawStride) data[col++] = x[k] as number;
        else if (kind === 'cdf') {
          const c = cdf(x);
          for (let k = 0; k < g[2]; k += r.cdfStride) data[col++] = c[k] as number;
        } else if (kind === 'cubic') {
          for (const [lo, hi] of windows(g[2], r.cubicWindows))
            for (const v of cubicFit(x, lo, hi)) data[col++] = v;
        } else if (kind === 'peaks') {
          let p: number[];
          try {
            p = fitPeaks(x, g, r.peakSeeds);
          } catch {
            p = new Array<number>(3 * r.peakSeeds.length).fill(Number.NaN);
          }
          for (const v of p) data[col++] = v;
        } else if (kind === 'pca' && r.pca) {
          for (const comp of r.pca.components) {
            let s = 0;
            for (let k = 0; k < g[2]; k++)
              s += ((x[k] as number) - (r.pca.mean[k] as number)) * (comp[k] as number);
            data[col++] = s;
          }
        }
      }
    }
    if (col !== (i + 1) * ncol)
      throw new SpecfuseError('internal', `feature count mismatch (${col - i * ncol} ≠ ${ncol})`);
  }
  return { data, nrow, ncol };
}
