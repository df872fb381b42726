import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SpecfuseError } from '../core/errors.js';
import { type MlDataset, type ModeData, makeGrid, modeColumn } from './data.js';
import { makeRng } from './rng.js';

/**
 * A synthetic, physically shaped multimodal dataset for exercising the ML layer (tests, benchmarks) when no
 * simulated campaign is at hand. It is NOT physics: peak positions/heights follow hand-set linear rules of the
 * hidden labels so that each mode carries partial, noisy information:
 *  - O K: pre-edge peak (TM 3d–O 2p hybridisation) whose height grows with TM oxidation (delithiation) and drops
 *    with O vacancies, plus an arctan edge step and the main peak;
 *  - Ni L2,3: L3/L2 white lines (spin–orbit ≈ 17.3 eV) shifting ≈ +1 eV per unit Ni valence, with a low-energy
 *    shoulder when Li/Ni antisites are present; intensity ∝ Ni content;
 *  - Mn L2,3: L3 shifts −0.6 eV with O vacancies (Mn reduction), L3/L2 ≈ 11 eV;
 *  - Co L2,3: L3 shifts slightly with Li content and antisites (weak).
 * Samples of one structure share labels but differ by a nuisance energy jitter, broadening and noise, so
 * leaking a structure across folds inflates scores (what grouped CV must prevent).
 */
export interface SyntheticOptions {
  readonly structures?: number;
  readonly samplesPerStructure?: number;
  readonly modes?: readonly string[];
  /** Standard deviation of additive white noise, in units of the edge step. */
  readonly noise?: number;
  readonly seed?: number;
  /** Points per grid (all modes). */
  readonly points?: number;
}

export const SYNTHETIC_MODES = ['O:K', 'Ni:L23', 'Mn:L23', 'Co:L23'] as const;

const GRIDS: Record<string, [number, number]> = {
  'O:K': [525, 550],
  'Ni:L23': [845, 880],
  'Mn:L23': [635, 660],
  'Co:L23': [772, 800],
};

function gauss(e: number, c: number, w: number): number {
  const z = (e - c) / w;
  return Math.exp(-0.5 * z * z);
}
function step(e: number, c: number, w: number): number {
  return 0.5 + Math.atan((e - c) / w) / Math.PI;
}

