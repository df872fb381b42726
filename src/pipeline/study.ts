import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecfuseError } from '../core/errors.js';
import { checkAborted } from '../core/progress.js';
import { VERSION } from '../core/version.js';
import { type CampaignConfigInput, canonicalJson, validateCampaignConfig } from '../dataset/config.js';
import { exportDataset } from '../dataset/export.js';
import { type CampaignEvent, runLocal } from '../dataset/runner.js';
import { type MlDataset, loadParquetDataset } from '../ml/data.js';
import { crossValidate } from '../ml/evaluate.js';
import { buildModelFile, loadModelFile, saveModelFile } from '../ml/model-file.js';
import { inferTask } from '../ml/models.js';
import { trainPipeline } from '../ml/train.js';
import { engineNames } from '../simulate/registry.js';
import { STUDY_MODES, STUDY_TARGETS, defaultStudy, exclusionReason } from './default-study.js';
import { type MeasuredFileResult, analyzeMeasuredFolder } from './measured.js';
import { studyReportHtml } from './report.js';
import {
  type Cell,
  type StudyRow,
  type StudyTable,
  type TargetInfo,
  conclusionParagraph,
  humanMode,
  tableMarkdown,
  verdicts,
} from './table.js';

/**
 * The main job: campaign → dataset export → grouped cross-validation of every single mode, the seed paper's
 * four-mode fusion and all-mode fusion → final fused model → evaluation table, conclusion and HTML report.
 *
 * Resumable: the campaign database keeps every finished simulation; the evaluation is cached under a key made of
 * the dataset's content hash and the ML settings, so a rerun after an interruption redoes only what is missing.
 */

export type StudyEvent =
  | { readonly type: 'stage'; readonly stage: string; readonly message: string }
  | { readonly type: 'campaign'; readonly event: CampaignEvent }
  | { readonly type: 'cv'; readonly done: number; readonly total: number; readonly label: string };

export interface StudyOptions {
  /** Output folder (created). */
  readonly out: string;
  /** A campaign config (parsed JSON); default: the shipped study. */
  readonly config?: unknown;
  readonly configFile?: string;
  readonly quick?: boolean;
  /** The cluster-scale study (see `defaultStudy`); meant to be simulated on Slurm first. */
  readonly full?: boolean;
  readonly workers?: number;
  /** Grouped CV folds (default 5). */
  readonly folds?: number;
  /** Bootstrap resamples for the intervals (default 1000). */
  readonly bootstrap?: number;
  /** Folder of measured spectra / spectrum images to predict and map with the final model. */
  readonly measured?: string;
  /** Navigation binning for maps (default 1). */
  readonly bin?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: StudyEvent) => void;
}

export interface StudyResult {
  readonly out: string;
  readonly campaign: { readonly name: string; readonly structures: number; readonly samples: number };
  readonly modes: readonly string[];
  readonly excludedModes: readonly { mode: string; reason: string }[];
  readonly table: StudyTable;
  readonly conclusion: string;
  readonly files: Readonly<Record<string, string>>;
  readonly elapsedSeconds: number;
  readonly evaluationCached: boolean;
  /** Predictions and maps of the measured data, when a folder was given. */
  readonly measured?: readonly MeasuredFileResult[];
}

const SEED_PAPER_MODES = STUDY_MODES.filter((m) => m.seedPaper).map((m) => m.mode);

