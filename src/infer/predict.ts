import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from '../ml/data.js';
import { type SfmModel, predictWithModel } from '../ml/model-file.js';
import type { Spectrum } from '../spectrum/types.js';
import { type PrepareOptions, type PreparedMode, gridOf, prepareEelsMode } from './prepare.js';

/**
 * From measured spectra to local structure: pick, for every mode the model needs, a measured spectrum that covers
 * it (a spectrum image or an extracted spectrum may hold several edges), prepare it (background, alignment, grid),
 * predict with intervals and an out-of-distribution score, and attribute each prediction to energy windows.
 */

export interface MeasuredInput {
  readonly source: string;
  readonly spectrum: Spectrum;
}

export interface ModeUse {
  readonly mode: string;
  readonly source: string;
  readonly shift: number;
  readonly shiftAtCap: boolean;
  readonly snr: number;
  readonly background: PreparedMode['background'];
}

export interface WindowContribution {
  readonly mode: string;
  readonly lo: number;
  readonly hi: number;
  /** Prediction change when this window is replaced by the training mean (prediction − occluded prediction). */
  readonly contribution: number;
}

export interface TargetResult {
  readonly target: string;
  readonly task: 'regression' | 'classification';
  /** Regression value, or probability of class 1. */
  readonly value: number;
  /** 90 % conformal interval (regression). */
  readonly interval?: readonly [number, number];
  /** Predicted class (classification, threshold 0.5). */
  readonly present?: boolean;
  readonly topWindows: readonly WindowContribution[];
}

export interface PredictionResult {
  readonly modes: readonly ModeUse[];
  readonly targets: readonly TargetResult[];
  readonly ood: { readonly score: number; readonly threshold: number; readonly flagged: boolean } | null;
  /** Reasons this prediction should not be trusted (empty when fine). */
  readonly flags: readonly string[];
}

export interface PredictOptions extends PrepareOptions {
  /** Windows per mode for the attribution (default 8). */
  readonly windows?: number;
  /** Windows reported per target (default 3). */
  readonly topWindows?: number;
  /** Edge SNR below which a mode is flagged too noisy (default 5). */
  readonly minSnr?: number;
}

/** The first input whose energy range covers a mode's grid plus its pre-edge window. */
function pickInput(
  inputs: readonly MeasuredInput[],
  mode: string,
  grid: readonly [number, number, number],
  o: PrepareOptions,
): MeasuredInput | undefined {
  const [w0] = o.backgroundWindow ?? [-30, -3];
  const ms = o.maxShift ?? 5;
  const need0 = grid[0] + w0 - ms;
  const need1 = grid[0] + grid[1] * (grid[2] - 1) + ms;
  const [el] = mode.split(':');
  const covers = (s: Spectrum) => s.energy[0]! <= need0 && s.energy[s.energy.length - 1]! >= need1;
  return (
    inputs.find((i) => covers(i.spectrum) && i.spectrum.meta.element === el) ??
    inputs.find((i) => covers(i.spectrum) && i.spectrum.meta.element === undefined)
  );
}

export function prepareInputs(
  model: SfmModel,
  inputs: readonly MeasuredInput[],
  o: PrepareOptions = {},
): Map<string, { use: ModeUse; intensity: Float64Array }> {
  const out = new Map<string, { use: ModeUse; intensity: Float64Array }>();
  for (const mode of model.modes) {
    const grid = model.grids[mode] as [number, number, number] | undefined;
    if (!grid)
      throw new SpecfuseError('invalid-argument', `the model has no grid for mode ${mode}`, { field: mode });
    const input = pickInput(inputs, mode, grid, o);
    if (!input)
      throw new SpecfuseError(
        'invalid-argument',
        `no input spectrum covers mode ${mode} (${grid[0].toFixed(1)}–${(grid[0] + grid[1] * (grid[2] - 1)).toFixed(1)} eV plus a pre-edge window); the model needs ${model.modes.join(', ')}`,
        { field: mode },
      );
    const p = prepareEelsMode(
      input.spectrum.energy,
      input.spectrum.intensity,
      mode,
      grid,
      model.meanSpectra[mode],
      o,
    );
    out.set(mode, {
      intensity: p.intensity,
      use: {
        mode,
        source: input.source,
        shift: p.shift,
        shiftAtCap: p.shiftAtCap,
        snr: p.snr,
        background: p.background,
      },
    });
  }
  return out;
}

