import { describe, expect, it } from 'vitest';
import { BLOCKED_LU_MIN_N, complexLuFactor, complexLuFactorUnblocked, complexLuSolve } from './complex-lu.js';
import {
  complexLuFactorBlockedInPlace,
  complexLuKernel,
  complexLuHelperJobs,
  complexLuHelperRunning,
  complexLuThreads,
  setComplexLuKernel,
  setComplexLuThreads,
  wasmLuKernelAvailable,
} from './complex-lu-blocked.js';
import { lapackAvailable, lapackSolve } from './lapack.js';

function randomSystem(n: number, nrhs: number, seed: number) {
  // 32-bit LCG (Numerical Recipes' constants) in exact integer arithmetic
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const a = new Float64Array(2 * n * n).map(rnd);
  const x = new Float64Array(2 * n * nrhs).map(rnd);
  const b = new Float64Array(2 * n * nrhs);
  for (let r = 0; r < nrhs; r++)
    for (let j = 0; j < n; j++) {
      const xr = x[2 * (j + r * n)]!;
      const xi = x[2 * (j + r * n) + 1]!;
      for (let i = 0; i < n; i++) {
        const ar = a[2 * (i + j * n)]!;
        const ai = a[2 * (i + j * n) + 1]!;
        b[2 * (i + r * n)] += ar * xr - ai * xi;
        b[2 * (i + r * n) + 1] += ar * xi + ai * xr;
      }
    }
  return { a, x, b };
}

describe('complex LU (TypeScript) and LAPACK', () => {
  it('2×2 by hand: [[0, 1],[i, 1]] x = [1, 1+i] → x = [1, 1] (needs a row swap)', () => {
    // column-major interleaved: col0 = (0, i), col1 = (1, 1)
    const a = Float64Array.from([0, 0, 0, 1, 1, 0, 1, 0]);
    const b = Float64Array.from([1, 0, 1, 1]);
    complexLuSolve(complexLuFactor(a, 2), b, 1);
    expect(Array.from(b).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0, 1, 0]);
  });
  it('random 60×60 with 3 right-hand sides: residual-free to 1e-10', () => {
    const { a, x, b } = randomSystem(60, 3, 7);
    complexLuSolve(complexLuFactor(a.slice(), 60), b, 3);
    for (let i = 0; i < x.length; i++) expect(Math.abs(b[i]! - x[i]!)).toBeLessThan(1e-9);
  });
  it('singular matrix throws', () => {
    expect(() => complexLuFactor(new Float64Array(8), 2)).toThrow(/singular/);
  });
  it.skipIf(!lapackAvailable())('LAPACK zgetrf/zgetrs agrees with the TypeScript solver', () => {
    const { a, x, b } = randomSystem(80, 3, 11);
    lapackSolve(a.slice(), 80, b, 3);
    for (let i = 0; i < x.length; i++) expect(Math.abs(b[i]! - x[i]!)).toBeLessThan(1e-9);
  });
  it.skipIf(!lapackAvailable())(
    'LAPACK and the blocked TypeScript LU agree to 1e-10 (n = 300, 3 RHS)',
    () => {
      const n = 300;
      const { a, b } = randomSystem(n, 3, 5);
      const bl = b.slice();
      lapackSolve(a.slice(), n, bl, 3);
      const bt = b.slice();
      complexLuSolve(complexLuFactor(a.slice(), n), bt, 3);
      let num = 0;
      let den = 0;
      for (let i = 0; i < bl.length; i++) {
        num = Math.max(num, Math.abs(bt[i]! - bl[i]!));
        den = Math.max(den, Math.abs(bl[i]!));
      }
      expect(num / den).toBeLessThan(1e-10);
    },
  );
});

/** T = tridiag(−1, 2, −1) of order n: (T⁻¹)_ij = min(i, j)(n + 1 − max(i, j))/(n + 1), 1-based (a classic). */
function reversedScaledLaplacian(n: number): Float64Array {
  // A = J·(1 + i)·T with J the row reversal: row r of A is row n−1−r of (1 + i)T
  const a = new Float64Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (const [i, v] of [
      [j - 1, -1],
      [j, 2],
      [j + 1, -1],
    ] as const) {
      if (i < 0 || i >= n) continue;
      const r = n - 1 - i;
      a[2 * (r + j * n)] = v;
      a[2 * (r + j * n) + 1] = v;
    }
  return a;
}

