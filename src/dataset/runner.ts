import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { SpecfuseError } from '../core/errors.js';
import { engineNames, getEngine } from '../simulate/registry.js';
import { structureRecord } from './build.js';
import { type CampaignConfig, configHash } from './config.js';
import { CampaignDb, type CampaignStatus, type JobResult, type RecordOutcome } from './db.js';
import { type JobSpec, planJobs, planStructures } from './plan.js';

/**
 * Running a campaign on this machine: plan (once), then every runnable job through a pool of worker threads, each
 * result written with its status in one transaction as it arrives. Killed at any moment and started again, the
 * campaign resumes: finished jobs stay finished, interrupted ones run again, nothing is stored twice.
 */

export type CampaignEvent =
  | { readonly type: 'plan'; readonly created: boolean; readonly structures: number; readonly jobs: number }
  | {
      readonly type: 'start';
      readonly total: number;
      readonly done: number;
      readonly runnable: number;
      readonly resetRunning: number;
      readonly workers: number;
    }
  | {
      readonly type: 'job';
      readonly job: string;
      readonly outcome: RecordOutcome;
      readonly error?: string;
      readonly done: number;
      readonly failed: number;
      readonly total: number;
      /** Jobs per minute in this run. */
      readonly rate: number;
      readonly etaSeconds: number | null;
    }
  | { readonly type: 'finish'; readonly status: CampaignStatus; readonly elapsedSeconds: number };

export interface RunOptions {
  /** Worker threads (default: all cores). */
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CampaignEvent) => void;
}

export interface RunSummary {
  readonly db: string;
  readonly status: CampaignStatus;
  readonly elapsedSeconds: number;
  /** Jobs finished (done or finally failed) in this run. */
  readonly jobsRun: number;
  readonly samplesPerMinute: number;
  readonly interrupted: boolean;
}

/** Fail early and clearly when a mode names an engine this build does not have or an edge it cannot compute. */
export function checkEngines(config: CampaignConfig): void {
  config.modes.forEach((m, i) => {
    let engine: ReturnType<typeof getEngine>;
    try {
      engine = getEngine(m.engine);
    } catch {
      throw new SpecfuseError(
        'not-found',
        `mode ${m.key}:${m.engine} needs engine '${m.engine}', which is not available in this build (available: ${engineNames().join(', ') || 'none'})`,
        { field: `modes[${i}].mode` },
      );
    }
    if (engine.edges.length > 0 && !engine.edges.includes(m.edge))
      throw new SpecfuseError(
        'unsupported',
        `mode ${m.key}:${m.engine}: engine '${m.engine}' computes ${engine.edges.join(', ')} edges, not ${m.edge}`,
        { field: `modes[${i}].mode` },
      );
  });
}

/**
 * Open (or create) the campaign database for `config`: a new file gets the whole plan (structures with labels and
 * CIF, sites, jobs, modes) in one transaction; an existing one must hold the same campaign (same config hash).
 */
