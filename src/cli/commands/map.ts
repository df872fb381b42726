import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { type MapResult, mapSpectrumImage } from '../../infer/index.js';
import { plotHeatmap, svgToPng } from '../../io/plot/index.js';
import { readSpectra } from '../../io/spectra/read.js';
import { loadModelFile } from '../../ml/model-file.js';
import { makeOutput, numberOption } from '../context.js';
import { type InferFlags, addInferOptions, inferOptions, predictionText } from './predict.js';

/**
 * `specfuse map SI --model M [--bin 2] -o OUTDIR`: per-pixel predictions of a spectrum image with intervals and
 * quality flags; PNG heat maps with colour bars, the arrays as JSON, and a summary comparing the mean over the
 * unflagged pixels with the prediction on the summed spectrum. Existing files are never replaced without --force.
 */

export interface MapFigure {
  readonly key: string;
  readonly title: string;
  readonly svg: string;
}

/** Heat maps of a map result: one per target, the flags, the OOD score and the interval half-width. */
export async function mapFigures(r: MapResult, name: string): Promise<MapFigure[]> {
  const [ny, nx] = r.shape;
  const nFlag = r.flagged.reduce((a, b) => a + b, 0);
  const figs: MapFigure[] = [];
  for (const l of r.layers) {
    const title = `${name}: ${l.target}${l.task === 'classification' ? ' (probability)' : ''}`;
    figs.push({
      key: l.target,
      title,
      svg: await plotHeatmap(l.value, nx, ny, {
        title: `${title}; ${nFlag}/${r.flagged.length} pixels flagged`,
        colorbarLabel: l.task === 'classification' ? `P(${l.target})` : l.target,
        ...(l.task === 'classification' ? { domain: [0, 1] as const } : {}),
      }),
    });
  }
  figs.push({
    key: 'flags',
    title: `${name}: flagged pixels`,
    svg: await plotHeatmap(Float64Array.from(r.flagged), nx, ny, {
      title: `${name}: flagged pixels (1 = too noisy/vacuum, misaligned or out of distribution)`,
      colorbarLabel: 'flagged',
      domain: [0, 1],
      scheme: 'reds',
    }),
  });
  if (r.oodScore.some(Number.isFinite))
    figs.push({
      key: 'ood',
      title: `${name}: OOD score`,
      svg: await plotHeatmap(
        Float64Array.from(r.oodScore, (v) => (v > 0 ? Math.log10(v) : Number.NaN)),
        nx,
        ny,
        {
          title: `${name}: log10 OOD score (threshold ${r.summed.ood ? Math.log10(r.summed.ood.threshold).toFixed(2) : '?'})`,
          colorbarLabel: 'log10 OOD score',
          scheme: 'magma',
        },
      ),
    });
  return figs;
}

/** Plain-JSON form of a map (typed arrays as arrays, NaN as null). */
export function mapJson(r: MapResult): Record<string, unknown> {
  const arr = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
  return {
    shape: r.shape,
    bin: r.bin,
    layout: 'row-major [ny][nx]; null = pixel not predicted',
    layers: r.layers.map((l) => ({
      target: l.target,
      task: l.task,
      value: arr(l.value),
      lo: arr(l.lo),
      hi: arr(l.hi),
    })),
    flagged: Array.from(r.flagged),
    flags: r.flags,
    oodScore: arr(r.oodScore),
    shifts: Object.fromEntries(Object.entries(r.shifts).map(([k, v]) => [k, arr(v)])),
    snr: Object.fromEntries(Object.entries(r.snr).map(([k, v]) => [k, arr(v)])),
  };
}

export function mapSummary(r: MapResult): Record<string, unknown> {
  return {
    shape: r.shape,
    bin: r.bin,
    pixels: r.flagged.length,
    flaggedPixels: r.flagged.reduce((a, b) => a + b, 0),
    comparison: r.comparison,
    calibration: r.calibration,
    summed: r.summed,
  };
}

