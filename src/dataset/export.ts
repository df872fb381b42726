import { existsSync, renameSync, rmSync } from 'node:fs';
import { extname } from 'node:path';
import { SpecfuseError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { ModeSpec } from './config.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { CampaignDb, sampleColumns } from './db.js';

/**
 * The training set out of a campaign database: one row per sample (labels + one fixed-grid DOUBLE[] column per mode,
 * `spec_<Element>_<Edge>`), Parquet with the grids in the key–value metadata `specfuse.grids` =
 * `{"O:K": [e_start, e_step, n], …}`, or CSV with each spectrum expanded to columns `spec_O_K_0 … spec_O_K_<n−1>`
 * (CSV has no key–value metadata; the grid is in the `modes` table and in `specfuse dataset export --json`).
 */

export type ExportFormat = 'parquet' | 'csv';

export interface ExportOptions {
  /** Default: from the file extension (.parquet, .csv). */
  readonly format?: ExportFormat;
  /** Replace an existing output file (default false: refuse, never overwrite user data). */
  readonly overwrite?: boolean;
}

export interface ExportSummary {
  readonly file: string;
  readonly format: ExportFormat;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly grids: Readonly<Record<string, readonly [number, number, number]>>;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function gridsMetadata(modes: readonly ModeSpec[]): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const m of modes) out[m.key] = [m.grid.start, m.grid.step, m.grid.n];
  return out;
}

function formatOf(file: string, format: ExportFormat | undefined): ExportFormat {
  if (format) return format;
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.csv') return 'csv';
  throw new SpecfuseError('invalid-argument', `cannot tell the format from '${ext || '(no extension)'}'`, {
    file,
    field: 'format',
  });
}

/** Write the samples of a campaign database to Parquet or CSV (atomically: a temporary file renamed into place). */
export async function exportDataset(
  dbFile: string,
  out: string,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const format = formatOf(out, options.format);
  if (existsSync(out) && !options.overwrite)
    throw new SpecfuseError(
      'invalid-argument',
      'output file exists (pass overwrite / --force to replace it)',
      {
        file: out,
      },
    );
  if (!existsSync(dbFile))
    throw new SpecfuseError('not-found', 'no such campaign database', { file: dbFile });
  const db = await CampaignDb.open(dbFile);
  try {
    const { config, hash } = await db.campaign();
    const cols = sampleColumns(config.modes);
    const grids = gridsMetadata(config.modes);
    const tmp = `${out}.tmp-${process.pid}`;
    let select: string;
    let names: string[];
    if (format === 'parquet') {
      names = cols.map((c) => c.name);
      select = names.map(q).join(', ');
    } else {
      names = [];
      const parts: string[] = [];
      for (const c of cols) {
        const mode = config.modes.find((m) => m.column === c.name);
        if (!mode) {
          names.push(c.name);
          parts.push(q(c.name));
          continue;
        }
        for (let i = 0; i < mode.grid.n; i++) {
          names.push(`${c.name}_${i}`);
          parts.push(`${q(c.name)}[${i + 1}] AS ${q(`${c.name}_${i}`)}`);
        }
      }
      select = parts.join(', ');
    }
    const meta =
      format === 'parquet'
        ? `, KV_METADATA {'specfuse.grids': ${sqlString(JSON.stringify(grids))}, 'specfuse.version': ${sqlString(VERSION)}, 'specfuse.campaign': ${sqlString(hash)}}`
        : ', HEADER';
    try {
      await db.conn.run(
        `COPY (SELECT ${select} FROM samples ORDER BY sample_id) TO ${sqlString(tmp)} (FORMAT ${format}${meta})`,
      );
      renameSync(tmp, out);
    } catch (e) {
      rmSync(tmp, { force: true });
      if (e instanceof SpecfuseError) throw e;
      throw new SpecfuseError('io', `export failed: ${(e as Error).message.split('\n')[0]}`, { file: out });
    }
    const n = await db.rows('SELECT count(*) AS n FROM samples');
    return { file: out, format, rows: Number(n[0]?.n ?? 0), columns: names, grids };
  } finally {
    db.close();
  }
}

export interface ParquetInspection {
  readonly rows: number;
  readonly columns: readonly string[];
  /** DuckDB type of each column as read back. */
  readonly types: Readonly<Record<string, string>>;
  /** `specfuse.grids` from the key–value metadata (null when absent). */
  readonly grids: Record<string, [number, number, number]> | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** The first row (spectra as number arrays), or null for an empty file. */
  readonly first: Record<string, unknown> | null;
}

/** Read a dataset Parquet file back (schema, key–value metadata, row count, first row) with a fresh DuckDB. */
export async function inspectParquet(file: string): Promise<ParquetInspection> {
  if (!existsSync(file)) throw new SpecfuseError('not-found', 'no such Parquet file', { file });
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    const f = sqlString(file);
    const desc = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${f})`)).getRowObjectsJS();
    const kv = (
      await conn.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${f})`)
    ).getRowObjectsJS();
    const metadata: Record<string, string> = {};
    for (const r of kv) metadata[r.k as string] = r.v as string;
    const n = (await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${f})`)).getRowObjectsJS();
    const first = (await conn.runAndReadAll(`SELECT * FROM read_parquet(${f}) LIMIT 1`)).getRowObjectsJS();
    const types: Record<string, string> = {};
    for (const d of desc) types[d.column_name as string] = d.column_type as string;
    return {
      rows: Number(n[0]?.n ?? 0),
      columns: desc.map((d) => d.column_name as string),
      types,
      grids: metadata['specfuse.grids'] ? JSON.parse(metadata['specfuse.grids']) : null,
      metadata,
      first: (first[0] as Record<string, unknown> | undefined) ?? null,
    };
  } catch (e) {
    throw new SpecfuseError('parse', `cannot read Parquet: ${(e as Error).message.split('\n')[0]}`, { file });
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}
