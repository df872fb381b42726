import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { type ExportFormat, exportDataset } from '../../dataset/index.js';
import { makeOutput } from '../context.js';

/** `specfuse dataset export`: a campaign's samples as Parquet (grids in the key–value metadata) or CSV. */
export function register(program: Command): void {
  const dataset = program.command('dataset').description('training sets built by campaigns');
  dataset
    .command('export')
    .description('write one row per sample (labels + one spectrum column per mode) to Parquet or CSV')
    .requiredOption('--db <file>', 'campaign database')
    .requiredOption('-o, --out <file>', 'output file (.parquet or .csv)')
    .option('--format <fmt>', 'parquet | csv (default: from the extension)')
    .option('--force', 'replace the output file if it exists')
    .option('--json', 'JSON output')
    .action(async (opts: { db: string; out: string; format?: string; force?: boolean; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      if (opts.format !== undefined && opts.format !== 'parquet' && opts.format !== 'csv')
        throw new SpecfuseError('invalid-argument', `--format must be parquet or csv, got '${opts.format}'`, {
          field: 'format',
        });
      const r = await exportDataset(opts.db, opts.out, {
        ...(opts.format ? { format: opts.format as ExportFormat } : {}),
        overwrite: Boolean(opts.force),
      });
      out.result(r, `${r.rows} samples × ${r.columns.length} columns → ${r.file} (${r.format})`);
    });
}
