/**
 * Lanczos methods for large sparse Hermitian operators (complex vectors as separate re/im arrays).
 *
 * - `lanczosLowest`: lowest eigenpairs by Lanczos with full re-orthogonalisation (Golub & Van Loan, *Matrix
 *   Computations* 4th ed., §10.1–10.3), repeated on the deflated space (orthogonal to the pairs already found) so
 *   that degenerate levels are captured with all their partners.
 * - `lanczosTridiagonal` + `continuedFraction`: the Green's function G(z) = ⟨v|(z − H)⁻¹|v⟩ as the continued
 *   fraction of the Lanczos coefficients (Haydock, Heine & Kelly, J. Phys. C 5, 2845 (1972); Dagotto,
 *   Rev. Mod. Phys. 66, 763 (1994), eq. 2.9):
 *     G(z) = ⟨v|v⟩ / (z − a₀ − b₁² / (z − a₁ − b₂² / (z − a₂ − …))).
 */
import { hermitianEigen, tridiagonalGauss } from './eigen.js';
import { type ComplexCsr, csrMatVec } from './sparse.js';

/** y = H x. */
export type HermitianOperator = (
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) => void;

export function csrOperator(a: ComplexCsr): HermitianOperator {
  return (xr, xi, yr, yi) => csrMatVec(a, xr, xi, yr, yi);
}

export interface EigenPairs {
  readonly values: Float64Array;
  /** Vector k: re[k], im[k] (length n each). */
  readonly re: Float64Array[];
  readonly im: Float64Array[];
}

/** Deterministic pseudo-random numbers (mulberry32) for start vectors. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

/** x ← x − Σ_k ⟨q_k|x⟩ q_k. */
function orthogonalize(xr: Float64Array, xi: Float64Array, qr: Float64Array[], qi: Float64Array[]): void {
  const n = xr.length;
  for (let k = 0; k < qr.length; k++) {
    const ar = qr[k];
    const ai = qi[k];
    let sr = 0;
    let si = 0;
    for (let i = 0; i < n; i++) {
      // conj(q) x
      sr += ar[i] * xr[i] + ai[i] * xi[i];
      si += ar[i] * xi[i] - ai[i] * xr[i];
    }
    for (let i = 0; i < n; i++) {
      xr[i] -= sr * ar[i] - si * ai[i];
      xi[i] -= sr * ai[i] + si * ar[i];
    }
  }
}

function norm(xr: Float64Array, xi: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xr.length; i++) s += xr[i] * xr[i] + xi[i] * xi[i];
  return Math.sqrt(s);
}

export interface LowestOptions {
  /** Keep every eigenpair with E ≤ E₀ + window (eV or the operator's unit). Default 0 (ground level only). */
  readonly window?: number;
  /** Hard cap on the number of pairs returned. Default 64. */
  readonly maxPairs?: number;
  /** Krylov dimension per pass. Default min(n, 120). */
  readonly krylov?: number;
  /** Residual tolerance ‖H x − E x‖. Default 1e-8. */
  readonly tol?: number;
  readonly seed?: number;
}

/**
 * One thick pass: Lanczos with full re-orthogonalisation (also against `deflate`), restarted from the best Ritz
 * vector until the lowest Ritz pair converges; returns the Ritz pairs of the final Krylov space that converged.
 */
