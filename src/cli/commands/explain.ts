import { writeFileSync, existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { TopLevelSpec } from 'vega-lite';
import { SpecfuseError } from '../../core/errors.js';
import { renderVegaLite } from '../../io/plot/index.js';
import {
  type ImportanceReport,
  importanceReport,
  loadModelFile,
  loadParquetDataset,
  permutationImportance,
  pipelineOf,
  requireLabel,
  shapImportance,
  spectraOf,
} from '../../ml/index.js';
import { makeOutput, numberOption } from '../context.js';

interface ExplainFlags {
  model?: string;
  output?: string;
  target?: string;
  parquet?: string;
  method?: string;
  window?: string;
  force?: boolean;
  json?: boolean;
}

/** Vega-Lite figure: per mode, importance per energy window (bars) over the training-mean spectrum (line). */
function figure(
  reports: ImportanceReport[],
  meanSpectra: Record<string, number[]>,
  grids: Record<string, [number, number, number]>,
): TopLevelSpec {
  const panels: TopLevelSpec[] = [];
  for (const rep of reports)
    for (const [mode, ws] of Object.entries(rep.windows)) {
      const g = grids[mode];
      const mean = meanSpectra[mode];
      if (!g || !mean) continue;
      const maxImp = Math.max(...ws.map((w) => w.importance), 1e-12);
      const maxSpec = Math.max(...mean.map(Math.abs), 1e-12);
      const bars = ws.map((w) => ({ lo: w.lo, hi: w.hi, importance: w.importance }));
      const line = mean.map((v, i) => ({ e: g[0] + i * g[1], s: (v / maxSpec) * maxImp }));
      panels.push({
        title: `${rep.target} — ${mode} (${rep.method})`,
        width: 560,
        height: 180,
        layer: [
          {
            data: { values: bars },
            mark: { type: 'rect', color: '#d95f02', opacity: 0.7 },
            encoding: {
              x: { field: 'lo', type: 'quantitative', title: 'Energy (eV)', scale: { zero: false } },
              x2: { field: 'hi' },
              y: { field: 'importance', type: 'quantitative', title: 'importance (fraction)' },
              y2: { datum: 0 },
            },
          },
          {
            data: { values: line },
            mark: { type: 'line', color: '#1b9e77', strokeWidth: 1.5 },
            encoding: { x: { field: 'e', type: 'quantitative' }, y: { field: 's', type: 'quantitative' } },
          },
        ],
      } as unknown as TopLevelSpec);
    }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    vconcat: panels,
  } as unknown as TopLevelSpec;
}

export function register(program: Command): void {
  program
    .command('explain')
    .description(
      'feature importance (SHAP for trees, permutation for any model) summed into energy windows per mode and drawn over the mean spectrum',
    )
    .requiredOption('--model <file>', 'model file (.sfm)')
    .option('-o, --output <file>', 'figure (.svg) or report (.json) to write')
    .option('--target <name>', 'only this target')
    .option(
      '--parquet <file>',
      'recompute importance on this dataset (default: the SHAP summary stored at training)',
    )
    .option('--method <m>', 'shap | permutation (with --parquet)', 'shap')
    .option('--window <eV>', 'energy window width (default: 1/20 of each grid)')
    .option('--force', 'replace an existing output file')
    .option('--json', 'one JSON document on stdout')
    .action(async (o: ExplainFlags) => {
      const out = makeOutput(Boolean(o.json));
      const model = loadModelFile(resolve(o.model as string));
      const pipe = pipelineOf(model);
      const targets = pipe.targets.filter((t) => o.target === undefined || t.target === o.target);
      if (targets.length === 0)
        throw new SpecfuseError(
          'invalid-argument',
          `model has no target '${o.target}' (have: ${pipe.targets.map((t) => t.target).join(', ')})`,
          {
            field: 'target',
          },
        );
      const windowEv = numberOption(o.window, 'window', { min: 1e-3 });
      let reports: ImportanceReport[];
      if (o.parquet) {
        const ds = await loadParquetDataset(resolve(o.parquet));
        const bundle = spectraOf(ds, pipe.modes);
        const method =
          o.method === 'permutation' || pipe.modelKind === 'mlp' || pipe.modelKind === 'cnn'
            ? 'permutation'
            : 'shap';
        if (o.method !== undefined && o.method !== 'shap' && o.method !== 'permutation')
          throw new SpecfuseError(
            'invalid-argument',
            `--method must be shap or permutation, got '${o.method}'`,
            { field: 'method' },
          );
        reports = [];
        for (const tm of targets) {
          const per =
            method === 'shap'
              ? shapImportance(tm, bundle)
              : await permutationImportance(tm, bundle, requireLabel(ds, tm.target), { repeats: 3 });
          reports.push(importanceReport(tm, per, method, windowEv));
        }
      } else {
        const stored = (model.importance ?? []) as ImportanceReport[];
        reports = stored.filter((r) => targets.some((t) => t.target === r.target));
        if (reports.length === 0)
          throw new SpecfuseError(
            'invalid-argument',
            'the model stores no importance (neural-net models): pass --parquet FILE to compute permutation importance',
            {
              field: 'parquet',
            },
          );
        if (windowEv !== undefined) out.info('note: --window applies only when recomputing with --parquet');
      }
      let written: string | undefined;
      if (o.output) {
        const path = resolve(o.output);
        if (existsSync(path) && !o.force)
          throw new SpecfuseError(
            'invalid-argument',
            'refusing to overwrite an existing file (use --force)',
            { file: path },
          );
        const ext = extname(path).toLowerCase();
        if (ext === '.json') writeFileSync(path, `${JSON.stringify(reports, null, 2)}\n`);
        else if (ext === '.svg')
          writeFileSync(path, await renderVegaLite(figure(reports, pipe.meanSpectra, pipe.grids)));
        else
          throw new SpecfuseError('invalid-argument', `output must be .svg or .json, got '${ext}'`, {
            file: path,
          });
        written = path;
      }
      const doc = {
        model: resolve(o.model as string),
        ...(written ? { output: written } : {}),
        reports: reports.map((r) => ({ ...r, features: r.features.slice(0, 20) })),
      };
      out.result(doc, () =>
        reports
          .map((r) => {
            const top = Object.entries(r.windows)
              .flatMap(([m, ws]) => ws.map((w) => ({ m, ...w })))
              .sort((a, b) => b.importance - a.importance)
              .slice(0, 5)
              .map(
                (w) => `${w.m} ${w.lo.toFixed(1)}–${w.hi.toFixed(1)} eV: ${(100 * w.importance).toFixed(1)}%`,
              );
            return `${r.target} (${r.method}): ${top.join('; ')}${written ? `\nwrote ${written}` : ''}`;
          })
          .join('\n'),
      );
    });
}
