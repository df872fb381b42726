import { describe, expect, it } from 'vitest';
import { gradient, savitzkyGolay } from './smooth.js';

describe('savitzkyGolay', () => {
  it('leaves a cubic unchanged (degree-3 local fit) and gives its exact derivative', () => {
    const x = Array.from({ length: 40 }, (_, i) => i * 0.5);
    const y = x.map((t) => 1 + t - 0.2 * t * t + 0.01 * t ** 3);
    const s = savitzkyGolay(x, y, { windowSize: 7, polynomial: 3 });
    for (let i = 0; i < x.length; i++) expect(s[i]).toBeCloseTo(y[i]!, 8);
    const d = savitzkyGolay(x, y, { windowSize: 7, polynomial: 3, derivative: 1 });
    for (let i = 3; i < x.length - 3; i++) expect(d[i]).toBeCloseTo(1 - 0.4 * x[i]! + 0.03 * x[i]! ** 2, 6);
  });
  it('reduces white noise by about √(window) for a quadratic window of 21 points', () => {
    const x = Array.from({ length: 400 }, (_, i) => i);
    let s = 12345;
    const noise = x.map(() => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    });
    const sm = savitzkyGolay(x, noise, { windowSize: 21, polynomial: 2 });
    const rms = (a: ArrayLike<number>): number =>
      Math.sqrt(Array.from(a).reduce((p, v) => p + v * v, 0) / a.length);
    expect(rms(sm) / rms(noise)).toBeLessThan(0.45);
  });
  it('validates the window', () => {
    expect(() => savitzkyGolay([0, 1, 2, 3], [0, 1, 2, 3], { windowSize: 4 })).toThrow(/odd/);
  });
});

describe('gradient', () => {
  it('is exact for a quadratic on a non-uniform grid (interior)', () => {
    const x = [0, 0.5, 1.7, 2, 3.1, 4];
    const y = x.map((t) => 3 * t * t - t);
    const d = gradient(x, y);
    for (let i = 1; i < x.length - 1; i++) expect(d[i]).toBeCloseTo(6 * x[i]! - 1, 10);
  });
});
