import { describe, expect, it } from 'vitest';
import { requireTool } from '../../test/shared.js';
import { type MlDataset, makeGrid, spectraOf } from './data.js';
import { importanceReport, permutationImportance, shapImportance, windowImportance } from './explain.js';
import type { FeatureRecipe } from './features.js';
import { makeRng } from './rng.js';
import { trainPipeline } from './train.js';
import { xgboostAvailable } from './xgboost.js';

/** Spectra where only a peak near 532 eV (O K) carries the label; everything else is noise. */
function oneWindowDataset(n: number): MlDataset {
  const rng = makeRng(3);
  const grid = makeGrid(525, 0.5, 41);
  const X: Float64Array[] = [];
  const y = new Float64Array(n);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const h = rng.next();
    y[i] = h;
    X.push(
      Float64Array.from(grid, (e) => 0.3 + h * Math.exp(-0.5 * ((e - 532) / 0.7) ** 2) + 0.05 * rng.normal()),
    );
    ids.push(`s${i}`);
  }
  return { ids, groups: ids.slice(), labels: { h: y }, modes: { 'O:K': { grid, X } } };
}

describe('interpretability', () => {
  it('window aggregation: point, window and PCA features (hand-computed)', () => {
    const recipe: FeatureRecipe = {
      modes: [
        {
          mode: 'O:K',
          grid: [0, 1, 4],
          normalize: 'none',
          kinds: [],
          rawStride: 1,
          cdfStride: 1,
          cubicWindows: 1,
          peakSeeds: [],
          pca: { mean: [0, 0, 0, 0], components: [[0, 0.6, 0.8, 0]], explained: [1] },
        },
      ],
      features: [
        { name: 'O:K/raw@0.00', mode: 'O:K', kind: 'raw', energy: 0 },
        { name: 'O:K/cubic.c0@2.00', mode: 'O:K', kind: 'cubic', energy: 2, window: [1.5, 3.5] },
        { name: 'O:K/pca1', mode: 'O:K', kind: 'pca', component: 0 },
      ],
    };
    // windows of 2 eV from −0.5: [−0.5,1.5), [1.5,3.5)
    const w = windowImportance(recipe, [1, 2, 10], 2)['O:K'] ?? [];
    expect(w).toHaveLength(2);
    // window 0: raw 1 + pca 10·0.36 (grid point 1) = 4.6; window 1: cubic 2 + pca 10·0.64 = 8.4
    expect(w[0]?.importance).toBeCloseTo(4.6, 12);
    expect(w[1]?.importance).toBeCloseTo(8.4, 12);
  });

  it.skipIf(!requireTool('libxgboost0', xgboostAvailable()))(
    'SHAP and permutation importance both point at the informative energy window',
    async () => {
      const ds = oneWindowDataset(150);
      const pipe = await trainPipeline(ds, {
        modes: ['O:K'],
        targets: ['h'],
        model: 'gbt',
        hyper: { rounds: 40 },
        features: { kinds: ['raw'] },
        skipConformal: true,
        skipOod: true,
      });
      const tm = pipe.targets[0];
      if (!tm) throw new Error('no target');
      const bundle = spectraOf(ds, ['O:K']);
      for (const method of ['shap', 'permutation'] as const) {
        const per =
          method === 'shap'
            ? shapImportance(tm, bundle)
            : await permutationImportance(tm, bundle, ds.labels.h as Float64Array, { repeats: 2 });
        const rep = importanceReport(tm, per, method, 2);
        const ws = rep.windows['O:K'] ?? [];
        const best = ws.reduce((a, b) => (b.importance > a.importance ? b : a));
        expect(best.lo <= 532 && best.hi > 532, method).toBe(true);
        expect(best.importance).toBeGreaterThan(0.4);
        expect(ws.reduce((s, x) => s + x.importance, 0)).toBeCloseTo(1, 9);
        const top = Number(/@([0-9.]+)/.exec(rep.features[0]?.name ?? '')?.[1]);
        expect(Math.abs(top - 532)).toBeLessThan(1.6);
      }
    },
  );
});
