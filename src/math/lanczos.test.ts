import { describe, expect, it } from 'vitest';
import { continuedFraction, csrOperator, lanczosLowest, lanczosTridiagonal } from './lanczos.js';
import { CooBuilder } from './sparse.js';

/** 1D tight-binding ring with a complex (Peierls) phase: E_k = 2 cos(k + φ), k = 2πj/n. */
function ring(n: number, phi: number) {
  const b = new CooBuilder(n);
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    b.add(i, j, Math.cos(phi), Math.sin(phi));
    b.add(j, i, Math.cos(phi), -Math.sin(phi));
  }
  return b.toCsr();
}

describe('Lanczos', () => {
  it('finds the ring ground level -2 with its exact degeneracy', () => {
    // φ = 0: E = 2cos(2πj/n), n = 40: minimum -2 at j = 20 (non-degenerate); next 2cos(2π·19/40) twofold
    const n = 40;
    const op = csrOperator(ring(n, 0));
    const r = lanczosLowest(op, n, { window: 0.05 });
    expect(r.values[0]).toBeCloseTo(-2, 8);
    const e1 = 2 * Math.cos((2 * Math.PI * 19) / 40);
    expect(r.values.length).toBe(3);
    expect(r.values[1]).toBeCloseTo(e1, 8);
    expect(r.values[2]).toBeCloseTo(e1, 8);
  });
  it('continued fraction reproduces the local density of states sum rule and poles', () => {
    const n = 12;
    const op = csrOperator(ring(n, 0.3));
    const vr = new Float64Array(n);
    const vi = new Float64Array(n);
    vr[0] = 1;
    const c = lanczosTridiagonal(op, vr, vi, 50);
    // ∫ -Im G / π dω = ⟨v|v⟩ = 1 (Lorentzian broadening 0.05, integrate over a wide range)
    let s = 0;
    const d = 0.001;
    for (let x = -60; x <= 60; x += d) s += -continuedFraction(c, x, 0.05)[1] / Math.PI;
    expect(s * d).toBeCloseTo(1, 2);
    // local DOS on a ring site: poles at 2cos(2πj/n + φ) each with weight 1/n
    const [, im] = continuedFraction(c, 2 * Math.cos(0.3), 1e-6);
    expect((-im * 1e-6) / (1 / n)).toBeCloseTo(1, 3);
  });
});

describe('CooBuilder', () => {
  it('sums duplicates and drops cancelled entries without corrupting later rows', () => {
    const b = new CooBuilder(3);
    b.add(0, 1, 1);
    b.add(0, 1, -1); // cancels → dropped
    b.add(0, 2, 2);
    b.add(1, 1, 3);
    b.add(1, 2, 4);
    b.add(1, 2, 1);
    b.add(2, 0, 5);
    const m = b.toCsr();
    expect(Array.from(m.rowPtr)).toEqual([0, 1, 3, 4]);
    expect(Array.from(m.col)).toEqual([2, 1, 2, 0]);
    expect(Array.from(m.re)).toEqual([2, 3, 5, 5]);
  });
});
