import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  campaignResults,
  SMALL_CAMPAIGN,
  SMALL_CAMPAIGN_JOBS,
  SMALL_CAMPAIGN_SAMPLES,
  sameResults,
  startRun,
} from '../../test/slurm/campaign-helpers.js';
import { PROJECT_ROOT } from '../../test/shared.js';
import { makeRng } from '../math/random.js';
import { engineNames } from '../simulate/registry.js';
import { inspectParquet } from './export.js';

/**
 * Issue 8 acceptance from the CLI: a small campaign (2 compositions; pristine, O-vacancy and antisite classes;
 * 3 modes) runs, its Parquet export reads back with the expected rows and columns; then the kill test: the same
 * campaign SIGKILLed at several random points (right after planning, and after random numbers of finished jobs),
 * restarted, finishes with every job done exactly once and results equal to the uninterrupted run.
 */

const dir = mkdtempSync(join(tmpdir(), 'specfuse-campaign-'));
const keep = process.env.SPECFUSE_KEEP_TEST_FILES === '1';
afterAll(() => (keep ? console.log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));

const cfg = join(dir, 'c.json');
writeFileSync(cfg, JSON.stringify(SMALL_CAMPAIGN));
const ref = join(dir, 'ref.duckdb');

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const pyarrow =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import pyarrow.parquet']).status === 0;

describe.skipIf(!engineNames().includes('multiplet'))('campaign from the CLI', () => {
  it('runs a small campaign and exports a Parquet training set that reads back', async () => {
    const r = await startRun(cfg, ref).done;
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.status.jobs).toEqual({ pending: 0, running: 0, done: 12, failed: 0, total: 12 });
    expect(summary.status.samples).toBe(SMALL_CAMPAIGN_SAMPLES);
    // progress events: one JSON line each on stderr
    const lines = r.stderr.trim().split('\n');
    expect(
      lines.filter((l) => !l.startsWith('{')),
      'stderr holds only JSON events',
    ).toEqual([]);
    const events = lines.map((l) => JSON.parse(l).type);
    expect(events.filter((t) => t === 'job')).toHaveLength(SMALL_CAMPAIGN_JOBS);
    expect(events.at(-1)).toBe('finish');

    const st = cli(['campaign', 'status', '--db', ref, '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout).modes).toEqual(['Ni:L23', 'Ni:L3', 'Co:L23']);

    const pq = join(dir, 'data.parquet');
    const ex = cli(['dataset', 'export', '--db', ref, '-o', pq, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    const back = await inspectParquet(pq);
    expect(back.rows).toBe(SMALL_CAMPAIGN_SAMPLES);
    for (const c of ['sample_id', 'structure_id', 'composition', 'defect_class', 'li_content', 'ni_content'])
      expect(back.types[c]).toBe(
        c.endsWith('_id') || c === 'composition' || c === 'defect_class' ? 'VARCHAR' : 'DOUBLE',
      );
    for (const c of [
      'o_vacancy',
      'o_vacancy_count',
      'antisite',
      'antisite_count',
      'ni_valence',
      'co_bv_valence',
    ])
      expect(back.types[c]).toBe('DOUBLE');
    expect(back.types.spec_Ni_L23).toBe('DOUBLE[]');
    expect(back.types.spec_Co_L23).toBe('DOUBLE[]');
    expect(back.grids).toEqual({
      'Ni:L23': [845, 0.5, 70],
      'Ni:L3': [845, 0.5, 70],
      'Co:L23': [772, 0.5, 56],
    });
    expect((back.first?.spec_Co_L23 as number[] | undefined)?.length).toBe(56);
    expect(back.first?.sample_id).toBe('NMC622-pristine-000');
    if (pyarrow) {
      const py = `import pyarrow.parquet as pq, json, sys
t = pq.read_table(sys.argv[1]); print(json.dumps([t.num_rows, t.column_names]))`;
      const [rows, cols] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, pq], { encoding: 'utf8' }));
      expect(rows).toBe(SMALL_CAMPAIGN_SAMPLES);
      expect(cols).toEqual(back.columns);
    }
    const classes = await campaignResults(ref);
    expect(new Set(classes.samples.map((s) => s.defect_class))).toEqual(
      new Set(['pristine', 'ovac', 'antisite']),
    );
    expect(classes.samples.find((s) => s.defect_class === 'ovac')?.o_vacancy_count).toBe(1);
    expect(classes.samples.find((s) => s.defect_class === 'antisite')?.antisite).toBe(1);
  }, 120_000);

  it('survives SIGKILL at random points: every job done once, results equal to the uninterrupted run', async () => {
    const expected = await campaignResults(ref);
    expect(expected.jobs).toHaveLength(SMALL_CAMPAIGN_JOBS);
    const rng = makeRng(20261125);
    const db = join(dir, 'killed.duckdb');
    const kills: string[] = [];
    // kill 1: a random 0–400 ms after the plan is committed (resetting, marking jobs running, starting workers)
    {
      const ms = rng.int(400);
      const run = startRun(cfg, db, (type) => {
        if (type === 'plan') setTimeout(() => run.child.kill('SIGKILL'), ms);
      });
      const r = await run.done;
      kills.push(`${ms} ms after planning: ${r.signal ?? `exit ${r.code}`}`);
    }
    // kills 2 and 3: after a random number of finished jobs (more results are being written as the kill lands)
    for (let k = 0; k < 2; k++) {
      const after = 1 + rng.int(4);
      const run = startRun(cfg, db, (type, jobs) => {
        if (type === 'job' && jobs >= after) run.child.kill('SIGKILL');
      });
      const r = await run.done;
      kills.push(`after ${after} jobs: ${r.signal ?? `exit ${r.code}`}`);
    }
    expect(kills.filter((k) => k.endsWith('SIGKILL')).length, kills.join('; ')).toBeGreaterThanOrEqual(2);
    const last = await startRun(cfg, db).done;
    expect(last.code, `${kills.join('; ')}\n${last.stderr}`).toBe(0);
    expect(JSON.parse(last.stdout).status.jobs.done).toBe(SMALL_CAMPAIGN_JOBS);

    const got = await campaignResults(db);
    expect(got.duplicateSiteRows).toBe(0);
    expect(got.jobs.map((j) => j.id)).toEqual(expected.jobs.map((j) => j.id));
    expect(got.jobs.every((j) => j.status === 'done')).toBe(true);
    expect(sameResults(got.sites, expected.sites)).toBeNull();
    expect(sameResults(got.samples, expected.samples)).toBeNull();
  }, 120_000);
});
