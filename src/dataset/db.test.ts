import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCif } from '../io/structure/cif.js';
import { validateCampaignConfig } from './config.js';
import type { JobResult } from './db.js';
import { exportDataset, inspectParquet } from './export.js';
import { gridEnergies } from './job.js';
import { deriveSeed } from './plan.js';
import { openCampaign } from './runner.js';

const dir = mkdtempSync(join(tmpdir(), 'specfuse-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = validateCampaignConfig({
  name: 'db-test',
  seed: 3,
  compositions: [{ name: 'NMC811', ni: 0.8, mn: 0.1, co: 0.1 }],
  supercell: [5, 2, 1],
  classes: [
    { name: 'pristine', count: 1 },
    { name: 'ovac', count: 1, oVacancies: 1 },
  ],
  modes: [
    { mode: 'Ni:L23:multiplet', grid: { start: 850, step: 1, n: 4 } },
    { mode: 'O:K:fms', grid: { start: 530, step: 0.5, n: 3 }, absorbers: 2 },
  ],
  maxAttempts: 2,
});

/** A hand-made result: two absorbers with weights ¾ and ¼ and spectra k·(1, 2, …). */
function result(jobId: string, n: number, sites: [number, number]): JobResult {
  const a = Float64Array.from({ length: n }, (_, i) => i + 1);
  const b = Float64Array.from({ length: n }, (_, i) => 2 * (i + 1));
  return {
    jobId,
    ok: true,
    average: a.map((x, i) => 0.75 * x + 0.25 * b[i]!),
    sites: [
      { site: sites[0], weight: 0.75, intensity: a },
      { site: sites[1], weight: 0.25, intensity: b },
    ],
    engine: 'test-data',
    engineVersion: '0',
    parameters: { note: 'hand-made' },
    elapsedMs: 1,
  };
}

