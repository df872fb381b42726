import { describe, expect, it } from 'vitest';
import { requireTool } from '../../test/shared.js';
import { spectraOf } from './data.js';
import { compareModes, evaluateHoldout, modeCombinations } from './evaluate.js';
import { buildModelFile, parseModelJson, predictWithModel, serializeModel } from './model-file.js';
import { groupHoldout } from './split.js';
import { syntheticDataset } from './synthetic.js';
import { fitFeatureRecipe, transformFeatures } from './features.js';
import { DEFAULT_HYPER } from './models.js';
import { memberMatrices, oofPredict, predictPipeline, randomSearch, trainPipeline } from './train.js';
import { Booster, xgboostAvailable } from './xgboost.js';

const native = requireTool('libxgboost0', xgboostAvailable());
const MODES = ['O:K', 'Ni:L23', 'Mn:L23'];

describe.skipIf(!native)('training pipelines, model files, mode comparison', () => {
  const ds = syntheticDataset({ structures: 60, samplesPerStructure: 3, modes: MODES, points: 50, seed: 5 });
  const split = groupHoldout(ds.groups, 0.3, 2);

  it('early and late fusion learn on training structures and generalise to held-out ones', async () => {
    for (const fusion of ['early', 'late'] as const) {
      const r = await evaluateHoldout(
        ds,
        {
          modes: MODES,
          targets: ['li_content', 'o_vacancy'],
          model: 'gbt',
          fusion,
          hyper: { rounds: 40 },
          innerFolds: 3,
          skipOod: true,
        },
        split,
        { bootstrap: 100 },
      );
      const li = r.targets.find((t) => t.target === 'li_content');
      const ov = r.targets.find((t) => t.target === 'o_vacancy');
      expect(li?.task).toBe('regression');
      expect(ov?.task).toBe('classification');
      expect(li?.metrics.r2?.value, fusion).toBeGreaterThan(0.25);
      expect(ov?.metrics.auc?.value).toBeGreaterThan(0.8);
      expect(li?.metrics.r2?.lo).toBeLessThanOrEqual(li?.metrics.r2?.value as number);
      expect(r.testStructures + r.trainStructures).toBe(60);
    }
  });

  it('a saved model validates, rejects tampering, and predicts like the pipeline; embedded XGBoost JSON = native', async () => {
    const pipe = await trainPipeline(
      ds,
      {
        modes: MODES,
        targets: ['li_content', 'antisite'],
        model: 'rf',
        hyper: { num_parallel_tree: 20 },
        innerFolds: 3,
        features: { kinds: ['cdf', 'pca'], pcaComponents: 4 },
      },
      split.train,
    );
    // learned feature parts (PCA) come from the training rows only
    const pca = pipe.targets[0]?.members[0]?.recipe.modes[0]?.pca;
    const okX =
      split.train.length > 0 ? Array.from(split.train, (i) => ds.modes['O:K']?.X[i] as Float64Array) : [];
    const mean5 = okX.reduce((s, x) => s + (x[5] as number), 0) / okX.length;
    expect(pca?.mean[5]).toBeCloseTo(mean5, 12);
    const model = buildModelFile(pipe, { metrics: { note: 'test' } });
    const text = serializeModel(model);
    const back = parseModelJson(text, 'm.sfm');
    const bundle = spectraOf(ds, MODES, split.test);
    const a = await predictPipeline(pipe, bundle);
    const b = await predictWithModel(back, bundle);
    expect(Array.from(b.targets[0]?.value ?? [])).toEqual(Array.from(a[0]?.value ?? []));
    expect(b.targets[0]?.lo?.length).toBe(split.test.length);
    expect(b.ood?.score.length).toBe(split.test.length);
    // TS evaluator vs native XGBoost on every test sample
    for (const tm of pipe.targets) {
      const X = memberMatrices(tm, bundle)[0];
      const learner = tm.members[0]?.learner;
      if (!X || learner?.kind !== 'xgboost') throw new Error('expected a tree model');
      const nat = Booster.fromJson(learner.json).predict(X);
      const ts = (await predictPipeline({ ...pipe, targets: [tm] }, bundle))[0]?.value as Float64Array;
      for (let i = 0; i < nat.length; i++)
        expect(Math.abs((nat[i] as number) - (ts[i] as number))).toBeLessThanOrEqual(1e-5);
    }
    // tampering: change one leaf value inside the embedded model
    const obj = JSON.parse(text);
    obj.targets[0].members[0].learner.json = obj.targets[0].members[0].learner.json.replace(
      /"split_conditions":\[(-?[0-9.E+-]+)/,
      '"split_conditions":[9$1',
    );
    expect(() => parseModelJson(JSON.stringify(obj), 'm.sfm')).toThrow(/m\.sfm.*hash/);
    const obj2 = JSON.parse(text);
    obj2.grids['O:K'][2] = 'many';
    expect(() => parseModelJson(JSON.stringify(obj2))).toThrow(/grids/);
    const obj3 = JSON.parse(text);
    obj3.version = 99;
    expect(() => parseModelJson(JSON.stringify(obj3))).toThrow(/newer/);
    expect(() => parseModelJson(text.slice(0, 100), 'cut.sfm')).toThrow(/cut\.sfm.*not JSON/);
    await expect(predictWithModel(back, { 'O:K': bundle['O:K'] as Float64Array[] })).rejects.toThrow(
      /Ni:L23/,
    );
  });

  it('random search scores draws by inner grouped CV on the training rows and never does worse than the defaults', async () => {
    const tr = Array.from(split.train);
    const bundle = spectraOf(ds, ['O:K'], split.train);
    const recipe = fitFeatureRecipe(bundle, { 'O:K': ds.modes['O:K']?.grid as Float64Array }, ['O:K']);
    const X = transformFeatures(recipe, bundle);
    const y = Float64Array.from(tr, (i) => ds.labels.li_content?.[i] as number);
    const groups = tr.map((i) => ds.groups[i] as string);
    const base = { ...DEFAULT_HYPER.gbt, rounds: 20 };
    const ctx = { nthread: 1, seed: 0 };
    const r = await randomSearch('gbt', 'regression', X, y, groups, base, { iterations: 3, folds: 3 }, ctx);
    const oof = await oofPredict('gbt', 'regression', X, y, groups, base, 3, ctx);
    const mseBase = oof.reduce((s, p, i) => s + (p - (y[i] as number)) ** 2, 0) / y.length;
    expect(r.tried).toBe(4);
    expect(r.score).toBeLessThanOrEqual(mseBase + 1e-12);
  });

  it('compareModes gives every single mode, every pair and all modes, with verdicts', async () => {
    expect(modeCombinations(['a', 'b', 'c'])).toEqual([
      ['a'],
      ['b'],
      ['c'],
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
      ['a', 'b', 'c'],
    ]);
    const small = syntheticDataset({
      structures: 24,
      samplesPerStructure: 2,
      modes: MODES,
      points: 30,
      seed: 8,
    });
    const r = await compareModes(
      small,
      { modes: MODES, targets: ['o_vacancy'], model: 'gbt', hyper: { rounds: 15 }, folds: 3 },
      { bootstrap: 50 },
    );
    const combos = new Set(r.rows.map((x) => x.modes.join('+')));
    expect(combos.size).toBe(7);
    expect(r.rows.filter((x) => x.metric === 'auc')).toHaveLength(7);
    expect(r.verdicts[0]?.fused.modes).toEqual(MODES);
    expect(typeof r.verdicts[0]?.significant).toBe('boolean');
  });
});
