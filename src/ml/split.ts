import { SpecfuseError } from '../core/errors.js';
import { makeRng, shuffled } from './rng.js';

/**
 * Splits grouped by structure: every sample of one structure (its sites, augmentations, noise copies) lands on the
 * same side, so no information about a test structure leaks into training.
 */
export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function groupIndex(groups: readonly string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const a = m.get(g);
    if (a) a.push(i);
    else m.set(g, [i]);
  });
  return m;
}

/**
 * k folds over groups: groups are shuffled (seeded) and assigned greedily, largest first, to the fold with the
 * fewest samples so far (balanced fold sizes even with unequal group sizes).
 */
export function groupKFold(groups: readonly string[], k: number, seed = 0): Split[] {
  const byGroup = groupIndex(groups);
  if (!Number.isInteger(k) || k < 2)
    throw new SpecfuseError('invalid-argument', `k-fold needs k ≥ 2, got ${k}`, { field: 'folds' });
  if (byGroup.size < k)
    throw new SpecfuseError('invalid-argument', `${byGroup.size} structures cannot make ${k} grouped folds`, {
      field: 'folds',
    });
  const keys = shuffled([...byGroup.keys()], makeRng(seed));
  keys.sort((a, b) => (byGroup.get(b) as number[]).length - (byGroup.get(a) as number[]).length);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const key of keys) {
    let best = 0;
    for (let f = 1; f < k; f++)
      if ((folds[f] as number[]).length < (folds[best] as number[]).length) best = f;
    (folds[best] as number[]).push(...(byGroup.get(key) as number[]));
  }
  return folds.map((test, f) => {
    const train: number[] = [];
    folds.forEach((other, g) => {
      if (g !== f) train.push(...other);
    });
    const s = {
      train: Int32Array.from(train.sort((a, b) => a - b)),
      test: Int32Array.from(test.sort((a, b) => a - b)),
    };
    assertGroupedSplit(groups, s);
    return s;
  });
}

/** One held-out split: about `testFraction` of the structures (≥ 1, and ≥ 1 left for training) go to test. */
export function groupHoldout(groups: readonly string[], testFraction: number, seed = 0): Split {
  if (!(testFraction > 0 && testFraction < 1))
    throw new SpecfuseError('invalid-argument', `test fraction must be in (0, 1), got ${testFraction}`, {
      field: 'test-fraction',
    });
  const byGroup = groupIndex(groups);
  if (byGroup.size < 2)
    throw new SpecfuseError('invalid-argument', 'a held-out split needs at least 2 structures');
  const keys = shuffled([...byGroup.keys()], makeRng(seed));
  const nTest = Math.min(byGroup.size - 1, Math.max(1, Math.round(testFraction * byGroup.size)));
  const test: number[] = [];
  const train: number[] = [];
  keys.forEach((key, i) => {
    (i < nTest ? test : train).push(...(byGroup.get(key) as number[]));
  });
  const s = {
    train: Int32Array.from(train.sort((a, b) => a - b)),
    test: Int32Array.from(test.sort((a, b) => a - b)),
  };
  assertGroupedSplit(groups, s);
  return s;
}

/** Throws if any structure has samples on both sides of the split, or a sample is on both sides. */
export function assertGroupedSplit(groups: readonly string[], split: Split): void {
  const trainGroups = new Set<string>();
  const trainRows = new Set<number>();
  for (const i of split.train) {
    trainGroups.add(groups[i] as string);
    trainRows.add(i);
  }
  for (const i of split.test) {
    if (trainRows.has(i))
      throw new SpecfuseError('internal', `sample ${i} is in both training and test rows`);
    const g = groups[i] as string;
    if (trainGroups.has(g))
      throw new SpecfuseError(
        'internal',
        `structure '${g}' has samples in both training and test rows (leakage)`,
      );
  }
}

/** Map indices of a subset back to the parent: `parent[sub[i]]`. */
export function compose(parent: Int32Array, sub: Int32Array): Int32Array {
  return Int32Array.from(sub, (i) => parent[i] as number);
}
