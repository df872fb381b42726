import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { exportDataset } from '../dataset/export.js';
import { SpecfuseError } from '../core/errors.js';

/**
 * The in-memory dataset the ML layer trains on. One row per sample; `groups[i]` is the structure a sample
 * belongs to (augmentations/sites of one structure never cross folds). Every mode (e.g. `O:K`, `Ni:L23`) has its
 * fixed energy grid (eV) and one spectrum per sample on that grid.
 */
export interface ModeData {
  readonly grid: Float64Array;
  readonly X: Float64Array[];
}

export interface MlDataset {
  readonly ids: string[];
  readonly groups: string[];
  readonly labels: Record<string, Float64Array>;
  readonly modes: Record<string, ModeData>;
}

/** Spectra of one or more samples, keyed by mode, each on that mode's training grid. */
export type SpectraBundle = Record<string, Float64Array[]>;

/** `Ni:L23` → `spec_Ni_L23` (dataset contract column name). */
export function modeColumn(mode: string): string {
  const m = /^([A-Z][a-z]?):([A-Za-z0-9]+)$/.exec(mode);
  if (!m)
    throw new SpecfuseError('invalid-argument', `mode '${mode}' is not of the form Element:Edge (e.g. O:K)`);
  return `spec_${m[1]}_${m[2]}`;
}

/** `spec_Ni_L23` → `Ni:L23`, or undefined for a non-spectrum column. */
export function columnMode(column: string): string | undefined {
  const m = /^spec_([A-Z][a-z]?)_([A-Za-z0-9]+)$/.exec(column);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** Uniform grid e_start + i·e_step, i = 0…n−1 (eV). */
export function makeGrid(eStart: number, eStep: number, n: number): Float64Array {
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = eStart + i * eStep;
  return g;
}

export function datasetSize(ds: MlDataset): number {
  return ds.ids.length;
}

/** Rows `idx` of a dataset (fresh arrays of labels; spectra shared by reference, they are never mutated). */
export function subsetDataset(ds: MlDataset, idx: ArrayLike<number>): MlDataset {
  const pick = <T>(a: readonly T[]): T[] =>
    Array.from({ length: idx.length }, (_, k) => a[idx[k] as number] as T);
  const labels: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(ds.labels)) {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = v[idx[i] as number] as number;
    labels[k] = out;
  }
  const modes: Record<string, ModeData> = {};
  for (const [k, m] of Object.entries(ds.modes)) modes[k] = { grid: m.grid, X: pick(m.X) };
  return { ids: pick(ds.ids), groups: pick(ds.groups), labels, modes };
}

/** The spectra of rows `idx` for the given modes. */
export function spectraOf(ds: MlDataset, modes: readonly string[], idx?: ArrayLike<number>): SpectraBundle {
  const out: SpectraBundle = {};
  for (const mode of modes) {
    const m = ds.modes[mode];
    if (!m) throw new SpecfuseError('not-found', `mode '${mode}' is not in the dataset`, { field: mode });
    out[mode] = idx
      ? Array.from({ length: idx.length }, (_, k) => m.X[idx[k] as number] as Float64Array)
      : m.X;
  }
  return out;
}

export function requireLabel(ds: MlDataset, target: string): Float64Array {
  const y = ds.labels[target];
  if (!y)
    throw new SpecfuseError(
      'not-found',
      `target '${target}' is not a label column (have: ${Object.keys(ds.labels).join(', ')})`,
      { field: target },
    );
  return y;
}

const META_COLUMNS = new Set(['sample_id', 'structure_id', 'composition', 'defect_class']);

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function parseGrids(text: string, file: string): Record<string, [number, number, number]> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new SpecfuseError('parse', `metadata 'specfuse.grids' is not JSON: ${(e as Error).message}`, {
      file,
      field: 'specfuse.grids',
    });
  }
  const out: Record<string, [number, number, number]> = {};
  if (typeof obj !== 'object' || obj === null)
    throw new SpecfuseError('parse', `metadata 'specfuse.grids' is not an object`, {
      file,
      field: 'specfuse.grids',
    });
  for (const [mode, v] of Object.entries(obj)) {
    if (
      !Array.isArray(v) ||
      v.length !== 3 ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
      !Number.isInteger(v[2]) ||
      v[2] < 1 ||
      v[1] <= 0
    )
      throw new SpecfuseError('parse', `grid of mode '${mode}' must be [e_start, e_step>0, n≥1]`, {
        file,
        field: `specfuse.grids.${mode}`,
      });
    out[mode] = [v[0], v[1], v[2]];
  }
  return out;
}

