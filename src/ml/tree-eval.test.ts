import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, requireTool } from '../../test/shared.js';
import { DEFAULT_HYPER, xgbParams } from './models.js';
import { makeRng } from './rng.js';
import { compileXgboostJson, forestMargin, forestPredict } from './tree-eval.js';
import { Booster, type DenseMatrix, xgboostAvailable } from './xgboost.js';

const native = requireTool('libxgboost0', xgboostAvailable());
const tmp = mkdtempSync(join(tmpdir(), 'sf-xgb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Rows with a nonlinear signal, some missing values (NaN) and some exact split-boundary values. */
function data(n: number, p: number, seed: number, classify: boolean): { X: DenseMatrix; y: Float32Array } {
  const rng = makeRng(seed);
  const X = new Float32Array(n * p);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++)
      X[i * p + j] = rng.next() < 0.05 ? Number.NaN : Math.round(rng.normal() * 50) / 50;
    const a = Number.isNaN(X[i * p] as number) ? 0 : (X[i * p] as number);
    const b = Number.isNaN(X[i * p + 1] as number) ? 0 : (X[i * p + 1] as number);
    const f = Math.sin(2 * a) + b * b - 0.5 * a * b + 0.1 * rng.normal();
    y[i] = classify ? (f > 0.6 ? 1 : 0) : f;
  }
  return { X: { data: X, nrow: n, ncol: p }, y };
}

