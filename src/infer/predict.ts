import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from '../ml/data.js';
import { makeRng } from '../ml/rng.js';
import { type SfmModel, predictWithModel } from '../ml/model-file.js';
import {
  type EnergyCalibration,
  applyEnergyCalibration,
  calibrateEelsAxis,
} from '../preprocess/energy-calibration.js';
import type { Spectrum, Technique } from '../spectrum/types.js';
import { tailFraction } from '../preprocess/l23-continuum-step.js';
import {
  type BackgroundFit,
  type ContinuumStepReport,
  type PrepareOptions,
  type PreparedMode,
  commonScale,
  gridOf,
  prepareMode,
  requiredRange,
} from './prepare.js';

/**
 * From measured spectra to local structure: pick, for every mode the model needs, a measured spectrum that covers
 * it (a spectrum image or an extracted spectrum may hold several edges: each mode is cut out of it by its grid and
 * pre-edge window), prepare it (EELS background or XAS edge normalisation, alignment, grid), predict with
 * intervals and an out-of-distribution score, and attribute each prediction to energy windows.
 *
 * Intervals: the model's split-conformal 90 % interval (±q) covers the scatter of simulated test spectra around
 * the truth. A measured spectrum adds its own uncertainty — counting noise left after the background subtraction
 * the error of the background extrapolation and of the alignment shift — which the conformal q never saw. It is
 * propagated by a parametric bootstrap (`perturbedPreparation`): `measurementDraws` copies of the raw input with
 * fresh counting noise and a jittered background window are prepared from scratch and predicted; their standard
 * deviation s enters the half-width as √(q² + (1.645·s)²) (independent errors added in quadrature; 1.645 = the
 * two-sided 90 % normal quantile).
 */

export interface MeasuredInput {
  readonly source: string;
  readonly spectrum: Spectrum;
}

export interface ModeUse {
  readonly mode: string;
  readonly source: string;
  readonly technique: Technique;
  readonly shift: number;
  readonly shiftAtCap: boolean;
  readonly snr: number;
  readonly background: BackgroundFit;
  /**
   * Shift (eV) the absolute energy calibration applied at this mode's grid start, before the alignment `shift`
   * (0 without calibration): the total correction is calibrationShift + shift.
   */
  readonly calibrationShift?: number;
  /** L2,3 modes: whether the measured continuum step was removed, and the step found (see prepare.ts). */
  readonly continuumStep?: ContinuumStepReport;
}

/** The absolute energy calibration found (or not) for one input. */
export interface InputCalibration {
  readonly source: string;
  /** null: no calibration applied (XAS, 'off', or no reference feature found — see warnings). */
  readonly calibration: EnergyCalibration | null;
  readonly warnings: readonly string[];
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
  /** 90 % interval (regression): conformal, widened by the measurement uncertainty when draws were made. */
  readonly interval?: readonly [number, number];
  /** The model's conformal half-width alone, and the measurement standard deviation from the draws. */
  readonly conformalHalfWidth?: number;
  readonly measurementSd?: number;
  /** Predicted class (classification, threshold 0.5). */
  readonly present?: boolean;
  readonly topWindows: readonly WindowContribution[];
}

export interface PredictionResult {
  readonly modes: readonly ModeUse[];
  readonly targets: readonly TargetResult[];
  readonly ood: {
    readonly score: number;
    readonly threshold: number;
    readonly flagged: boolean;
    /**
     * Per mode: the OOD score of the sample with only this mode measured (every other mode replaced by its training
     * mean) — which edges carry the distance from the training set.
     */
    readonly perMode?: Readonly<Record<string, number>>;
    /** Why the sample is out of distribution, when flagged (diagnosis from the per-mode scores and calibration). */
    readonly reason?: string;
  } | null;
  /** Reasons this prediction should not be trusted (empty when fine). */
  readonly flags: readonly string[];
  /** Absolute energy calibration per input (EELS), applied before the per-mode alignment. */
  readonly calibrations?: readonly InputCalibration[];
  /** Non-fatal notes (e.g. calibration fell back to the rigid per-mode shift). */
  readonly warnings?: readonly string[];
}