export function syntheticDataset(opts: SyntheticOptions = {}): MlDataset {
  const nS = opts.structures ?? 60;
  const per = opts.samplesPerStructure ?? 4;
  const modesReq = opts.modes ?? SYNTHETIC_MODES;
  const noise = opts.noise ?? 0.03;
  const npts = opts.points ?? 100;
  const rng = makeRng(opts.seed ?? 1);
  const n = nS * per;
  const ids: string[] = [];
  const groups: string[] = [];
  const names = ['li_content', 'ni_content', 'o_vacancy', 'antisite', 'ni_valence', 'mn_valence'] as const;
  const labels: Record<string, Float64Array> = {};
  for (const k of names) labels[k] = new Float64Array(n);
  const modes: Record<string, ModeData> = {};
  for (const m of modesReq) {
    const r = GRIDS[m];
    if (!r) throw new SpecfuseError('invalid-argument', `synthetic data has no mode '${m}'`, { field: m });
    modes[m] = { grid: makeGrid(r[0], (r[1] - r[0]) / (npts - 1), npts), X: [] };
  }
  let row = 0;
  for (let s = 0; s < nS; s++) {
    const li = 0.4 + 0.6 * rng.next();
    const ni = 0.2 + 0.6 * rng.next();
    const ov = rng.next() < 0.5 ? 1 : 0;
    const as = rng.next() < 0.5 ? 1 : 0;
    const niVal = 2 + 0.9 * (1 - li) + 0.3 * rng.next() - 0.4 * ov;
    const mnVal = 4 - 0.5 * ov - 0.1 * rng.next();
    for (let k = 0; k < per; k++) {
      const set = (name: (typeof names)[number], v: number) => {
        (labels[name] as Float64Array)[row] = v;
      };
      set('li_content', li);
      set('ni_content', ni);
      set('o_vacancy', ov);
      set('antisite', as);
      set('ni_valence', niVal);
      set('mn_valence', mnVal);
      ids.push(`s${String(s).padStart(4, '0')}-${k}`);
      groups.push(`struct-${String(s).padStart(4, '0')}`);
      const jitter = 0.15 * rng.normal();
      const broad = 1 + 0.1 * rng.normal();
      for (const m of modesReq) {
        const md = modes[m] as ModeData;
        const x = new Float64Array(npts);
        for (let i = 0; i < npts; i++) {
          const e = (md.grid[i] as number) - jitter;
          let v = 0;
          if (m === 'O:K') {
            v =
              (0.25 + 0.6 * (1 - li) - 0.2 * ov) * gauss(e, 528.6 + 0.4 * (1 - li), 0.6 * broad) +
              step(e, 534.5, 1.0) +
              0.8 * gauss(e, 538 - 0.5 * ov, 2.0 * broad);
          } else if (m === 'Ni:L23') {
            const l3 = 852.5 + 1.0 * (niVal - 2);
            v =
              (0.5 + ni) * (gauss(e, l3, 0.8 * broad) + 0.45 * gauss(e, l3 + 17.3, 1.0 * broad)) +
              0.25 * as * gauss(e, l3 - 1.6, 0.7) +
              0.3 * step(e, l3 + 2, 1.5);
          } else if (m === 'Mn:L23') {
            const l3 = 643 - 0.6 * ov;
            v =
              gauss(e, l3, 0.9 * broad) +
              0.3 * (1 - ov) * gauss(e, l3 + 1.8, 0.7) +
              0.5 * gauss(e, l3 + 11, 1.2 * broad) +
              0.3 * step(e, l3 + 1, 1.5);
          } else {
            const l3 = 780 + 0.3 * (1 - li) + 0.2 * as;
            v = gauss(e, l3, 0.8 * broad) + 0.5 * gauss(e, l3 + 15, 1.1 * broad) + 0.3 * step(e, l3 + 1, 1.5);
          }
          x[i] = v + noise * rng.normal();
        }
        md.X.push(x);
      }
      row++;
    }
  }
  return { ids, groups, labels, modes };
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Write a dataset as a Parquet file following the dataset contract (sample_id, structure_id, composition,
 * defect_class, DOUBLE label columns, `spec_<El>_<Edge>` DOUBLE[] columns, grids in key–value metadata
 * `specfuse.grids`). For tests and benchmarks; the dataset layer writes the real campaign exports.
 * Refuses to overwrite an existing file.
 */
export async function writeParquetDataset(ds: MlDataset, path: string): Promise<void> {
  if (existsSync(path))
    throw new SpecfuseError('io', 'refusing to overwrite an existing file', { file: path });
  const tmp = mkdtempSync(join(tmpdir(), 'sf-parquet-'));
  try {
    const jsonl = join(tmp, 'rows.jsonl');
    const labelNames = Object.keys(ds.labels);
    const modeNames = Object.keys(ds.modes);
    const lines: string[] = [];
    for (let i = 0; i < ds.ids.length; i++) {
      const row: Record<string, unknown> = {
        sample_id: ds.ids[i],
        structure_id: ds.groups[i],
        composition: 'synthetic',
        defect_class: 'synthetic',
      };
      for (const l of labelNames) {
        const v = (ds.labels[l] as Float64Array)[i] as number;
        row[l] = Number.isFinite(v) ? v : null;
      }
      for (const m of modeNames)
        row[modeColumn(m)] = Array.from((ds.modes[m] as ModeData).X[i] as Float64Array);
      lines.push(JSON.stringify(row));
    }
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    const columns = [
      `sample_id: 'VARCHAR'`,
      `structure_id: 'VARCHAR'`,
      `composition: 'VARCHAR'`,
      `defect_class: 'VARCHAR'`,
      ...labelNames.map((l) => `${l}: 'DOUBLE'`),
      ...modeNames.map((m) => `${modeColumn(m)}: 'DOUBLE[]'`),
    ].join(', ');
    const grids: Record<string, [number, number, number]> = {};
    for (const m of modeNames) {
      const g = (ds.modes[m] as ModeData).grid;
      grids[m] = [g[0] as number, g.length > 1 ? (g[1] as number) - (g[0] as number) : 1, g.length];
    }
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      await conn.run(
        `COPY (SELECT * FROM read_json(${sqlString(jsonl)}, format='newline_delimited', columns={${columns}})) TO ${sqlString(path)} (FORMAT parquet, KV_METADATA {'specfuse.grids': ${sqlString(JSON.stringify(grids))}})`,
      );
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
