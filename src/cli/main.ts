#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { SpecfuseError } from '../core/errors.js';
import { reportError } from './context.js';
import { VERSION } from '../core/version.js';

/**
 * The `specfuse` command. Each sub-command lives in `commands/<name>.ts` and exports `register(program)`.
 * Register new commands in the list below (one import + one entry).
 */
type Registrar = (program: Command) => void;
const registrars: Registrar[] = [];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('specfuse')
    .description('Local atomic structure from multimodal core-level spectroscopy (XAS / EELS)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const r of registrars) r(program);
  program.argument('[command]').action((name: string | undefined) => {
    if (name === undefined) {
      program.outputHelp();
      return;
    }
    const known = program.commands.map((c) => c.name());
    throw new SpecfuseError('invalid-argument', `unknown command '${name}' (commands: ${known.join(', ') || 'none'})`);
  });
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
