import { SpecfuseError } from '../core/errors.js';
import type { SpectraBundle } from '../ml/data.js';
import { type SfmModel, predictWithModel } from '../ml/model-file.js';
import { binNavigation, regionSum } from '../preprocess/spectrum-image.js';
import { imageEnergyAxis, makeSpectrum, pixelCount } from '../spectrum/spectrum.js';
import type { SpectrumImage } from '../spectrum/types.js';
import {
  type ModeUse,
  type PredictOptions,
  type PredictionResult,
  predictMeasured,
  qualityFlags,
} from './predict.js';
import { commonScale, prepareMode, requiredRange } from './prepare.js';

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
 */
export interface MapOptions extends PredictOptions {
  /** Navigation binning factor applied along every navigation axis (default 1). */
  readonly bin?: number;
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
  const energy = imageEnergyAxis(si);
  const technique = o.technique ?? si.meta.technique ?? 'EELS';
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
  // 1. prepare every pixel (per-pixel failures become flags)
  const ok: number[] = [];
  const uses: ModeUse[][] = [];
  const bundle: SpectraBundle = {};
  for (const mode of model.modes) bundle[mode] = [];
  const c = si.channels;
  for (let p = 0; p < n; p++) {
    const y = si.data.subarray(p * c, (p + 1) * c);
    try {
      const prepared = model.modes.map((mode) => {
        const grid = model.grids[mode] as [number, number, number];
        return prepareMode(technique, energy, y, mode, grid, model.meanSpectra[mode], {
          ...o,
          scaleEach: false,
        });
      });
      const k = commonScale(
        prepared.map((pm) => ({ intensity: pm.intensity, reference: model.meanSpectra[pm.mode] })),
      );
      const use: ModeUse[] = prepared.map((pm) => ({
        mode: pm.mode,
        source: `pixel ${p}`,
        technique,
        shift: pm.shift,
        shiftAtCap: pm.shiftAtCap,
        snr: pm.snr,
        background: pm.background,
      }));
      for (const pm of prepared) {
        const x = pm.intensity; // fresh array owned here: scaled in place
        for (let i = 0; i < x.length; i++) {
          if (!Number.isFinite(x[i]!))
            throw new SpecfuseError('invalid-argument', `${pm.mode}: non-finite intensity after preparation`);
          x[i]! *= k;
        }
      }
      prepared.forEach((pm) => {
        bundle[pm.mode]!.push(pm.intensity);
        shifts[pm.mode]![p] = pm.shift;
        snr[pm.mode]![p] = pm.snr;
      });
      ok.push(p);
      uses.push(use);
    } catch (e) {
      if (!(e instanceof SpecfuseError)) throw e;
      flags[p]!.push(e.message);
      flagged[p] = 1;
    }
  }
  // 2. one batch prediction over the prepared pixels
  if (ok.length > 0) {
    const pred = await predictWithModel(model, bundle);
    pred.targets.forEach((t, k) => {
      const l = layers[k]!;
      ok.forEach((p, j) => {
        l.value[p] = t.value[j]!;
        if (t.lo && t.hi) {
          l.lo[p] = t.lo[j]!;
          l.hi[p] = t.hi[j]!;
        }
      });
    });
    ok.forEach((p, j) => {
      const ood = pred.ood
        ? { score: pred.ood.score[j]!, threshold: pred.ood.threshold, flagged: pred.ood.flagged[j]! }
        : null;
      if (ood) oodScore[p] = ood.score;
      const f = qualityFlags(uses[j]!, ood, o);
      flags[p]!.push(...f);
      flagged[p] = f.length > 0 ? 1 : 0;
    });
  }
  // 3. the summed spectrum, with the full treatment
  const sum = regionSum(si, new Uint8Array(n).fill(1));
  const sumSpectrum = makeSpectrum(energy, sum.intensity, { ...si.meta, label: 'sum of all pixels' });
  const summed = await predictMeasured(model, [{ source: 'sum of all pixels', spectrum: sumSpectrum }], o);
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
  };
}
