import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import {
  type CampaignEvent,
  CampaignDb,
  collectResults,
  parseCampaignConfig,
  runLocal,
  runShard,
  submitSlurm,
} from '../../dataset/index.js';
import { makeOutput, numberOption } from '../context.js';

/**
 * `specfuse campaign run|status|worker|collect`: simulation campaigns from a config to a labelled multimodal
 * training set in a DuckDB file, on local worker threads or as a Slurm job array.
 */

function readConfig(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecfuseError('not-found', `cannot read campaign config: ${(e as Error).message}`, { file });
  }
  return parseCampaignConfig(text, file);
}

/** How a Slurm task re-invokes this very CLI: same node binary, same loader flags (absolute), same entry script. */
function selfCommand(): string[] {
  const req = createRequire(import.meta.url);
  const args: string[] = [];
  const exec = process.execArgv;
  for (let i = 0; i < exec.length; i++) {
    const a = exec[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader') && exec[i + 1] === 'tsx') {
      args.push(a, pathToFileURL(req.resolve('tsx')).href);
      i++;
    } else args.push(a);
  }
  const entry = process.argv[1];
  if (!entry) throw new SpecfuseError('internal', 'cannot tell the specfuse entry script');
  return [process.execPath, ...args, resolve(entry)];
}

