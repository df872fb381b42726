import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../test/shared.js';
import { defaultStudy } from '../pipeline/default-study.js';
import { buildStructure } from './build.js';
import {
  CampaignReader,
  datasetSummary,
  gridEnergies,
  listStructures,
  modeGrids,
  modeSpectra,
  structureDetail,
  structureSpectra,
} from './browse.js';
import { validateCampaignConfig } from './config.js';
import { CampaignDb } from './db.js';
import { planJobs, planStructures } from './plan.js';
import { structureRecord } from './build.js';

/**
 * Browsing a planned campaign (structures written, nothing simulated yet) through a read-only connection:
 * summary, paging, one structure's sites and defects against the structure builder, and no spectra before the
 * jobs ran. (Spectra of finished samples are covered by the web server tests on a simulated campaign.)
 */
const dir = mkdtempSync(join(tmpdir(), 'specfuse-browse-'));
const file = join(dir, 'c.duckdb');
const d = defaultStudy({ quick: true, engines: ['multiplet'] });
const cfg = validateCampaignConfig({
  ...d.config,
  name: 'browse-test',
  compositions: d.config.compositions.slice(0, 1),
  classes: [
    { name: 'pristine', count: 1 },
    { name: 'ovac', oVacancies: 1, count: 1 },
    { name: 'antisite', antisites: 1, count: 1 },
  ],
});
const specs = planStructures(cfg);
let reader: CampaignReader;

beforeAll(async () => {
  const db = await CampaignDb.open(file);
  await db.initialize(
    cfg,
    'test-hash',
    specs.map((s) => structureRecord(s, cfg.labelRadius)),
    planJobs(cfg, specs),
  );
  db.close();
  reader = await CampaignReader.open(file);
}, 60_000);
afterAll(() => {
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('campaign browsing', () => {
  it('summarises and pages structures', async () => {
    expect(await datasetSummary(reader)).toEqual({
      name: 'browse-test',
      structures: 3,
      samples: 0,
      modes: cfg.modes.map((m) => m.key),
    });
    const all = await listStructures(reader, { offset: 0, limit: 10 });
    expect(all.total).toBe(3);
    expect(all.items.map((x) => x.id)).toEqual(specs.map((s) => s.id).sort());
    expect(all.items.every((x) => !x.hasSample)).toBe(true);
    const page = await listStructures(reader, { offset: 1, limit: 1 });
    expect(page.items.map((x) => x.id)).toEqual([all.items[1]!.id]);
  });

  it('gives a structure with the builder’s sites and its defects marked', async () => {
    const spec = specs.find((s) => s.defectClass === 'ovac')!;
    const d = (await structureDetail(reader, spec.id))!;
    const built = buildStructure(spec);
    expect(d.sites.map((s) => s.element)).toEqual(built.sites.map((s) => s.element));
    for (let i = 0; i < 3; i++) expect(d.lattice[i]![i]).toBeCloseTo(built.lattice[i]![i]!, 6);
    const vac = d.defects.find((x) => x.kind === 'o-vacancy')!;
    const rec = built.metadata.defects!.find((x) => x.kind === 'o-vacancy')!;
    expect(vac.sites).toEqual([...rec.sites]);
    // the vacancy position is the builder's fractional position in Cartesian Å
    const f = rec.frac!;
    for (let c = 0; c < 3; c++)
      expect(vac.position![c]).toBeCloseTo(
        f[0] * built.lattice[0][c] + f[1] * built.lattice[1][c] + f[2] * built.lattice[2][c],
        6,
      );
    for (const i of rec.sites) expect(d.sites[i]!.defect).toBe('o-vacancy');
    expect(d.sites.filter((s) => s.defect).length).toBe(new Set(rec.sites).size);
    expect(d.labels.o_vacancy).toBe(1);
    expect(await structureDetail(reader, 'no-such-id')).toBeUndefined();
  });

  it('has mode grids but no spectra before the jobs ran', async () => {
    const grids = await modeGrids(reader);
    const m0 = cfg.modes[0]!;
    expect(grids[0]).toEqual({
      mode: m0.key,
      column: m0.column,
      start: m0.grid.start,
      step: m0.grid.step,
      n: m0.grid.n,
    });
    const e = gridEnergies(grids[0]!);
    expect(e[e.length - 1]).toBeCloseTo(m0.grid.start + (m0.grid.n - 1) * m0.grid.step, 9);
    expect(await structureSpectra(reader, specs[0]!.id)).toEqual([]);
    expect((await modeSpectra(reader, m0.key))!.samples).toEqual([]);
    expect(await modeSpectra(reader, 'Xx:K')).toBeUndefined();
  });

  it('never writes: a write through the reader fails', async () => {
    await expect(reader.rows('DELETE FROM structures')).rejects.toThrow(/read-only/i);
  });
});

describe('CampaignReader.open', () => {
  it('names a missing file', async () => {
    await expect(CampaignReader.open(join(dir, 'none.duckdb'))).rejects.toThrow(/no such campaign database/);
  });

  it('gives a clear error while another process holds the write lock', async () => {
    const f2 = join(dir, 'locked.duckdb');
    const script = `import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(${JSON.stringify(f2)}); const c = await i.connect();
await c.run('CREATE TABLE t(x INTEGER)'); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c) => {
          if (String(c).includes('ready')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      await expect(CampaignReader.open(f2)).rejects.toThrow(/locked by another process/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
