import { SpecfuseError } from '../core/errors.js';
import type { SfmModel } from '../ml/model-file.js';
import { binNavigation, regionSum } from '../preprocess/spectrum-image.js';
import { imageEnergyAxis, makeSpectrum, pixelCount, pixelSpectrum } from '../spectrum/spectrum.js';
import type { SpectrumImage } from '../spectrum/types.js';
import { type PredictOptions, type PredictionResult, predictMeasured } from './predict.js';

/**
 * Pixel-by-pixel local structure from a STEM-EELS spectrum image: optional navigation binning (signal-to-noise
 * grows as √(pixels per bin) for Poisson counts), then every (binned) pixel goes through the same measured-data
 * pipeline as a single spectrum (`predictMeasured`). A pixel whose edges are too noisy (vacuum, thin regions) or
 * whose spectrum is out of the training distribution is flagged and its values are kept but marked, never silently
 * reported as a prediction. The summed spectrum of all pixels is predicted too, as a consistency check: for a
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

export interface MapResult {
  /** Navigation shape after binning, [ny, nx]. */
  readonly shape: readonly [number, number];
  readonly bin: number;
  readonly layers: readonly MapLayer[];
  /** Per pixel: reasons not to trust it (empty list = fine). */
  readonly flags: readonly (readonly string[])[];
  readonly flagged: Uint8Array;
  readonly oodScore: Float64Array;
  /** Prediction on the sum of all pixels. */
  readonly summed: PredictionResult;
  /** Mean over unflagged pixels per target (NaN if none). */
  readonly pixelMean: Readonly<Record<string, number>>;
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
      {
        field: 'navShape',
      },
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
  const targets = model.targets.map((t) => ({ target: t.target, task: t.task }));
  const layers = targets.map((t) => ({
    ...t,
    value: new Float64Array(n).fill(Number.NaN),
    lo: new Float64Array(n).fill(Number.NaN),
    hi: new Float64Array(n).fill(Number.NaN),
  }));
  const flags: string[][] = [];
  const flagged = new Uint8Array(n);
  const oodScore = new Float64Array(n).fill(Number.NaN);
  for (let p = 0; p < n; p++) {
    const spectrum = pixelSpectrum(si, p);
    try {
      const r = await predictMeasured(model, [{ source: `pixel ${p}`, spectrum }], { ...o, topWindows: 0 });
      r.targets.forEach((t, k) => {
        layers[k]!.value[p] = t.value;
        if (t.interval) {
          layers[k]!.lo[p] = t.interval[0];
          layers[k]!.hi[p] = t.interval[1];
        }
      });
      if (r.ood) oodScore[p] = r.ood.score;
      flags.push([...r.flags]);
      flagged[p] = r.flags.length > 0 ? 1 : 0;
    } catch (e) {
      if (!(e instanceof SpecfuseError)) throw e;
      flags.push([e.message]);
      flagged[p] = 1;
    }
  }
  const sum = regionSum(si, new Uint8Array(n).fill(1));
  const sumSpectrum = makeSpectrum(imageEnergyAxis(si), sum.intensity, {
    ...si.meta,
    label: 'sum of all pixels',
  });
  const summed = await predictMeasured(model, [{ source: 'sum of all pixels', spectrum: sumSpectrum }], o);
  const pixelMean: Record<string, number> = {};
  for (const l of layers) {
    let s = 0;
    let c = 0;
    for (let p = 0; p < n; p++)
      if (!flagged[p] && Number.isFinite(l.value[p]!)) {
        s += l.value[p]!;
        c++;
      }
    pixelMean[l.target] = c > 0 ? s / c : Number.NaN;
  }
  return { shape: [ny, nx], bin, layers, flags, flagged, oodScore, summed, pixelMean };
}
