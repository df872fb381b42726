import { describe, expect, it } from 'vitest';
import { spectraOf } from './data.js';
import { r2, rocAuc } from './metrics.js';
import { buildModelFile, parseModelJson, predictWithModel, serializeModel } from './model-file.js';
import { groupHoldout } from './split.js';
import { syntheticDataset } from './synthetic.js';
import { predictPipeline, trainPipeline } from './train.js';

describe('1D CNN (TensorFlow.js, im2col convolutions on wasm)', () => {
  it('learns from the spectra (modes as channels) and round-trips through a model file', async () => {
    const modes = ['O:K', 'Ni:L23'];
    const ds = syntheticDataset({ structures: 60, samplesPerStructure: 2, modes, points: 48, seed: 6 });
    const split = groupHoldout(ds.groups, 0.3, 1);
    const pipe = await trainPipeline(
      ds,
      {
        modes,
        targets: ['ni_valence', 'o_vacancy'],
        model: 'cnn',
        hyper: { points: 32, epochs: 40, learning_rate: 0.005 },
        skipConformal: true,
        skipOod: true,
        seed: 2,
      },
      split.train,
    );
    const bundle = spectraOf(ds, modes, split.test);
    const pred = await predictPipeline(pipe, bundle);
    const yv = Float64Array.from(split.test, (i) => ds.labels.ni_valence?.[i] as number);
    const yo = Float64Array.from(split.test, (i) => ds.labels.o_vacancy?.[i] as number);
    expect(r2(yv, pred[0]?.value as Float64Array)).toBeGreaterThan(0.3);
    expect(rocAuc(yo, pred[1]?.value as Float64Array)).toBeGreaterThan(0.7);
    const learner = pipe.targets[0]?.members[0]?.learner;
    expect(learner?.kind).toBe('cnn');
    if (learner?.kind === 'cnn') expect(learner.segments).toEqual([48, 48]);
    const m = parseModelJson(serializeModel(buildModelFile(pipe)));
    const again = await predictWithModel(m, bundle);
    expect(Array.from(again.targets[1]?.value ?? [])).toEqual(Array.from(pred[1]?.value ?? []));
  }, 60_000);
});