export interface PredictOptions extends PrepareOptions {
  /** Windows per mode for the attribution (default 8). */
  readonly windows?: number;
  /** Windows reported per target (default 3; 0 skips the attribution). */
  readonly topWindows?: number;
  /** Edge SNR below which a mode is flagged too noisy (default 5). */
  readonly minSnr?: number;
  /** See `QualityLimits.maxShiftSpread`. */
  readonly maxShiftSpread?: number;
  /** Monte Carlo draws of the measurement uncertainty (default 32; 0 = conformal interval only). */
  readonly measurementDraws?: number;
  /** Seed of the draws (default 1). */
  readonly seed?: number;
}

/** Technique of an input: option, then file metadata, then EELS (the spectrum-image case). */
function techniqueOf(s: Spectrum, o: PrepareOptions): Technique {
  return o.technique ?? s.meta.technique ?? 'EELS';
}

/** Every input whose energy range covers a mode's grid plus its pre-edge window, in the order given. */
export function coveringInputs(
  inputs: readonly MeasuredInput[],
  mode: string,
  grid: readonly [number, number, number],
  o: PrepareOptions = {},
): MeasuredInput[] {
  const [need0, need1] = requiredRange(mode, grid, o);
  return inputs.filter(
    (i) => i.spectrum.energy[0]! <= need0 && i.spectrum.energy[i.spectrum.energy.length - 1]! >= need1,
  );
}

/** The first input whose energy range covers a mode's grid plus its pre-edge window (same element first). */
export function pickInput(
  inputs: readonly MeasuredInput[],
  mode: string,
  grid: readonly [number, number, number],
  o: PrepareOptions = {},
): MeasuredInput | undefined {
  const [need0, need1] = requiredRange(mode, grid, o);
  const [el] = mode.split(':');
  const covers = (s: Spectrum) => s.energy[0]! <= need0 && s.energy[s.energy.length - 1]! >= need1;
  return (
    inputs.find((i) => covers(i.spectrum) && i.spectrum.meta.element === el) ??
    inputs.find((i) => covers(i.spectrum) && i.spectrum.meta.element === undefined) ??
    inputs.find((i) => covers(i.spectrum))
  );
}

export interface PreparedInput {
  readonly use: ModeUse;
  /** On the model grid, on the training scale (one factor per acquisition). */
  readonly intensity: Float64Array;
  readonly noiseSigma: number;
  readonly prepared: PreparedMode;
  /** The input as given (energy axis as recorded). */
  readonly input: MeasuredInput;
  readonly calibration: InputCalibration;
}

/**
 * Absolute energy calibration of one input (see `PrepareOptions.energyCalibration`): EELS only — an XAS axis is
 * set by the monochromator and its reference foil, not by edges of the sample.
 */
export function calibrateInput(
  input: MeasuredInput,
  o: PrepareOptions = {},
): { spectrum: Spectrum; calibration: InputCalibration } {
  const mode = o.energyCalibration ?? 'auto';
  const s = input.spectrum;
  if (mode === 'off' || techniqueOf(s, o) !== 'EELS')
    return { spectrum: s, calibration: { source: input.source, calibration: null, warnings: [] } };
  if (typeof mode === 'object')
    return {
      spectrum: { ...s, energy: applyEnergyCalibration(s.energy, mode) },
      calibration: { source: input.source, calibration: mode, warnings: [] },
    };
  const r = calibrateEelsAxis(s.energy, s.intensity);
  const warnings = r.warnings.map((w) => `${input.source}: ${w}`);
  return {
    spectrum: r.calibration ? { ...s, energy: applyEnergyCalibration(s.energy, r.calibration) } : s,
    calibration: { source: input.source, calibration: r.calibration, warnings },
  };
}

/** E_cal − E_recorded at the calibrated energy e (eV; 0 without a calibration). */
export function calibrationShiftAt(c: EnergyCalibration | null, e: number): number {
  return c ? e - (c.pivot + (e - c.offset - c.pivot) / c.dispersion) : 0;
}