/**
 * Read a dataset Parquet file (contract of the dataset layer: one row per sample, `sample_id`, `structure_id`,
 * numeric label columns, `spec_<El>_<Edge>` DOUBLE[] columns; grids in key–value metadata `specfuse.grids`).
 * Non-numeric columns other than the identifiers are ignored; NULL labels become NaN.
 */
export async function loadParquetDataset(path: string): Promise<MlDataset> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    let kv: Record<string, unknown>[];
    try {
      kv = (
        await conn.runAndReadAll(
          `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(path)})`,
        )
      ).getRowObjectsJS();
    } catch (e) {
      throw new SpecfuseError('io', `cannot read Parquet file: ${(e as Error).message.split('\n')[0]}`, {
        file: path,
      });
    }
    const gridsText = kv.find((r) => r.key === 'specfuse.grids')?.value;
    if (typeof gridsText !== 'string')
      throw new SpecfuseError('parse', `Parquet key–value metadata has no 'specfuse.grids'`, {
        file: path,
        field: 'specfuse.grids',
      });
    const grids = parseGrids(gridsText, path);
    const cols = (
      await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)
    ).getRowObjectsJS();
    const names = cols.map((c) => String(c.column_name));
    for (const req of ['sample_id', 'structure_id'])
      if (!names.includes(req))
        throw new SpecfuseError('parse', `column '${req}' is missing`, { file: path, field: req });
    const numericTypes =
      /^(DOUBLE|FLOAT|INTEGER|BIGINT|SMALLINT|TINYINT|BOOLEAN|DECIMAL.*|HUGEINT|UBIGINT|UINTEGER)$/;
    const labelCols = cols
      .filter((c) => !META_COLUMNS.has(String(c.column_name)) && numericTypes.test(String(c.column_type)))
      .map((c) => String(c.column_name));
    const specCols = names.filter((n) => columnMode(n) !== undefined);
    const select = [
      'CAST(sample_id AS VARCHAR) AS sample_id',
      'CAST(structure_id AS VARCHAR) AS structure_id',
      ...labelCols.map((c) => `CAST("${c}" AS DOUBLE) AS "${c}"`),
      ...specCols.map((c) => `CAST("${c}" AS DOUBLE[]) AS "${c}"`),
    ].join(', ');
    const table = (
      await conn.runAndReadAll(`SELECT ${select} FROM read_parquet(${sqlString(path)}) ORDER BY sample_id`)
    ).getColumnsObjectJS();
    const n = (table.sample_id ?? []).length;
    const ids = (table.sample_id ?? []).map(String);
    const groups = (table.structure_id ?? []).map((g, i) => {
      if (g === null)
        throw new SpecfuseError('parse', `structure_id is NULL for sample '${ids[i]}'`, {
          file: path,
          field: 'structure_id',
        });
      return String(g);
    });
    const labels: Record<string, Float64Array> = {};
    for (const c of labelCols) {
      const v = table[c] ?? [];
      labels[c] = Float64Array.from(v, (x) => (x === null ? Number.NaN : Number(x)));
    }
    const modes: Record<string, ModeData> = {};
    for (const c of specCols) {
      const mode = columnMode(c) as string;
      const g = grids[mode];
      if (!g)
        throw new SpecfuseError('parse', `spectrum column '${c}' has no grid in 'specfuse.grids'`, {
          file: path,
          field: c,
        });
      const grid = makeGrid(g[0], g[1], g[2]);
      const X = (table[c] ?? []).map((v, i) => {
        if (!Array.isArray(v) || v.length !== g[2])
          throw new SpecfuseError(
            'parse',
            `spectrum of sample '${ids[i]}' has ${Array.isArray(v) ? v.length : 'no'} points, grid has ${g[2]}`,
            { file: path, field: c },
          );
        return Float64Array.from(v as (number | null)[], (x) => (x === null ? Number.NaN : x));
      });
      modes[mode] = { grid, X };
    }
    if (n === 0) throw new SpecfuseError('parse', 'dataset has no rows', { file: path });
    return { ids, groups, labels, modes };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/** Read the samples of a campaign database (dataset layer) through its Parquet export to a temporary file. */
export async function loadDbDataset(dbFile: string): Promise<MlDataset> {
  const tmp = mkdtempSync(join(tmpdir(), 'sf-db-'));
  try {
    const p = join(tmp, 'samples.parquet');
    await exportDataset(dbFile, p);
    return await loadParquetDataset(p);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