function writeAtomic(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function fileHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function isConstant(y: Float64Array): boolean {
  let first: number | undefined;
  for (const v of y) {
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (Math.abs(v - first) > 1e-12) return false;
  }
  return true;
}

/** Mode combinations of the table: each single mode, the seed paper's fusion (if it differs from all), all modes. */
export function studyCombinations(
  modes: readonly string[],
): { kind: StudyRow['kind']; label: string; modes: string[] }[] {
  const rows: { kind: StudyRow['kind']; label: string; modes: string[] }[] = modes.map((m) => ({
    kind: 'single' as const,
    label: humanMode(m),
    modes: [m],
  }));
  if (modes.length < 2) return rows;
  const seed = SEED_PAPER_MODES.filter((m) => modes.includes(m));
  if (seed.length >= 2 && seed.length < modes.length)
    rows.push({
      kind: 'seed-fusion',
      label: `seed-paper fusion (${seed.map(humanMode).join(' + ')})`,
      modes: seed,
    });
  rows.push({
    kind: 'all-fusion',
    label:
      seed.length === modes.length
        ? `all-mode fusion = seed-paper modes available (${modes.map(humanMode).join(' + ')})`
        : `all-mode fusion (${modes.map(humanMode).join(' + ')})`,
    modes: [...modes],
  });
  return rows;
}

/** Targets of the table present in the dataset, with the reason for skipping any that cannot be evaluated. */
export function studyTargets(ds: MlDataset, wanted: readonly string[]): TargetInfo[] {
  return wanted.map((name) => {
    const y = ds.labels[name];
    if (!y) return { name, task: 'regression', metrics: ['r2', 'mae'], skipped: 'not in the dataset' };
    const task = inferTask(y);
    const metrics = task === 'classification' ? ['accuracy', 'f1', 'auc'] : ['r2', 'mae'];
    return isConstant(y)
      ? { name, task, metrics, skipped: 'constant in the dataset' }
      : { name, task, metrics };
  });
}

export async function runStudy(o: StudyOptions): Promise<StudyResult> {
  const t0 = performance.now();
  const emit = o.onEvent ?? (() => undefined);
  const stage = (s: string, message: string) => emit({ type: 'stage', stage: s, message });
  mkdirSync(o.out, { recursive: true });
  mkdirSync(join(o.out, 'models'), { recursive: true });

  // 1. configuration
  let rawConfig: unknown = o.config;
  let excluded: { mode: string; reason: string }[] = [];
  if (rawConfig === undefined) {
    const engines = engineNames();
    const d = defaultStudy({ quick: o.quick ?? false, full: o.full ?? false, engines });
    if (d.included.length === 0)
      throw new SpecfuseError(
        'engine',
        'no engine for any mode of the default study is available in this build',
      );
    rawConfig = d.config as CampaignConfigInput;
    excluded = d.excluded.map((m) => ({ mode: m.mode, reason: exclusionReason(m, engines) }));
  }
  const config = validateCampaignConfig(rawConfig, o.configFile);
  const modes = config.modes.map((m) => m.key);
  stage(
    'config',
    `${config.name}: ${config.compositions.length} compositions, ${config.classes.length} classes, modes ${modes.join(', ')}` +
      (excluded.length ? ` (left out: ${excluded.map((e) => `${e.mode}: ${e.reason}`).join('; ')})` : ''),
  );

  // 2. campaign (resumes from the database)
  const dbFile = join(o.out, 'campaign.duckdb');
  stage('campaign', `simulating into ${dbFile}`);
  const run = await runLocal(dbFile, config, {
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onEvent: (event) => emit({ type: 'campaign', event }),
  });
  if (run.interrupted)
    throw new SpecfuseError('internal', 'the campaign was interrupted; run again to resume');
  checkAborted(o.signal ? { signal: o.signal } : undefined);
  // written only now: the campaign database has confirmed this folder holds this study (never overwrite another's)
  writeAtomic(join(o.out, 'study-config.json'), `${JSON.stringify(rawConfig, null, 2)}\n`);

  // 3. dataset export
  const parquet = join(o.out, 'dataset.parquet');
  const csv = join(o.out, 'dataset.csv');
  stage('export', `writing ${parquet}`);
  await exportDataset(dbFile, parquet, { overwrite: true });
  await exportDataset(dbFile, csv, { overwrite: true });
  const ds = await loadParquetDataset(parquet);
  const structures = new Set(ds.groups).size;

  // 4. evaluation (cached by dataset content + settings)
  const folds = Math.min(o.folds ?? 5, structures);
  const bootstrap = o.bootstrap ?? 1000;
  const targets = studyTargets(ds, STUDY_TARGETS);
  const combos = studyCombinations(modes);
  const settings = {
    folds,
    bootstrap,
    model: 'gbt',
    fusion: 'early',
    seed: config.seed,
    targets,
    combos,
    VERSION,
  };
  const cacheKey = createHash('sha256')
    .update(fileHash(parquet))
    .update(canonicalJson(settings))
    .digest('hex');
  const evalFile = join(o.out, 'evaluation.json');
  let table: StudyTable | undefined;
  let cached = false;
  if (existsSync(evalFile)) {
    try {
      const prev = JSON.parse(readFileSync(evalFile, 'utf8')) as { cacheKey?: string; table?: StudyTable };
      if (prev.cacheKey === cacheKey && prev.table) {
        table = prev.table;
        cached = true;
        stage('evaluate', 'evaluation up to date (same dataset and settings): reusing it');
      }
    } catch {
      // unreadable previous evaluation: recompute (the file is replaced atomically below)
    }
  }
  const live = targets.filter((t) => !t.skipped).map((t) => t.name);
  if (!table) {
    const rows: StudyRow[] = [];
    for (const [i, combo] of combos.entries()) {
      checkAborted(o.signal ? { signal: o.signal } : undefined);
      emit({ type: 'cv', done: i, total: combos.length, label: combo.label });
      const metrics: Record<string, Record<string, Cell>> = {};
      if (live.length > 0) {
        const cv = await crossValidate(
          ds,
          { modes: combo.modes, targets: live, model: 'gbt', fusion: 'early', seed: config.seed, nthread: 1 },
          folds,
          { bootstrap, seed: config.seed },
        );
        for (const t of cv.targets) {
          const m: Record<string, Cell> = {};
          for (const [name, est] of Object.entries(t.metrics))
            if (est) m[name] = { value: est.value, lo: est.lo, hi: est.hi };
          metrics[t.target] = m;
        }
      }
      rows.push({ kind: combo.kind, label: combo.label, modes: combo.modes, metrics });
    }
    emit({ type: 'cv', done: combos.length, total: combos.length, label: 'done' });
    table = {
      protocol: `grouped ${folds}-fold cross-validation by structure (${structures} structures, ${ds.ids.length} samples), XGBoost gradient-boosted trees, early fusion by concatenating per-mode features`,
      targets,
      rows,
    };
  }
  const conclusion = conclusionParagraph(table, { structures, excluded });

  // 5. final models on every sample (for `predict` / `map`): the all-mode fusion, and the seed paper's four-mode
  // fusion when it differs (measured STEM-EELS covers O K and the TM L2,3 edges, not the hard K edges)
  const modelFile = join(o.out, 'models', 'fused-all.sfm');
  const seedRow = combos.find((c) => c.kind === 'seed-fusion');
  const seedModelFile = join(o.out, 'models', 'fused-seed-paper.sfm');
  const finalModels = [
    { name: 'all-mode fusion', file: modelFile, modes, kind: 'all-fusion' as const },
    ...(seedRow
      ? [
          {
            name: 'seed-paper fusion',
            file: seedModelFile,
            modes: seedRow.modes,
            kind: 'seed-fusion' as const,
          },
        ]
      : []),
  ];
  for (const fm of finalModels) {
    if (live.length === 0 || (cached && existsSync(fm.file))) continue;
    stage(
      'train',
      `training the final ${fm.name} model (${fm.modes.join(', ')}) on ${ds.ids.length} samples`,
    );
    const pipeline = await trainPipeline(ds, {
      modes: fm.modes,
      targets: live,
      model: 'gbt',
      fusion: 'early',
      seed: config.seed,
      nthread: 1,
    });
    const model = buildModelFile(pipeline, {
      metrics: { table: table.rows.find((r) => r.kind === fm.kind)?.metrics ?? {} },
      provenance: { study: config.name, configHash: cacheKey, dataset: parquet },
    });
    saveModelFile(fm.file, model, { overwrite: true });
  }

  // 6. measured data: predict and map with the most complete model whose modes the data covers
  let measured: MeasuredFileResult[] | undefined;
  const files: Record<string, string> = {};
  const usable = finalModels.filter((fm) => existsSync(fm.file));
  if (o.measured !== undefined && usable.length > 0) {
    const mdir = join(o.out, 'measured');
    mkdirSync(mdir, { recursive: true });
    stage('measured', `predicting and mapping the measured data in ${o.measured}`);
    measured = await analyzeMeasuredFolder(
      usable.map((fm) => ({ name: fm.name, model: loadModelFile(fm.file) })),
      o.measured,
      mdir,
      {
        ...(o.bin !== undefined ? { bin: o.bin } : {}),
        progress: (msg) => stage('measured', msg),
      },
    );
    files.measured = join(mdir, 'measured.json');
    writeAtomic(files.measured, `${JSON.stringify(measured, null, 2)}\n`);
  }
  if (seedRow && existsSync(seedModelFile)) files.model_seed_paper = seedModelFile;

  // 7. the answer: JSON, Markdown, report
  Object.assign(files, {
    evaluation_json: evalFile,
    evaluation_md: join(o.out, 'evaluation.md'),
    report: join(o.out, 'report.html'),
    dataset_parquet: parquet,
    dataset_csv: csv,
    database: dbFile,
    model: modelFile,
  });
  const elapsedSeconds = (performance.now() - t0) / 1000;
  const summary = {
    cacheKey,
    specfuseVersion: VERSION,
    date: new Date().toISOString(),
    campaign: { name: config.name, structures, samples: ds.ids.length },
    modes,
    excludedModes: excluded,
    table,
    verdicts: verdicts(table).map((v) => ({
      target: v.target,
      metric: v.metric,
      bestSingle: { label: v.bestSingle.label, ...v.best },
      fused: { label: v.fusion.label, ...v.fused },
      better: v.better,
      significant: v.significant,
    })),
    conclusion,
  };
  writeAtomic(evalFile, `${JSON.stringify(summary, null, 2)}\n`);
  writeAtomic(
    files.evaluation_md,
    `# ${config.name}: single-mode vs fused\n\n${tableMarkdown(table)}\n\n## Conclusion\n\n${conclusion}\n`,
  );
  stage('report', `writing ${files.report}`);
  const html = await studyReportHtml({
    title: config.name,
    ds,
    table,
    conclusion,
    modes,
    excluded,
    config: rawConfig,
    ...(measured ? { measured } : {}),
  });
  writeAtomic(files.report, html);

  return {
    out: o.out,
    campaign: summary.campaign,
    modes,
    excludedModes: excluded,
    table,
    conclusion,
    files,
    elapsedSeconds,
    evaluationCached: cached,
    ...(measured ? { measured } : {}),
  };
}
