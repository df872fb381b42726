import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineNames } from '../../src/simulate/registry.js';
import { PROJECT_ROOT, requireTool } from '../shared.js';
import {
  campaignResults,
  SMALL_CAMPAIGN,
  SMALL_CAMPAIGN_JOBS,
  SMALL_CAMPAIGN_SAMPLES,
  sameResults,
  startRun,
} from './campaign-helpers.js';

/**
 * Slurm test (issue 8): a single-node Slurm (slurmctld + slurmd on 127.0.0.1, started by test/slurm/start.sh) runs a
 * small campaign as a job array (`--executor slurm --wait`), `campaign collect` merges it (again: idempotent), and the
 * samples equal those of a local run of the same config.
 * Needs Debian slurm-wlm and munge, and root (slurmd).
 */

const haveSlurm =
  existsSync('/usr/sbin/slurmctld') && existsSync('/usr/sbin/slurmd') && existsSync('/usr/sbin/munged');
const isRoot = process.getuid?.() === 0;
const run =
  requireTool('slurm-wlm + munge (and root)', haveSlurm && isRoot) && engineNames().includes('multiplet');

const dir = mkdtempSync(join(tmpdir(), 'specfuse-slurm-'));
const state = join(dir, 'slurm');
const env = { ...process.env, SLURM_CONF: join(state, 'slurm.conf') };

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!run)('campaign on Slurm', () => {
  beforeAll(() => {
    execFileSync('bash', [join(PROJECT_ROOT, 'test/slurm/start.sh'), state], { stdio: 'pipe', env });
  }, 60_000);
  afterAll(() => {
    spawnSync('bash', [join(PROJECT_ROOT, 'test/slurm/stop.sh'), state], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job array, collects it, and matches the local run', async () => {
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ ...SMALL_CAMPAIGN, name: 'slurm-test' }));
    const local = join(dir, 'local.duckdb');
    const slurm = join(dir, 'slurm.duckdb');
    const [l, s] = await Promise.all([
      startRun(cfg, local, undefined, 1).done,
      startRun(cfg, slurm, undefined, 1, ['--executor', 'slurm', '--tasks', '3', '--wait'], env).done,
    ]);
    expect(l.code, l.stderr).toBe(0);
    expect(s.code, s.stderr).toBe(0);
    const submitted = JSON.parse(s.stdout);
    expect(submitted.tasks).toBe(3);
    expect(submitted.jobs).toBe(SMALL_CAMPAIGN_JOBS);
    expect(submitted.collected.done).toBe(SMALL_CAMPAIGN_JOBS);

    const again = cli(['campaign', 'collect', '--db', slurm, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const c = JSON.parse(again.stdout);
    expect(c.collected.duplicates).toBe(SMALL_CAMPAIGN_JOBS);
    expect(c.collected.done).toBe(0);

    const st = cli(['campaign', 'status', '--db', slurm, '--json']);
    const status = JSON.parse(st.stdout);
    expect(status.jobs.done).toBe(SMALL_CAMPAIGN_JOBS);
    expect(status.samples).toBe(SMALL_CAMPAIGN_SAMPLES);
    expect(status.submissions).toHaveLength(1);

    const a = await campaignResults(local);
    const b = await campaignResults(slurm);
    expect(b.duplicateSiteRows).toBe(0);
    expect(sameResults(b.sites, a.sites)).toBeNull();
    expect(sameResults(b.samples, a.samples)).toBeNull();
  }, 110_000);
});
