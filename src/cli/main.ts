#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { reportError } from './context.js';
import { VERSION } from '../core/version.js';
import { register as registerCampaign } from './commands/campaign.js';
import { register as registerDataset } from './commands/dataset.js';
import { register as registerSpectrum } from './commands/spectrum.js';
import { register as registerRun } from './commands/run.js';
import { register as registerStructure } from './commands/structure.js';
import { register as registerTrain } from './commands/train.js';
import { register as registerEvaluate } from './commands/evaluate.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerEngines } from './commands/engines.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerMultiplet } from './commands/multiplet.js';
import { register as registerPredict } from './commands/predict.js';
import { register as registerMap } from './commands/map.js';
import { register as registerReport } from './commands/report.js';
import { register as registerServe } from './commands/serve.js';

/**
 * The `specfuse` command. Each sub-command lives in `commands/<name>.ts` and exports `register(program)`.
 * Register new commands in the list below (one import + one entry).
 */
type Registrar = (program: Command) => void;
const registrars: Registrar[] = [
  registerCampaign,
  registerDataset,
  registerSpectrum,
  registerStructure,
  registerTrain,
  registerEvaluate,
  registerExplain,
  registerEngines,
  registerSimulate,
  registerMultiplet,
  registerPredict,
  registerMap,
  registerReport,
  registerServe,
  registerRun,
];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('specfuse')
    .description('Local atomic structure from multimodal core-level spectroscopy (XAS / EELS)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const r of registrars) r(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        process.exit(0);
      // commander already printed its one-line message
      process.exit(2);
    }
    reportError(e, json);
  }
}

const isEntry = process.argv[1] !== undefined && /main\.(?:ts|js)$/.test(process.argv[1]);
if (isEntry) void main(process.argv);
