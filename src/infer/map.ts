import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SpecfuseError } from '../core/errors.js';
import type { SfmModel } from '../ml/model-file.js';
import { binNavigation } from '../preprocess/spectrum-image.js';
import { imageEnergyAxis, makeSpectrum, pixelCount } from '../spectrum/spectrum.js';
import type { SpectrumImage, Technique } from '../spectrum/types.js';
import {
  type InputCalibration,
  type ModeUse,
  type PredictOptions,
  type PredictionResult,
  calibrateInput,
  calibrationShiftAt,
  predictMeasured,
  qualityFlags,
} from './predict.js';
import { BG_FIELDS, BG_METHODS, type BlockModel, type BlockResult, prepareBlock } from './map-block.js';
import { type BlockPrediction, predictBlock } from './map-predict.js';
import { requiredRange } from './prepare.js';

/**
 * Pixel-by-pixel local structure from a STEM-EELS spectrum image: optional navigation binning (signal-to-noise
 * grows as √(pixels per bin) for Poisson counts), then every (binned) pixel goes through the same measured-data
 * preparation as a single spectrum (each mode cut out of the one acquisition by its grid and pre-edge window,
 * background, alignment, grid), and all pixels are predicted in one batch. A pixel whose edges are too noisy
 * (vacuum, thin regions), whose alignment hit the cap or whose spectrum is out of the training distribution is
 * flagged and its values are kept but marked, never silently reported as a prediction. Pixel intervals are the
 * model's conformal intervals (the measurement Monte Carlo of `predictMeasured` is too costly per pixel). The
 * summed spectrum of all pixels is predicted too, with the full treatment, as a consistency check: for a
 * homogeneous region the mean of the pixel predictions should agree with it within the interval.
 *
 * Energy axis: one spectrometer axis serves every pixel, so its absolute calibration (offset and dispersion from
 * reference features, preprocess/energy-calibration.ts) is found once on the summed spectrum — where the counts of
 * all pixels make the features sharp — and applied to every pixel before the per-pixel rigid alignment.
 *
 * Threads: pixels are independent, so blocks of pixels are prepared on worker threads (map-worker.ts) while the
 * calling thread predicts them (and prepares blocks itself when idle); every block goes through the same
 * functions (map-block.ts, map-predict.ts) whichever thread runs it, so the map is identical to the serial one.
 */
export interface MapOptions extends PredictOptions {
  /** Navigation binning factor applied along every navigation axis (default 1). */
  readonly bin?: number;
  /**
   * Worker threads preparing pixel blocks beside the calling thread (default: cores − 1, at most 3, for images of
   * ≥ 2000 pixels; 0 below — starting a thread costs more than a small image). Results do not depend on it.
   */
  readonly workers?: number;
  /** Whether the calling thread prepares blocks too (default true; false leaves every block to the workers). */
  readonly callerWorks?: boolean;
}

/** Pixels per block handed out: small enough to balance threads, large enough to amortise a message. */
const BLOCK = 250;

/**
 * The worker's entry file. Compiled package: ./map-worker.js. TypeScript checkout (tsx, vitest): Node 20 does not
 * carry the main thread's loader hooks into a worker, and registering tsx inside each worker costs ≈ 0.4 s of CPU,
 * so the worker's few modules are bundled once with esbuild (tsx's own compiler) into
 * node_modules/.cache/specfuse/map-worker.mjs, rebuilt when a source file changed (modification times listed in a
 * sidecar). `undefined` when that is impossible (then the tsx bootstrap below is used).
 */
