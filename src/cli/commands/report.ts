import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { TopLevelSpec } from 'vega-lite';
import { SpecfuseError } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import {
  type MapResult,
  type PredictionResult,
  gridOf,
  mapSpectrumImage,
  predictMeasured,
  prepareInputs,
} from '../../infer/index.js';
import { plotSpectra, renderVegaLite } from '../../io/plot/index.js';
import { readSpectra } from '../../io/spectra/read.js';
import { type MlDataset, loadParquetDataset } from '../../ml/index.js';
import { type SfmModel, loadModelFile } from '../../ml/model-file.js';
import { makeOutput, numberOption } from '../context.js';
import { mapFigures } from './map.js';
import { type InferFlags, addInferOptions, inferOptions, readInputs } from './predict.js';

/**
 * `specfuse report --model M FILE… [--map SI] [--dataset D.parquet] -o report.html`: one self-contained HTML file
 * (inline SVG, no external resources) with, per mode, the prepared measured spectrum against the training mean
 * and — with the training dataset (`--dataset`, or the path stored in the model's provenance) — the nearest
 * simulated spectrum (Euclidean distance on the model grid, all modes together) and its labels; predictions with
 * intervals; window-attribution plots; maps; and the model's evaluation table.
 */

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const f3 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : '–');

interface Neighbour {
  readonly index: number;
  readonly id: string;
  readonly distance: number;
  readonly labels: Record<string, number>;
}

/** Nearest training sample to the prepared spectra (sum of per-mode squared distances on the grids). */
function nearest(
  ds: MlDataset,
  model: SfmModel,
  spectra: Record<string, Float64Array>,
): Neighbour | undefined {
  for (const m of model.modes)
    if (!ds.modes[m] || ds.modes[m]!.grid.length !== spectra[m]!.length) return undefined;
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ds.ids.length; i++) {
    let d = 0;
    for (const m of model.modes) {
      const x = ds.modes[m]!.X[i]!;
      const y = spectra[m]!;
      for (let k = 0; k < y.length; k++) d += (x[k]! - y[k]!) ** 2;
    }
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) return undefined;
  const labels: Record<string, number> = {};
  for (const [k, v] of Object.entries(ds.labels)) labels[k] = v[best]!;
  return { index: best, id: ds.ids[best]!, distance: Math.sqrt(bestD), labels };
}