/** Predict from spectra already on the model grids (one sample per entry), with window attributions. */
export async function predictPrepared(
  model: SfmModel,
  spectra: Record<string, Float64Array>,
  o: PredictOptions = {},
): Promise<Omit<PredictionResult, 'modes' | 'flags'>> {
  const nWin = o.windows ?? 8;
  const top = o.topWindows ?? 3;
  // one batch: the sample itself, then one occluded copy per (mode, window)
  const occl: { mode: string; lo: number; hi: number }[] = [];
  const bundle: SpectraBundle = {};
  for (const mode of model.modes) bundle[mode] = [spectra[mode]!];
  for (const mode of model.modes) {
    const grid = gridOf(model.grids[mode] as [number, number, number]);
    const mean = model.meanSpectra[mode] ?? [];
    const size = Math.ceil(grid.length / nWin);
    for (let w = 0; w * size < grid.length; w++) {
      const i0 = w * size;
      const i1 = Math.min(grid.length, i0 + size);
      for (const m2 of model.modes) {
        const base = spectra[m2]!;
        if (m2 !== mode) bundle[m2]!.push(base);
        else {
          const x = Float64Array.from(base);
          for (let i = i0; i < i1; i++) x[i] = mean[i] ?? x[i]!;
          bundle[m2]!.push(x);
        }
      }
      occl.push({ mode, lo: grid[i0]!, hi: grid[i1 - 1]! });
    }
  }
  const pred = await predictWithModel(model, bundle);
  const targets: TargetResult[] = pred.targets.map((t) => {
    const value = t.value[0]!;
    const contributions = occl.map((w, k) => ({ ...w, contribution: value - t.value[k + 1]! }));
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    const lo = t.lo?.[0];
    const hi = t.hi?.[0];
    return {
      target: t.target,
      task: t.task,
      value,
      ...(lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)
        ? { interval: [lo, hi] as const }
        : {}),
      ...(t.task === 'classification' ? { present: value >= 0.5 } : {}),
      topWindows: contributions.slice(0, top),
    };
  });
  const ood = pred.ood
    ? { score: pred.ood.score[0]!, threshold: pred.ood.threshold, flagged: pred.ood.flagged[0]! }
    : null;
  return { targets, ood };
}

export async function predictMeasured(
  model: SfmModel,
  inputs: readonly MeasuredInput[],
  o: PredictOptions = {},
): Promise<PredictionResult> {
  const prepared = prepareInputs(model, inputs, o);
  const spectra: Record<string, Float64Array> = {};
  for (const [mode, p] of prepared) spectra[mode] = p.intensity;
  const r = await predictPrepared(model, spectra, o);
  const modes = [...prepared.values()].map((p) => p.use);
  const flags: string[] = [];
  const minSnr = o.minSnr ?? 5;
  for (const m of modes) {
    if (m.snr < minSnr)
      flags.push(`${m.mode}: edge signal-to-noise ${m.snr.toFixed(1)} < ${minSnr} (too noisy or vacuum)`);
    if (m.shiftAtCap)
      flags.push(`${m.mode}: alignment shift ${m.shift.toFixed(2)} eV at the ±cap (calibration suspect)`);
  }
  if (r.ood?.flagged)
    flags.push(
      `out of distribution: score ${r.ood.score.toFixed(2)} > threshold ${r.ood.threshold.toFixed(2)}`,
    );
  return { modes, targets: r.targets, ood: r.ood, flags };
}
