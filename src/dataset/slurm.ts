import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpecfuseError } from '../core/errors.js';
import { buildStructure } from './build.js';
import type { CampaignConfig } from './config.js';
import type { CampaignDb, JobResult, RecordOutcome } from './db.js';
import { runJob } from './job.js';
import type { JobSpec } from './plan.js';
import { type CampaignEvent, checkEngines, openCampaign } from './runner.js';

/**
 * Beyond one machine with Slurm job arrays (the scheduler materials-science clusters run).
 *
 * `submitSlurm` writes the runnable jobs into shards `<db>.slurm/<submission>/shard-NNNN.json`, a batch script, and
 * submits it as `sbatch --array=0-(K−1)`; array task k runs `specfuse campaign worker --shard shard-k.json`, which
 * writes each job's result to `results/<job>.json` atomically (temporary file + rename, so a file is either complete
 * or absent; a re-run task skips jobs whose result exists). `collectResults` merges every result file into the
 * database with the same one-transaction-per-job write as the local executor; results already merged are ignored,
 * so collecting twice (or after a partial collect) is safe.
 */

export interface Shard {
  readonly campaign: string;
  readonly jobs: readonly JobSpec[];
}

export interface SlurmSubmitOptions {
  /** Command that runs specfuse on a compute node, e.g. [node, --import, tsx, …/main.ts]. */
  readonly workerCommand: readonly string[];
  /** Array tasks (default: one per 4 jobs, at most 1000). */
  readonly tasks?: number;
  /** Extra sbatch arguments (partition, time, account…). */
  readonly sbatchArgs?: readonly string[];
  /** Block until the array finishes (`sbatch --wait`), then collect. */
  readonly wait?: boolean;
  readonly onEvent?: (e: CampaignEvent) => void;
}

export interface SubmitSummary {
  readonly submission: string | null;
  readonly slurmJob: string | null;
  readonly dir: string | null;
  readonly jobs: number;
  readonly tasks: number;
  readonly collected?: CollectSummary;
}

export interface CollectSummary {
  readonly files: number;
  readonly done: number;
  readonly failed: number;
  readonly retry: number;
  readonly duplicates: number;
}

export function resultFileName(jobId: string): string {
  return `${encodeURIComponent(jobId)}.json`;
}

/** Atomic write: a reader sees the old file or the complete new one, never a partial one. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function batchScript(
  name: string,
  dir: string,
  tasks: number,
  workerCommand: readonly string[],
): string {
  const cmd = workerCommand.map(shellQuote).join(' ');
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${shellQuote(`specfuse-${name}`)}`,
    `#SBATCH --array=0-${tasks - 1}`,
    '#SBATCH --ntasks=1',
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --output=${shellQuote(join(dir, 'logs', 'task-%a.log'))}`,
    'set -euo pipefail',
    `SHARD=$(printf '%s/shard-%04d.json' ${shellQuote(dir)} "$SLURM_ARRAY_TASK_ID")`,
    `exec ${cmd} campaign worker --shard "$SHARD" --out ${shellQuote(join(dir, 'results'))}`,
    '',
  ].join('\n');
}

function run(
  cmd: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) =>
      rej(
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? new SpecfuseError('engine', `${cmd} not found: --executor slurm needs Slurm's ${cmd} on PATH`)
          : e,
      ),
    );
    p.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

/** Plan (if new), merge results already on disk, then submit the runnable jobs as one Slurm job array. */
export async function submitSlurm(
  dbFile: string,
  config: CampaignConfig,
  options: SlurmSubmitOptions,
): Promise<SubmitSummary> {
  checkEngines(config);
  const db = await openCampaign(dbFile, config, options.onEvent);
  let summary: SubmitSummary;
  try {
    await collectInto(db, config.maxAttempts);
    await db.resetRunning();
    const { hash } = await db.campaign();
    const jobs = await db.runnableJobs(config.maxAttempts);
    if (jobs.length === 0) return { submission: null, slurmJob: null, dir: null, jobs: 0, tasks: 0 };
    const tasks = Math.max(1, Math.min(options.tasks ?? Math.ceil(jobs.length / 4), jobs.length, 1000));
    const submission = `s${Date.now().toString(36)}`;
    const dir = resolve(`${dbFile}.slurm`, submission);
    mkdirSync(join(dir, 'results'), { recursive: true });
    mkdirSync(join(dir, 'logs'), { recursive: true });
    for (let k = 0; k < tasks; k++) {
      const shard: Shard = { campaign: hash, jobs: jobs.filter((_, i) => i % tasks === k) };
      writeFileAtomic(join(dir, `shard-${String(k).padStart(4, '0')}.json`), JSON.stringify(shard));
    }
    const script = join(dir, 'job.sh');
    writeFileAtomic(script, batchScript(config.name, dir, tasks, options.workerCommand));
    const r = await run('sbatch', [
      '--parsable',
      ...(options.wait ? ['--wait'] : []),
      ...(options.sbatchArgs ?? []),
      script,
    ]);
    const slurmJob = r.stdout.trim().split(';')[0] ?? '';
    if (!/^\d+$/.test(slurmJob))
      throw new SpecfuseError(
        'engine',
        `sbatch failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n')[0]}`,
        {
          file: script,
        },
      );
    await db.recordSubmission(submission, slurmJob, dir, jobs.length);
    summary = { submission, slurmJob, dir, jobs: jobs.length, tasks };
    if (options.wait) summary = { ...summary, collected: await collectInto(db, config.maxAttempts) };
  } finally {
    db.close();
  }
  return summary;
}

