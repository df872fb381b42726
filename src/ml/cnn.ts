import { SpecfuseError } from '../core/errors.js';
import { loadTf } from './mlp.js';
import type { FittedCnn, Hyper, Task, TrainContext } from './models.js';
import type { DenseMatrix } from './xgboost.js';

/**
 * 1D convolutional network on the spectra themselves (TensorFlow.js, wasm backend). Each mode's raw intensities
 * are resampled by linear interpolation onto `L` points and stacked as channels ([N, L, modes]); two
 * convolution (kernel k, ReLU) + max-pool(2) stages, a dense ReLU layer and a linear (regression) or sigmoid
 * (classification) output. tfjs' own conv1d cannot train on the wasm backend (Conv2DBackpropFilter missing,
 * STACK-NOTES), so a convolution is written as im2col: k shifted slices concatenated along channels, then one
 * matrix product with the [k·C_in, F] kernel — mathematically the same valid cross-correlation.
 * Inputs are standardised per feature with training statistics; regression targets likewise.
 */
type Tf = Awaited<ReturnType<typeof loadTf>>['tf'];
type Tensor = import('@tensorflow/tfjs-core').Tensor;

/** Linear-interpolation matrix [len, L] taking a block of `len` samples onto L evenly spaced positions. */
function interpMatrix(len: number, L: number): Float32Array {
  const m = new Float32Array(len * L);
  for (let j = 0; j < L; j++) {
    const x = L === 1 ? 0 : (j * (len - 1)) / (L - 1);
    const i0 = Math.min(len - 1, Math.floor(x));
    const i1 = Math.min(len - 1, i0 + 1);
    const w = x - i0;
    m[i0 * L + j] = (m[i0 * L + j] as number) + (1 - w);
    if (i1 !== i0) m[i1 * L + j] = (m[i1 * L + j] as number) + w;
  }
  return m;
}

interface Net {
  readonly vars: Record<string, import('@tensorflow/tfjs-core').Variable>;
  readonly shapes: Record<string, number[]>;
}

function forward(
  tf: Tf,
  net: Net,
  m: Omit<FittedCnn, 'weights' | 'xMean' | 'xStd' | 'yMean' | 'yStd' | 'kind'>,
  x: Tensor,
): Tensor {
  const n = x.shape[0] as number;
  const L = m.points;
  // resample each mode block onto L points and stack as channels
  let off = 0;
  const chans: Tensor[] = [];
  m.segments.forEach((len) => {
    const block = tf.slice(x, [0, off], [n, len]);
    chans.push(tf.reshape(tf.matMul(block, tf.tensor2d(interpMatrix(len, L), [len, L])), [n, L, 1]));
    off += len;
  });
  let h: Tensor = chans.length === 1 ? (chans[0] as Tensor) : tf.concat(chans, 2);
  for (let s = 0; s < 2; s++) {
    const cin = h.shape[2] as number;
    const lin = h.shape[1] as number;
    const lout = lin - m.kernel + 1;
    const cols: Tensor[] = [];
    for (let i = 0; i < m.kernel; i++) cols.push(tf.slice(h, [0, i, 0], [n, lout, cin]));
    const im = tf.reshape(tf.concat(cols, 2), [n * lout, m.kernel * cin]);
    const W = net.vars[`conv${s}.W`] as Tensor;
    const b = net.vars[`conv${s}.b`] as Tensor;
    const f = W.shape[1] as number;
    const y = tf.reshape(tf.relu(tf.add(tf.matMul(im, W), b)), [n, lout, f]);
    const even = lout - (lout % 2);
    h = tf.max(tf.reshape(tf.slice(y, [0, 0, 0], [n, even, f]), [n, even / 2, 2, f]), 2);
  }
  const flat = tf.reshape(h, [n, (h.shape[1] as number) * (h.shape[2] as number)]);
  const d = tf.relu(tf.add(tf.matMul(flat, net.vars['dense.W'] as Tensor), net.vars['dense.b'] as Tensor));
  const out = tf.add(tf.matMul(d, net.vars['out.W'] as Tensor), net.vars['out.b'] as Tensor);
  return m.task === 'classification' ? tf.sigmoid(out) : out;
}

function shapesFor(
  segments: number[],
  L: number,
  k: number,
  f: [number, number],
  dense: number,
): Record<string, number[]> {
  const l1 = Math.floor((L - k + 1) / 2);
  const l2 = Math.floor((l1 - k + 1) / 2);
  if (l2 < 1) throw new SpecfuseError('invalid-argument', `cnn: ${L} points are too few for kernel ${k}`);
  return {
    'conv0.W': [k * segments.length, f[0]],
    'conv0.b': [f[0]],
    'conv1.W': [k * f[0], f[1]],
    'conv1.b': [f[1]],
    'dense.W': [l2 * f[1], dense],
    'dense.b': [dense],
    'out.W': [dense, 1],
    'out.b': [1],
  };
}

function standardize(X: DenseMatrix): { mean: number[]; std: number[] } {
  const mean = new Array<number>(X.ncol).fill(0);
  const sq = new Array<number>(X.ncol).fill(0);
  for (let i = 0; i < X.nrow; i++)
    for (let j = 0; j < X.ncol; j++) {
      const v = X.data[i * X.ncol + j] as number;
      const u = Number.isFinite(v) ? v : 0;
      mean[j] = (mean[j] as number) + u / X.nrow;
      sq[j] = (sq[j] as number) + (u * u) / X.nrow;
    }
  return { mean, std: mean.map((m, j) => Math.sqrt(Math.max((sq[j] as number) - m * m, 0)) || 1) };
}