function predictionTable(p: PredictionResult): string {
  const rows = p.targets
    .map((t) => {
      const v =
        t.task === 'classification'
          ? `p = ${f3(t.value)} (${t.present ? 'present' : 'absent'})`
          : f3(t.value);
      const iv = t.interval ? `[${f3(t.interval[0])}, ${f3(t.interval[1])}]` : '–';
      const w = t.topWindows
        .slice(0, 3)
        .map((x) => `${esc(x.mode)} ${x.lo.toFixed(1)}–${x.hi.toFixed(1)} eV`)
        .join('; ');
      return `<tr><th scope="row">${esc(t.target)}</th><td>${v}</td><td>${iv}</td><td>${f3(t.conformalHalfWidth)}</td><td>${f3(t.measurementSd)}</td><td>${w}</td></tr>`;
    })
    .join('\n');
  return `<table class="predictions"><thead><tr><th>target</th><th>prediction</th><th>90 % interval</th><th>conformal ±q</th><th>measurement sd</th><th>top energy windows</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** The absolute energy calibration of every input: offset, dispersion and the reference features used. */
function calibrationHtml(p: PredictionResult): string {
  const parts = (p.calibrations ?? []).map((c) => {
    if (!c.calibration)
      return `<p>Energy axis of <code>${esc(c.source)}</code> used as recorded (no absolute calibration)${c.warnings.length ? `: ${esc(c.warnings.join('; '))}` : ''}.</p>`;
    const k = c.calibration;
    const feats = k.features
      .map(
        (f) =>
          `<li>${esc(f.name)}: found at ${f.measured.toFixed(2)} eV, literature ${f.reference} ± ${f.uncertainty} eV (${esc(f.citation)}); shift ${f.shift.toFixed(2)} eV, residual ${f.residual.toFixed(2)} eV</li>`,
      )
      .join('');
    const rej = k.rejected.length
      ? `<li>not used: ${k.rejected.map((r) => `${esc(r.name)} (${esc(r.reason)})`).join('; ')}</li>`
      : '';
    return `<p>Energy calibration of <code>${esc(c.source)}</code> (${k.method}, applied before the per-mode alignment): E = E<sub>rec</sub> + ${k.offset.toFixed(2)} eV + (${k.dispersion.toFixed(4)} − 1)·(E<sub>rec</sub> − ${k.pivot.toFixed(1)} eV).</p><ul class="calibration">${feats}${rej}</ul>`;
  });
  return parts.length ? `<div class="calibration">${parts.join('')}</div>` : '';
}

function modesTable(p: PredictionResult): string {
  const rows = p.modes
    .map(
      (m) =>
        `<tr><th scope="row">${esc(m.mode)}</th><td>${esc(m.source)}</td><td>${m.technique}</td><td>${m.shift.toFixed(2)}${m.shiftAtCap ? ' (at cap)' : ''}</td><td>${m.snr.toFixed(1)}</td><td>${m.background.method} ${m.background.window[0].toFixed(1)}–${m.background.window[1].toFixed(1)} eV</td><td>${(100 * m.background.relResidual).toFixed(2)} %</td><td>${Number.isFinite(m.background.chi2nu) ? m.background.chi2nu.toFixed(1) : '–'}</td></tr>`,
    )
    .join('\n');
  const ood = p.ood
    ? `<p>Out-of-distribution score ${p.ood.score.toPrecision(4)} (threshold ${p.ood.threshold.toFixed(2)})${p.ood.flagged ? ': <strong>flagged</strong>' : ''}.${p.ood.reason ? ` Why: ${esc(p.ood.reason)}.` : ''}</p>`
    : '';
  const flags = p.flags.length
    ? `<ul class="flags">${p.flags.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`
    : '<p>No quality flags.</p>';
  return `${calibrationHtml(p)}<table class="modes"><thead><tr><th>mode</th><th>source</th><th>technique</th><th>shift (eV)</th><th>edge S/N</th><th>background fit</th><th>fit residual</th><th>χ²/ν</th></tr></thead><tbody>\n${rows}\n</tbody></table>${ood}${flags}`;
}

async function importancePlot(p: PredictionResult): Promise<string[]> {
  const out: string[] = [];
  for (const t of p.targets) {
    if (t.topWindows.length === 0) continue;
    const values = t.topWindows.map((w) => ({
      window: `${w.mode} ${w.lo.toFixed(0)}–${w.hi.toFixed(0)}`,
      mode: w.mode,
      lo: w.lo,
      contribution: w.contribution,
    }));
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `${t.target}: prediction − prediction with the window replaced by the training mean`,
      background: 'white',
      width: 520,
      height: { step: 14 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'window', type: 'nominal', sort: { field: 'lo' }, title: 'energy window (eV)' },
        x: { field: 'contribution', type: 'quantitative', title: 'contribution' },
        color: { field: 'mode', type: 'nominal' },
      },
    } as unknown as TopLevelSpec;
    out.push(
      `<figure class="plot importance" data-target="${esc(t.target)}">${await renderVegaLite(spec)}</figure>`,
    );
  }
  return out;
}

function metricCell(v: unknown): string {
  if (typeof v === 'number') return f3(v);
  if (v && typeof v === 'object' && 'value' in v) {
    const c = v as { value: number; lo?: number; hi?: number };
    return `${f3(c.value)}${c.lo !== undefined && c.hi !== undefined ? ` [${f3(c.lo)}, ${f3(c.hi)}]` : ''}`;
  }
  return esc(JSON.stringify(v));
}

/** The model's evaluation (target → metric → value or {value, lo, hi}) as a table; a note when absent. */
function evaluationTable(model: SfmModel): string {
  const m = model.metrics as Record<string, unknown> | undefined;
  const table = (m && typeof m === 'object' && 'table' in m ? m.table : m) as
    | Record<string, Record<string, unknown>>
    | undefined;
  if (!table || typeof table !== 'object' || Object.keys(table).length === 0)
    return '<p id="evaluation-missing">The model file stores no evaluation.</p>';
  const metrics = [
    ...new Set(Object.values(table).flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : []))),
  ];
  const rows = Object.entries(table)
    .map(
      ([t, r]) =>
        `<tr><th scope="row">${esc(t)}</th>${metrics.map((k) => `<td>${r && k in r ? metricCell(r[k]) : '–'}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table id="evaluation-table"><thead><tr><th>target</th>${metrics.map((k) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody>\n${rows}\n</tbody></table><p>Cross-validated on simulated structures (grouped by structure); brackets: bootstrap intervals where stored.</p>`;
}

export interface ReportInput {
  readonly model: SfmModel;
  readonly modelFile: string;
  readonly files: readonly string[];
  readonly prediction: PredictionResult;
  readonly spectra: Record<string, Float64Array>;
  readonly neighbour?: Neighbour;
  /** The nearest neighbour's spectra per mode. */
  readonly datasetX?: Record<string, Float64Array>;
  readonly datasetNote: string;
  readonly map?: { readonly file: string; readonly result: MapResult };
}

export async function reportHtml(r: ReportInput): Promise<string> {
  const { model } = r;
  const spectraFigs: string[] = [];
  for (const mode of model.modes) {
    const grid = gridOf(model.grids[mode] as [number, number, number]);
    const series = [
      { energy: grid, intensity: r.spectra[mode]!, label: 'measured (prepared)' },
      { energy: grid, intensity: Float64Array.from(model.meanSpectra[mode] ?? []), label: 'training mean' },
    ];
    if (r.neighbour && r.neighbour.index >= 0 && r.datasetX?.[mode])
      series.push({
        energy: grid,
        intensity: r.datasetX[mode]!,
        label: `nearest simulated (${r.neighbour.id})`,
      });
    spectraFigs.push(
      `<figure class="plot spectrum" data-mode="${esc(mode)}">${await plotSpectra(series, {
        title: `${mode}: measured vs simulated`,
        width: 520,
        height: 280,
        yLabel: 'intensity (training scale)',
      })}</figure>`,
    );
  }
  const imp = await importancePlot(r.prediction);
  let mapHtml = '';
  if (r.map) {
    const name = basename(r.map.file);
    const figs = await mapFigures(r.map.result, name);
    const cmp = r.map.result.comparison
      .map(
        (c) =>
          `<tr><th scope="row">${esc(c.target)}</th><td>${f3(c.pixelMean)} (${c.unflaggedPixels} px)</td><td>${f3(c.allPixelMean)}</td><td>${f3(c.summed)}</td><td>${c.summedInterval ? `[${f3(c.summedInterval[0])}, ${f3(c.summedInterval[1])}]` : '–'}</td><td>${c.withinInterval === undefined ? '–' : c.withinInterval ? 'yes' : 'no'}</td></tr>`,
      )
      .join('\n');
    const nFlag = r.map.result.flagged.reduce((a, b) => a + b, 0);
    mapHtml = `<section id="maps"><h2>Map: ${esc(name)}</h2><p>${r.map.result.shape[1]}×${r.map.result.shape[0]} pixels after binning ${r.map.result.bin}; ${nFlag} flagged.</p>
<table class="map-comparison"><thead><tr><th>target</th><th>mean over unflagged pixels</th><th>mean over all pixels</th><th>summed spectrum</th><th>its 90 % interval</th><th>unflagged mean within</th></tr></thead><tbody>\n${cmp}\n</tbody></table>
${figs.map((f) => `<figure class="plot map" data-key="${esc(f.key)}">${f.svg}</figure>`).join('\n')}</section>`;
  }
  const nb = r.neighbour
    ? `<p>Nearest simulated sample: <code>${esc(r.neighbour.id)}</code> (distance ${r.neighbour.distance.toPrecision(3)}); its labels (model targets): ${Object.entries(
        r.neighbour.labels,
      )
        .filter(([k]) => model.targets.some((t) => t.target === k))
        .map(([k, v]) => `${esc(k)} ${f3(v)}`)
        .join(', ')}.</p>`
    : `<p>${esc(r.datasetNote)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>specfuse measured-data report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:0.5em 0}th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}
thead th{background:#f0f0f0;text-align:center}tbody th{text-align:left}figure.plot{display:inline-block;margin:0.5em}
ul.flags{color:#a33}code{font-size:12px}
</style></head><body>
<h1>Local structure from measured spectra</h1>
<p>specfuse ${esc(VERSION)}, generated ${new Date().toISOString()}. Model <code>${esc(r.modelFile)}</code> (${esc(model.modelKind)}, modes ${model.modes.map(esc).join(', ')}, trained on ${model.trainSize} samples, ${esc(model.hash.slice(0, 19))}…). Inputs: ${r.files.map((f) => `<code>${esc(f)}</code>`).join(', ')}.</p>
<h2>Predictions</h2>
<div id="predictions">${predictionTable(r.prediction)}</div>
<h2>Preparation and quality</h2>
<div id="modes">${modesTable(r.prediction)}</div>
<h2>Measured vs simulated spectra</h2>
${nb}
<div id="spectra">${spectraFigs.join('\n')}</div>
<h2>Evidence: energy windows</h2>
<div id="importance">${imp.join('\n')}</div>
${mapHtml}
<h2>Model evaluation</h2>
${evaluationTable(model)}
</body></html>
`;
}

export function register(program: Command): void {
  addInferOptions(
    program
      .command('report')
      .description(
        'one self-contained HTML report: measured vs simulated spectra, predictions with intervals, evidence, maps, evaluation',
      )
      .argument('<files...>', 'measured spectra (several edges may share a file)')
      .requiredOption('--model <file>', 'model file (.sfm)')
      .requiredOption('-o, --output <file>', 'HTML file to write')
      .option('--map <image>', 'also map this spectrum image')
      .option('--bin <n>', 'navigation binning for the map (default 1)')
      .option(
        '--dataset <parquet>',
        'training dataset for the nearest simulated spectrum (default: the model provenance)',
      )
      .option('--force', 'replace an existing output file')
      .option('--json', 'one JSON document on stdout'),
  ).action(
    async (
      files: string[],
      o: InferFlags & {
        align?: boolean;
        output?: string;
        map?: string;
        bin?: string;
        dataset?: string;
        force?: boolean;
      },
    ) => {
      const out = makeOutput(Boolean(o.json));
      const opts = inferOptions(o);
      const bin = numberOption(o.bin, 'bin', { min: 1, integer: true }) ?? 1;
      const outFile = resolve(o.output as string);
      if (!o.force && existsSync(outFile))
        throw new SpecfuseError('invalid-argument', 'refusing to overwrite an existing file (use --force)', {
          file: outFile,
        });
      const modelFile = resolve(o.model as string);
      const model = loadModelFile(modelFile);
      const { inputs, warnings } = readInputs(files);
      for (const w of warnings) out.info(`warning: ${w}`);
      const prediction = await predictMeasured(model, inputs, { ...opts, topWindows: 1000 });
      const prepared = prepareInputs(model, inputs, opts);
      const spectra: Record<string, Float64Array> = {};
      for (const [m, p] of prepared) spectra[m] = p.intensity;
      // nearest simulated sample from the training dataset
      const prov = (model.provenance ?? {}) as Record<string, unknown>;
      const dsFile = o.dataset ?? (typeof prov.dataset === 'string' ? prov.dataset : undefined);
      let neighbour: Neighbour | undefined;
      let datasetX: Record<string, Float64Array> | undefined;
      let datasetNote =
        'No training dataset given (--dataset): the measured spectra are compared with the training mean only.';
      if (dsFile !== undefined) {
        if (!existsSync(dsFile)) {
          if (o.dataset !== undefined)
            throw new SpecfuseError('not-found', 'dataset file not found', { file: dsFile });
          datasetNote = `The training dataset named in the model (${dsFile}) is not present: compared with the training mean only.`;
        } else {
          const ds = await loadParquetDataset(dsFile);
          neighbour = nearest(ds, model, spectra);
          if (neighbour) {
            const idx = neighbour.index;
            datasetX = Object.fromEntries(model.modes.map((m) => [m, ds.modes[m]!.X[idx]!]));
          } else datasetNote = `The dataset ${dsFile} does not hold the model's modes on its grids.`;
        }
      }
      let map: ReportInput['map'];
      if (o.map !== undefined) {
        const si = readSpectra(resolve(o.map)).value.image;
        if (!si)
          throw new SpecfuseError('invalid-argument', 'the --map file holds no spectrum image', {
            file: o.map,
          });
        map = { file: o.map, result: await mapSpectrumImage(model, si, { ...opts, bin }) };
      }
      const html = await reportHtml({
        model,
        modelFile,
        files,
        prediction,
        spectra,
        ...(neighbour ? { neighbour } : {}),
        ...(datasetX ? { datasetX } : {}),
        datasetNote,
        ...(map ? { map } : {}),
      });
      writeFileSync(outFile, html);
      out.result(
        {
          report: outFile,
          bytes: Buffer.byteLength(html),
          flags: prediction.flags,
          ...(neighbour ? { nearest: neighbour } : {}),
        },
        `wrote ${outFile}`,
      );
    },
  );
}