export function prepareInputs(
  model: SfmModel,
  inputs: readonly MeasuredInput[],
  o: PrepareOptions = {},
): Map<string, PreparedInput> {
  const out = new Map<string, PreparedInput>();
  const raw: { mode: string; input: MeasuredInput; technique: Technique; p: PreparedMode }[] = [];
  // absolute calibration first: coverage and mode cut-outs are decided on the calibrated axes
  const calibrated = inputs.map((input) => ({ input, ...calibrateInput(input, o) }));
  const onAxis = calibrated.map((c) => ({ source: c.input.source, spectrum: c.spectrum }));
  const original = new Map(onAxis.map((c, k) => [c, calibrated[k]!]));
  for (const mode of model.modes) {
    const grid = model.grids[mode] as [number, number, number] | undefined;
    if (!grid)
      throw new SpecfuseError('invalid-argument', `the model has no grid for mode ${mode}`, { field: mode });
    // candidates: same element first, then the inputs with the most calibration features (a raw acquisition
    // holding every edge before an extracted, background-subtracted fragment), in the order given; the first that
    // can be prepared is used (a fragment without counts in the pre-edge window cannot)
    const [el] = mode.split(':');
    const nFeat = (i: MeasuredInput) => original.get(i)!.calibration.calibration?.features.length ?? 0;
    const covering = coveringInputs(onAxis, mode, grid, o)
      .map((i, k) => ({ i, k }))
      .sort(
        (a, b) =>
          Number(b.i.spectrum.meta.element === el) - Number(a.i.spectrum.meta.element === el) ||
          nFeat(b.i) - nFeat(a.i) ||
          a.k - b.k,
      )
      .map((x) => x.i);
    if (covering.length === 0) {
      const [a, b] = requiredRange(mode, grid, o);
      throw new SpecfuseError(
        'invalid-argument',
        `no input spectrum covers mode ${mode} (${a.toFixed(1)}–${b.toFixed(1)} eV: grid, pre-edge window and shift cap); the model needs ${model.modes.join(', ')}`,
        { field: mode },
      );
    }
    let firstError: SpecfuseError | undefined;
    let input: MeasuredInput | undefined;
    let technique: Technique = 'EELS';
    let p: PreparedMode | undefined;
    for (const cand of covering) {
      try {
        technique = techniqueOf(cand.spectrum, o);
        p = prepareMode(
          technique,
          cand.spectrum.energy,
          cand.spectrum.intensity,
          mode,
          grid,
          model.meanSpectra[mode],
          {
            ...o,
            scaleEach: false,
          },
        );
        input = cand;
        break;
      } catch (e) {
        if (!(e instanceof SpecfuseError)) throw e;
        firstError ??= e;
      }
    }
    if (!input || !p) throw firstError!;
    raw.push({ mode, input, technique, p });
  }
  const cal = (i: MeasuredInput) => original.get(i)!;
  // one scale factor per acquisition (modes cut from the same input keep their measured ratios)
  const scales = new Map<MeasuredInput, number>();
  for (const r of raw)
    if (!scales.has(r.input))
      scales.set(
        r.input,
        commonScale(
          raw
            .filter((x) => x.input === r.input)
            .map((x) => ({ intensity: x.p.intensity, reference: model.meanSpectra[x.mode] })),
        ),
      );
  for (const { mode, input, technique, p } of raw) {
    const k = scales.get(input)!;
    const c = cal(input);
    const g0 = (model.grids[mode] as [number, number, number])[0];
    const cShift = calibrationShiftAt(c.calibration.calibration, g0);
    out.set(mode, {
      intensity: Float64Array.from(p.intensity, (v) => v * k),
      noiseSigma: p.noiseSigma * k,
      prepared: p,
      input: c.input,
      calibration: c.calibration,
      use: {
        mode,
        source: input.source,
        technique,
        shift: p.shift,
        shiftAtCap: p.shiftAtCap,
        snr: p.snr,
        background: p.background,
        calibrationShift: cShift,
        ...(p.continuumStep ? { continuumStep: p.continuumStep } : {}),
      },
    });
  }
  return out;
}

/**
 * Parametric bootstrap of the measurement: a copy of every input with fresh noise (Poisson-like: variance
 * gain × intensity, the gain σ²/mean measured in the background windows; constant σ for XAS) and a jittered
 * background window (start up to 8 eV later, end up to 3 eV earlier), prepared again from scratch — so the draws
 * carry the counting noise, the background-extrapolation error and the alignment error together.
 */
