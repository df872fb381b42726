import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SpecfuseError } from '../core/errors.js';
import type { FittedMlp, Hyper, Task, TrainContext } from './models.js';
import type { DenseMatrix } from './xgboost.js';

/**
 * Multilayer perceptron on the fused feature vector with TensorFlow.js on its WebAssembly backend (tfjs-node
 * cannot be installed here, STACK-NOTES). Inputs are standardised with training-row means/standard deviations,
 * regression targets likewise; Adam, MSE (regression) or binary cross-entropy (classification), ReLU hidden
 * layers with dropout and L2. tfjs is imported lazily so the tree path never loads it.
 */
type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');

let ready: Promise<{ tf: Tf; tfl: Tfl }> | undefined;

export function loadTf(): Promise<{ tf: Tf; tfl: Tfl }> {
  if (!ready)
    ready = (async () => {
      try {
        const tf = await import('@tensorflow/tfjs-core');
        const tfl = await import('@tensorflow/tfjs-layers');
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const require = createRequire(import.meta.url);
        wasm.setWasmPaths(
          `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`,
        );
        if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend refused to start');
        await tf.ready();
        return { tf, tfl };
      } catch (e) {
        ready = undefined;
        throw new SpecfuseError('engine', `TensorFlow.js wasm backend unavailable: ${(e as Error).message}`);
      }
    })();
  return ready;
}

function standardize(X: DenseMatrix): { mean: number[]; std: number[] } {
  const mean = new Array<number>(X.ncol).fill(0);
  const sq = new Array<number>(X.ncol).fill(0);
  let n = 0;
  for (let i = 0; i < X.nrow; i++) {
    n++;
    for (let j = 0; j < X.ncol; j++) {
      const v = X.data[i * X.ncol + j] as number;
      mean[j] = (mean[j] as number) + (Number.isFinite(v) ? v : 0);
      sq[j] = (sq[j] as number) + (Number.isFinite(v) ? v * v : 0);
    }
  }
  const std = mean.map((s, j) => {
    const m = s / n;
    const v = (sq[j] as number) / n - m * m;
    return v > 1e-18 ? Math.sqrt(v) : 1;
  });
  return { mean: mean.map((s) => s / n), std };
}

function scaled(X: DenseMatrix, mean: number[], std: number[]): Float32Array {
  const out = new Float32Array(X.nrow * X.ncol);
  for (let i = 0; i < X.nrow; i++)
    for (let j = 0; j < X.ncol; j++) {
      const v = X.data[i * X.ncol + j] as number;
      out[i * X.ncol + j] = Number.isFinite(v) ? (v - (mean[j] as number)) / (std[j] as number) : 0;
    }
  return out;
}

export interface MlpTrainInfo {
  readonly secondsPerEpoch: number;
  readonly finalLoss: number;
}

export async function trainMlp(
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  h: Hyper,
  ctx: TrainContext,
  info?: (i: MlpTrainInfo) => void,
): Promise<FittedMlp> {
  const { tf, tfl } = await loadTf();
  const { mean, std } = standardize(X);
  let yMean = 0;
  let yStd = 1;
  if (task === 'regression') {
    for (const v of y) yMean += v / y.length;
    let s = 0;
    for (const v of y) s += (v - yMean) ** 2;
    yStd = Math.sqrt(s / y.length) || 1;
  }
  const yt = Float32Array.from(y, (v) => (v - yMean) / yStd);
  const model = tfl.sequential();
  const hidden = Math.max(1, Math.round(h.hidden ?? 64));
  const layers = Math.max(1, Math.round(h.layers ?? 2));
  const l2 = h.l2 ?? 0;
  for (let k = 0; k < layers; k++) {
    model.add(
      tfl.layers.dense({
        units: hidden,
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: ctx.seed + k }),
        ...(k === 0 ? { inputShape: [X.ncol] } : {}),
        ...(l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2 }) } : {}),
      }),
    );
    if ((h.dropout ?? 0) > 0)
      model.add(tfl.layers.dropout({ rate: h.dropout ?? 0, seed: ctx.seed + 100 + k }));
  }
  model.add(
    tfl.layers.dense({
      units: 1,
      activation: task === 'classification' ? 'sigmoid' : 'linear',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: ctx.seed + 999 }),
    }),
  );
  model.compile({
    optimizer: tf.train.adam(h.learning_rate ?? 0.003),
    loss: task === 'classification' ? 'binaryCrossentropy' : 'meanSquaredError',
  });
  const xs = tf.tensor2d(scaled(X, mean, std), [X.nrow, X.ncol]);
  const ys = tf.tensor2d(yt, [X.nrow, 1]);
  const epochs = Math.max(1, Math.round(h.epochs ?? 80));
  const t0 = performance.now();
  let hist: Awaited<ReturnType<typeof model.fit>>;
  try {
    hist = await model.fit(xs, ys, {
      epochs,
      batchSize: Math.max(1, Math.round(h.batch_size ?? 32)),
      shuffle: true,
      verbose: 0,
    });
  } finally {
    xs.dispose();
    ys.dispose();
  }
  const secondsPerEpoch = (performance.now() - t0) / 1000 / epochs;
  const loss = hist.history.loss ?? [];
  info?.({ secondsPerEpoch, finalLoss: Number(loss[loss.length - 1] ?? Number.NaN) });
  let artifacts: import('@tensorflow/tfjs-core').io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (!artifacts?.weightData) throw new SpecfuseError('internal', 'tfjs did not hand over the model weights');
  const wd = artifacts.weightData;
  const buf = Array.isArray(wd)
    ? Buffer.concat(wd.map((b) => Buffer.from(b)))
    : Buffer.from(wd as ArrayBuffer);
  return {
    kind: 'tfjs',
    topology: artifacts.modelTopology,
    weightSpecs: artifacts.weightSpecs,
    weights: buf.toString('base64'),
    xMean: mean,
    xStd: std,
    yMean,
    yStd,
  };
}

const loaded = new WeakMap<FittedMlp, Promise<import('@tensorflow/tfjs-layers').LayersModel>>();

export async function predictMlp(m: FittedMlp, X: DenseMatrix): Promise<Float64Array> {
  const { tf, tfl } = await loadTf();
  let p = loaded.get(m);
  if (!p) {
    const bytes = Buffer.from(m.weights, 'base64');
    const weightData = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    p = tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: m.topology as object,
        weightSpecs: m.weightSpecs as import('@tensorflow/tfjs-core').io.WeightsManifestEntry[],
        weightData,
      }),
    );
    loaded.set(m, p);
  }
  const model = await p;
  if (X.ncol !== m.xMean.length)
    throw new SpecfuseError('invalid-argument', `MLP expects ${m.xMean.length} features, got ${X.ncol}`);
  const xs = tf.tensor2d(scaled(X, m.xMean, m.xStd), [X.nrow, X.ncol]);
  try {
    const out = model.predict(xs) as import('@tensorflow/tfjs-core').Tensor;
    const v = out.dataSync();
    out.dispose();
    return Float64Array.from(v, (z) => z * m.yStd + m.yMean);
  } finally {
    xs.dispose();
  }
}
