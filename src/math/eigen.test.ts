import { describe, expect, it } from 'vitest';
import { hermitianEigen, symmetricEigen } from './eigen.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

describe('dense eigensolvers', () => {
  it('2×2 real symmetric by hand: [[2,1],[1,2]] → 1, 3', () => {
    const e = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(e.values[0]).toBeCloseTo(1, 12);
    expect(e.values[1]).toBeCloseTo(3, 12);
    expect(Math.abs(e.vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
  });
  it('Pauli σy has eigenvalues ±1 (complex Hermitian)', () => {
    const e = hermitianEigen(Float64Array.from([0, 0, 0, 0]), Float64Array.from([0, -1, 1, 0]), 2);
    expect(e.values[0]).toBeCloseTo(-1, 12);
    expect(e.values[1]).toBeCloseTo(1, 12);
  });
  it('random 40×40 Hermitian: A V = V Λ, V†V = I, trace preserved', () => {
    const n = 40;
    const r = rng(7);
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        const a = r();
        const b = i === j ? 0 : r();
        re[i * n + j] = a;
        re[j * n + i] = a;
        im[i * n + j] = b;
        im[j * n + i] = -b;
      }
    const e = hermitianEigen(re, im, n);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += re[i * n + i];
    expect(e.values.reduce((s, x) => s + x, 0)).toBeCloseTo(tr, 10);
    let maxRes = 0;
    let maxOrth = 0;
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const ar = re[i * n + j];
          const ai = im[i * n + j];
          const vr = e.vecRe[j * n + k];
          const vi = e.vecIm[j * n + k];
          sr += ar * vr - ai * vi;
          si += ar * vi + ai * vr;
        }
        maxRes = Math.max(maxRes, Math.abs(sr - e.values[k] * e.vecRe[i * n + k]));
        maxRes = Math.max(maxRes, Math.abs(si - e.values[k] * e.vecIm[i * n + k]));
      }
      for (let l = 0; l <= k; l++) {
        let sr = 0;
        let si = 0;
        for (let i = 0; i < n; i++) {
          sr += e.vecRe[i * n + k] * e.vecRe[i * n + l] + e.vecIm[i * n + k] * e.vecIm[i * n + l];
          si += e.vecRe[i * n + k] * e.vecIm[i * n + l] - e.vecIm[i * n + k] * e.vecRe[i * n + l];
        }
        maxOrth = Math.max(maxOrth, Math.abs(sr - (k === l ? 1 : 0)), Math.abs(si));
      }
    }
    expect(maxRes).toBeLessThan(1e-10);
    expect(maxOrth).toBeLessThan(1e-10);
    for (let k = 1; k < n; k++) expect(e.values[k]).toBeGreaterThanOrEqual(e.values[k - 1]);
  });
  it('degenerate spectrum: the identity plus a rank-one term', () => {
    const n = 6;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (i === j ? 1 : 0) + 1;
    const e = symmetricEigen(a, n);
    for (let k = 0; k < n - 1; k++) expect(e.values[k]).toBeCloseTo(1, 12);
    expect(e.values[n - 1]).toBeCloseTo(7, 12);
  });
});
