/**
 * Small dense linear systems A x = b (row-major m × m), Gaussian elimination with partial pivoting. For the handful
 * of unknowns of a polynomial fit or the KLI exchange constants, where a library call would cost more in copying
 * than the elimination itself. Returns undefined when a pivot falls below `tiny` in magnitude (singular system);
 * A and b are not modified.
 */
export function solveDense(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  tiny = 1e-300,
): Float64Array | undefined {
  const A = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(A[r * m + col]!) > Math.abs(A[piv * m + col]!)) piv = r;
    if (Math.abs(A[piv * m + col]!) < tiny) return undefined;
    if (piv !== col) {
      for (let c = 0; c < m; c++) {
        const t = A[col * m + c]!;
        A[col * m + c] = A[piv * m + c]!;
        A[piv * m + c] = t;
      }
      const t = x[col]!;
      x[col] = x[piv]!;
      x[piv] = t;
    }
    for (let r = col + 1; r < m; r++) {
      const f = A[r * m + col]! / A[col * m + col]!;
      if (f === 0) continue;
      for (let c = col; c < m; c++) A[r * m + c]! -= f * A[col * m + c]!;
      x[r]! -= f * x[col]!;
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let c = r + 1; c < m; c++) s -= A[r * m + c]! * x[c]!;
    x[r] = s / A[r * m + r]!;
  }
  return x;
}