export function perturbedPreparation(
  model: SfmModel,
  prepared: Map<string, PreparedInput>,
  o: PrepareOptions,
  rng: ReturnType<typeof makeRng>,
): Map<string, PreparedInput> {
  const noisy = new Map<MeasuredInput, MeasuredInput>();
  for (const p of prepared.values()) {
    if (noisy.has(p.input)) continue;
    const uses = [...prepared.values()].filter((x) => x.input === p.input);
    const y = p.input.spectrum.intensity;
    const xas = uses.every((u) => u.use.technique === 'XAS');
    const gains = uses.map((u) => u.prepared.gain).filter((g) => Number.isFinite(g) && g > 0);
    const gain = gains.length ? gains.sort((a, b) => a - b)[gains.length >> 1]! : Number.NaN;
    const sig = uses.map((u) => u.prepared.rawNoiseSigma).filter((v) => Number.isFinite(v) && v > 0);
    const sigma = sig.length ? sig.sort((a, b) => a - b)[sig.length >> 1]! : 0;
    const out = Float64Array.from(y, (v) => {
      const sd = !xas && Number.isFinite(gain) ? Math.sqrt(gain * Math.max(v, 0)) : sigma;
      return v + sd * rng.normal();
    });
    noisy.set(p.input, { source: p.input.source, spectrum: { ...p.input.spectrum, intensity: out } });
  }
  const windows: Record<string, readonly [number, number]> = {};
  for (const mode of model.modes) {
    const [w0, w1] = o.backgroundWindows?.[mode] ?? o.backgroundWindow ?? [-30, -3];
    const a = w0 + 8 * rng.next();
    const b = w1 - 3 * rng.next();
    windows[mode] = b - a > 5 ? [a, b] : [w0, w1];
  }
  const ordered = [...prepared.values()].map((p) => noisy.get(p.input)!);
  return prepareInputs(model, [...new Set(ordered)], { ...o, backgroundWindows: windows });
}

/**
 * Predict from spectra already on the model grids (one sample per entry), with window attributions and, when
 * `draws` (perturbed copies of the same spectra, per mode) are given, the measurement spread.
 */
export async function predictPrepared(
  model: SfmModel,
  spectra: Record<string, Float64Array>,
  o: PredictOptions = {},
  drawSpectra?: Readonly<Record<string, readonly Float64Array[]>>,
): Promise<Omit<PredictionResult, 'modes' | 'flags'>> {
  const nWin = o.windows ?? 8;
  const top = o.topWindows ?? 3;
  const draws = drawSpectra ? (drawSpectra[model.modes[0]!]?.length ?? 0) : 0;
  // one batch: the sample itself, one occluded copy per (mode, window), then the measurement draws
  const occl: { mode: string; lo: number; hi: number }[] = [];
  const bundle: SpectraBundle = {};
  for (const mode of model.modes) bundle[mode] = [spectra[mode]!];
  if (top > 0)
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
  for (let d = 0; d < draws; d++) for (const mode of model.modes) bundle[mode]!.push(drawSpectra![mode]![d]!);
  // per-mode OOD diagnosis: one row per mode with only that mode measured, the others at their training mean
  const single = model.modes.length > 1 && model.modes.every((m) => model.meanSpectra[m]);
  if (single)
    for (const mode of model.modes)
      for (const m2 of model.modes)
        bundle[m2]!.push(m2 === mode ? spectra[m2]! : Float64Array.from(model.meanSpectra[m2]!));
  const pred = await predictWithModel(model, bundle);
  const d0 = 1 + occl.length;
  const targets: TargetResult[] = pred.targets.map((t) => {
    const value = t.value[0]!;
    const contributions = occl.map((w, k) => ({ ...w, contribution: value - t.value[k + 1]! }));
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    const lo = t.lo?.[0];
    const hi = t.hi?.[0];
    let sd = 0;
    if (draws > 1) {
      let m = 0;
      for (let d = 0; d < draws; d++) m += t.value[d0 + d]!;
      m /= draws;
      let v = 0;
      for (let d = 0; d < draws; d++) v += (t.value[d0 + d]! - m) ** 2;
      sd = Math.sqrt(v / (draws - 1));
    }
    const hasIv = lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi);
    const q = hasIv ? (hi - lo) / 2 : 0;
    const half = Math.sqrt(q * q + (1.645 * sd) ** 2);
    return {
      target: t.target,
      task: t.task,
      value,
      ...(hasIv ? { interval: [value - half, value + half] as const, conformalHalfWidth: q } : {}),
      ...(draws > 1 ? { measurementSd: sd } : {}),
      ...(t.task === 'classification' ? { present: value >= 0.5 } : {}),
      topWindows: contributions.slice(0, top),
    };
  });
  const s0 = d0 + draws;
  const ood = pred.ood
    ? {
        score: pred.ood.score[0]!,
        threshold: pred.ood.threshold,
        flagged: pred.ood.flagged[0]!,
        ...(single
          ? { perMode: Object.fromEntries(model.modes.map((m, j) => [m, pred.ood!.score[s0 + j]!])) }
          : {}),
      }
    : null;
  return { targets, ood };
}