/** Predictions of Python's xgboost for several JSON models on one matrix (one interpreter start). */
function pythonPredict(jsons: string[], X: DenseMatrix): Float32Array[] | undefined {
  const xf = join(tmp, 'x.f32');
  writeFileSync(xf, Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  const models = jsons.map((j, k) => {
    const m = join(tmp, `m${k}.json`);
    writeFileSync(m, j);
    return m;
  });
  const prefix = join(tmp, 'out');
  const r = spawnSync(
    '/usr/bin/python3',
    [
      join(PROJECT_ROOT, 'test/oracles/xgb_predict.py'),
      xf,
      String(X.nrow),
      String(X.ncol),
      prefix,
      ...models,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return undefined;
  return models.map((_, k) => {
    const b = readFileSync(`${prefix}.${k}.f32`);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  });
}

const hasPy = existsSync('/usr/bin/python3') && existsSync('/usr/lib/python3/dist-packages/xgboost');
/** Models trained below with their native predictions on the shared test matrix, for the Python check. */
const exported: { json: string; nat: Float32Array }[] = [];

describe.skipIf(!native)('XGBoost binding and the TypeScript evaluator', () => {
  const cases = [
    { name: 'gbt regression (exact)', kind: 'gbt' as const, classify: false, extra: {} },
    {
      name: 'gbt classification (hist)',
      kind: 'gbt' as const,
      classify: true,
      extra: { tree_method: 'hist' },
    },
    { name: 'random forest regression', kind: 'rf' as const, classify: false, extra: {} },
  ];
  for (const c of cases) {
    it(`${c.name}: TS evaluator = native predict ≤ 1e-5 on every test sample`, () => {
      const train = data(300, 6, 1, c.classify);
      const test = data(200, 6, 2, c.classify);
      const { params, rounds } = xgbParams(
        c.kind,
        c.classify ? 'classification' : 'regression',
        { ...DEFAULT_HYPER[c.kind], rounds: 40, num_parallel_tree: 30 },
        { nthread: 1, seed: 3 },
      );
      const b = Booster.train(train.X, train.y, { ...params, ...c.extra }, rounds);
      const nat = b.predict(test.X);
      const json = b.saveJson();
      const forest = compileXgboostJson(json);
      const ts = forestPredict(forest, test.X.data, test.X.ncol);
      let worst = 0;
      for (let i = 0; i < nat.length; i++)
        worst = Math.max(worst, Math.abs((nat[i] as number) - (ts[i] as number)));
      expect(worst).toBeLessThanOrEqual(1e-5);
      // margins too
      const nm = b.predictMargin(test.X);
      const tm = forestMargin(forest, test.X.data, test.X.ncol);
      for (let i = 0; i < nm.length; i++)
        expect(Math.abs((nm[i] as number) - (tm[i] as number))).toBeLessThanOrEqual(1e-5);
      // the model learned something
      if (!c.classify) {
        let ss = 0;
        let st = 0;
        let m = 0;
        for (const v of test.y) m += v / test.y.length;
        test.y.forEach((v, i) => {
          ss += (v - (ts[i] as number)) ** 2;
          st += (v - m) ** 2;
        });
        expect(1 - ss / st).toBeGreaterThan(0.5);
      }
      // JSON round trip through the native library predicts the same
      const b2 = Booster.fromJson(json);
      expect(Array.from(b2.predict(test.X))).toEqual(Array.from(nat));
      // SHAP contributions sum to the margin (TreeSHAP local accuracy)
      const contrib = b.contributions(test.X);
      for (let i = 0; i < 5; i++) {
        let s = 0;
        for (let j = 0; j <= test.X.ncol; j++) s += contrib[i * (test.X.ncol + 1) + j] as number;
        expect(s).toBeCloseTo(nm[i] as number, 4);
      }
      b.dispose();
      b2.dispose();
      exported.push({ json, nat });
    });
  }

  it.skipIf(!requireTool('python3-xgboost', hasPy))(
    'Python xgboost loads every exported JSON model and predicts the same',
    () => {
      expect(exported).toHaveLength(3);
      const X = data(200, 6, 2, false).X;
      const py = pythonPredict(
        exported.map((e) => e.json),
        X,
      );
      expect(py).toBeDefined();
      exported.forEach((e, k) => {
        const p = py?.[k] as Float32Array;
        expect(p.length).toBe(e.nat.length);
        for (let i = 0; i < p.length; i++)
          expect(Math.abs((p[i] as number) - (e.nat[i] as number))).toBeLessThanOrEqual(1e-6);
      });
    },
  );

  it('native errors surface as SpecfuseError("engine") with XGBoost’s message', () => {
    expect(() => Booster.fromJson('{"not": "a model"}')).toThrow(/XGBoost load model failed/);
    const d = data(20, 3, 4, false);
    expect(() => Booster.train(d.X, d.y, { objective: 'no:such' }, 1)).toThrow(/XGBoost/);
  });
});

describe('TypeScript evaluator on a hand-written model', () => {
  // one stump: x0 < 0.5 → left leaf −1, else +2; missing → right (default_left 0); base_score 0.5 logistic
  const model = {
    learner: {
      learner_model_param: { base_score: '5E-1', num_class: '0', num_feature: '2', num_target: '1' },
      objective: { name: 'binary:logistic' },
      gradient_booster: {
        name: 'gbtree',
        model: {
          trees: [
            {
              left_children: [1, -1, -1],
              right_children: [2, -1, -1],
              split_indices: [0, 0, 0],
              split_conditions: [0.5, -1, 2],
              default_left: [0, 0, 0],
            },
          ],
        },
      },
    },
  };
  it('follows split, default direction, float32 comparison and the logistic link', () => {
    const f = compileXgboostJson(JSON.stringify(model));
    const X = Float32Array.from([0.2, 0, 0.5, 0, Number.NaN, 0, 0.49999999, 0]);
    const m = forestMargin(f, X, 2);
    // base margin logit(0.5) = 0; 0.49999999 rounds to 0.5 in float32 → right
    expect(Array.from(m)).toEqual([-1, 2, 2, 2]);
    const p = forestPredict(f, X, 2);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(1)), 7);
  });
  it('rejects unsupported models', () => {
    const bad = JSON.parse(JSON.stringify(model));
    bad.learner.gradient_booster.name = 'gblinear';
    expect(() => compileXgboostJson(bad)).toThrow(/gblinear/);
    bad.learner.gradient_booster.name = 'gbtree';
    bad.learner.objective.name = 'multi:softprob';
    expect(() => compileXgboostJson(bad)).toThrow(/objective/);
  });
});
