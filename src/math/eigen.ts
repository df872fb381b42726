/**
 * Dense eigensolvers for real-symmetric and complex-Hermitian matrices.
 *
 * Method (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3): Householder reduction of the Hermitian matrix
 * A to tridiagonal form, A = Q T Q† (Alg. 8.3.1, with complex reflectors H = I − 2vv†, |v| = 1), a diagonal
 * unitary D that makes the sub-diagonal real and non-negative (T' = D† T D), then the implicit-shift QL iteration
 * on the real symmetric tridiagonal T' (Wilkinson shift; Golub & Van Loan §8.3.5, QL variant of Alg. 8.3.3)
 * with the plane rotations accumulated into Z. Eigenvectors of A are Q D Z.
 *
 * Storage: row-major n×n Float64Array; complex matrices as separate real and imaginary parts.
 * Output eigenvalues are ascending; eigenvector k is column k of the returned matrices (row-major, [i*n + k]).
 */

export interface HermitianEigen {
  readonly n: number;
  /** Ascending eigenvalues. */
  readonly values: Float64Array;
  /** Eigenvectors as columns: vecRe[i*n+k] + i·vecIm[i*n+k] is component i of eigenvector k. */
  readonly vecRe: Float64Array;
  readonly vecIm: Float64Array;
}

export interface SymmetricEigen {
  readonly n: number;
  readonly values: Float64Array;
  /** Eigenvectors as columns: vectors[i*n+k]. */
  readonly vectors: Float64Array;
}

/**
 * Symmetric tridiagonal eigenproblem by implicit QL with Wilkinson shifts.
 * `d` (length n) diagonal, `e` (length n) with e[i] = T[i+1][i] for i < n−1. Overwrites d with the eigenvalues
 * (unsorted) and, when `z` is given, accumulates the rotations z ← z·G so that columns of z become eigenvectors.
 * z is stored column-major (z[col·zRows + row], zRows × n, initialised by the caller, typically to I): each
 * rotation then touches two contiguous columns. With `zRows` < n only the first zRows rows are tracked, e.g.
 * zRows = 1 for the first components needed by Gauss quadrature.
 */
export function tridiagonalQL(
  d: Float64Array,
  e: Float64Array,
  z: Float64Array | null,
  zRows = d.length,
): void {
  const n = d.length;
  if (n === 0) return;
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      // find a negligible sub-diagonal element e[m]
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) throw new Error('tridiagonalQL: no convergence');
      // Wilkinson shift from the leading 2×2 block at l
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // underflow: deflate
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z) {
          // columns i and i+1 of Z are stored contiguously (column-major, zRows entries each)
          const a0 = i * zRows;
          const a1 = a0 + zRows;
          for (let k = 0; k < zRows; k++) {
            f = z[a1 + k];
            z[a1 + k] = s * z[a0 + k] + c * f;
            z[a0 + k] = c * z[a0 + k] - s * f;
          }
        }
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Eigen-decomposition of a complex Hermitian matrix (only the lower triangle is read).
 * @param re real part, row-major n×n (not modified)
 * @param im imaginary part, row-major n×n (not modified); pass null for a real symmetric matrix
 * @param wantVectors compute eigenvectors (default true)
 */
