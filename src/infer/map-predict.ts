import type { SpectraBundle } from '../ml/data.js';
import { type SfmModel, predictWithModel } from '../ml/model-file.js';
import type { BlockResult } from './map-block.js';

/** Predictions of the prepared pixels of one block (NaN / 0 where a pixel was not prepared). */
export interface BlockPrediction {
  readonly value: Float64Array[];
  /** Conformal bounds per target (NaN for targets without an interval). */
  readonly lo: Float64Array[];
  readonly hi: Float64Array[];
  readonly oodScore: Float64Array;
  readonly oodFlagged: Uint8Array;
  /** NaN when the model has no OOD detector. */
  readonly oodThreshold: number;
}

/**
 * One batch prediction over the prepared pixels of a block. Every row is predicted on its own (features, trees and
 * the OOD distance are per sample), so blocks give what one batch over the whole image gives.
 */
export async function predictBlock(model: SfmModel, b: BlockResult): Promise<BlockPrediction> {
  const rows: number[] = [];
  for (let q = 0; q < b.count; q++) if (b.ok[q]) rows.push(q);
  const nt = model.targets.length;
  const nan = () => new Float64Array(b.count).fill(Number.NaN);
  const out: BlockPrediction = {
    value: Array.from({ length: nt }, nan),
    lo: Array.from({ length: nt }, nan),
    hi: Array.from({ length: nt }, nan),
    oodScore: nan(),
    oodFlagged: new Uint8Array(b.count),
    oodThreshold: Number.NaN,
  };
  if (rows.length === 0) return out;
  const bundle: SpectraBundle = {};
  for (const mode of model.modes) {
    const len = model.grids[mode]![2];
    const x = b.intensity[mode]!;
    bundle[mode] = rows.map((q) => x.subarray(q * len, (q + 1) * len));
  }
  const pred = await predictWithModel(model, bundle);
  pred.targets.forEach((t, k) => {
    rows.forEach((q, j) => {
      out.value[k]![q] = t.value[j]!;
      if (t.lo && t.hi) {
        out.lo[k]![q] = t.lo[j]!;
        out.hi[k]![q] = t.hi[j]!;
      }
    });
  });
  if (pred.ood) {
    const ood = pred.ood;
    rows.forEach((q, j) => {
      out.oodScore[q] = ood.score[j]!;
      out.oodFlagged[q] = ood.flagged[j] ? 1 : 0;
    });
    return { ...out, oodThreshold: ood.threshold };
  }
  return out;
}

/** Buffers of a block prediction (transferred between threads). */
export function predictionBuffers(p: BlockPrediction): ArrayBuffer[] {
  return [...p.value, ...p.lo, ...p.hi, p.oodScore, p.oodFlagged].map((a) => a.buffer as ArrayBuffer);
}