/** Run one shard (a Slurm array task): every job whose result file is missing, results written atomically. */
export async function runShard(
  shardFile: string,
  outDir?: string,
  onJob?: (job: string, ok: boolean) => void,
): Promise<{ jobs: number; ran: number; skipped: number; failed: number; out: string }> {
  let shard: Shard;
  try {
    shard = JSON.parse(readFileSync(shardFile, 'utf8')) as Shard;
  } catch (e) {
    throw new SpecfuseError('parse', `cannot read shard: ${(e as Error).message}`, { file: shardFile });
  }
  if (!Array.isArray(shard.jobs))
    throw new SpecfuseError('parse', 'not a specfuse shard (no jobs array)', {
      file: shardFile,
      field: 'jobs',
    });
  const out = outDir ?? join(resolve(shardFile, '..'), 'results');
  mkdirSync(out, { recursive: true });
  let ran = 0;
  let skipped = 0;
  let failed = 0;
  for (const job of shard.jobs) {
    const file = join(out, resultFileName(job.id));
    if (existsSync(file)) {
      skipped++;
      continue;
    }
    const result = await runJob(job, buildStructure);
    writeFileAtomic(
      file,
      JSON.stringify(result, (_k, v) =>
        ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v,
      ),
    );
    ran++;
    if (!result.ok) failed++;
    onJob?.(job.id, result.ok);
  }
  return { jobs: shard.jobs.length, ran, skipped, failed, out };
}

async function collectInto(db: CampaignDb, maxAttempts: number): Promise<CollectSummary> {
  const counts: Record<RecordOutcome, number> = { done: 0, failed: 0, retry: 0, duplicate: 0 };
  let files = 0;
  const subs = await db.submissions();
  for (const s of subs) {
    const dir = join(s.dir, 'results');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = join(dir, name);
      let result: JobResult;
      try {
        result = JSON.parse(readFileSync(file, 'utf8')) as JobResult;
      } catch (e) {
        throw new SpecfuseError('parse', `bad result file: ${(e as Error).message}`, { file });
      }
      files++;
      const outcome = await db.recordResult(result, maxAttempts);
      counts[outcome]++;
      // a failure is counted once: set its file aside so that the next collect does not count the attempt again
      if (outcome === 'retry' || outcome === 'failed') renameSync(file, `${file}.recorded`);
    }
  }
  return {
    files,
    done: counts.done,
    failed: counts.failed,
    retry: counts.retry,
    duplicates: counts.duplicate,
  };
}

/** Merge every Slurm result file into the campaign database. */
export async function collectResults(db: CampaignDb): Promise<CollectSummary> {
  const { config } = await db.campaign();
  return collectInto(db, config.maxAttempts);
}
