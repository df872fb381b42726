import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { defaultStudy } from '../../pipeline/default-study.js';
import { type StudyEvent, runStudy } from '../../pipeline/study.js';
import { engineNames } from '../../simulate/registry.js';
import { tableMarkdown } from '../../pipeline/table.js';
import { jsonReplacer, makeOutput, numberOption } from '../context.js';

/** `specfuse run [CONFIG]`: the main job, end to end (campaign → dataset → evaluation → models → report). */
export function register(program: Command): void {
  program
    .command('run')
    .description(
      'run a whole study end to end: simulate a campaign, train and evaluate single-mode vs fused models, write the report (default: the shipped NMC study)',
    )
    .argument('[config]', 'campaign config (JSON); default: the shipped study')
    .option('--out <dir>', 'output folder (resumes if it holds an earlier run of the same study)', 'results')
    .option('--quick', 'a small study that exercises every stage in a few minutes')
    .option(
      '--full',
      'the cluster-scale study (800 structures, 6 Å K-edge clusters, every absorber): write it with --write-config, simulate it on Slurm with `specfuse campaign run`, then evaluate with `specfuse run FILE`',
    )
    .option(
      '--write-config <file>',
      'write the study configuration (JSON) and stop, e.g. to run its campaign on Slurm',
    )
    .option('--workers <n>', 'simulation worker threads (default: all cores)')
    .option('--folds <k>', 'grouped cross-validation folds', '5')
    .option('--bootstrap <n>', 'bootstrap resamples for the 95 % intervals', '1000')
    .option(
      '--measured <dir>',
      'folder of measured spectra / spectrum images to predict and map (default: ../shared/data/eels/nmc-si-doped when present)',
    )
    .option('--no-measured', 'do not analyse measured data')
    .option('--bin <n>', 'navigation binning of spectrum images before mapping', '1')
    .option('--json', 'print one JSON document with the result')
    .action(async (configPath: string | undefined, opts: Record<string, string | boolean | undefined>) => {
      const out = makeOutput(Boolean(opts.json));
      let config: unknown;
      if (configPath !== undefined) {
        let text: string;
        try {
          text = readFileSync(configPath, 'utf8');
        } catch (e) {
          throw new SpecfuseError('not-found', `cannot read the config: ${(e as Error).message}`, {
            file: configPath,
          });
        }
        try {
          config = JSON.parse(text);
        } catch (e) {
          throw new SpecfuseError('parse', `not valid JSON: ${(e as Error).message}`, { file: configPath });
        }
      }
      if (opts.quick && opts.full)
        throw new SpecfuseError('invalid-argument', '--quick and --full exclude each other');
      if (typeof opts.writeConfig === 'string') {
        const target = opts.writeConfig;
        if (existsSync(target))
          throw new SpecfuseError('invalid-argument', 'file exists; not overwriting it', { file: target });
        const d = defaultStudy({
          quick: Boolean(opts.quick),
          full: Boolean(opts.full),
          engines: engineNames(),
        });
        const cfg = config ?? d.config;
        writeFileSync(target, `${JSON.stringify(cfg, null, 2)}\n`);
        out.result(
          { config: target, modes: (cfg as { modes: { mode: string }[] }).modes.map((m) => m.mode) },
          `wrote ${target}`,
        );
        return;
      }
      const workers = numberOption(opts.workers as string | undefined, 'workers', {
        min: 1,
        max: 256,
        integer: true,
      });
      const folds = numberOption(opts.folds as string, 'folds', { min: 2, max: 50, integer: true })!;
      const bootstrap = numberOption(opts.bootstrap as string, 'bootstrap', {
        min: 10,
        max: 100000,
        integer: true,
      })!;
      const bin = numberOption(opts.bin as string, 'bin', { min: 1, max: 64, integer: true })!;
      const measured = measuredFolder(opts.measured as string | boolean | undefined);
      const showBar = !opts.json && process.stderr.isTTY;
      let bar: cliProgress.SingleBar | undefined;
      const onEvent = (e: StudyEvent) => {
        if (opts.json) {
          process.stderr.write(`${JSON.stringify({ event: e }, jsonReplacer)}\n`);
          return;
        }
        if (e.type === 'stage') {
          bar?.stop();
          bar = undefined;
          process.stderr.write(`[${e.stage}] ${e.message}\n`);
        } else if (e.type === 'campaign') {
          const ce = e.event;
          if (ce.type === 'plan')
            process.stderr.write(
              `[campaign] ${ce.created ? 'planned' : 'resuming'}: ${ce.structures} structures, ${ce.jobs} jobs\n`,
            );
          else if (ce.type === 'start') {
            process.stderr.write(
              `[campaign] ${ce.done}/${ce.total} jobs already done, ${ce.runnable} to run on ${ce.workers} worker(s)\n`,
            );
            if (showBar) {
              bar = new cliProgress.SingleBar(
                {
                  format: '[campaign] {bar} {value}/{total} jobs | {rate}/min | ETA {eta_formatted}',
                  noTTYOutput: true,
                },
                cliProgress.Presets.shades_classic,
              );
              bar.start(ce.total, ce.done, { rate: '–' });
            }
          } else if (ce.type === 'job') {
            if (bar) bar.update(ce.done + ce.failed, { rate: ce.rate.toFixed(1) });
            else if ((ce.done + ce.failed) % 25 === 0 || ce.done + ce.failed === ce.total)
              process.stderr.write(
                `[campaign] ${ce.done}/${ce.total} done, ${ce.failed} failed, ${ce.rate.toFixed(1)} jobs/min, ETA ${ce.etaSeconds === null ? '?' : `${Math.round(ce.etaSeconds)} s`}\n`,
              );
          } else if (ce.type === 'finish') {
            bar?.stop();
            bar = undefined;
            process.stderr.write(`[campaign] finished in ${ce.elapsedSeconds.toFixed(1)} s\n`);
          }
        } else if (e.type === 'cv') {
          process.stderr.write(`[evaluate] ${e.done}/${e.total} ${e.label}\n`);
        }
      };
      const result = await runStudy({
        out: resolve(opts.out as string),
        ...(config !== undefined ? { config } : {}),
        ...(configPath !== undefined ? { configFile: configPath } : {}),
        quick: Boolean(opts.quick),
        full: Boolean(opts.full),
        ...(workers !== undefined ? { workers } : {}),
        folds,
        bootstrap,
        bin,
        ...(measured !== undefined ? { measured } : {}),
        onEvent,
      });
      bar?.stop();
      out.result(
        result,
        () =>
          `\n${tableMarkdown(result.table)}\n\n${result.conclusion}\n\nWrote ${Object.values(result.files).join(', ')} (${result.elapsedSeconds.toFixed(0)} s).`,
      );
    });
}

/** The seed paper's measured NMC data, beside the project (../shared), when it is there. */
const DEFAULT_MEASURED = join('..', 'shared', 'data', 'eels', 'nmc-si-doped');

function measuredFolder(opt: string | boolean | undefined): string | undefined {
  if (opt === false) return undefined;
  if (typeof opt === 'string') {
    if (!existsSync(opt))
      throw new SpecfuseError('not-found', 'measured-data folder not found', {
        file: opt,
        field: 'measured',
      });
    return resolve(opt);
  }
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  for (const base of [process.cwd(), packageRoot]) {
    const d = resolve(base, DEFAULT_MEASURED);
    if (existsSync(d)) return d;
  }
  return undefined;
}
