import { type ChildProcess, spawn } from 'node:child_process';
import { CampaignDb } from '../../src/dataset/db.js';
import { PROJECT_ROOT } from '../shared.js';

/** Shared by the campaign kill test (src/dataset/campaign-cli.test.ts) and the Slurm test: a small campaign and runners. */

/**
 * 2 compositions: pristine (one of each), O-vacancy and antisite (one each, NMC811 by largest remainder)
 * = 4 structures, 3 modes = 12 jobs.
 * Without charge transfer and one seeded absorber per mode: the cheapest real multiplet jobs, so that the kill and
 * Slurm tests stay within seconds.
 */
export const SMALL_CAMPAIGN = {
  name: 'resume-test',
  seed: 11,
  compositions: [
    { name: 'NMC811', ni: 0.8, mn: 0.1, co: 0.1 },
    { name: 'NMC622', ni: 0.6, mn: 0.2, co: 0.2 },
  ],
  supercell: [5, 2, 1],
  classes: [
    { name: 'pristine', count: 2 },
    { name: 'ovac', count: 1, oVacancies: 1 },
    { name: 'antisite', count: 1, antisites: 1 },
  ],
  modes: [
    {
      mode: 'Ni:L23:multiplet',
      grid: { start: 845, step: 0.5, n: 70 },
      absorbers: 1,
      options: { ct: false },
    },
    { mode: 'Ni:L3:multiplet', grid: { start: 845, step: 0.5, n: 70 }, absorbers: 1, options: { ct: false } },
    {
      mode: 'Co:L23:multiplet',
      grid: { start: 772, step: 0.5, n: 56 },
      absorbers: 1,
      options: { ct: false },
    },
  ],
  maxAttempts: 2,
};
export const SMALL_CAMPAIGN_JOBS = 12;
export const SMALL_CAMPAIGN_SAMPLES = 4;

export interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Start `specfuse campaign run` in its own process (one process: SIGKILL takes its worker threads with it). */
export function startRun(
  config: string,
  db: string,
  onEvent?: (type: string, jobs: number) => void,
  workers = 2,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Run {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'campaign',
      'run',
      config,
      '--db',
      db,
      '--workers',
      String(workers),
      '--json',
      ...extra,
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stdout = '';
  let stderr = '';
  let buf = '';
  let jobs = 0;
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const type = /^\{"type":"([a-z]+)"/.exec(line)?.[1];
      if (type === 'job') jobs++;
      if (type) onEvent?.(type, jobs);
      i = buf.indexOf('\n');
    }
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Everything a campaign produced that must not depend on how it was run. */
export async function campaignResults(file: string) {
  const db = await CampaignDb.open(file);
  try {
    const jobs = await db.rows('SELECT id, status, average FROM jobs ORDER BY id');
    const sites = await db.rows(
      'SELECT job_id, site, weight, intensity FROM site_spectra ORDER BY job_id, site',
    );
    const samples = await db.rows('SELECT * FROM samples ORDER BY sample_id');
    const dupes = await db.rows(
      'SELECT count(*) AS n FROM (SELECT job_id, site FROM site_spectra GROUP BY ALL HAVING count(*) > 1)',
    );
    return { jobs, sites, samples, duplicateSiteRows: Number(dupes[0]!.n) };
  } finally {
    db.close();
  }
}

/**
 * Tolerance for spectra compared between runs (relative to each spectrum's maximum). Zero: the multiplet engine
 * computes cached spectra from the rounded parameters of the cache key, so a result does not depend on job order.
 */
export const SPECTRUM_RTOL = 0;

/** Equal campaign results: numbers inside spectra (arrays of numbers) to SPECTRUM_RTOL, everything else exactly. */
export function sameResults(a: unknown, b: unknown, path = '$'): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} ≠ ${b.length}`;
    const spectrum =
      a.length > 8 && a.every((x) => typeof x === 'number') && b.every((x) => typeof x === 'number');
    if (spectrum) {
      const scale = Math.max(...a.map((x) => Math.abs(x as number)), 1e-300);
      for (let i = 0; i < a.length; i++)
        if (Math.abs((a[i] as number) - (b[i] as number)) > SPECTRUM_RTOL * scale)
          return `${path}[${i}]: ${a[i]} ≠ ${b[i]} (spectrum max ${scale})`;
      return null;
    }
    for (let i = 0; i < a.length; i++) {
      const d = sameResults(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} ≠ ${kb.join()}`;
    for (const k of ka) {
      const d = sameResults(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${String(a)} ≠ ${String(b)}`;
}