export function hermitianEigen(
  re: Float64Array,
  im: Float64Array | null,
  n: number,
  wantVectors = true,
): HermitianEigen {
  if (re.length !== n * n || (im && im.length !== n * n))
    throw new RangeError(`hermitianEigen: expected ${n}×${n} arrays`);
  // Work on a full copy (both triangles kept Hermitian during the reduction).
  const ar = new Float64Array(n * n);
  const ai = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const xr = re[i * n + j];
      const xi = im ? im[i * n + j] : 0;
      ar[i * n + j] = xr;
      ai[i * n + j] = xi;
      ar[j * n + i] = xr;
      ai[j * n + i] = -xi;
    }
    ai[i * n + i] = 0;
  }
  // Householder vectors: for step k, v occupies indices k+1..n-1 (stored in rows of vr/vi).
  const nsteps = Math.max(0, n - 2);
  const vr = new Float64Array(nsteps * n);
  const vi = new Float64Array(nsteps * n);
  const used = new Uint8Array(nsteps);
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  for (let k = 0; k < nsteps; k++) {
    // x = A[k+1:, k]
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += ar[i * n + k] ** 2 + ai[i * n + k] ** 2;
    let tail2 = norm2 - ar[(k + 1) * n + k] ** 2 - ai[(k + 1) * n + k] ** 2;
    if (tail2 <= 1e-300 * (norm2 + 1e-300) || norm2 === 0) continue; // already tridiagonal in this column
    const norm = Math.sqrt(norm2);
    const x0r = ar[(k + 1) * n + k];
    const x0i = ai[(k + 1) * n + k];
    const x0abs = Math.hypot(x0r, x0i);
    // alpha = −e^{i·arg x0}·|x|; v = x − alpha·e1, normalised (Golub & Van Loan §5.1.13, complex case)
    const phr = x0abs > 0 ? x0r / x0abs : 1;
    const phi = x0abs > 0 ? x0i / x0abs : 0;
    const alphar = -phr * norm;
    const alphai = -phi * norm;
    const off = k * n;
    for (let i = k + 1; i < n; i++) {
      vr[off + i] = ar[i * n + k];
      vi[off + i] = ai[i * n + k];
    }
    vr[off + k + 1] -= alphar;
    vi[off + k + 1] -= alphai;
    tail2 = 0;
    for (let i = k + 1; i < n; i++) tail2 += vr[off + i] ** 2 + vi[off + i] ** 2;
    const inv = 1 / Math.sqrt(tail2);
    for (let i = k + 1; i < n; i++) {
      vr[off + i] *= inv;
      vi[off + i] *= inv;
    }
    used[k] = 1;
    // p = A v on the trailing block (rows/cols k+1..n-1)
    for (let i = k + 1; i < n; i++) {
      let sr = 0;
      let si = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) {
        const a = ar[row + j];
        const b = ai[row + j];
        const c = vr[off + j];
        const d = vi[off + j];
        sr += a * c - b * d;
        si += a * d + b * c;
      }
      pr[i] = sr;
      pi[i] = si;
    }
    // K = v† p (real)
    let K = 0;
    for (let i = k + 1; i < n; i++) K += vr[off + i] * pr[i] + vi[off + i] * pi[i];
    // w = p − K v ; A ← A − 2(v w† + w v†)
    for (let i = k + 1; i < n; i++) {
      pr[i] -= K * vr[off + i];
      pi[i] -= K * vi[off + i];
    }
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vir = vr[off + i];
      const vii = vi[off + i];
      const wir = pr[i];
      const wii = pi[i];
      for (let j = k + 1; j < n; j++) {
        const vjr = vr[off + j];
        const vji = vi[off + j];
        const wjr = pr[j];
        const wji = pi[j];
        // v_i conj(w_j) + w_i conj(v_j)
        ar[row + j] -= 2 * (vir * wjr + vii * wji + wir * vjr + wii * vji);
        ai[row + j] -= 2 * (vii * wjr - vir * wji + wii * vjr - wir * vji);
      }
    }
    // column k below the sub-diagonal becomes alpha·e1
    ar[(k + 1) * n + k] = alphar;
    ai[(k + 1) * n + k] = alphai;
    ar[k * n + k + 1] = alphar;
    ai[k * n + k + 1] = -alphai;
    for (let i = k + 2; i < n; i++) {
      ar[i * n + k] = 0;
      ai[i * n + k] = 0;
      ar[k * n + i] = 0;
      ai[k * n + i] = 0;
    }
  }
  // Tridiagonal: diagonal d, complex sub-diagonal t_k = A[k+1][k]; phase D makes it real ≥ 0.
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const dr = new Float64Array(n);
  const di = new Float64Array(n);
  if (n > 0) {
    dr[0] = 1;
    di[0] = 0;
  }
  for (let k = 0; k < n; k++) d[k] = ar[k * n + k];
  for (let k = 0; k + 1 < n; k++) {
    const tr = ar[(k + 1) * n + k];
    const ti = ai[(k + 1) * n + k];
    const t = Math.hypot(tr, ti);
    e[k] = t;
    // d_{k+1} = t_k d_k / |t_k|
    if (t > 0) {
      dr[k + 1] = (tr * dr[k] - ti * di[k]) / t;
      di[k + 1] = (tr * di[k] + ti * dr[k]) / t;
    } else {
      dr[k + 1] = 1;
      di[k + 1] = 0;
    }
  }
  let z: Float64Array | null = null;
  if (wantVectors) {
    z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
  }
  tridiagonalQL(d, e, z);
  // sort ascending
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = d[order[k]];
  const vecRe = new Float64Array(wantVectors ? n * n : 0);
  const vecIm = new Float64Array(wantVectors ? n * n : 0);
  if (wantVectors && z) {
    // Y = D Z (columns sorted)
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const zz = z[order[k] * n + i];
        vecRe[i * n + k] = dr[i] * zz;
        vecIm[i * n + k] = di[i] * zz;
      }
    }
    // apply Q = H_0 H_1 … H_{n-3}: y ← H_k y for k descending
    const sr = new Float64Array(n);
    const si = new Float64Array(n);
    for (let k = nsteps - 1; k >= 0; k--) {
      if (!used[k]) continue;
      const off = k * n;
      // s_col = v† Y (for every column)
      sr.fill(0);
      si.fill(0);
      for (let i = k + 1; i < n; i++) {
        const a = vr[off + i];
        const b = -vi[off + i];
        const row = i * n;
        for (let c = 0; c < n; c++) {
          const yr = vecRe[row + c];
          const yi = vecIm[row + c];
          sr[c] += a * yr - b * yi;
          si[c] += a * yi + b * yr;
        }
      }
      for (let i = k + 1; i < n; i++) {
        const a = 2 * vr[off + i];
        const b = 2 * vi[off + i];
        const row = i * n;
        for (let c = 0; c < n; c++) {
          vecRe[row + c] -= a * sr[c] - b * si[c];
          vecIm[row + c] -= a * si[c] + b * sr[c];
        }
      }
    }
  }
  return { n, values, vecRe, vecIm };
}

/** Eigen-decomposition of a real symmetric matrix (lower triangle read). */
export function symmetricEigen(a: Float64Array, n: number, wantVectors = true): SymmetricEigen {
  const h = hermitianEigen(a, null, n, wantVectors);
  // For a real matrix the Householder vectors and phases are real, so the imaginary part vanishes.
  return { n, values: h.values, vectors: h.vecRe };
}

/**
 * Eigenvalues (ascending) and squared first eigenvector components of the symmetric tridiagonal matrix with
 * diagonal `a` and off-diagonal `b` (b[i] = T[i+1][i]): the nodes and weights of the Gauss quadrature of a
 * Lanczos run (Golub & Welsch, Math. Comp. 23, 221 (1969)).
 */
export function tridiagonalGauss(
  a: Float64Array,
  b: Float64Array,
): { values: Float64Array; weights: Float64Array } {
  const n = a.length;
  const d = a.slice();
  const e = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) e[i] = b[i];
  const z = new Float64Array(n);
  if (n > 0) z[0] = 1;
  tridiagonalQL(d, e, z, 1);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  return {
    values: Float64Array.from(order.map((i) => d[i])),
    weights: Float64Array.from(order.map((i) => z[i] * z[i])),
  };
}
