import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength, indexRange } from './checks.js';
import { polyfit, polyval } from './polyfit.js';
import { type FindE0Options, findE0 } from './xas-e0.js';

/**
 * XAS pre-edge subtraction, edge-step normalization and flattening in the Athena / Larch sense
 * (B. Ravel and M. Newville, J. Synchrotron Rad. 12, 537 (2005), §3 "Athena: normalization";
 * Larch manual, "pre_edge()"; M. Newville, ifeffit mailing list 2013-05-16, on flattening):
 *
 *  1. E0: maximum of dμ/dE (see `findE0`) unless given.
 *  2. Pre-edge line p(E) = slope·E + intercept regressed to μ(E)·E^nvict over E0+pre1 … E0+pre2 (nvict = 0: a
 *     straight line; nvict > 0: the "Victoreen" form p(E) = (slope·E + intercept)·E^−nvict).
 *  3. Post-edge polynomial P(E) of degree nnorm regressed to μ(E) over E0+norm1 … E0+norm2.
 *  4. Edge step Δμ = P(E0) − p(E0); norm(E) = (μ(E) − p(E)) / Δμ.
 *  5. flat(E) = norm(E) for E ≤ E0, and norm(E) − [P(E) − p(E) − (P(E0) − p(E0))]/Δμ above E0 (the post-edge
 *     curvature removed, so flat → 1 above the edge).
 *
 * Defaults (eV, relative to E0) follow Larch: pre1 = −200, pre2 = −30, norm1 = 150, norm2 = end of data; each is
 * clipped to the data. nnorm (if not given) follows Larch's rule from the fit range: 2 if norm2 − norm1 > 350 eV,
 * 1 if > 50 eV, else 0.
 */
export interface NormalizeXasOptions {
  /** Edge energy (eV); found by `findE0` if absent. */
  readonly e0?: number;
  /** Options for the E0 search when e0 is not given. */
  readonly e0Search?: FindE0Options;
  /** Pre-edge fit range, eV relative to E0 (defaults −200, −30). */
  readonly pre1?: number;
  readonly pre2?: number;
  /** Post-edge fit range, eV relative to E0 (defaults 150, end of data). */
  readonly norm1?: number;
  readonly norm2?: number;
  /** Degree of the post-edge polynomial (0…3); default from the range (see above). */
  readonly nnorm?: number;
  /** Energy exponent of the pre-edge form (default 0). */
  readonly nvict?: number;
  /** Impose the edge step instead of computing it. */
  readonly step?: number;
}

export interface XasNormalization {
  /** Edge energy (eV). */
  readonly e0: number;
  /** Edge step Δμ (units of μ). */
  readonly edgeStep: number;
  /** Pre-edge line [slope (μ/eV), intercept (μ)] in absolute energy: p(E) = slope·E + intercept (times E^−nvict). */
  readonly pre: [number, number];
  /** Post-edge polynomial coefficients in ascending powers of absolute energy E (eV): P(E) = Σ c_k E^k. */
  readonly post: number[];
  /** Ranges actually used after clipping to the data (eV relative to E0), and the polynomial degree. */
  readonly ranges: { pre1: number; pre2: number; norm1: number; norm2: number; nnorm: number; nvict: number };
  /** Pre-edge curve p(E) and post-edge curve P(E) on the input grid. */
  readonly preEdge: Float64Array;
  readonly postEdge: Float64Array;
  /** Normalized μ: (μ − p)/Δμ. */
  readonly norm: Float64Array;
  /** Flattened normalized μ. */
  readonly flat: Float64Array;
}

export function normalizeXas(
  energy: ArrayLike<number>,
  mu: ArrayLike<number>,
  opts: NormalizeXasOptions = {},
): XasNormalization {
  checkSameLength(energy, mu, 'mu');
  checkIncreasing(energy);
  const n = energy.length;
  if (n < 10) fail('invalid-argument', `normalization needs ≥ 10 points, got ${n}`, { field: 'energy' });
  const e0 = opts.e0 ?? findE0(energy, mu, opts.e0Search);
  const eMin = energy[0]!;
  const eMax = energy[n - 1]!;
  if (!(e0 > eMin && e0 < eMax))
    fail('invalid-argument', `E0 = ${e0} eV lies outside the data (${eMin}…${eMax} eV)`, { field: 'e0' });
  const nvict = opts.nvict ?? 0;

  // Pre-edge range, clipped to the data (Larch clips pre1 to the first point).
  const pre1 = Math.max(opts.pre1 ?? -200, eMin - e0);
  let pre2 = Math.min(opts.pre2 ?? -30, 0);
  if (pre2 <= pre1) pre2 = Math.min(0, pre1 + 0.5 * (0 - pre1));
  const [p0, p1] = indexRange(energy, e0 + pre1, e0 + pre2);
  if (p1 - p0 < 2)
    fail('invalid-argument', `pre-edge range ${pre1}…${pre2} eV holds ${p1 - p0} point(s), need ≥ 2`, {
      field: 'pre1',
    });
  const yPre = new Float64Array(n);
  for (let i = 0; i < n; i++) yPre[i] = mu[i]! * energy[i]! ** nvict;
  const line = polyfit(energy, yPre, 1, p0, p1);
  const intercept = line[0]!;
  const slope = line[1]!;
  const preAt = (e: number): number => (slope * e + intercept) * e ** -nvict;

  const norm2 = Math.min(opts.norm2 ?? eMax - e0, eMax - e0);
  const norm1 = Math.min(opts.norm1 ?? 150, norm2);
  const nnorm = opts.nnorm ?? (norm2 - norm1 > 350 ? 2 : norm2 - norm1 > 50 ? 1 : 0);
  if (!Number.isInteger(nnorm) || nnorm < 0 || nnorm > 3)
    fail('invalid-argument', `nnorm must be 0…3, got ${nnorm}`, { field: 'nnorm' });
  const [q0, q1] = indexRange(energy, e0 + norm1, e0 + norm2);
  if (q1 - q0 < nnorm + 1)
    fail(
      'invalid-argument',
      `post-edge range ${norm1}…${norm2} eV holds ${q1 - q0} point(s), need ≥ ${nnorm + 1}`,
      { field: 'norm1' },
    );
  const post = polyfit(energy, mu, nnorm, q0, q1);
  const edgeStep = opts.step ?? polyval(post, e0) - preAt(e0);
  if (!(Number.isFinite(edgeStep) && edgeStep !== 0))
    fail('invalid-argument', `edge step is ${edgeStep}: check the fit ranges`, { field: 'step' });

  const jumpAtE0 = polyval(post, e0) - preAt(e0);
  const preEdge = new Float64Array(n);
  const postEdge = new Float64Array(n);
  const norm = new Float64Array(n);
  const flat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = energy[i]!;
    preEdge[i] = preAt(e);
    postEdge[i] = polyval(post, e);
    norm[i] = (mu[i]! - preEdge[i]!) / edgeStep;
    flat[i] = e <= e0 ? norm[i]! : norm[i]! - (postEdge[i]! - preEdge[i]! - jumpAtE0) / edgeStep;
  }
  return {
    e0,
    edgeStep,
    pre: [slope, intercept],
    post,
    ranges: { pre1, pre2, norm1, norm2, nnorm, nvict },
    preEdge,
    postEdge,
    norm,
    flat,
  };
}
