import { describe, expect, it } from 'vitest';
import { complexLuFactor, complexLuSolve } from './complex-lu.js';
import { lapackAvailable, lapackSolve } from './lapack.js';

function randomSystem(n: number, nrhs: number, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
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
});
