import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import {
  type FeatureKind,
  FEATURE_KINDS,
  type Fusion,
  type Hyper,
  type ImportanceReport,
  type MlDataset,
  type PipelineOptions,
  assertKind,
  buildModelFile,
  evaluatePipeline,
  groupHoldout,
  importanceReport,
  loadDbDataset,
  loadParquetDataset,
  saveModelFile,
  shapImportance,
  spectraOf,
  trainPipeline,
  type TrainedPipeline,
} from '../../ml/index.js';
import { makeOutput, numberOption } from '../context.js';

/** Options shared by `train` and `evaluate`. */
export interface MlFlags {
  parquet?: string;
  db?: string;
  targets?: string;
  modes?: string;
  model?: string;
  fusion?: string;
  features?: string;
  search?: string;
  innerFolds?: string;
  rounds?: string;
  maxDepth?: string;
  eta?: string;
  trees?: string;
  epochs?: string;
  threads?: string;
  seed?: string;
  json?: boolean;
}

export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--parquet <file>', 'dataset Parquet file (specfuse dataset export)')
    .option('--db <file>', 'campaign database (read through its Parquet export)')
    .option(
      '--targets <list>',
      'label columns to learn, comma-separated (e.g. li_content,o_vacancy,antisite)',
    )
    .option('--modes <list>', 'modes to use, comma-separated (e.g. O:K,Ni:L23; default: all in the dataset)')
    .option('--model <kind>', 'gbt | rf | mlp | cnn', 'gbt')
    .option('--fusion <how>', 'early (concatenated features) | late (stacked per-mode models)', 'early')
    .option('--features <list>', `feature kinds per mode: ${FEATURE_KINDS.join(', ')}`, 'cdf')
    .option('--search <n>', 'random-search draws of hyperparameters inside the training rows', '0')
    .option('--inner-folds <k>', 'grouped inner folds for conformal intervals / stacking / search', '5')
    .option('--rounds <n>', 'boosting rounds (gbt)')
    .option('--max-depth <n>', 'maximum tree depth (gbt, rf)')
    .option('--eta <x>', 'learning rate (gbt)')
    .option('--trees <n>', 'trees in the forest (rf)')
    .option('--epochs <n>', 'training epochs (mlp)')
    .option('--threads <n>', 'XGBoost threads (keep ≤ free cores)', '1')
    .option('--seed <n>', 'random seed (splits, search, models)', '0')
    .option('--json', 'one JSON document on stdout');
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export async function loadData(o: MlFlags): Promise<{ ds: MlDataset; source: string }> {
  if (o.parquet && o.db)
    throw new SpecfuseError('invalid-argument', 'give either --parquet or --db, not both');
  if (o.parquet) return { ds: await loadParquetDataset(resolve(o.parquet)), source: resolve(o.parquet) };
  if (o.db) return { ds: await loadDbDataset(resolve(o.db)), source: resolve(o.db) };
  throw new SpecfuseError('invalid-argument', 'a dataset is required: --parquet FILE or --db FILE', {
    field: 'parquet',
  });
}

export function pipelineOptions(o: MlFlags, ds: MlDataset): PipelineOptions {
  const targets = list(o.targets);
  if (targets.length === 0)
    throw new SpecfuseError('invalid-argument', '--targets is required', { field: 'targets' });
  for (const t of targets)
    if (!ds.labels[t])
      throw new SpecfuseError(
        'invalid-argument',
        `target '${t}' is not a label column (have: ${Object.keys(ds.labels).join(', ')})`,
        {
          field: 'targets',
        },
      );
  const modes = o.modes ? list(o.modes) : Object.keys(ds.modes);
  for (const m of modes)
    if (!ds.modes[m])
      throw new SpecfuseError(
        'invalid-argument',
        `mode '${m}' is not in the dataset (have: ${Object.keys(ds.modes).join(', ')})`,
        {
          field: 'modes',
        },
      );
  const kinds = list(o.features);
  for (const k of kinds)
    if (!(FEATURE_KINDS as readonly string[]).includes(k))
      throw new SpecfuseError(
        'invalid-argument',
        `unknown feature kind '${k}' (${FEATURE_KINDS.join(', ')})`,
        { field: 'features' },
      );
  const fusion = o.fusion ?? 'early';
  if (fusion !== 'early' && fusion !== 'late')
    throw new SpecfuseError('invalid-argument', `--fusion must be early or late, got '${fusion}'`, {
      field: 'fusion',
    });
  const hyper: Hyper = {};
  const set = (k: string, v: number | undefined) => {
    if (v !== undefined) hyper[k] = v;
  };
  set('rounds', numberOption(o.rounds, 'rounds', { min: 1, integer: true }));
  set('max_depth', numberOption(o.maxDepth, 'max-depth', { min: 1, max: 30, integer: true }));
  set('eta', numberOption(o.eta, 'eta', { min: 1e-6, max: 1 }));
  set('num_parallel_tree', numberOption(o.trees, 'trees', { min: 1, integer: true }));
  set('epochs', numberOption(o.epochs, 'epochs', { min: 1, integer: true }));
  const search = numberOption(o.search, 'search', { min: 0, integer: true }) ?? 0;
  return {
    modes,
    targets,
    model: assertKind(o.model ?? 'gbt'),
    fusion: fusion as Fusion,
    features: { kinds: kinds as FeatureKind[] },
    hyper,
    ...(search > 0 ? { search: { iterations: search, folds: 3 } } : {}),
    innerFolds: numberOption(o.innerFolds, 'inner-folds', { min: 2, integer: true }) ?? 5,
    nthread: numberOption(o.threads, 'threads', { min: 1, integer: true }) ?? 1,
    seed: numberOption(o.seed, 'seed', { integer: true }) ?? 0,
  };
}