export interface QualityLimits {
  readonly minSnr?: number;
  /**
   * Largest spread (eV) of the alignment shifts of modes cut from one acquisition (default 2 eV). One spectrometer
   * calibration error shifts every edge alike (an offset) or smoothly (a dispersion error of a few 0.1 % moves edges
   * 200 eV apart by ≲ 1 eV), so edges of one spectrum that disagree by more point at a mis-locked correlation
   * (e.g. L3 matched onto L2), not at chemistry.
   */
  readonly maxShiftSpread?: number;
}

/** Reasons not to trust a prepared input (noise, alignment at the cap, OOD). */
export function qualityFlags(
  modes: readonly ModeUse[],
  ood: PredictionResult['ood'],
  o: QualityLimits = {},
): string[] {
  const flags: string[] = [];
  const minSnr = o.minSnr ?? 5;
  for (const m of modes) {
    if (!(m.snr >= minSnr))
      flags.push(`${m.mode}: edge signal-to-noise ${m.snr.toFixed(1)} < ${minSnr} (too noisy or vacuum)`);
    if (m.shiftAtCap)
      flags.push(`${m.mode}: alignment shift ${m.shift.toFixed(2)} eV at the ±cap (calibration suspect)`);
  }
  const spread = o.maxShiftSpread ?? 2;
  for (const src of new Set(modes.map((m) => m.source))) {
    const ms = modes.filter((m) => m.source === src);
    if (ms.length < 2) continue;
    const sh = ms.map((m) => m.shift);
    const d = Math.max(...sh) - Math.min(...sh);
    const calibrated = ms.some((m) => (m.calibrationShift ?? 0) !== 0);
    if (d > spread)
      flags.push(
        `alignment shifts of modes from one acquisition disagree by ${d.toFixed(2)} eV > ${spread} eV (${ms.map((m) => `${m.mode} ${m.shift.toFixed(2)}`).join(', ')}): ${calibrated ? 'the axis is already calibrated on reference features, so a simulated edge sits at another absolute energy than the literature (or a wrong feature was matched)' : 'calibrate the energy axis'}`,
      );
  }
  if (ood?.flagged)
    flags.push(`out of distribution: score ${ood.score.toFixed(2)} > threshold ${ood.threshold.toFixed(2)}`);
  return flags;
}

export async function predictMeasured(
  model: SfmModel,
  inputs: readonly MeasuredInput[],
  o: PredictOptions = {},
): Promise<PredictionResult> {
  const prepared = prepareInputs(model, inputs, o);
  const spectra: Record<string, Float64Array> = {};
  for (const [mode, p] of prepared) spectra[mode] = p.intensity;
  const nDraws = o.measurementDraws ?? 32;
  let draws: Record<string, Float64Array[]> | undefined;
  if (nDraws > 1) {
    draws = Object.fromEntries(model.modes.map((m) => [m, [] as Float64Array[]]));
    const rng = makeRng(o.seed ?? 1);
    for (let d = 0; d < nDraws; d++) {
      try {
        const q = perturbedPreparation(model, prepared, o, rng);
        for (const m of model.modes) draws[m]!.push(q.get(m)!.intensity);
      } catch (e) {
        // a draw whose background fit fails (window with no positive counts) is skipped
        if (!(e instanceof SpecfuseError)) throw e;
      }
    }
    if (draws[model.modes[0]!]!.length < 2) draws = undefined;
  }
  const r = await predictPrepared(model, spectra, o, draws);
  const modes = [...prepared.values()].map((p) => p.use);
  const calibrations = [...new Set([...prepared.values()].map((p) => p.calibration))];
  const ood = r.ood?.flagged
    ? { ...r.ood, reason: oodReason(r.ood, modes, calibrations, { spectra, model }) }
    : r.ood;
  return {
    modes,
    targets: r.targets,
    ood,
    flags: qualityFlags(modes, ood, o),
    calibrations,
    warnings: calibrations.flatMap((c) => c.warnings),
  };
}

/** Mean of the last 10 % of a spectrum relative to its maximum. */
const tailLevel = (x: ArrayLike<number>): number => tailFraction(x, 0.1);

