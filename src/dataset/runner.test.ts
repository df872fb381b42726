import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sameResults } from '../../test/slurm/campaign-helpers.js';
import { engineNames } from '../simulate/registry.js';
import { validateCampaignConfig } from './config.js';
import { CampaignDb } from './db.js';
import { type CampaignEvent, checkEngines, runLocal } from './runner.js';

const dir = mkdtempSync(join(tmpdir(), 'specfuse-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const raw = {
  name: 'runner-test',
  seed: 5,
  compositions: [{ name: 'NMC622', ni: 0.6, mn: 0.2, co: 0.2 }],
  supercell: [5, 1, 1],
  classes: [
    { name: 'pristine', count: 1 },
    { name: 'ovac', count: 1, oVacancies: 1 },
  ],
  // Ni only, without charge transfer, one absorber: the cheapest real multiplet jobs (≈ 0.2–1.5 s each)
  modes: [
    {
      mode: 'Ni:L23:multiplet',
      grid: { start: 845, step: 0.5, n: 70 },
      absorbers: 1,
      options: { ct: false },
    },
    { mode: 'Ni:L3:multiplet', grid: { start: 845, step: 0.5, n: 40 }, absorbers: 1, options: { ct: false } },
  ],
};
const config = validateCampaignConfig(raw);

async function samples(file: string) {
  const db = await CampaignDb.open(file);
  try {
    return await db.rows('SELECT * FROM samples ORDER BY sample_id');
  } finally {
    db.close();
  }
}

describe('local campaign runner', () => {
  it('names a mode whose engine is missing from this build', () => {
    // every engine a config may name is built in now; an unknown name stands in for one left out of a build
    const m = { ...config.modes[0]!, engine: 'quanty' };
    expect(() => checkEngines({ ...config, modes: [config.modes[0]!, m] })).toThrow(
      /mode Ni:L23:quanty needs engine 'quanty', which is not available in this build \(available: multiplet/,
    );
    const wrongEdge = { ...config.modes[0]!, key: 'Ni:L23', engine: 'fms' };
    if (engineNames().includes('fms'))
      expect(() => checkEngines({ ...config, modes: [wrongEdge] })).toThrow(
        /engine 'fms' computes K edges, not L23/,
      );
  });

  it.skipIf(!engineNames().includes('multiplet'))(
    'runs jobs on worker threads with identical results for 1 and 2 workers',
    async () => {
      const events: CampaignEvent[] = [];
      const a = await runLocal(join(dir, 'w1.duckdb'), config, {
        workers: 1,
        onEvent: (e) => events.push(e),
      });
      const b = await runLocal(join(dir, 'w2.duckdb'), config, { workers: 2 });
      expect(a.status.jobs.done).toBe(4);
      expect(a.status.samples).toBe(2);
      expect(b.status.jobs.done).toBe(4);
      expect(events.map((e) => e.type)).toEqual(['plan', 'start', 'job', 'job', 'job', 'job', 'finish']);
      const last = events.filter((e) => e.type === 'job').at(-1)!;
      expect(last.type === 'job' && last.done).toBe(4);
      expect(
        sameResults(await samples(join(dir, 'w2.duckdb')), await samples(join(dir, 'w1.duckdb'))),
      ).toBeNull();
      // running again finds nothing to do
      const c = await runLocal(join(dir, 'w1.duckdb'), config, { workers: 1 });
      expect(c.jobsRun).toBe(0);
      expect(c.status.samples).toBe(2);
    },
    60_000,
  );

  it.skipIf(!engineNames().includes('multiplet'))(
    'records a failing job with its error after a bounded number of attempts',
    async () => {
      const c = validateCampaignConfig({
        ...raw,
        classes: [{ name: 'pristine', count: 1 }],
        modes: [raw.modes[0], { mode: 'O:L23:multiplet', grid: { start: 20, step: 1, n: 10 } }],
        maxAttempts: 2,
      });
      const events: CampaignEvent[] = [];
      const r = await runLocal(join(dir, 'fail.duckdb'), c, { workers: 1, onEvent: (e) => events.push(e) });
      expect(r.status.jobs).toEqual({ pending: 0, running: 0, done: 1, failed: 1, total: 2 });
      expect(r.status.samples).toBe(0); // the structure misses a mode: no sample
      expect(r.status.errors).toHaveLength(1);
      expect(r.status.errors[0]!.attempts).toBe(2);
      expect(r.status.errors[0]!.error).toMatch(/multiplet engine/);
      const outcomes = events.flatMap((e) =>
        e.type === 'job' && e.job.endsWith('O:L23') ? [e.outcome] : [],
      );
      expect(outcomes).toEqual(['retry', 'failed']);
      // a restart does not retry a job that used up its attempts
      const again = await runLocal(join(dir, 'fail.duckdb'), c, { workers: 1 });
      expect(again.jobsRun).toBe(0);
    },
    60_000,
  );
});