let bundled: { url: URL } | undefined | null = null;
function bundledWorker(): URL | undefined {
  if (bundled !== null) return bundled?.url;
  bundled = undefined;
  try {
    const here = import.meta.url;
    const src = fileURLToPath(new URL('./map-worker.ts', here));
    const root = dirname(dirname(dirname(src)));
    const dir = join(root, 'node_modules', '.cache', 'specfuse');
    const out = join(dir, 'map-worker.mjs');
    const side = join(dir, 'map-worker.inputs.json');
    const fresh = (() => {
      if (!existsSync(out) || !existsSync(side)) return false;
      const inputs = JSON.parse(readFileSync(side, 'utf8')) as Record<string, number>;
      return Object.entries(inputs).every(([f, t]) => existsSync(f) && statSync(f).mtimeMs === t);
    })();
    if (!fresh) {
      const esbuild = createRequire(here)('esbuild') as {
        buildSync(o: Record<string, unknown>): { metafile?: { inputs: Record<string, unknown> } };
      };
      mkdirSync(dir, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      const r = esbuild.buildSync({
        entryPoints: [src],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        packages: 'external',
        outfile: tmp,
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: root,
      });
      const inputs = Object.fromEntries(
        Object.keys(r.metafile?.inputs ?? {}).map((f) => {
          const abs = join(root, f);
          return [abs, statSync(abs).mtimeMs];
        }),
      );
      renameSync(tmp, out);
      writeFileSync(side, JSON.stringify(inputs));
    }
    bundled = { url: pathToFileURL(out) };
  } catch {
    bundled = undefined;
  }
  return bundled?.url;
}

/** Start a worker running map-worker (see `bundledWorker`; last resort: register tsx inside the thread). */
function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./map-worker.js', here), { workerData });
  const url = bundledWorker();
  if (url) return new Worker(url, { workerData });
  const entry = new URL('./map-worker.ts', here).href;
  // the ESM build of tsx's API (import.meta.resolve is absent under some module runners, e.g. vitest)
  const api =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Prepare and predict all pixels in blocks of `BLOCK`: `workers` worker threads prepare blocks taken from one queue
 * (a block a failed worker held goes back to it); the calling thread predicts every prepared block and prepares
 * blocks itself when idle. Blocks come back in pixel order.
 */
async function prepareAllPixels(
  model: SfmModel,
  energy: Float64Array,
  data: Float32Array | Float64Array,
  channels: number,
  n: number,
  technique: Technique,
  opts: MapOptions,
  workers: number | undefined,
): Promise<{ blocks: { block: BlockResult; pred: BlockPrediction }[]; workers: number; onWorkers: number }> {
  const bm = {
    modes: model.modes,
    grids: model.grids as BlockModel['grids'],
    meanSpectra: model.meanSpectra,
  };
  const nBlocks = Math.ceil(n / BLOCK);
  const results: ({ block: BlockResult; pred: BlockPrediction } | undefined)[] = new Array(nBlocks).fill(
    undefined,
  );
  const complete = () => results.every((r) => r !== undefined);
  const queue = Array.from({ length: nBlocks }, (_, i) => i);
  const nw = Math.min(
    workers ?? (n >= 2000 ? Math.min(3, availableParallelism() - 1) : 0),
    Math.max(0, opts.callerWorks === false ? nBlocks : nBlocks - 1),
  );
  const callerWorks = opts.callerWorks !== false || nw === 0;
  let onWorkers = 0;
  const { workers: _w, callerWorks: _c, ...plain } = opts;
  const run = async (b: number) => {
    const block = prepareBlock(
      bm,
      energy,
      data,
      channels,
      b * BLOCK,
      Math.min(BLOCK, n - b * BLOCK),
      technique,
      plain,
    );
    return { block, pred: await predictBlock(model, block) };
  };
  const threads: Worker[] = [];
  // blocks prepared on a worker, waiting for the calling thread to predict them
  const prepared: { index: number; block: BlockResult }[] = [];
  const loops: Promise<void>[] = [];
  if (nw > 0) {
    for (let k = 0; k < nw; k++) {
      const w = startWorker({ model, energy, channels, technique, opts: plain });
      threads.push(w);
      loops.push(
        new Promise<void>((resolve) => {
          // two blocks in flight per worker: it always has the next one while the calling thread is busy
          const held: number[] = [];
          let ended = false;
          const finish = () => {
            if (ended) return;
            ended = true;
            queue.push(...held.splice(0));
            resolve();
          };
          const send = () => {
            const b = queue.shift();
            if (b === undefined) {
              if (held.length === 0) finish();
              return;
            }
            held.push(b);
            const start = b * BLOCK;
            const count = Math.min(BLOCK, n - start);
            const slice = data.slice(start * channels, (start + count) * channels);
            w.postMessage({ start, count, data: slice }, [slice.buffer]);
          };
          w.on('message', (m: { result?: BlockResult; error?: string }) => {
            if (m.result) {
              onWorkers++;
              prepared.push({ index: held.shift()!, block: m.result });
              send();
            } else finish();
          });
          w.on('error', finish);
          send();
          send();
        }),
      );
    }
  }
  try {
    // the calling thread predicts what the workers prepared (first: the workers then never wait) and prepares
    // blocks itself when there is nothing to predict; it yields between blocks so workers get new ones promptly
    let workersDone = loops.length === 0;
    void Promise.all(loops).then(() => {
      workersDone = true;
    });
    for (;;) {
      const ready = prepared.shift();
      if (ready) {
        results[ready.index] = { block: ready.block, pred: await predictBlock(model, ready.block) };
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const b = callerWorks ? queue.shift() : undefined;
      if (b !== undefined) {
        results[b] = await run(b);
        if (loops.length) await new Promise((r) => setImmediate(r));
        continue;
      }
      if (complete()) break;
      if (workersDone && prepared.length === 0) {
        // safety net: a block no thread finished
        for (let i = 0; i < nBlocks; i++) if (!results[i]) results[i] = await run(i);
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return { blocks: results as { block: BlockResult; pred: BlockPrediction }[], workers: nw, onWorkers };
}

/** Channel-wise sum over pixels (one monomorphic loop per element type: the hot loop of a large image). */
function sumPixels32(data: Float32Array, n: number, c: number): Float64Array {
  const sum = new Float64Array(c);
  let p = 0;
  // four pixels per pass over the sum (a quarter of its loads and stores)
  for (; p + 4 <= n; p += 4) {
    const o = p * c;
    for (let k = 0; k < c; k++)
      sum[k]! += data[o + k]! + data[o + c + k]! + (data[o + 2 * c + k]! + data[o + 3 * c + k]!);
  }
  for (; p < n; p++) for (let k = 0, o = p * c; k < c; k++) sum[k]! += data[o + k]!;
  return sum;
}
function sumPixels64(data: Float64Array, n: number, c: number): Float64Array {
  const sum = new Float64Array(c);
  let p = 0;
  // four pixels per pass over the sum (a quarter of its loads and stores)
  for (; p + 4 <= n; p += 4) {
    const o = p * c;
    for (let k = 0; k < c; k++)
      sum[k]! += data[o + k]! + data[o + c + k]! + (data[o + 2 * c + k]! + data[o + 3 * c + k]!);
  }
  for (; p < n; p++) for (let k = 0, o = p * c; k < c; k++) sum[k]! += data[o + k]!;
  return sum;
}

export interface MapLayer {
  readonly target: string;
  readonly task: 'regression' | 'classification';
  /** Row-major [ny × nx] values (NaN where the pixel could not be prepared). */
  readonly value: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

export interface MapComparison {
  readonly target: string;
  readonly task: 'regression' | 'classification';
  /** Mean over unflagged pixels (NaN if none). */
  readonly pixelMean: number;
  readonly summed: number;
  readonly summedInterval?: readonly [number, number];
  /** Whether the pixel mean lies within the summed spectrum's interval (regression with an interval only). */
  readonly withinInterval?: boolean;
  readonly unflaggedPixels: number;
  /** Mean over every predicted pixel, flagged or not (for comparison when all pixels are flagged). */
  readonly allPixelMean: number;
  readonly allWithinInterval?: boolean;
}

export interface MapResult {
  /** Navigation shape after binning, [ny, nx]. */
  readonly shape: readonly [number, number];
  readonly bin: number;
  readonly layers: readonly MapLayer[];
  /** Per pixel: reasons not to trust it (empty list = fine). */
  readonly flags: readonly (readonly string[])[];
  readonly flagged: Uint8Array;
  readonly oodScore: Float64Array;
  /** Per mode: applied shift (eV) and edge S/N of every pixel (row-major, NaN where not prepared). */
  readonly shifts: Readonly<Record<string, Float64Array>>;
  readonly snr: Readonly<Record<string, Float64Array>>;
  /** Prediction on the sum of all pixels. */
  readonly summed: PredictionResult;
  /** Mean over unflagged pixels per target (NaN if none). */
  readonly pixelMean: Readonly<Record<string, number>>;
  readonly comparison: readonly MapComparison[];
  /**
   * Absolute energy calibration found on the summed spectrum and applied to every pixel (one spectrometer axis
   * for the whole acquisition); calibration null = axis as recorded (see its warnings).
   */
  readonly calibration: InputCalibration;
  /** Worker threads started and the pixel blocks they processed (the calling thread did the rest). */
  readonly threads: { readonly workers: number; readonly blocks: number; readonly blocksOnWorkers: number };
}

export async function mapSpectrumImage(
  model: SfmModel,
  image: SpectrumImage,
  o: MapOptions = {},
): Promise<MapResult> {
  if (image.navShape.length === 0 || image.navShape.length > 2)
    throw new SpecfuseError(
      'invalid-argument',
      `a map needs a 1- or 2-dimensional spectrum image, got navigation shape [${image.navShape.join(', ')}]`,
      { field: 'navShape' },
    );
  const bin = o.bin ?? 1;
  const si =
    bin > 1
      ? binNavigation(
          image,
          image.navShape.map(() => bin),
        )
      : image;
  const ny = si.navShape.length === 2 ? si.navShape[0]! : 1;
  const nx = si.navShape[si.navShape.length - 1]!;
  const n = pixelCount(si);
  const technique = o.technique ?? si.meta.technique ?? 'EELS';
  // the summed spectrum: the absolute energy calibration is found on it (counts of every pixel) and applied to all
  const sum =
    si.data instanceof Float32Array
      ? sumPixels32(si.data, n, si.channels)
      : sumPixels64(si.data as Float64Array, n, si.channels);
  const sumInput = {
    source: 'sum of all pixels',
    spectrum: makeSpectrum(imageEnergyAxis(si), sum, { ...si.meta, label: 'sum of all pixels' }),
  };
  const cal = calibrateInput(sumInput, o);
  const energy = cal.spectrum.energy;
  const fixed: MapOptions = {
    ...o,
    energyCalibration: cal.calibration.calibration ?? 'off',
  };
  // every mode must be covered by the acquisition: a clear error naming the mode, not n pixel failures
  for (const mode of model.modes) {
    const grid = model.grids[mode] as [number, number, number];
    const [a, b] = requiredRange(mode, grid, o);
    if (a < energy[0]! || b > energy[energy.length - 1]!)
      throw new SpecfuseError(
        'invalid-argument',
        `the spectrum image (${energy[0]!.toFixed(1)}–${energy[energy.length - 1]!.toFixed(1)} eV) does not cover mode ${mode} (${a.toFixed(1)}–${b.toFixed(1)} eV); the model needs ${model.modes.join(', ')}`,
        { field: mode },
      );
  }
  const layers = model.targets.map((t) => ({
    target: t.target,
    task: t.task,
    value: new Float64Array(n).fill(Number.NaN),
    lo: new Float64Array(n).fill(Number.NaN),
    hi: new Float64Array(n).fill(Number.NaN),
  }));
  const flags: string[][] = Array.from({ length: n }, () => []);
  const flagged = new Uint8Array(n);
  const oodScore = new Float64Array(n).fill(Number.NaN);
  const shifts: Record<string, Float64Array> = {};
  const snr: Record<string, Float64Array> = {};
  for (const mode of model.modes) {
    shifts[mode] = new Float64Array(n).fill(Number.NaN);
    snr[mode] = new Float64Array(n).fill(Number.NaN);
  }
  // 1. prepare every pixel (per-pixel failures become flags), in blocks over the calling thread and workers
  const grid0 = (mode: string) => (model.grids[mode] as [number, number, number])[0];
  const run = await prepareAllPixels(model, energy, si.data, si.channels, n, technique, fixed, o.workers);
  const blocks = run.blocks;
  // 2. per pixel: values, intervals, OOD and quality flags (blocks in pixel order)
  for (const { block: b, pred } of blocks)
    for (let q = 0; q < b.count; q++) {
      const p = b.start + q;
      if (!b.ok[q]) {
        flags[p]!.push(b.errors[q]!);
        flagged[p] = 1;
        continue;
      }
      const use: ModeUse[] = [];
      for (const mode of model.modes) {
        shifts[mode]![p] = b.shift[mode]![q]!;
        snr[mode]![p] = b.snr[mode]![q]!;
        const g = b.background[mode]!.subarray(q * BG_FIELDS, (q + 1) * BG_FIELDS);
        use.push({
          mode,
          source: `pixel ${p}`,
          technique,
          shift: b.shift[mode]![q]!,
          shiftAtCap: b.atCap[mode]![q] === 1,
          snr: b.snr[mode]![q]!,
          background: {
            kind: technique === 'XAS' ? 'xas-edge-step' : 'power-law',
            A: g[0]!,
            r: g[1]!,
            window: [g[2]!, g[3]!],
            relResidual: g[4]!,
            chi2nu: g[5]!,
            method: BG_METHODS[g[6]!]!,
          },
          calibrationShift: calibrationShiftAt(cal.calibration.calibration, grid0(mode)),
        });
      }
      layers.forEach((l, k) => {
        l.value[p] = pred.value[k]![q]!;
        l.lo[p] = pred.lo[k]![q]!;
        l.hi[p] = pred.hi[k]![q]!;
      });
      const ood = Number.isFinite(pred.oodThreshold)
        ? { score: pred.oodScore[q]!, threshold: pred.oodThreshold, flagged: pred.oodFlagged[q] === 1 }
        : null;
      if (ood) oodScore[p] = ood.score;
      const f = qualityFlags(use, ood, o);
      flags[p]!.push(...f);
      flagged[p] = f.length > 0 ? 1 : 0;
    }
  // 3. the summed spectrum, with the full treatment (same calibration as the pixels)
  const summed0 = await predictMeasured(model, [sumInput], fixed);
  const summed =
    cal.calibration.warnings.length > 0
      ? { ...summed0, warnings: [...cal.calibration.warnings, ...(summed0.warnings ?? [])] }
      : summed0;
  const pixelMean: Record<string, number> = {};
  const comparison: MapComparison[] = [];
  for (const l of layers) {
    let s = 0;
    let cnt = 0;
    let sa = 0;
    let ca = 0;
    for (let p = 0; p < n; p++) {
      if (!Number.isFinite(l.value[p]!)) continue;
      sa += l.value[p]!;
      ca++;
      if (!flagged[p]) {
        s += l.value[p]!;
        cnt++;
      }
    }
    const mean = cnt > 0 ? s / cnt : Number.NaN;
    const allMean = ca > 0 ? sa / ca : Number.NaN;
    pixelMean[l.target] = mean;
    const st = summed.targets.find((t) => t.target === l.target)!;
    comparison.push({
      target: l.target,
      task: l.task,
      pixelMean: mean,
      summed: st.value,
      ...(st.interval
        ? {
            summedInterval: st.interval,
            withinInterval: mean >= st.interval[0] && mean <= st.interval[1],
            allWithinInterval: allMean >= st.interval[0] && allMean <= st.interval[1],
          }
        : {}),
      unflaggedPixels: cnt,
      allPixelMean: allMean,
    });
  }
  return {
    shape: [ny, nx],
    bin,
    layers,
    flags,
    flagged,
    oodScore,
    shifts,
    snr,
    summed,
    pixelMean,
    comparison,
    calibration: cal.calibration,
    threads: { workers: run.workers, blocks: blocks.length, blocksOnWorkers: run.onWorkers },
  };
}
