import { parentPort, workerData } from 'node:worker_threads';
import type { Technique } from '../spectrum/types.js';
import { type BlockModel, blockBuffers, prepareBlock } from './map-block.js';
import type { PrepareOptions } from './prepare.js';

/**
 * Worker thread of `mapSpectrumImage`: prepares the blocks of pixels it is sent (their spectra, transferred)
 * and posts the typed arrays back (transferred, not copied); the calling thread predicts them (the model code stays off the
 * workers: loading it costs a worker more than its share of a map). Started by map.ts; see map-block.ts.
 */
export interface MapWorkerData {
  readonly model: BlockModel;
  readonly energy: Float64Array;
  readonly channels: number;
  readonly technique: Technique;
  readonly opts: PrepareOptions;
}

const wd = workerData as MapWorkerData;
parentPort!.on('message', async (m: { start: number; count: number; data: Float32Array | Float64Array }) => {
  try {
    const r = prepareBlock(wd.model, wd.energy, m.data, wd.channels, 0, m.count, wd.technique, wd.opts);
    const out = { ...r, start: m.start };
    parentPort!.postMessage({ result: out }, blockBuffers(out));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