describe('blocked complex LU', () => {
  it('hand-checkable: J(1+i)T x = J e_j gives x = (column j of T⁻¹)/(1+i), n = 10 and 61 (row swaps, odd n)', () => {
    for (const n of [10, 61]) {
      const a = reversedScaledLaplacian(n);
      const piv = new Int32Array(n);
      complexLuFactorBlockedInPlace(a, n, piv);
      // the elimination must undo the reversal: the first pivot of column 0 is the last row
      expect(piv[0]).toBe(n - 1);
      for (const j of [0, 3, n - 1]) {
        const b = new Float64Array(2 * n);
        b[2 * (n - 1 - j)] = 1;
        complexLuSolve({ n, lu: a, piv }, b, 1);
        for (let i = 0; i < n; i++) {
          const tinv = ((Math.min(i, j) + 1) * (n - Math.max(i, j))) / (n + 1);
          // tinv/(1+i) = tinv(1 − i)/2
          expect(b[2 * i]!).toBeCloseTo(tinv / 2, 11);
          expect(b[2 * i + 1]!).toBeCloseTo(-tinv / 2, 11);
        }
      }
    }
  });
  it('same factors and pivots as the unblocked loop (n = 49, 130, 400: padding, KC/MC block edges)', () => {
    expect(BLOCKED_LU_MIN_N).toBeLessThanOrEqual(49);
    if (wasmLuKernelAvailable()) expect(complexLuKernel()).toBe('wasm-simd');
    for (const [n, seed] of [
      [49, 3],
      [130, 4],
      [400, 9],
    ] as const) {
      const { a } = randomSystem(n, 1, seed);
      const u = complexLuFactorUnblocked(a.slice(), n);
      const f = complexLuFactor(a.slice(), n);
      expect(Array.from(f.piv)).toEqual(Array.from(u.piv));
      let d = 0;
      for (let i = 0; i < u.lu.length; i++) d = Math.max(d, Math.abs(f.lu[i]! - u.lu[i]!));
      expect(d).toBeLessThan(1e-10);
    }
  });
  it('the TypeScript kernel gives the same factors as the wasm kernel (n = 150)', () => {
    const n = 150;
    const { a } = randomSystem(n, 1, 17);
    const u = complexLuFactorUnblocked(a.slice(), n);
    setComplexLuKernel('typescript');
    try {
      expect(complexLuKernel()).toBe('typescript');
      const f = complexLuFactor(a.slice(), n);
      expect(Array.from(f.piv)).toEqual(Array.from(u.piv));
      let d = 0;
      for (let i = 0; i < u.lu.length; i++) d = Math.max(d, Math.abs(f.lu[i]! - u.lu[i]!));
      expect(d).toBeLessThan(1e-10);
    } finally {
      setComplexLuKernel('auto');
    }
  });
  it.skipIf(!wasmLuKernelAvailable())(
    'two threads give bit-identical factors and solve a 320×320 system to 1e-9',
    () => {
      const n = 320;
      const { a, x, b } = randomSystem(n, 3, 21);
      const one = complexLuFactor(a.slice(), n);
      setComplexLuThreads(2);
      try {
        expect(complexLuThreads()).toBe(2);
        const jobs = complexLuHelperJobs();
        const two = complexLuFactor(a.slice(), n);
        expect(complexLuHelperRunning()).toBe(true);
        expect(complexLuHelperJobs()).toBeGreaterThan(jobs);
        expect(Array.from(two.piv)).toEqual(Array.from(one.piv));
        let same = true;
        for (let i = 0; i < one.lu.length; i++) if (one.lu[i] !== two.lu[i]) same = false;
        expect(same).toBe(true);
        complexLuSolve(two, b, 3);
        for (let i = 0; i < x.length; i++) expect(Math.abs(b[i]! - x[i]!)).toBeLessThan(1e-9);
      } finally {
        setComplexLuThreads(1);
      }
    },
  );
  it('singular matrix throws on the blocked path too', () => {
    const n = 64;
    const { a } = randomSystem(n, 1, 2);
    for (let i = 0; i < n; i++) {
      a[2 * (i + 5 * n)] = 0;
      a[2 * (i + 5 * n) + 1] = 0;
    }
    expect(() => complexLuFactor(a, n)).toThrow(/singular/);
  });
});
