import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecfuseError } from '../core/errors.js';
import { type MapResult, mapSpectrumImage } from '../infer/map.js';
import { type PredictionResult, predictMeasured } from '../infer/predict.js';
import { plotHeatmap, svgToPng } from '../io/plot/index.js';
import { readSpectra } from '../io/spectra/read.js';
import type { SfmModel } from '../ml/model-file.js';
import { humanTarget } from './table.js';

/**
 * The main job's measured-data step: every spectrum file in a folder is read; single spectra that cover every
 * mode of the model are predicted, spectrum images are mapped pixel by pixel (PNG heat maps + JSON arrays).
 * Files that do not fit (another energy range, low-loss acquisitions, unreadable) are listed with the reason.
 */
export interface MeasuredFileResult {
  readonly file: string;
  readonly kind: 'spectrum' | 'image' | 'skipped';
  readonly reason?: string;
  /** The model used, and why earlier (more complete) models could not be (a mode the data does not cover). */
  readonly model?: string;
  readonly fallbackFrom?: readonly { readonly model: string; readonly reason: string }[];
  readonly prediction?: PredictionResult;
  readonly map?: {
    readonly shape: readonly [number, number];
    readonly bin: number;
    readonly flaggedPixels: number;
    readonly pixelMean: Readonly<Record<string, number>>;
    readonly summed: PredictionResult;
    readonly files: readonly string[];
    /** Absolute energy calibration found on the summed spectrum and applied to every pixel. */
    readonly calibration?: MapResult['calibration'];
  };
}

function plain(r: MapResult): Record<string, unknown> {
  return {
    shape: r.shape,
    bin: r.bin,
    layers: r.layers.map((l) => ({
      target: l.target,
      task: l.task,
      value: Array.from(l.value),
      lo: Array.from(l.lo),
      hi: Array.from(l.hi),
    })),
    flagged: Array.from(r.flagged),
    flags: r.flags,
    oodScore: Array.from(r.oodScore),
    pixelMean: r.pixelMean,
    calibration: r.calibration,
  };
}

export interface NamedModel {
  readonly name: string;
  readonly model: SfmModel;
}

/** A model needs a mode the data does not cover: the next (smaller) model may still apply. */
function isCoverageError(e: SpecfuseError): boolean {
  return /cover/.test(e.message);
}

export async function analyzeMeasuredFolder(
  models: readonly NamedModel[],
  dir: string,
  outDir: string,
  opts: { readonly bin?: number; readonly progress?: (msg: string) => void } = {},
): Promise<MeasuredFileResult[]> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new SpecfuseError('not-found', `cannot list the measured-data folder: ${(e as Error).message}`, {
      file: dir,
    });
  }
  const results: MeasuredFileResult[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    let parsed: ReturnType<typeof readSpectra>['value'];
    try {
      parsed = readSpectra(file).value;
    } catch (e) {
      results.push({ file, kind: 'skipped', reason: (e as Error).message });
      continue;
    }
    opts.progress?.(`${parsed.image ? 'mapping' : 'predicting'} ${name}`);
    const fallbackFrom: { model: string; reason: string }[] = [];
    for (const [k, nm] of models.entries())
      try {
        if (parsed.image) {
          const r = await mapSpectrumImage(nm.model, parsed.image, { bin: opts.bin ?? 1 });
          const base = name.replace(/\.[^.]+$/, '');
          const files: string[] = [];
          const json = join(outDir, `${base}.map.json`);
          writeFileSync(json, `${JSON.stringify(plain(r))}\n`);
          files.push(json);
          const nFlag = r.flagged.reduce((a, b) => a + b, 0);
          for (const l of r.layers) {
            const svg = await plotHeatmap(l.value, r.shape[1], r.shape[0], {
              title: `${base}: ${humanTarget(l.target)} (${nFlag} of ${r.flagged.length} pixels flagged: see the flags map)`,
              colorbarLabel: l.task === 'classification' ? 'probability' : humanTarget(l.target),
            });
            const png = join(outDir, `${base}.${l.target}.png`);
            writeFileSync(png, svgToPng(svg));
            files.push(png);
          }
          const flagSvg = await plotHeatmap(Float64Array.from(r.flagged), r.shape[1], r.shape[0], {
            title: `${base}: flagged pixels (1 = too noisy, misaligned or out of distribution)`,
            colorbarLabel: 'flagged',
            domain: [0, 1],
          });
          const flagPng = join(outDir, `${base}.flags.png`);
          writeFileSync(flagPng, svgToPng(flagSvg));
          files.push(flagPng);
          results.push({
            file,
            kind: 'image',
            model: nm.name,
            ...(fallbackFrom.length ? { fallbackFrom } : {}),
            map: {
              shape: r.shape,
              bin: r.bin,
              flaggedPixels: r.flagged.reduce((a, b) => a + b, 0),
              pixelMean: r.pixelMean,
              summed: r.summed,
              files,
              calibration: r.calibration,
            },
          });
        } else if (parsed.spectra.length > 0) {
          const prediction = await predictMeasured(
            nm.model,
            parsed.spectra.map((spectrum) => ({ source: file, spectrum })),
          );
          results.push({
            file,
            kind: 'spectrum',
            prediction,
            model: nm.name,
            ...(fallbackFrom.length ? { fallbackFrom } : {}),
          });
        } else results.push({ file, kind: 'skipped', reason: 'no spectrum in the file' });
        break;
      } catch (e) {
        if (!(e instanceof SpecfuseError)) throw e;
        if (isCoverageError(e) && k < models.length - 1) {
          fallbackFrom.push({ model: nm.name, reason: e.message });
          continue;
        }
        results.push({
          file,
          kind: 'skipped',
          reason: e.message,
          ...(fallbackFrom.length ? { fallbackFrom } : {}),
        });
        break;
      }
  }
  return results;
}
