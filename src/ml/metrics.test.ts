import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../test/shared.js';
import { accuracy, bootstrapMetric, f1, mae, r2, rmse, rocAuc } from './metrics.js';

describe('metrics (hand-computed)', () => {
  const y = [1, 2, 3, 4];
  const p = [1.5, 2, 2.5, 5];
  it('regression', () => {
    // residuals 0.5, 0, -0.5, 1 → SS_res = 1.5; ȳ = 2.5 → SS_tot = 5
    expect(r2(y, p)).toBeCloseTo(1 - 1.5 / 5, 12);
    expect(mae(y, p)).toBeCloseTo(2 / 4, 12);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(1.5 / 4), 12);
    expect(r2([0.8, 0.8, 0.8], [0.7, 0.8, 0.9])).toBeNaN();
  });
  it('classification', () => {
    const t = [0, 0, 1, 1, 1];
    const s = [0.1, 0.6, 0.4, 0.8, 0.9];
    // predictions at 0.5: 0,1,0,1,1 → TP 2, FP 1, FN 1, TN 1
    expect(accuracy(t, s)).toBeCloseTo(3 / 5, 12);
    expect(f1(t, s)).toBeCloseTo(4 / 6, 12);
    // positive/negative pairs ranked correctly: (0.4>0.1) (0.8>0.1,0.6) (0.9>0.1,0.6) = 5 of 6
    expect(rocAuc(t, s)).toBeCloseTo(5 / 6, 12);
    // ties count half
    expect(rocAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });
  it('cluster bootstrap interval brackets the value and is seeded', () => {
    const n = 60;
    const yy = Array.from({ length: n }, (_, i) => Math.sin(i));
    const pp = yy.map((v, i) => v + 0.3 * Math.cos(7 * i));
    const g = yy.map((_, i) => `s${Math.floor(i / 3)}`);
    const a = bootstrapMetric('r2', yy, pp, g, { reps: 300, seed: 1 });
    expect(a.lo).toBeLessThan(a.value);
    expect(a.hi).toBeGreaterThan(a.value);
    expect(bootstrapMetric('r2', yy, pp, g, { reps: 300, seed: 1 })).toEqual(a);
  });
  it('AUC and F1 agree with scikit-learn', () => {
    const t = Array.from({ length: 40 }, (_, i) => (Math.sin(i * 1.7) > 0 ? 1 : 0));
    const s = t.map((v, i) => Math.round((0.3 * v + 0.7 * Math.abs(Math.cos(i * 0.9))) * 10) / 10);
    const code = `import json,sys\nfrom sklearn.metrics import roc_auc_score,f1_score\nd=json.load(sys.stdin)\nprint(json.dumps([roc_auc_score(d['t'],d['s']),f1_score(d['t'],[1 if v>=0.5 else 0 for v in d['s']])]))`;
    const r = existsSync('/usr/bin/python3')
      ? spawnSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify({ t, s }), encoding: 'utf8' })
      : undefined;
    if (!requireTool('python3-sklearn', r?.status === 0) || !r) return;
    const [auc, f] = JSON.parse(r.stdout) as [number, number];
    expect(rocAuc(t, s)).toBeCloseTo(auc, 12);
    expect(f1(t, s)).toBeCloseTo(f, 12);
  });
});