function comparisonText(r: MapResult): string {
  const lines = [
    `map ${r.shape[1]}×${r.shape[0]} (bin ${r.bin}), ${r.flagged.reduce((a, b) => a + b, 0)} of ${r.flagged.length} pixels flagged`,
  ];
  for (const c of r.comparison) {
    const iv = c.summedInterval;
    const unflagged = Number.isFinite(c.pixelMean)
      ? `${c.pixelMean.toFixed(3)}${iv ? (c.withinInterval ? ' (within)' : ' (outside)') : ''}`
      : 'n/a';
    lines.push(
      `  ${c.target}: mean over ${c.unflaggedPixels} unflagged pixels ${unflagged}; over all predicted pixels ${c.allPixelMean.toFixed(3)}${iv ? (c.allWithinInterval ? ' (within)' : ' (outside)') : ''}; summed spectrum ${c.summed.toFixed(3)}${iv ? ` [${iv[0].toFixed(3)}, ${iv[1].toFixed(3)}]` : ''}`,
    );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  addInferOptions(
    program
      .command('map')
      .description(
        'map local structure pixel by pixel over a STEM-EELS spectrum image (PNG heat maps + JSON arrays)',
      )
      .argument('<image>', 'spectrum image (DM3/DM4…)')
      .requiredOption('--model <file>', 'model file (.sfm)')
      .requiredOption('-o, --output <dir>', 'output folder')
      .option('--bin <n>', 'navigation binning factor (default 1)')
      .option('--force', 'replace existing output files')
      .option('--json', 'one JSON document on stdout'),
  ).action(
    async (
      image: string,
      o: InferFlags & { align?: boolean; output?: string; bin?: string; force?: boolean },
    ) => {
      const out = makeOutput(Boolean(o.json));
      const opts = inferOptions(o);
      const bin = numberOption(o.bin, 'bin', { min: 1, integer: true }) ?? 1;
      const model = loadModelFile(resolve(o.model as string));
      const r0 = readSpectra(resolve(image));
      const si = r0.value.image;
      if (!si)
        throw new SpecfuseError(
          'invalid-argument',
          'the file holds no spectrum image (use `specfuse predict` for single spectra)',
          {
            file: image,
          },
        );
      const dir = resolve(o.output as string);
      const base = basename(image).replace(/\.[^.]+$/, '');
      const targets = model.targets.map((t) => t.target);
      const planned = [
        join(dir, `${base}.map.json`),
        join(dir, `${base}.summary.json`),
        ...[...targets, 'flags', 'ood'].map((k) => join(dir, `${base}.${k}.png`)),
      ];
      if (!o.force) {
        const clash = planned.find((f) => existsSync(f));
        if (clash)
          throw new SpecfuseError(
            'invalid-argument',
            'refusing to overwrite an existing file (use --force)',
            { file: clash },
          );
      }
      out.info(`mapping ${si.navShape.join('×')} pixels (bin ${bin}) with ${model.modes.join(', ')}`);
      const r = await mapSpectrumImage(model, si, { ...opts, bin });
      mkdirSync(dir, { recursive: true });
      const written: string[] = [];
      writeFileSync(planned[0]!, `${JSON.stringify(mapJson(r))}\n`);
      writeFileSync(planned[1]!, `${JSON.stringify(mapSummary(r), null, 2)}\n`);
      written.push(planned[0]!, planned[1]!);
      for (const fig of await mapFigures(r, base)) {
        const f = join(dir, `${base}.${fig.key}.png`);
        writeFileSync(f, svgToPng(fig.svg));
        written.push(f);
      }
      out.result({ ...mapSummary(r), files: written }, () =>
        [comparisonText(r), 'summed spectrum:', predictionText(r.summed), `wrote ${written.join(', ')}`].join(
          '\n',
        ),
      );
    },
  );
}