describe('campaign database', () => {
  const file = join(dir, 'c.duckdb');

  it('stores the plan, results with status in one step, samples with labels, and exports them', async () => {
    const db = await openCampaign(file, config);
    try {
      const jobs = await db.runnableJobs(config.maxAttempts);
      expect(jobs.map((j) => j.id)).toEqual([
        'NMC811-ovac-000@Ni:L23',
        'NMC811-ovac-000@O:K',
        'NMC811-pristine-000@Ni:L23',
        'NMC811-pristine-000@O:K',
      ]);
      // sites of the pristine structure: Ni and O indices from the stored site table
      const sites = await db.rows(
        `SELECT site, element, n_li, n_ni, n_mn, n_co, n_o FROM sites WHERE structure_id = 'NMC811-pristine-000' ORDER BY site`,
      );
      const ni = sites.filter((s) => s.element === 'Ni').map((s) => Number(s.site));
      const o = sites.filter((s) => s.element === 'O').map((s) => Number(s.site));
      expect(ni).toHaveLength(8);
      expect(o).toHaveLength(20);

      // the stored CIF is the built structure
      const rec = await db.rows(`SELECT cif, n_sites, formula FROM structures WHERE id = 'NMC811-ovac-000'`);
      const cif = parseCif(rec[0]!.cif as string, 'stored.cif').value;
      expect(cif.sites).toHaveLength(Number(rec[0]!.n_sites));
      expect(rec[0]!.formula).toBe('Li10MnCoNi8O19');

      await db.markRunning(jobs.map((j) => j.id));
      expect(await db.resetRunning()).toBe(4);

      expect(await db.recordResult(result('NMC811-pristine-000@Ni:L23', 4, [ni[0]!, ni[1]!]), 2)).toBe(
        'done',
      );
      expect((await db.status()).samples).toBe(0); // structure not complete yet
      // a failure is retried once (maxAttempts 2), then final
      const fail: JobResult = { jobId: 'NMC811-pristine-000@O:K', ok: false, error: 'boom', elapsedMs: 1 };
      expect(await db.recordResult(fail, 2)).toBe('retry');
      expect((await db.runnableJobs(2)).map((j) => j.id)).toContain('NMC811-pristine-000@O:K');
      expect(await db.recordResult(result('NMC811-pristine-000@O:K', 3, [o[0]!, o[3]!]), 2)).toBe('done');
      expect(await db.recordResult(result('NMC811-pristine-000@O:K', 3, [o[0]!, o[3]!]), 2)).toBe(
        'duplicate',
      );
      expect(await db.recordResult(result('NMC811-ovac-000@Ni:L23', 4, [0, 1]), 2)).toBe('done');
      expect(await db.recordResult({ ...fail, jobId: 'NMC811-ovac-000@O:K' }, 2)).toBe('retry');
      expect(await db.recordResult({ ...fail, jobId: 'NMC811-ovac-000@O:K' }, 2)).toBe('failed');
      expect(await db.runnableJobs(2)).toEqual([]);

      const st = await db.status();
      expect(st.jobs).toEqual({ pending: 0, running: 0, done: 3, failed: 1, total: 4 });
      expect(st.samples).toBe(1);
      expect(st.errors).toEqual([{ job: 'NMC811-ovac-000@O:K', attempts: 2, error: 'boom' }]);
      const n = await db.rows('SELECT count(*) AS n FROM site_spectra');
      expect(Number(n[0]!.n)).toBe(6); // 3 done jobs × 2 sites: the duplicate added nothing

      const s = (await db.rows('SELECT * FROM samples'))[0]!;
      expect(s.sample_id).toBe('NMC811-pristine-000');
      expect(s.li_content).toBe(1);
      expect(s.ni_content).toBeCloseTo(0.8, 12);
      expect(s.o_vacancy).toBe(0);
      expect(s.spec_Ni_L23).toEqual([1.25, 2.5, 3.75, 5]);
      expect(s.n_absorbers_O_K).toBe(2);
      // weighted local-content label: ¾·(label of site o0) + ¼·(label of site o3)
      const lab = (i: number) => {
        const r = sites.find((x) => Number(x.site) === i)!;
        const cat = Number(r.n_li) + Number(r.n_ni) + Number(r.n_mn) + Number(r.n_co);
        return Number(r.n_ni) / cat;
      };
      expect(s.local_ni_content_O_K).toBeCloseTo(0.75 * lab(o[0]!) + 0.25 * lab(o[3]!), 12);
      expect(s.absorber_valence_O_K).toBe(-2);
      const prov = JSON.parse(s.provenance as string);
      expect(prov.modes['O:K'].engine).toBe('test-data');
      expect(prov.structureSeed).toBe(deriveSeed(3, 'structure', 'NMC811-pristine-000'));
    } finally {
      db.close();
    }

    // reopening with another config is refused
    await expect(openCampaign(file, { ...config, seed: 4 })).rejects.toThrow(/different campaign/);

    const pq = join(dir, 'd.parquet');
    const ex = await exportDataset(file, pq);
    expect(ex.rows).toBe(1);
    expect(ex.columns.slice(0, 5)).toEqual([
      'sample_id',
      'structure_id',
      'composition',
      'defect_class',
      'li_content',
    ]);
    await expect(exportDataset(file, pq)).rejects.toThrow(/exists/);
    const csv = join(dir, 'd.csv');
    await exportDataset(file, csv);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('spec_Ni_L23_3');
    expect(existsSync(`${pq}.tmp-${process.pid}`)).toBe(false);

    const back = await inspectParquet(pq);
    expect(back.rows).toBe(1);
    expect(back.columns).toEqual(ex.columns);
    expect(back.grids).toEqual({ 'Ni:L23': [850, 1, 4], 'O:K': [530, 0.5, 3] });
    expect(back.first?.spec_Ni_L23).toEqual([1.25, 2.5, 3.75, 5]);
    expect(back.types.structure_id).toBe('VARCHAR');
    expect(back.types.o_vacancy).toBe('DOUBLE');
    expect(back.types.spec_O_K).toBe('DOUBLE[]');
  });

  it('builds the mode grid from start, step and n', () => {
    expect(Array.from(gridEnergies({ start: 530, step: 0.5, n: 3 }))).toEqual([530, 530.5, 531]);
  });
});
