import { VERSION } from '../core/version.js';
import { plotSpectra } from '../io/plot/index.js';
import { readFileSync } from 'node:fs';
import type { MlDataset } from '../ml/data.js';
import type { MeasuredFileResult } from './measured.js';
import { type StudyTable, formatCell, humanMode, humanTarget, verdicts } from './table.js';

/**
 * The study's report: one self-contained HTML file (inline SVG plots, no external resources) with the conclusion,
 * the single-vs-fused table, and the mean simulated spectrum of every mode per defect class.
 */

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const METRIC_LABEL: Record<string, string> = {
  r2: 'R²',
  mae: 'MAE',
  rmse: 'RMSE',
  accuracy: 'Accuracy',
  f1: 'F1',
  auc: 'AUC',
};

function tableHtml(table: StudyTable): string {
  const targets = table.targets.filter((t) => !t.skipped);
  const best = new Map<string, string>();
  for (const v of verdicts(table)) best.set(v.target, v.bestSingle.label);
  const head1 = targets
    .map((t) => `<th colspan="${t.metrics.length}">${escapeHtml(humanTarget(t.name))}</th>`)
    .join('');
  const head2 = targets.flatMap((t) => t.metrics.map((m) => `<th>${METRIC_LABEL[m] ?? m}</th>`)).join('');
  const body = table.rows
    .map((r) => {
      const cls = r.kind === 'single' ? 'single' : 'fusion';
      const cells = targets
        .flatMap((t) =>
          t.metrics.map((m) => {
            const mark = best.get(t.name) === r.label && r.kind === 'single' ? ' class="best"' : '';
            return `<td${mark}>${escapeHtml(formatCell(r.metrics[t.name]?.[m]))}</td>`;
          }),
        )
        .join('');
      return `<tr class="${cls}"><th scope="row">${escapeHtml(r.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<table id="evaluation-table"><thead><tr><th rowspan="2">modes</th>${head1}</tr><tr>${head2}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function classOf(ds: MlDataset, i: number): string {
  const ov = (ds.labels.o_vacancy?.[i] ?? 0) > 0.5;
  const as = (ds.labels.antisite?.[i] ?? 0) > 0.5;
  return ov && as ? 'O vacancy + antisite' : ov ? 'O vacancy' : as ? 'antisite' : 'pristine';
}

async function meanSpectraPlots(ds: MlDataset, modes: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const mode of modes) {
    const md = ds.modes[mode];
    if (!md || md.X.length === 0) continue;
    const groups = new Map<string, number[]>();
    md.X.forEach((_, i) => {
      const c = classOf(ds, i);
      groups.set(c, [...(groups.get(c) ?? []), i]);
    });
    const series = [...groups.entries()].map(([label, idx]) => {
      const mean = new Float64Array(md.grid.length);
      for (const i of idx) {
        const x = md.X[i]!;
        for (let k = 0; k < mean.length; k++) mean[k]! += x[k]! / idx.length;
      }
      return { energy: md.grid, intensity: mean, label: `${label} (n=${idx.length})` };
    });
    const svg = await plotSpectra(series, {
      title: `${humanMode(mode)}: mean simulated spectrum per defect class`,
      width: 520,
      height: 300,
    });
    out.push(`<figure class="plot" data-mode="${escapeHtml(mode)}">${svg}</figure>`);
  }
  return out;
}

export interface StudyReportInput {
  readonly title: string;
  readonly ds: MlDataset;
  readonly table: StudyTable;
  readonly conclusion: string;
  readonly modes: readonly string[];
  readonly excluded: readonly { mode: string; reason: string }[];
  readonly config: unknown;
  readonly measured?: readonly MeasuredFileResult[];
}

function predictionHtml(p: NonNullable<MeasuredFileResult['prediction']>): string {
  const rows = p.targets
    .map((t) => {
      const v =
        t.task === 'classification'
          ? `p = ${t.value.toFixed(2)} (${t.present ? 'present' : 'absent'})`
          : t.value.toFixed(3);
      const iv = t.interval ? `[${t.interval[0].toFixed(3)}, ${t.interval[1].toFixed(3)}]` : '–';
      const win = t.topWindows
        .map((w) => `${escapeHtml(w.mode)} ${w.lo.toFixed(1)}–${w.hi.toFixed(1)} eV`)
        .join('; ');
      return `<tr><th scope="row">${escapeHtml(humanTarget(t.target))}</th><td>${v}</td><td>${iv}</td><td>${win}</td></tr>`;
    })
    .join('');
  const flags = p.flags.length
    ? `<ul class="flags">${p.flags.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`
    : '<p>No quality flags.</p>';
  const cal = (p.calibrations ?? [])
    .map((c) =>
      c.calibration
        ? `energy calibration (${c.calibration.method}: ${c.calibration.features.map((f) => escapeHtml(f.name)).join(', ')}): offset ${c.calibration.offset.toFixed(2)} eV at ${c.calibration.pivot.toFixed(0)} eV, dispersion ×${c.calibration.dispersion.toFixed(4)}`
        : 'energy axis used as recorded',
    )
    .join('; ');
  const shifts = `${cal ? `${cal}. ` : ''}${p.modes
    .map((m) => `${escapeHtml(m.mode)}: shift ${m.shift.toFixed(2)} eV, edge S/N ${m.snr.toFixed(1)}`)
    .join('; ')}${p.ood?.reason ? `. Out of distribution: ${escapeHtml(p.ood.reason)}` : ''}`;
  return `<table class="prediction"><thead><tr><th>target</th><th>prediction</th><th>90 % interval</th><th>top energy windows</th></tr></thead><tbody>${rows}</tbody></table><p>${shifts}</p>${flags}`;
}

function measuredHtml(results: readonly MeasuredFileResult[]): string {
  return results
    .map((r) => {
      const name = escapeHtml(r.file.split('/').pop() ?? r.file);
      if (r.kind === 'skipped') return `<h3>${name}</h3><p>Not analysed: ${escapeHtml(r.reason ?? '')}</p>`;
      const used = r.model
        ? `<p>Model: ${escapeHtml(r.model)}${r.fallbackFrom?.length ? ` (instead of ${r.fallbackFrom.map((f) => escapeHtml(`${f.model}: ${f.reason}`)).join('; ')})` : ''}.</p>`
        : '';
      if (r.kind === 'spectrum' && r.prediction)
        return `<h3>${name}</h3>${used}${predictionHtml(r.prediction)}`;
      if (r.kind === 'image' && r.map) {
        const imgs = r.map.files
          .filter((f) => f.endsWith('.png'))
          .map(
            (f) =>
              `<img class="map" alt="${escapeHtml(f)}" src="data:image/png;base64,${readFileSync(f).toString('base64')}">`,
          )
          .join('');
        const means = Object.entries(r.map.pixelMean)
          .map(
            ([t, v]) =>
              `${escapeHtml(humanTarget(t))} ${Number.isFinite(v) ? v.toFixed(3) : 'n/a (all pixels flagged)'}`,
          )
          .join('; ');
        return `<h3>${name} (map ${r.map.shape[1]}×${r.map.shape[0]}, bin ${r.map.bin}, ${r.map.flaggedPixels} flagged pixels)</h3>${used}<p>Mean over unflagged pixels: ${means}.</p>${imgs}<h4>Prediction on the summed spectrum</h4>${predictionHtml(r.map.summed)}`;
      }
      return '';
    })
    .join('\n');
}

export async function studyReportHtml(r: StudyReportInput): Promise<string> {
  const plots = await meanSpectraPlots(r.ds, r.modes);
  const structures = new Set(r.ds.groups).size;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)} — specfuse report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}
thead th{background:#f0f0f0;text-align:center}tbody th{text-align:left}tr.fusion{background:#eef6ff}
td.best{font-weight:bold}figure.plot{display:inline-block;margin:0.5em}p.conclusion{font-size:1.05em;line-height:1.5}
img.map{max-width:480px;margin:0.5em}ul.flags{color:#a33}
pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}
</style></head><body>
<h1>${escapeHtml(r.title)}</h1>
<p>specfuse ${VERSION}, generated ${new Date().toISOString()}. ${structures} structures, ${r.ds.ids.length} samples; modes: ${r.modes.map(humanMode).map(escapeHtml).join(', ')}.${r.excluded.length ? ` Left out: ${r.excluded.map((e) => escapeHtml(`${humanMode(e.mode)} (${e.reason})`)).join('; ')}.` : ''}</p>
<h2>Conclusion</h2>
<p class="conclusion" id="conclusion">${escapeHtml(r.conclusion)}</p>
<h2>Single mode vs fusion</h2>
<p>${escapeHtml(r.table.protocol)}. Brackets: 95 % cluster-bootstrap intervals. Bold: the best single mode per target.</p>
${tableHtml(r.table)}
<h2>Simulated spectra</h2>
${plots.join('\n')}
${r.measured ? `<h2>Measured data</h2>\n${measuredHtml(r.measured)}` : ''}
<h2>Study configuration</h2>
<pre>${escapeHtml(JSON.stringify(r.config, null, 2))}</pre>
</body></html>
`;
}