function scaled(X: DenseMatrix, mean: number[], std: number[]): Float32Array {
  return Float32Array.from(X.data, (v, idx) => {
    const j = idx % X.ncol;
    return Number.isFinite(v) ? (v - (mean[j] as number)) / (std[j] as number) : 0;
  });
}

export async function trainCnn(
  task: Task,
  X: DenseMatrix,
  y: Float64Array,
  h: Hyper,
  ctx: TrainContext & { segments?: number[] },
  info?: (i: { secondsPerEpoch: number }) => void,
): Promise<FittedCnn> {
  const { tf } = await loadTf();
  const segments = ctx.segments ?? [X.ncol];
  if (segments.reduce((a, b) => a + b, 0) !== X.ncol)
    throw new SpecfuseError(
      'internal',
      `cnn segments (${segments.join('+')}) do not add up to ${X.ncol} features`,
    );
  const arch = {
    segments,
    points: Math.round(h.points ?? 64),
    kernel: Math.round(h.kernel ?? 5),
    filters: [Math.round(h.filters1 ?? 8), Math.round(h.filters2 ?? 16)] as [number, number],
    dense: Math.round(h.dense ?? 32),
    task,
  };
  const shapes = shapesFor(segments, arch.points, arch.kernel, arch.filters, arch.dense);
  const { mean, std } = standardize(X);
  let yMean = 0;
  let yStd = 1;
  if (task === 'regression') {
    for (const v of y) yMean += v / y.length;
    yStd = Math.sqrt(y.reduce((s, v) => s + (v - yMean) ** 2, 0) / y.length) || 1;
  }
  const vars: Net['vars'] = {};
  let seed = ctx.seed;
  for (const [name, shape] of Object.entries(shapes)) {
    const fanIn = shape.length > 1 ? (shape[0] as number) : 1;
    vars[name] = tf.variable(
      name.endsWith('.b')
        ? tf.zeros(shape)
        : tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++),
      true,
      `${name}-${ctx.seed}-${Math.random()}`,
    );
  }
  const net: Net = { vars, shapes };
  const xs = tf.tensor2d(scaled(X, mean, std), [X.nrow, X.ncol]);
  const ys = tf.tensor2d(
    Float32Array.from(y, (v) => (v - yMean) / yStd),
    [X.nrow, 1],
  );
  const opt = tf.train.adam(h.learning_rate ?? 0.003);
  const epochs = Math.max(1, Math.round(h.epochs ?? 60));
  const bs = Math.max(1, Math.round(h.batch_size ?? 32));
  let rs = ctx.seed >>> 0 || 1;
  const rnd = () => {
    rs = (Math.imul(rs, 1664525) + 1013904223) >>> 0;
    return rs / 4294967296;
  };
  const t0 = performance.now();
  try {
    for (let e = 0; e < epochs; e++) {
      const order = Array.from({ length: X.nrow }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      for (let s = 0; s < order.length; s += bs) {
        const idx = tf.tensor1d(order.slice(s, s + bs), 'int32');
        tf.tidy(() => {
          const xb = tf.gather(xs, idx);
          const yb = tf.gather(ys, idx);
          opt.minimize(
            () => {
              const p = forward(tf, net, arch, xb);
              return task === 'classification' ? tf.losses.logLoss(yb, p) : tf.losses.meanSquaredError(yb, p);
            },
            false,
            Object.values(vars),
          );
        });
        idx.dispose();
      }
    }
    info?.({ secondsPerEpoch: (performance.now() - t0) / 1000 / epochs });
    const weights = Object.entries(vars).map(([name, v]) => {
      const d = v.dataSync() as Float32Array;
      return {
        name,
        shape: shapes[name] as number[],
        data: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64'),
      };
    });
    return { kind: 'cnn', ...arch, weights, xMean: mean, xStd: std, yMean, yStd };
  } finally {
    xs.dispose();
    ys.dispose();
    opt.dispose();
    for (const v of Object.values(vars)) v.dispose();
  }
}

export async function predictCnn(m: FittedCnn, X: DenseMatrix): Promise<Float64Array> {
  const { tf } = await loadTf();
  if (X.ncol !== m.xMean.length)
    throw new SpecfuseError('invalid-argument', `CNN expects ${m.xMean.length} features, got ${X.ncol}`);
  const vars: Net['vars'] = {};
  const shapes: Record<string, number[]> = {};
  for (const w of m.weights) {
    const b = Buffer.from(w.data, 'base64');
    const arr = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    vars[w.name] = tf.variable(tf.tensor(arr, w.shape), false);
    shapes[w.name] = w.shape;
  }
  try {
    const out = tf.tidy(() =>
      forward(tf, { vars, shapes }, m, tf.tensor2d(scaled(X, m.xMean, m.xStd), [X.nrow, X.ncol])),
    );
    const v = out.dataSync();
    out.dispose();
    return Float64Array.from(v, (z) => z * m.yStd + m.yMean);
  } finally {
    for (const v of Object.values(vars)) v.dispose();
  }
}