/** Mean-|SHAP| importance of each tree target on up to 500 training rows (empty for nets). */
export function trainingImportance(
  pipe: TrainedPipeline,
  ds: MlDataset,
  rows: Int32Array,
): ImportanceReport[] {
  if (pipe.modelKind === 'mlp' || pipe.modelKind === 'cnn') return [];
  const sub = rows.length > 500 ? rows.filter((_, i) => i % Math.ceil(rows.length / 500) === 0) : rows;
  const bundle = spectraOf(ds, pipe.modes, sub);
  return pipe.targets.map((tm) => importanceReport(tm, shapImportance(tm, bundle), 'shap'));
}

interface TrainFlags extends MlFlags {
  output?: string;
  force?: boolean;
  testFraction?: string;
  bootstrap?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description(
      'train models on fused spectra (features fitted on training structures only), evaluate them on held-out structures and save a self-contained .sfm model',
    );
  addDataOptions(cmd)
    .option('-o, --output <file>', 'model file to write (.sfm)')
    .option('--force', 'replace an existing model file')
    .option(
      '--test-fraction <f>',
      'fraction of structures held out for the reported metrics (0: train on all)',
      '0.2',
    )
    .option('--bootstrap <n>', 'bootstrap resamples for the 95 % intervals', '1000')
    .action(async (o: TrainFlags) => {
      const out = makeOutput(Boolean(o.json));
      if (!o.output)
        throw new SpecfuseError('invalid-argument', '-o/--output FILE.sfm is required', { field: 'output' });
      if (existsSync(resolve(o.output)) && !o.force)
        throw new SpecfuseError('invalid-argument', 'refusing to overwrite an existing file (use --force)', {
          file: resolve(o.output),
        });
      const { ds, source } = await loadData(o);
      const opts = pipelineOptions(o, ds);
      const tf = numberOption(o.testFraction, 'test-fraction', { min: 0, max: 0.9 }) ?? 0.2;
      const all = Int32Array.from(ds.ids, (_, i) => i);
      const split =
        tf > 0 ? groupHoldout(ds.groups, tf, opts.seed ?? 0) : { train: all, test: new Int32Array(0) };
      out.info(
        `training ${opts.model} (${opts.fusion} fusion) on ${split.train.length} samples, modes ${opts.modes.join(', ')}`,
      );
      const t0 = performance.now();
      const pipe = await trainPipeline(ds, opts, split.train, (m) => out.info(m));
      const seconds = (performance.now() - t0) / 1000;
      const evaluation =
        split.test.length > 0
          ? await evaluatePipeline(ds, pipe, split.test, {
              bootstrap: numberOption(o.bootstrap, 'bootstrap', { min: 10, integer: true }) ?? 1000,
              seed: opts.seed ?? 0,
            })
          : undefined;
      const importance = trainingImportance(pipe, ds, split.train);
      const metrics = {
        protocol: evaluation ? `held-out structures (${tf}), grouped` : 'none (trained on all rows)',
        trainSize: split.train.length,
        testSize: split.test.length,
        ...(evaluation ?? {}),
      };
      const model = buildModelFile(pipe, {
        metrics,
        importance,
        provenance: { source, options: opts, trainSeconds: seconds },
      });
      const path = resolve(o.output);
      saveModelFile(path, model, { overwrite: Boolean(o.force) });
      const summary = {
        model: path,
        hash: model.hash,
        modelKind: model.modelKind,
        modes: model.modes,
        trainSize: split.train.length,
        testSize: split.test.length,
        trainSeconds: seconds,
        targets: (evaluation?.targets ?? []).map((t) => ({ ...t })),
        ...(evaluation?.ood ? { ood: evaluation.ood } : {}),
        topFeatures: Object.fromEntries(importance.map((r) => [r.target, r.features.slice(0, 5)])),
      };
      out.result(summary, () => {
        const lines = [`wrote ${path} (${model.hash.slice(0, 19)}…), ${seconds.toFixed(1)} s`];
        for (const t of summary.targets) {
          const ms = Object.entries(t.metrics)
            .map(([k, e]) => `${k} ${e.value.toFixed(3)} [${e.lo.toFixed(3)}, ${e.hi.toFixed(3)}]`)
            .join('  ');
          lines.push(
            `  ${t.target} (${t.task}, n=${t.n}): ${ms}${t.coverage !== undefined ? `  90% coverage ${(100 * t.coverage).toFixed(1)}%` : ''}`,
          );
        }
        return lines.join('\n');
      });
    });
}
