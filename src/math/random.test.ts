import { describe, expect, it } from 'vitest';
import { makeRng } from './random.js';

describe('makeRng (xoshiro128**)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = makeRng(42);
    const b = makeRng(42);
    const c = makeRng(43);
    const xa = Array.from({ length: 8 }, () => a.uint32());
    const xb = Array.from({ length: 8 }, () => b.uint32());
    const xc = Array.from({ length: 8 }, () => c.uint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(makeRng('NMC622').next()).toBe(makeRng('NMC622').next());
  });
  it('gives uniform [0,1) doubles with mean 1/2 and variance 1/12', () => {
    const r = makeRng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      s += x;
      s2 += x * x;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // σ/√n = 0.00065
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });
  it('int(n) covers 0…n−1 evenly and shuffle is a permutation', () => {
    const r = makeRng(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const sh = r.shuffle([...arr]);
    expect([...sh].sort((x, y) => x - y)).toEqual(arr);
    expect(sh).not.toEqual(arr);
    expect(() => r.int(0)).toThrow();
  });
  it('normal() has mean 0 and variance 1', () => {
    const r = makeRng(3);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});
