/**
 * Complex sparse matrices in compressed-sparse-row form (Saad, *Iterative Methods for Sparse Linear Systems*,
 * 2nd ed., §3.4), with separate real and imaginary value arrays. Used for many-body Hamiltonians.
 */

export interface ComplexCsr {
  readonly n: number;
  readonly rowPtr: Int32Array;
  readonly col: Int32Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Accumulates (row, col, value) triplets; duplicates are summed by `toCsr`. */
export class CooBuilder {
  readonly n: number;
  private rows: Int32Array;
  private cols: Int32Array;
  private res: Float64Array;
  private ims: Float64Array;
  private len = 0;
  constructor(n: number, capacity = 1024) {
    this.n = n;
    this.rows = new Int32Array(capacity);
    this.cols = new Int32Array(capacity);
    this.res = new Float64Array(capacity);
    this.ims = new Float64Array(capacity);
  }
  get size(): number {
    return this.len;
  }
  add(r: number, c: number, re: number, im = 0): void {
    if (this.len === this.rows.length) this.grow();
    this.rows[this.len] = r;
    this.cols[this.len] = c;
    this.res[this.len] = re;
    this.ims[this.len] = im;
    this.len++;
  }
  private grow(): void {
    const cap = this.rows.length * 2;
    const r = new Int32Array(cap);
    r.set(this.rows);
    this.rows = r;
    const c = new Int32Array(cap);
    c.set(this.cols);
    this.cols = c;
    const a = new Float64Array(cap);
    a.set(this.res);
    this.res = a;
    const b = new Float64Array(cap);
    b.set(this.ims);
    this.ims = b;
  }
  /** Sum duplicates and drop entries with |value| ≤ tol. */
  toCsr(tol = 1e-13): ComplexCsr {
    const n = this.n;
    const count = new Int32Array(n + 1);
    for (let k = 0; k < this.len; k++) count[this.rows[k] + 1]++;
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    const cols = new Int32Array(this.len);
    const re = new Float64Array(this.len);
    const im = new Float64Array(this.len);
    const pos = count.slice();
    for (let k = 0; k < this.len; k++) {
      const p = pos[this.rows[k]]++;
      cols[p] = this.cols[k];
      re[p] = this.res[k];
      im[p] = this.ims[k];
    }
    // per row: sort by column via a dense scatter, sum duplicates
    const outPtr = new Int32Array(n + 1);
    const outCol = new Int32Array(this.len);
    const outRe = new Float64Array(this.len);
    const outIm = new Float64Array(this.len);
    const markRow = new Int32Array(n).fill(-1);
    const markPos = new Int32Array(n);
    let nnz = 0;
    for (let i = 0; i < n; i++) {
      const start = nnz;
      for (let p = count[i]; p < count[i + 1]; p++) {
        const c = cols[p];
        if (markRow[c] === i) {
          const q = markPos[c];
          outRe[q] += re[p];
          outIm[q] += im[p];
        } else {
          markRow[c] = i;
          markPos[c] = nnz;
          outCol[nnz] = c;
          outRe[nnz] = re[p];
          outIm[nnz] = im[p];
          nnz++;
        }
      }
      // compact small entries
      let w = start;
      for (let q = start; q < nnz; q++) {
        if (Math.abs(outRe[q]) + Math.abs(outIm[q]) > tol) {
          outCol[w] = outCol[q];
          outRe[w] = outRe[q];
          outIm[w] = outIm[q];
          w++;
        }
      }
      nnz = w;
      outPtr[i + 1] = nnz;
    }
    return {
      n,
      rowPtr: outPtr,
      col: outCol.slice(0, nnz),
      re: outRe.slice(0, nnz),
      im: outIm.slice(0, nnz),
    };
  }
}

const realCache = new WeakMap<ComplexCsr, boolean>();

/** Whether every stored entry is real (then products need half the multiplications). */
export function isRealCsr(a: ComplexCsr): boolean {
  let r = realCache.get(a);
  if (r === undefined) {
    r = a.im.every((x) => x === 0);
    realCache.set(a, r);
  }
  return r;
}

/** y = A x for complex A, x (separate re/im arrays). Writes into yr, yi. */
export function csrMatVec(
  a: ComplexCsr,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { n, rowPtr, col, re, im } = a;
  if (isRealCsr(a)) {
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        const c = col[p];
        const ar = re[p];
        sr += ar * xr[c];
        si += ar * xi[c];
      }
      yr[i] = sr;
      yi[i] = si;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let sr = 0;
    let si = 0;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const c = col[p];
      const ar = re[p];
      const ai = im[p];
      const br = xr[c];
      const bi = xi[c];
      sr += ar * br - ai * bi;
      si += ar * bi + ai * br;
    }
    yr[i] = sr;
    yi[i] = si;
  }
}

/** Dense row-major copy (real and imaginary parts) of a small sparse matrix. */
export function csrToDense(a: ComplexCsr): { re: Float64Array; im: Float64Array } {
  const n = a.n;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      re[i * n + a.col[p]] += a.re[p];
      im[i * n + a.col[p]] += a.im[p];
    }
  }
  return { re, im };
}