function lanczosPass(
  apply: HermitianOperator,
  n: number,
  deflateR: Float64Array[],
  deflateI: Float64Array[],
  m: number,
  tol: number,
  rand: () => number,
): { values: number[]; re: Float64Array[]; im: Float64Array[] } {
  let startR = new Float64Array(n);
  let startI = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    startR[i] = rand();
    startI[i] = rand();
  }
  const yr = new Float64Array(n);
  const yi = new Float64Array(n);
  for (let restart = 0; restart < 40; restart++) {
    orthogonalize(startR, startI, deflateR, deflateI);
    const nv = norm(startR, startI);
    if (nv < 1e-12) return { values: [], re: [], im: [] };
    const Qr: Float64Array[] = [];
    const Qi: Float64Array[] = [];
    const alpha: number[] = [];
    const beta: number[] = [];
    let qr = startR.map((x) => x / nv);
    let qi = startI.map((x) => x / nv);
    const mm = Math.min(m, n - deflateR.length);
    for (let j = 0; j < mm; j++) {
      Qr.push(qr);
      Qi.push(qi);
      apply(qr, qi, yr, yi);
      let a = 0;
      for (let i = 0; i < n; i++) a += qr[i] * yr[i] + qi[i] * yi[i];
      alpha.push(a);
      const wr = yr.slice();
      const wi = yi.slice();
      // full re-orthogonalisation, twice (Parlett, *The Symmetric Eigenvalue Problem*, §6-9: "twice is enough")
      orthogonalize(wr, wi, Qr, Qi);
      orthogonalize(wr, wi, Qr, Qi);
      orthogonalize(wr, wi, deflateR, deflateI);
      const b = norm(wr, wi);
      if (j === mm - 1 || b < 1e-10) break;
      beta.push(b);
      // cheap convergence test of the lowest Ritz pair: residual = b·|last component of its eigenvector|
      // (Golub & Van Loan eq. 10.1.x); the last components are the first ones of the reversed tridiagonal
      if (j >= 12 && j % 6 === 0) {
        const ra = Float64Array.from(alpha).reverse();
        const rb = Float64Array.from(beta.slice(0, alpha.length - 1)).reverse();
        const g = tridiagonalGauss(ra, rb);
        if (b * Math.sqrt(g.weights[0]) < 0.1 * tol) break;
      }
      qr = wr.map((x) => x / b);
      qi = wi.map((x) => x / b);
    }
    const k = alpha.length;
    // eigen-decompose the k×k tridiagonal
    const T = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      T[i * k + i] = alpha[i];
      if (i + 1 < k) {
        T[(i + 1) * k + i] = beta[i];
        T[i * k + i + 1] = beta[i];
      }
    }
    const eig = hermitianEigen(T, null, k, true);
    // Ritz vectors and true residuals for the lowest few
    const values: number[] = [];
    const re: Float64Array[] = [];
    const im: Float64Array[] = [];
    let lowestConverged = false;
    for (let c = 0; c < k; c++) {
      const xr = new Float64Array(n);
      const xi = new Float64Array(n);
      for (let j = 0; j < k; j++) {
        const s = eig.vecRe[j * k + c];
        if (s === 0) continue;
        const a = Qr[j];
        const b = Qi[j];
        for (let i = 0; i < n; i++) {
          xr[i] += s * a[i];
          xi[i] += s * b[i];
        }
      }
      apply(xr, xi, yr, yi);
      // residual of the deflated operator (1 − P) H (1 − P): the pairs found earlier are only accurate to `tol`,
      // so the part of H x along them is not this pass's error
      const ev = eig.values[c];
      for (let i = 0; i < n; i++) {
        yr[i] -= ev * xr[i];
        yi[i] -= ev * xi[i];
      }
      orthogonalize(yr, yi, deflateR, deflateI);
      const res = norm(yr, yi);
      if (c === 0) {
        lowestConverged = res < tol;
        if (!lowestConverged) {
          // explicit restart from the sum of the Ritz vectors of the low cluster (keeps near-degenerate partners)
          startR = xr;
          startI = xi;
          for (let c2 = 1; c2 < k && eig.values[c2] < ev + 0.1; c2++) {
            for (let j = 0; j < k; j++) {
              const s = eig.vecRe[j * k + c2];
              if (s === 0) continue;
              const a = Qr[j];
              const b = Qi[j];
              for (let i = 0; i < n; i++) {
                startR[i] += s * a[i];
                startI[i] += s * b[i];
              }
            }
          }
          break;
        }
      }
      if (res >= tol) break;
      values.push(ev);
      re.push(xr);
      im.push(xi);
      if (values.length >= 8) break;
    }
    if (lowestConverged) return { values, re, im };
  }
  throw new Error('lanczosLowest: no convergence');
}

/**
 * Lowest eigenpairs of a Hermitian operator of dimension n: the ground level and every level within `window`
 * above it, each degenerate level with a complete orthonormal set of partners.
 */
