import { describe, expect, it } from 'vitest';
import { spectraOf } from './data.js';
import { buildModelFile, parseModelJson, predictWithModel, serializeModel } from './model-file.js';
import { r2, rocAuc } from './metrics.js';
import { groupHoldout } from './split.js';
import { syntheticDataset } from './synthetic.js';
import { predictPipeline, trainPipeline } from './train.js';

describe('MLP (TensorFlow.js, wasm backend)', () => {
  it('learns a regression and a classification target; the model file round-trips the weights exactly', async () => {
    const modes = ['O:K', 'Ni:L23'];
    const ds = syntheticDataset({ structures: 60, samplesPerStructure: 2, modes, points: 40, seed: 4 });
    const split = groupHoldout(ds.groups, 0.3, 1);
    const pipe = await trainPipeline(
      ds,
      {
        modes,
        targets: ['ni_valence', 'o_vacancy'],
        model: 'mlp',
        hyper: { epochs: 60, hidden: 32, layers: 2, dropout: 0, learning_rate: 0.005 },
        skipConformal: true,
        skipOod: true,
        features: { kinds: ['raw'] },
        seed: 1,
      },
      split.train,
    );
    const bundle = spectraOf(ds, modes, split.test);
    const pred = await predictPipeline(pipe, bundle);
    const yv = Float64Array.from(split.test, (i) => ds.labels.ni_valence?.[i] as number);
    const yo = Float64Array.from(split.test, (i) => ds.labels.o_vacancy?.[i] as number);
    expect(r2(yv, pred[0]?.value as Float64Array)).toBeGreaterThan(0.5);
    expect(rocAuc(yo, pred[1]?.value as Float64Array)).toBeGreaterThan(0.8);
    const p1 = pred[1]?.value as Float64Array;
    expect(p1.every((p) => p >= 0 && p <= 1)).toBe(true);
    const m = parseModelJson(serializeModel(buildModelFile(pipe)));
    expect(m.targets[0]?.members[0]?.learner.kind).toBe('tfjs');
    const again = await predictWithModel(m, bundle);
    expect(Array.from(again.targets[0]?.value ?? [])).toEqual(Array.from(pred[0]?.value ?? []));
  }, 60_000);
});