function progressPrinter(json: boolean): { onEvent: (e: CampaignEvent) => void; stop: () => void } {
  if (json) {
    return {
      onEvent: (e) => {
        const line = e.type === 'finish' ? { type: e.type, elapsedSeconds: e.elapsedSeconds } : e;
        process.stderr.write(`${JSON.stringify(line)}\n`);
      },
      stop: () => undefined,
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    onEvent: (e) => {
      if (e.type === 'plan')
        process.stderr.write(
          `${e.created ? 'planned' : 'resuming'}: ${e.structures} structures, ${e.jobs} simulation jobs\n`,
        );
      else if (e.type === 'start') {
        if (e.resetRunning > 0) process.stderr.write(`${e.resetRunning} interrupted jobs back to pending\n`);
        if (e.runnable === 0) return;
        bar = new cliProgress.SingleBar(
          {
            format: 'jobs |{bar}| {value}/{total} | {rate} jobs/min | failed {failed} | ETA {eta_formatted}',
            noTTYOutput: !process.stderr.isTTY,
            notTTYSchedule: 5000,
            stream: process.stderr,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, e.done, { rate: '–', failed: 0 });
      } else if (e.type === 'job') {
        bar?.update(e.done + e.failed, { rate: e.rate.toFixed(1), failed: e.failed });
        if (e.error && !process.stderr.isTTY)
          process.stderr.write(`job ${e.job}: ${e.outcome}: ${e.error}\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}

export function register(program: Command): void {
  const campaign = program
    .command('campaign')
    .description('simulation campaigns: config → structures → spectra → labelled dataset (resumable)');

  campaign
    .command('run <config>')
    .description('plan (once) and run a campaign; resumes where a previous run stopped')
    .requiredOption('--db <file>', 'campaign database (DuckDB file; created if absent)')
    .option('--workers <n>', 'worker threads for --executor local (default: all cores)')
    .option('--executor <kind>', 'local | slurm', 'local')
    .option('--tasks <n>', 'Slurm array tasks (default: one per 4 jobs)')
    .option('--sbatch-arg <arg...>', 'extra sbatch arguments (e.g. --sbatch-arg=--partition=debug)')
    .option('--wait', 'Slurm: wait for the job array to finish, then collect')
    .option('--json', 'progress events as JSON lines on stderr, result JSON on stdout')
    .action(async (configFile: string, opts: Record<string, string | boolean | string[] | undefined>) => {
      const json = Boolean(opts.json);
      const out = makeOutput(json);
      const config = readConfig(configFile);
      const db = String(opts.db);
      const executor = String(opts.executor);
      const progress = progressPrinter(json);
      if (executor === 'local') {
        const workers = numberOption(opts.workers as string | undefined, 'workers', {
          min: 1,
          integer: true,
        });
        const ac = new AbortController();
        const onSig = () => ac.abort(new SpecfuseError('internal', 'interrupted'));
        process.once('SIGINT', onSig);
        process.once('SIGTERM', onSig);
        try {
          const summary = await runLocal(db, config, {
            ...(workers !== undefined ? { workers } : {}),
            signal: ac.signal,
            onEvent: progress.onEvent,
          });
          progress.stop();
          out.result(summary, () => {
            const s = summary.status;
            return [
              `campaign ${s.name}: ${s.jobs.done}/${s.jobs.total} jobs done, ${s.jobs.failed} failed, ${s.samples} samples${summary.interrupted ? ' (interrupted; run again to resume)' : ''}`,
              `${summary.jobsRun} jobs in ${summary.elapsedSeconds.toFixed(1)} s (${summary.samplesPerMinute.toFixed(1)} samples/min)`,
              ...s.errors.slice(0, 5).map((e) => `  failed ${e.job} (${e.attempts} attempts): ${e.error}`),
            ].join('\n');
          });
        } finally {
          process.off('SIGINT', onSig);
          process.off('SIGTERM', onSig);
          progress.stop();
        }
      } else if (executor === 'slurm') {
        const tasks = numberOption(opts.tasks as string | undefined, 'tasks', { min: 1, integer: true });
        const summary = await submitSlurm(db, config, {
          workerCommand: selfCommand(),
          ...(tasks !== undefined ? { tasks } : {}),
          ...(opts.sbatchArg ? { sbatchArgs: opts.sbatchArg as string[] } : {}),
          wait: Boolean(opts.wait),
          onEvent: progress.onEvent,
        });
        out.result(summary, () =>
          summary.slurmJob === null
            ? 'nothing to submit: every job is done (or failed too often)'
            : `submitted Slurm job ${summary.slurmJob}: ${summary.jobs} jobs in ${summary.tasks} array tasks (${summary.dir})` +
              (summary.collected
                ? `\ncollected ${summary.collected.done} results`
                : '\nwhen it finishes: specfuse campaign collect --db ' + db),
        );
      } else {
        throw new SpecfuseError('invalid-argument', `--executor must be local or slurm, got '${executor}'`, {
          field: 'executor',
        });
      }
    });

  campaign
    .command('status')
    .description('progress of a campaign: jobs by status, samples, errors, Slurm submissions')
    .requiredOption('--db <file>', 'campaign database')
    .option('--json', 'JSON output')
    .action(async (opts: { db: string; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const db = await CampaignDb.open(opts.db, { mustExist: true });
      try {
        const s = await db.status();
        out.result(s, () =>
          [
            `campaign ${s.name} (${s.hash.slice(0, 12)}…): ${s.structures} structures, modes ${s.modes.join(', ')}`,
            `jobs: ${s.jobs.done} done, ${s.jobs.pending} pending, ${s.jobs.running} running, ${s.jobs.failed} failed (${s.retryable} to retry) of ${s.jobs.total}`,
            `samples: ${s.samples}`,
            ...s.submissions.map((x) => `slurm job ${x.slurmJob}: ${x.jobs} jobs (${x.dir})`),
            ...s.errors.slice(0, 10).map((e) => `  failed ${e.job} (${e.attempts} attempts): ${e.error}`),
          ].join('\n'),
        );
      } finally {
        db.close();
      }
    });

  campaign
    .command('worker')
    .description(
      'run one shard of jobs (a Slurm array task); results go to files, merged by `campaign collect`',
    )
    .requiredOption('--shard <file>', 'shard file written by `campaign run --executor slurm`')
    .option('--out <dir>', 'results folder (default: results/ beside the shard)')
    .option('--json', 'JSON output')
    .action(async (opts: { shard: string; out?: string; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const r = await runShard(opts.shard, opts.out, (job, ok) =>
        out.info(`${ok ? 'done' : 'FAILED'} ${job}`),
      );
      out.result(r, `${r.ran} jobs run (${r.failed} failed), ${r.skipped} already done → ${r.out}`);
    });

  campaign
    .command('collect')
    .description('merge Slurm result files into the campaign database (safe to repeat)')
    .requiredOption('--db <file>', 'campaign database')
    .option('--json', 'JSON output')
    .action(async (opts: { db: string; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const db = await CampaignDb.open(opts.db, { mustExist: true });
      try {
        const c = await collectResults(db);
        const s = await db.status();
        out.result(
          { collected: c, status: s },
          `${c.files} result files: ${c.done} new, ${c.duplicates} already merged, ${c.failed + c.retry} failed; ${s.jobs.done}/${s.jobs.total} jobs done, ${s.samples} samples`,
        );
      } finally {
        db.close();
      }
    });
}
