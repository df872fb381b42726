import { SpecfuseError } from '../core/errors.js';
import type { Technique } from '../spectrum/types.js';
import { type PrepareOptions, commonScale, prepareMode } from './prepare.js';

/**
 * The per-pixel half of a spectrum-image map, on a block of pixels: every mode cut out of each pixel's spectrum
 * and prepared (background, alignment, grid; `prepareMode`), one scale factor per pixel for all its modes
 * (`commonScale`). Pure and self-contained (only plain data in and typed arrays out) so that blocks can run on
 * worker threads (map-worker.ts) and give exactly what the serial loop gives: each pixel depends on its own
 * spectrum only.
 */
export interface BlockModel {
  readonly modes: readonly string[];
  readonly grids: Readonly<Record<string, readonly [number, number, number]>>;
  readonly meanSpectra: Readonly<Record<string, ArrayLike<number> | undefined>>;
}

/** Background fit numbers per (pixel, mode): A, r, window start, window end, relResidual, chi2nu, method code. */
export const BG_FIELDS = 7;
export const BG_METHODS = ['log-lsq', 'two-area', 'athena'] as const;

export interface BlockResult {
  readonly start: number;
  readonly count: number;
  /** 1 where the pixel was prepared. */
  readonly ok: Uint8Array;
  /** Per mode: count × grid length, on the training scale (NaN rows where not prepared). */
  readonly intensity: Record<string, Float64Array>;
  readonly shift: Record<string, Float64Array>;
  readonly snr: Record<string, Float64Array>;
  readonly atCap: Record<string, Uint8Array>;
  readonly background: Record<string, Float64Array>;
  /** Failure message per pixel index within the block ('' where prepared). */
  readonly errors: string[];
}

export function prepareBlock(
  model: BlockModel,
  energy: Float64Array,
  data: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  channels: number,
  start: number,
  count: number,
  technique: Technique,
  opts: PrepareOptions,
): BlockResult {
  const ok = new Uint8Array(count);
  const intensity: Record<string, Float64Array> = {};
  const shift: Record<string, Float64Array> = {};
  const snr: Record<string, Float64Array> = {};
  const atCap: Record<string, Uint8Array> = {};
  const background: Record<string, Float64Array> = {};
  for (const mode of model.modes) {
    intensity[mode] = new Float64Array(count * model.grids[mode]![2]).fill(Number.NaN);
    shift[mode] = new Float64Array(count).fill(Number.NaN);
    snr[mode] = new Float64Array(count).fill(Number.NaN);
    atCap[mode] = new Uint8Array(count);
    background[mode] = new Float64Array(count * BG_FIELDS).fill(Number.NaN);
  }
  const errors: string[] = new Array(count).fill('');
  const o: PrepareOptions = { ...opts, scaleEach: false };
  for (let q = 0; q < count; q++) {
    const p = start + q;
    const y = data.subarray(p * channels, (p + 1) * channels);
    try {
      const prepared = model.modes.map((mode) =>
        prepareMode(technique, energy, y, mode, model.grids[mode]!, model.meanSpectra[mode], o),
      );
      const k = commonScale(
        prepared.map((pm) => ({ intensity: pm.intensity, reference: model.meanSpectra[pm.mode] })),
      );
      for (const pm of prepared) {
        const x = pm.intensity;
        for (let i = 0; i < x.length; i++)
          if (!Number.isFinite(x[i]!))
            throw new SpecfuseError('invalid-argument', `${pm.mode}: non-finite intensity after preparation`);
      }
      for (const pm of prepared) {
        const x = pm.intensity;
        const out = intensity[pm.mode]!;
        const off = q * x.length;
        for (let i = 0; i < x.length; i++) out[off + i] = x[i]! * k;
        shift[pm.mode]![q] = pm.shift;
        snr[pm.mode]![q] = pm.snr;
        atCap[pm.mode]![q] = pm.shiftAtCap ? 1 : 0;
        const b = pm.background;
        background[pm.mode]!.set(
          [b.A, b.r, b.window[0], b.window[1], b.relResidual, b.chi2nu, BG_METHODS.indexOf(b.method)],
          q * BG_FIELDS,
        );
      }
      ok[q] = 1;
    } catch (e) {
      if (!(e instanceof SpecfuseError)) throw e;
      errors[q] = e.message;
    }
  }
  return { start, count, ok, intensity, shift, snr, atCap, background, errors };
}

/** Every typed-array buffer of a block result (to transfer it between threads without a copy). */
export function blockBuffers(r: BlockResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [r.ok.buffer as ArrayBuffer];
  for (const rec of [r.intensity, r.shift, r.snr, r.atCap, r.background])
    for (const a of Object.values(rec)) out.push(a.buffer as ArrayBuffer);
  return out;
}
