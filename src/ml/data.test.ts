import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { columnMode, loadParquetDataset, modeColumn, subsetDataset } from './data.js';
import { syntheticDataset, writeParquetDataset } from './synthetic.js';

const tmp = mkdtempSync(join(tmpdir(), 'sf-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('dataset contract', () => {
  it('mode ↔ column names', () => {
    expect(modeColumn('Ni:L23')).toBe('spec_Ni_L23');
    expect(columnMode('spec_O_K')).toBe('O:K');
    expect(columnMode('li_content')).toBeUndefined();
    expect(() => modeColumn('nonsense')).toThrow(/Element:Edge/);
  });

  it('Parquet round trip keeps ids, groups, labels, grids and spectra', async () => {
    const ds = syntheticDataset({
      structures: 5,
      samplesPerStructure: 2,
      modes: ['O:K', 'Ni:L23'],
      points: 30,
    });
    const p = join(tmp, 'a.parquet');
    await writeParquetDataset(ds, p);
    await expect(writeParquetDataset(ds, p)).rejects.toThrow(/overwrite/);
    const back = await loadParquetDataset(p);
    expect(back.ids).toEqual(ds.ids);
    expect(back.groups).toEqual(ds.groups);
    expect(Array.from(back.labels.li_content ?? [])).toEqual(Array.from(ds.labels.li_content ?? []));
    expect(back.modes['Ni:L23']?.grid[29]).toBeCloseTo(ds.modes['Ni:L23']?.grid[29] as number, 9);
    expect(Array.from(back.modes['O:K']?.X[3] ?? [])).toEqual(Array.from(ds.modes['O:K']?.X[3] ?? []));
    const sub = subsetDataset(back, [1, 3]);
    expect(sub.ids).toEqual([ds.ids[1], ds.ids[3]]);
    expect(sub.labels.o_vacancy?.[1]).toBe(ds.labels.o_vacancy?.[3]);
  });

  it('a Parquet file without grid metadata is rejected, naming file and key', async () => {
    const p = join(tmp, 'nogrid.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(
      `COPY (SELECT 'a' AS sample_id, 's' AS structure_id, [1.0, 2.0]::DOUBLE[] AS spec_O_K) TO '${p}' (FORMAT parquet)`,
    );
    c.closeSync();
    inst.closeSync();
    await expect(loadParquetDataset(p)).rejects.toThrow(/nogrid\.parquet.*specfuse\.grids/);
    await expect(loadParquetDataset(join(tmp, 'missing.parquet'))).rejects.toThrow(/missing\.parquet/);
  });
});