export function lanczosLowest(apply: HermitianOperator, n: number, opts: LowestOptions = {}): EigenPairs {
  const window = opts.window ?? 0;
  const maxPairs = opts.maxPairs ?? 64;
  const m = Math.min(n, opts.krylov ?? 150);
  const tol = opts.tol ?? 1e-8;
  const rand = rng(opts.seed ?? 12345);
  const vals: number[] = [];
  const R: Float64Array[] = [];
  const I: Float64Array[] = [];
  let e0 = Number.POSITIVE_INFINITY;
  const degeneracyTol = Math.max(1e-7, 10 * tol);
  while (vals.length < Math.min(maxPairs, n)) {
    const pass = lanczosPass(apply, n, R, I, m, tol, rand);
    if (pass.values.length === 0) break;
    let added = 0;
    for (let c = 0; c < pass.values.length; c++) {
      const v = pass.values[c];
      if (vals.length === 0) e0 = v;
      if (v > Math.min(e0, v) + window + degeneracyTol && vals.length > 0) break;
      // re-orthogonalise against what we have (Ritz vectors of one pass are orthogonal already)
      const xr = pass.re[c];
      const xi = pass.im[c];
      orthogonalize(xr, xi, R, I);
      const nv = norm(xr, xi);
      if (nv < 1e-6) continue;
      for (let i = 0; i < n; i++) {
        xr[i] /= nv;
        xi[i] /= nv;
      }
      vals.push(v);
      R.push(xr);
      I.push(xi);
      e0 = Math.min(e0, v);
      added++;
      if (vals.length >= maxPairs) break;
    }
    if (added === 0) break;
  }
  const order = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
  return {
    values: Float64Array.from(order.map((i) => vals[i])),
    re: order.map((i) => R[i]),
    im: order.map((i) => I[i]),
  };
}

export interface LanczosCoefficients {
  /** ⟨v|v⟩ of the start vector. */
  readonly norm2: number;
  readonly a: Float64Array;
  /** b[j] couples step j and j+1 (length a.length − 1). */
  readonly b: Float64Array;
}

/**
 * Plain three-term Lanczos recursion (no re-orthogonalisation: loss of orthogonality only produces spurious copies
 * of converged poles with the correct total weight, harmless for spectra; Dagotto 1994 §II.C).
 */
export function lanczosTridiagonal(
  apply: HermitianOperator,
  vr: Float64Array,
  vi: Float64Array,
  steps: number,
): LanczosCoefficients {
  const n = vr.length;
  const nv = norm(vr, vi);
  const a: number[] = [];
  const b: number[] = [];
  if (nv === 0) return { norm2: 0, a: new Float64Array(0), b: new Float64Array(0) };
  // three rotating buffers: q (current), p (previous), y (H q, then the new residual)
  let qr = vr.map((x) => x / nv);
  let qi = vi.map((x) => x / nv);
  let pr = new Float64Array(n);
  let pi = new Float64Array(n);
  let yr = new Float64Array(n);
  let yi = new Float64Array(n);
  let bPrev = 0;
  const kmax = Math.min(steps, n);
  for (let j = 0; j < kmax; j++) {
    apply(qr, qi, yr, yi);
    let al = 0;
    for (let i = 0; i < n; i++) al += qr[i] * yr[i] + qi[i] * yi[i];
    a.push(al);
    let bb = 0;
    for (let i = 0; i < n; i++) {
      const wr = yr[i] - al * qr[i] - bPrev * pr[i];
      const wi = yi[i] - al * qi[i] - bPrev * pi[i];
      yr[i] = wr;
      yi[i] = wi;
      bb += wr * wr + wi * wi;
    }
    const bn = Math.sqrt(bb);
    if (j === kmax - 1 || bn < 1e-10) break;
    b.push(bn);
    const inv = 1 / bn;
    for (let i = 0; i < n; i++) {
      yr[i] *= inv;
      yi[i] *= inv;
    }
    // rotate: p ← q, q ← y, y ← old p (overwritten by the next apply)
    [pr, qr, yr] = [qr, yr, pr];
    [pi, qi, yi] = [qi, yi, pi];
    bPrev = bn;
  }
  return { norm2: nv * nv, a: Float64Array.from(a), b: Float64Array.from(b) };
}

/**
 * Evaluate G(z) = norm2 / (z − a₀ − b₀² / (z − a₁ − …)) at z = x + iy (bottom-up). Returns [Re G, Im G].
 */
export function continuedFraction(c: LanczosCoefficients, x: number, y: number): [number, number] {
  const k = c.a.length;
  if (k === 0) return [0, 0];
  // denominator of the deepest level
  let dr = x - c.a[k - 1];
  let di = y;
  for (let j = k - 2; j >= 0; j--) {
    const b2 = c.b[j] * c.b[j];
    // t = b2 / d
    const den = dr * dr + di * di;
    const tr = (b2 * dr) / den;
    const ti = (-b2 * di) / den;
    dr = x - c.a[j] - tr;
    di = y - ti;
  }
  const den = dr * dr + di * di;
  return [(c.norm2 * dr) / den, (-c.norm2 * di) / den];
}
