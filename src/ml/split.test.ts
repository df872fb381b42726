import { describe, expect, it } from 'vitest';
import { assertGroupedSplit, groupHoldout, groupKFold } from './split.js';

const groups = Array.from({ length: 53 }, (_, i) => `g${Math.floor(i / (1 + (i % 4)))}`);

function sidesOf(split: { train: Int32Array; test: Int32Array }): { train: Set<string>; test: Set<string> } {
  return {
    train: new Set(Array.from(split.train, (i) => groups[i] as string)),
    test: new Set(Array.from(split.test, (i) => groups[i] as string)),
  };
}

describe('grouped splits', () => {
  it('k-fold never puts one structure on both sides and covers every row exactly once as test', () => {
    const folds = groupKFold(groups, 5, 3);
    const seen = new Int32Array(groups.length);
    for (const f of folds) {
      const { train, test } = sidesOf(f);
      for (const g of test) expect(train.has(g)).toBe(false);
      expect(f.train.length + f.test.length).toBe(groups.length);
      for (const i of f.test) seen[i] = (seen[i] as number) + 1;
    }
    expect(Array.from(seen).every((c) => c === 1)).toBe(true);
  });

  it('the leakage check fails on a split that shares a structure', () => {
    const leaky = { train: Int32Array.from([0, 1, 2]), test: Int32Array.from([3]) };
    const g = ['a', 'b', 'c', 'a'];
    expect(() => assertGroupedSplit(g, leaky)).toThrow(/structure 'a'/);
    expect(() =>
      assertGroupedSplit(g, { train: Int32Array.from([0, 1]), test: Int32Array.from([2, 3]) }),
    ).toThrow();
    expect(() =>
      assertGroupedSplit(['a', 'b', 'c', 'd'], {
        train: Int32Array.from([0, 1]),
        test: Int32Array.from([2, 3]),
      }),
    ).not.toThrow();
  });

  it('held-out split is grouped, seeded and of the requested size', () => {
    const s = groupHoldout(groups, 0.25, 9);
    const { train, test } = sidesOf(s);
    for (const g of test) expect(train.has(g)).toBe(false);
    const nG = new Set(groups).size;
    expect(test.size).toBe(Math.round(0.25 * nG));
    expect(groupHoldout(groups, 0.25, 9).test).toEqual(s.test);
    expect(Array.from(groupHoldout(groups, 0.25, 10).test)).not.toEqual(Array.from(s.test));
  });

  it('rejects impossible requests', () => {
    expect(() => groupKFold(['a', 'a', 'b'], 3)).toThrow(/2 structures/);
    expect(() => groupHoldout(groups, 1.2)).toThrow(/fraction/);
  });
});
