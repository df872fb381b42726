import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCampaignConfig } from '../dataset/config.js';
import { exportDataset } from '../dataset/export.js';
import { runLocal } from '../dataset/runner.js';
import { loadParquetDataset } from '../ml/data.js';
import { buildModelFile, saveModelFile } from '../ml/model-file.js';
import { trainPipeline } from '../ml/train.js';
import { defaultStudy } from '../pipeline/default-study.js';

/**
 * A small, real results folder for the web tests (not shipped in the API): a campaign of 8 NMC structures whose
 * Ni/Mn/Co L2,3 spectra are simulated here by the multiplet engine (a few seconds), its dataset, a gradient-boosted
 * early-fusion model of the three L2,3 modes and a single-mode Ni L2,3 model, laid out like the main job's results
 * (`campaign.duckdb`, `models/*.sfm`, `evaluation.json` beside `models/`). The evaluation file is a format sample
 * in the main job's shape (its numbers are not measured; only how the server flattens it is tested).
 */
export interface WebFixture {
  readonly dir: string;
  readonly db: string;
  readonly models: string;
  readonly staticDir: string;
  cleanup(): void;
}

export const EVALUATION_SAMPLE = {
  specfuseVersion: '0.1.0',
  campaign: { name: 'web-test', structures: 8, samples: 8 },
  modes: ['Ni:L23', 'Mn:L23', 'Co:L23'],
  table: {
    protocol: 'format sample',
    targets: [
      { name: 'ni_content', task: 'regression', metrics: ['r2', 'mae'] },
      { name: 'o_vacancy', task: 'classification', metrics: ['auc'] },
    ],
    rows: [
      {
        kind: 'single',
        label: 'Ni L2,3',
        modes: ['Ni:L23'],
        metrics: {
          ni_content: { r2: { value: 0.5, lo: 0.25, hi: 0.75 }, mae: { value: 0.05, lo: 0.03, hi: 0.07 } },
          o_vacancy: { auc: { value: 0.625, lo: 0.5, hi: 0.75 } },
        },
      },
      {
        kind: 'all-fusion',
        label: 'all-mode fusion',
        modes: ['Ni:L23', 'Mn:L23', 'Co:L23'],
        metrics: {
          ni_content: { r2: { value: 0.875, lo: 0.75, hi: 1 }, mae: { value: 0.02, lo: 0.01, hi: 0.03 } },
          o_vacancy: { auc: { value: 0.75, lo: 0.5, hi: 1 } },
        },
      },
    ],
  },
};

export async function buildWebFixture(): Promise<WebFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-web-'));
  const d = defaultStudy({ quick: true, engines: ['multiplet'] });
  const cfg = validateCampaignConfig({
    ...d.config,
    name: 'web-test',
    compositions: d.config.compositions.slice(0, 2),
    classes: [
      { name: 'pristine', count: 1 },
      { name: 'ovac', oVacancies: 1, count: 1 },
      { name: 'antisite-delith20', antisites: 1, delithiation: 0.2, count: 1 },
      { name: 'ovac-delith20', oVacancies: 1, delithiation: 0.2, count: 1 },
    ],
  });
  const db = join(dir, 'campaign.duckdb');
  await runLocal(db, cfg, { workers: 2 });
  const parquet = join(dir, 'dataset.parquet');
  await exportDataset(db, parquet, { overwrite: true });
  const ds = await loadParquetDataset(parquet);
  const models = join(dir, 'models');
  mkdirSync(models);
  const modes = cfg.modes.map((m) => m.key);
  const train = async (ms: string[], file: string) => {
    const p = await trainPipeline(ds, {
      modes: ms,
      targets: ['li_content', 'ni_content', 'mn_content', 'co_content', 'o_vacancy', 'antisite'],
      model: 'gbt',
      fusion: 'early',
      seed: 7,
      nthread: 1,
    });
    saveModelFile(join(models, file), buildModelFile(p, { provenance: { study: 'web-test' } }));
  };
  await train(modes, 'fused-all.sfm');
  await train(['Ni:L23'], 'single-ni-l23.sfm');
  writeFileSync(join(dir, 'evaluation.json'), `${JSON.stringify(EVALUATION_SAMPLE)}\n`);
  const staticDir = join(dir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>specfuse test app</title>\n');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("specfuse");\n');
  return { dir, db, models, staticDir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