/**
 * Why a sample is out of distribution, from what was measured: whether the energy axis was calibrated and the
 * modes align within the cap (then the axis is not the cause), and which modes carry the distance (per-mode
 * scores above the threshold) — a measured line shape that no simulated spectrum resembles is a
 * simulation-versus-measurement gap (missing physics or broadening in the simulations, or a material outside the
 * candidate structures), not something the alignment can fix.
 */
export function oodReason(
  ood: NonNullable<PredictionResult['ood']>,
  modes: readonly ModeUse[],
  calibrations: readonly InputCalibration[],
  shapes?: { readonly spectra: Readonly<Record<string, ArrayLike<number>>>; readonly model: SfmModel },
): string {
  const parts: string[] = [];
  const cal = calibrations.filter((c) => c.calibration);
  if (cal.length)
    parts.push(
      `energy axis calibrated (${cal
        .map(
          (c) =>
            `offset ${c.calibration!.offset.toFixed(2)} eV at ${c.calibration!.pivot.toFixed(0)} eV, dispersion ×${c.calibration!.dispersion.toFixed(4)} from ${c.calibration!.features.map((f) => f.name).join(', ')}`,
        )
        .join('; ')})`,
    );
  else parts.push('energy axis NOT calibrated (no reference features found): a wrong axis may cause this');
  const capped = modes.filter((m) => m.shiftAtCap);
  if (capped.length)
    parts.push(
      cal.length
        ? `alignment at the cap for ${capped.map((m) => m.mode).join(', ')} although the axis is calibrated: the simulated edge lies at another absolute energy than the literature-calibrated measurement (an engine without absolute calibration), so the shapes are compared misaligned`
        : `alignment at the cap for ${capped.map((m) => m.mode).join(', ')}: the axis may still be off`,
    );
  else
    parts.push(
      `residual alignment shifts ${modes.map((m) => `${m.mode} ${m.shift >= 0 ? '+' : ''}${m.shift.toFixed(2)}`).join(', ')} eV (within the cap)`,
    );
  if (ood.perMode) {
    const ranked = Object.entries(ood.perMode).sort((a, b) => b[1] - a[1]);
    const over = ranked.filter(([, v]) => v > ood.threshold);
    parts.push(
      `per-mode scores ${ranked.map(([m, v]) => `${m} ${v.toFixed(1)}`).join(', ')} (threshold ${ood.threshold.toFixed(2)})`,
    );
    // a measured core-loss edge keeps a continuum step above the white lines / near-edge peaks (transitions into
    // the continuum, plural scattering); a simulation without it falls to ~0 there: compare the level of the last
    // 10 % of the grid relative to the maximum, measured vs training mean
    if (shapes)
      for (const [m] of over) {
        const x = shapes.spectra[m];
        const r = shapes.model.meanSpectra[m];
        if (!x || !r) continue;
        const tx = tailLevel(x);
        const tr = tailLevel(r);
        if (tx > 0.15 && tx > 3 * tr)
          parts.push(
            `${m}: the measured edge keeps ${(100 * tx).toFixed(0)} % of its maximum at the end of the grid, the training mean ${(100 * tr).toFixed(0)} % — the simulations lack the continuum step${modes.find((u) => u.mode === m)?.continuumStep?.applied === false ? ' (continuum-step removal is off: --continuum-step auto|on)' : ''}`,
          );
      }
    const removed = over.filter(([m]) => modes.find((u) => u.mode === m)?.continuumStep?.applied);
    if (removed.length)
      parts.push(
        `${removed.map(([m]) => m).join(', ')}: continuum step already removed (2:1 double arctan, ${removed.map(([m]) => `${m} ${(100 * modes.find((u) => u.mode === m)!.continuumStep!.relHeight).toFixed(0)} % of the maximum`).join(', ')}), so the remaining distance is in the white-line shapes themselves`,
      );
    if (over.length)
      parts.push(
        `${over.map(([m]) => m).join(', ')} alone ${over.length > 1 ? 'are' : 'is'} outside the training spectra: the measured line shape differs from every simulated one (simulation-vs-measurement gap)${cal.length && !capped.length ? ', not an energy-axis error' : ''}`,
      );
    else
      parts.push(
        'no single mode is outside on its own: the combination of edges (e.g. their intensity ratios) is what no training sample shows',
      );
  }
  return parts.join('; ');
}
