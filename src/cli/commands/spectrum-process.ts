import type { Command } from 'commander';

/** Adds the processing sub-commands (`normalize`, `plot`) to the `spectrum` command. Filled in by the preprocess work. */
export function registerSpectrumProcess(_spectrum: Command): void {}
