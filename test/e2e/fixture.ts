import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadParquetDataset } from '../../src/ml/data.js';
import { buildModelFile, saveModelFile } from '../../src/ml/model-file.js';
import { trainPipeline } from '../../src/ml/train.js';
import { STUDY_MODES } from '../../src/pipeline/default-study.js';
import { runStudy } from '../../src/pipeline/study.js';

/**
 * A small but real results folder for the browser tests (what `specfuse run` writes, at toy scale): a campaign of
 * 8 NMC structures (5×2×1 supercells, 40 atoms; pristine, one O vacancy, one Li/Ni antisite, both — two compositions) simulated
 * with the built-in engines for O K + Ni/Mn/Co L2,3 (what the shared NMC STEM-EELS spectrum image covers) and Ni K
 * (what the shared Ni XDI files cover), evaluated by grouped CV, with the study's final models
 * (`fused-all`, `fused-seed-paper`) plus a Ni K single-mode model (`ni-k`) so that an XAS file alone can be analysed.
 */
export const FIXTURE_MODES = ['O:K', 'Ni:L23', 'Mn:L23', 'Co:L23', 'Ni:K'] as const;

export function fixtureConfig(): Record<string, unknown> {
  const modes = STUDY_MODES.filter((m) => (FIXTURE_MODES as readonly string[]).includes(m.mode));
  return {
    name: 'specfuse-e2e-fixture',
    seed: 11,
    compositions: [
      { name: 'NMC622', ni: 0.6, mn: 0.2, co: 0.2, weight: 1 },
      { name: 'NMC811', ni: 0.8, mn: 0.1, co: 0.1, weight: 1 },
    ],
    supercell: [5, 2, 1],
    classes: [
      { name: 'pristine', count: 2 },
      { name: 'ovac', oVacancies: 1, count: 2 },
      { name: 'antisite', antisites: 1, count: 2 },
      { name: 'ovac+antisite', oVacancies: 1, antisites: 1, count: 2 },
    ],
    modes: modes.map((m) => ({
      mode: `${m.mode}:${m.engine}`,
      grid: m.grid,
      broadening: { gaussianFwhm: m.gaussianFwhm },
      technique: m.technique,
      ...(m.engine === 'fms'
        ? { absorbers: 1, radius: 4, options: { maxEnergy: 45, dE: 1 } }
        : { absorbers: 1 }),
    })),
    absorbers: 'all',
  };
}

export interface WebFixture {
  readonly dir: string;
  readonly db: string;
  readonly models: string;
}

/** Build (or reuse, when complete) the fixture results folder in `dir`. */
export async function buildWebFixture(
  dir: string,
  log: (msg: string) => void = () => undefined,
): Promise<WebFixture> {
  mkdirSync(dir, { recursive: true });
  const models = join(dir, 'models');
  const niK = join(models, 'ni-k.sfm');
  if (!existsSync(join(dir, 'evaluation.json')) || !existsSync(join(models, 'fused-all.sfm'))) {
    await runStudy({
      out: dir,
      config: fixtureConfig(),
      folds: 3,
      bootstrap: 50,
      workers: 2,
      onEvent: (e) => {
        if (e.type === 'stage') log(`${e.stage}: ${e.message}`);
      },
    });
  }
  if (!existsSync(niK)) {
    const ds = await loadParquetDataset(join(dir, 'dataset.parquet'));
    const targets = ['o_vacancy', 'antisite', 'ni_content'].filter((t) => ds.labels[t]);
    const p = await trainPipeline(ds, {
      modes: ['Ni:K'],
      targets,
      model: 'gbt',
      fusion: 'early',
      seed: 11,
      nthread: 1,
    });
    saveModelFile(
      niK,
      buildModelFile(p, { provenance: { study: 'specfuse-e2e-fixture', note: 'Ni K only' } }),
      {
        overwrite: true,
      },
    );
  }
  return { dir, db: join(dir, 'campaign.duckdb'), models };
}
