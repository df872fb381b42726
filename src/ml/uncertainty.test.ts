import { describe, expect, it } from 'vitest';
import { requireTool } from '../../test/shared.js';
import { spectraOf } from './data.js';
import { evaluateHoldout } from './evaluate.js';
import { syntheticDataset } from './synthetic.js';
import { conformalFromResiduals, coverage, fitOod, oodScore } from './uncertainty.js';
import { xgboostAvailable } from './xgboost.js';

describe('conformal intervals', () => {
  it('quantile index ⌈(n+1)(1−α)⌉ (hand-computed)', () => {
    // n = 9, α = 0.1 → k = ⌈9⌉ = 9 → the largest residual
    const r = [0.1, 0.5, 0.2, 0.9, 0.3, 0.4, 0.8, 0.6, 0.7];
    expect(conformalFromResiduals(r, 0.1).q).toBe(0.9);
    // n = 19, α = 0.1 → k = 18
    const r19 = Array.from({ length: 19 }, (_, i) => i + 1);
    expect(conformalFromResiduals(r19, 0.1).q).toBe(18);
    expect(conformalFromResiduals([1, 2], 0.1).q).toBe(Number.POSITIVE_INFINITY);
    expect(coverage([0, 1, 2, 3], [0.5, 1, 3, 3], 0.5)).toBe(0.75);
  });

  it.skipIf(!requireTool('libxgboost0', xgboostAvailable()))(
    '90 % intervals cover 85–95 % of held-out structures’ samples',
    async () => {
      let inside = 0;
      let total = 0;
      for (const seed of [1, 2, 3]) {
        const ds = syntheticDataset({
          structures: 120,
          samplesPerStructure: 2,
          modes: ['O:K', 'Ni:L23'],
          points: 40,
          seed,
        });
        const r = await evaluateHoldout(
          ds,
          {
            modes: ['O:K', 'Ni:L23'],
            targets: ['li_content', 'ni_valence'],
            model: 'gbt',
            hyper: { rounds: 40, max_depth: 3 },
            innerFolds: 5,
            skipOod: true,
            seed,
          },
          { testFraction: 0.5, seed },
          { bootstrap: 10 },
        );
        for (const t of r.targets) {
          inside += (t.coverage as number) * t.n;
          total += t.n;
        }
      }
      const cov = inside / total;
      expect(cov).toBeGreaterThanOrEqual(0.85);
      expect(cov).toBeLessThanOrEqual(0.95);
    },
  );
});

describe('out-of-distribution score', () => {
  it('flags spectra unlike the training set and few held-out in-distribution ones', () => {
    const modes = ['O:K', 'Ni:L23'];
    const train = syntheticDataset({ structures: 50, samplesPerStructure: 2, modes, points: 40, seed: 1 });
    const test = syntheticDataset({ structures: 30, samplesPerStructure: 2, modes, points: 40, seed: 2 });
    const grids = {
      'O:K': train.modes['O:K']?.grid as Float64Array,
      'Ni:L23': train.modes['Ni:L23']?.grid as Float64Array,
    };
    const m = fitOod(spectraOf(train, modes), grids, modes);
    const inDist = oodScore(m, spectraOf(test, modes));
    const flaggedIn = Array.from(inDist).filter((d) => d > m.threshold).length / inDist.length;
    expect(flaggedIn).toBeLessThan(0.15);
    // a foreign material: O K edge shifted by 3 eV and Ni lines doubled
    const shifted = {
      'O:K': (test.modes['O:K']?.X ?? []).map((x) =>
        Float64Array.from(x, (_, i) => x[Math.min(x.length - 1, i + 5)] as number),
      ),
      'Ni:L23': (test.modes['Ni:L23']?.X ?? []).map((x) => Float64Array.from(x, (v) => 2 * v)),
    };
    const out = oodScore(m, shifted);
    const flaggedOut = Array.from(out).filter((d) => d > m.threshold).length / out.length;
    expect(flaggedOut).toBeGreaterThan(0.9);
  });
});