export async function openCampaign(
  dbFile: string,
  config: CampaignConfig,
  onEvent?: (e: CampaignEvent) => void,
): Promise<CampaignDb> {
  const db = await CampaignDb.open(dbFile);
  try {
    const hash = configHash(config);
    if (await db.hasCampaign()) {
      const stored = await db.campaign();
      if (stored.hash !== hash)
        throw new SpecfuseError(
          'invalid-argument',
          `the database holds a different campaign ('${stored.name}', config hash ${stored.hash.slice(0, 12)}…, this config ${hash.slice(0, 12)}…); use another --db`,
          { file: dbFile },
        );
      const n = await db.rows(
        'SELECT (SELECT count(*) FROM structures) AS s, (SELECT count(*) FROM jobs) AS j',
      );
      onEvent?.({ type: 'plan', created: false, structures: Number(n[0]!.s), jobs: Number(n[0]!.j) });
      return db;
    }
    const specs = planStructures(config);
    const records = specs.map((s) => structureRecord(s, config.labelRadius));
    const jobs = planJobs(config, specs);
    await db.initialize(config, hash, records, jobs);
    onEvent?.({ type: 'plan', created: true, structures: specs.length, jobs: jobs.length });
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Worker entry and the flags a worker thread needs to load TypeScript sources (tsx) when not compiled. */
export function workerModule(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const filename = new URL(ts ? './worker.ts' : './worker.js', here).href;
  const execArgv = [...process.execArgv];
  if (ts && !execArgv.some((a) => a.includes('tsx')))
    execArgv.push('--import', pathToFileURL(createRequire(here).resolve('tsx')).href);
  return { filename, execArgv };
}

/**
 * Split jobs into per-worker queues with affinity: jobs of the same mode and composition go to the same worker, so
 * that an engine's per-thread cache (identical ion environments recur within a composition) is filled once, not
 * once per worker. Groups are dealt largest first to the least-loaded queue; an idle worker later steals from the
 * tail of the longest queue, so the split never leaves a core idle while work remains.
 */
export function assignLanes(jobs: readonly JobSpec[], lanes: number): JobSpec[][] {
  const groups = new Map<string, JobSpec[]>();
  for (const j of jobs) {
    const key = `${j.mode.key}|${j.structure.composition.name}`;
    const g = groups.get(key);
    if (g) g.push(j);
    else groups.set(key, [j]);
  }
  const ordered = [...groups.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
  const queues: JobSpec[][] = Array.from({ length: lanes }, () => []);
  for (const [, g] of ordered) {
    let best = 0;
    for (let i = 1; i < lanes; i++) if (queues[i]!.length < queues[best]!.length) best = i;
    queues[best]!.push(...g);
  }
  return queues;
}

/** Run every runnable job of the campaign with local worker threads. */
export async function runLocal(
  dbFile: string,
  config: CampaignConfig,
  options: RunOptions = {},
): Promise<RunSummary> {
  checkEngines(config);
  const t0 = performance.now();
  const emit = options.onEvent ?? (() => undefined);
  const db = await openCampaign(dbFile, config, emit);
  const pools: Piscina[] = [];
  const destroyPools = () => Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  try {
    const resetRunning = await db.resetRunning();
    const runnable = await db.runnableJobs(config.maxAttempts);
    const before = await db.status();
    const workers = Math.max(
      1,
      Math.min(options.workers ?? availableParallelism(), Math.max(1, runnable.length)),
    );
    emit({
      type: 'start',
      total: before.jobs.total,
      done: before.jobs.done,
      runnable: runnable.length,
      resetRunning,
      workers,
    });
    let done = before.jobs.done;
    let failed = 0;
    let finished = 0;
    let interrupted = false;
    if (runnable.length > 0) {
      const { filename, execArgv } = workerModule();
      // One BLAS thread per worker: the workers already fill the cores, and OpenBLAS's own threads on top of them
      // oversubscribe the machine (read by the library when it loads, so set before any worker starts).
      process.env.OPENBLAS_NUM_THREADS ??= '1';
      for (let i = 0; i < workers; i++)
        pools.push(new Piscina({ filename, execArgv, minThreads: 1, maxThreads: 1, idleTimeout: 1000 }));
      const queues = assignLanes(runnable, workers);
      await db.markRunning(runnable.map((j) => j.id));
      const tStart = performance.now();
      const signal = options.signal;
      // one abort listener for the whole run (not one per task): stop scheduling and end the workers
      const onAbort = () => {
        interrupted = true;
        void destroyPools();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const next = (lane: number): JobSpec | undefined => {
        const own = queues[lane]!.shift();
        if (own) return own;
        let victim = -1;
        for (let i = 0; i < queues.length; i++)
          if (queues[i]!.length > 0 && (victim < 0 || queues[i]!.length > queues[victim]!.length)) victim = i;
        return victim < 0 ? undefined : queues[victim]!.pop();
      };
      const runLane = async (lane: number): Promise<void> => {
        for (let job = next(lane); job !== undefined; job = next(lane)) {
          if (signal?.aborted) {
            interrupted = true;
            return;
          }
          let result: JobResult;
          try {
            result = (await pools[lane]!.run(job)) as JobResult;
          } catch (e) {
            if (signal?.aborted) {
              interrupted = true;
              return;
            }
            result = {
              jobId: job.id,
              ok: false,
              error: `worker crashed: ${(e as Error).message}`,
              elapsedMs: 0,
            };
          }
          const outcome = await db.recordResult(result, config.maxAttempts);
          if (outcome === 'done') done++;
          if (outcome === 'failed') failed++;
          if (outcome !== 'retry') finished++;
          else queues[lane]!.unshift(job);
          const minutes = (performance.now() - tStart) / 60000;
          const rate = minutes > 0 ? finished / minutes : 0;
          const left = runnable.length - finished;
          emit({
            type: 'job',
            job: job.id,
            outcome,
            ...(result.ok ? {} : { error: result.error }),
            done,
            failed,
            total: before.jobs.total,
            rate,
            etaSeconds: rate > 0 ? (left / rate) * 60 : null,
          });
        }
      };
      try {
        await Promise.all(queues.map((_, lane) => runLane(lane)));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      // interrupted gracefully: the jobs not run are pending again (a SIGKILL leaves them for the next start)
      if (interrupted) await db.resetRunning();
    }
    const status = await db.status();
    const elapsedSeconds = (performance.now() - t0) / 1000;
    emit({ type: 'finish', status, elapsedSeconds });
    const samplesRun = finished === 0 ? 0 : status.samples - (before.samples ?? 0);
    return {
      db: dbFile,
      status,
      elapsedSeconds,
      jobsRun: finished,
      samplesPerMinute: elapsedSeconds > 0 ? (samplesRun / elapsedSeconds) * 60 : 0,
      interrupted,
    };
  } finally {
    await destroyPools();
    db.close();
  }
}
