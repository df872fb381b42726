import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { SpecfuseError } from '../core/errors.js';
import { parseCif } from '../io/structure/cif.js';
import { fracToCart } from '../structure/lattice.js';
import type { Vec3 } from '../structure/types.js';

/**
 * Read-only views of a campaign database for browsing (the web app's Dataset page, nearest-spectrum search):
 * the dataset summary, a page of structures with their labels, one structure with its CIF, Cartesian sites and
 * defects, and the simulated spectra of a sample or of every sample for one mode, with their energy grids.
 * Nothing here writes. `CampaignReader` opens the file with DuckDB's READ_ONLY access mode, so browsing never
 * takes the write lock a running campaign needs; the queries also run on an open `CampaignDb` (same `rows`).
 */
export interface RowSource {
  rows(sql: string, values?: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]>;
}

export class CampaignReader implements RowSource {
  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Open a campaign database read-only; a file locked by a writer (a running campaign) is a clear error. */
  static async open(file: string): Promise<CampaignReader> {
    if (!existsSync(file)) throw new SpecfuseError('not-found', 'no such campaign database', { file });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      const locked = /lock/i.test(msg);
      throw new SpecfuseError(
        'io',
        locked
          ? `the campaign database is locked by another process (a running campaign?); try again when it has finished (${msg})`
          : `cannot open campaign database read-only: ${msg}`,
        { file },
      );
    }
    const conn = await instance.connect();
    return new CampaignReader(file, instance, conn);
  }

  async rows(sql: string, values?: Record<string, DuckDBValue>): Promise<Record<string, unknown>[]> {
    const r = await this.conn.runAndReadAll(sql, values);
    return r.getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? Number.NaN : Number(v);
}

export interface ModeGrid {
  readonly mode: string;
  readonly column: string;
  readonly start: number;
  readonly step: number;
  readonly n: number;
}

/** Energy grid of a mode: start + i·step, i = 0…n−1 (eV). */
export function gridEnergies(g: ModeGrid): Float64Array {
  return Float64Array.from({ length: g.n }, (_, i) => g.start + i * g.step);
}

export async function modeGrids(db: RowSource): Promise<ModeGrid[]> {
  const r = await db.rows('SELECT mode, column_name, e_start, e_step, n FROM modes ORDER BY rowid');
  return r.map((x) => ({
    mode: String(x.mode),
    column: String(x.column_name),
    start: num(x.e_start),
    step: num(x.e_step),
    n: num(x.n),
  }));
}

async function hasTable(db: RowSource, name: string): Promise<boolean> {
  const r = await db.rows(
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $t AND table_schema = 'main'`,
    { t: name },
  );
  return num(r[0]?.n) > 0;
}

export interface DatasetSummary {
  readonly name: string;
  readonly structures: number;
  readonly samples: number;
  readonly modes: readonly string[];
}

export async function datasetSummary(db: RowSource): Promise<DatasetSummary> {
  for (const t of ['campaigns', 'structures', 'samples', 'modes'])
    if (!(await hasTable(db, t)))
      throw new SpecfuseError('not-found', `the database holds no campaign (table '${t}' is missing)`, {
        field: t,
      });
  const c = await db.rows('SELECT name FROM campaigns LIMIT 1');
  const s = await db.rows('SELECT count(*) AS n FROM structures');
  const p = await db.rows('SELECT count(*) AS n FROM samples');
  return {
    name: c[0] ? String(c[0].name) : '',
    structures: num(s[0]?.n),
    samples: num(p[0]?.n),
    modes: (await modeGrids(db)).map((g) => g.mode),
  };
}

export type Labels = Record<string, number | null>;

function parseLabels(text: unknown): Labels {
  if (typeof text !== 'string') return {};
  const o = JSON.parse(text) as Record<string, unknown>;
  const out: Labels = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  return out;
}

export interface StructureItem {
  readonly id: string;
  readonly formula: string;
  readonly composition: string;
  readonly defectClass: string;
  readonly nSites: number;
  readonly labels: Labels;
  /** Whether a sample (every mode simulated) exists for the structure. */
  readonly hasSample: boolean;
}

/** A page of structures in id order. */
export async function listStructures(
  db: RowSource,
  page: { offset: number; limit: number },
): Promise<{ total: number; items: StructureItem[] }> {
  const t = await db.rows('SELECT count(*) AS n FROM structures');
  const r = await db.rows(
    `SELECT s.id, s.formula, s.composition, s.defect_class, s.n_sites, s.labels,
            (SELECT count(*) FROM samples p WHERE p.structure_id = s.id) AS n_samples
     FROM structures s ORDER BY s.id LIMIT $limit OFFSET $offset`,
    { limit: page.limit, offset: page.offset },
  );
  return {
    total: num(t[0]?.n),
    items: r.map((x) => ({
      id: String(x.id),
      formula: String(x.formula ?? ''),
      composition: String(x.composition ?? ''),
      defectClass: String(x.defect_class ?? ''),
      nSites: num(x.n_sites),
      labels: parseLabels(x.labels),
      hasSample: num(x.n_samples) > 0,
    })),
  };
}

export interface StructureSite {
  readonly element: string;
  readonly frac: Vec3;
  /** Cartesian position (Å). */
  readonly cart: Vec3;
  /** The defect this atom takes part in (antisite atom, cation next to an O vacancy), if any. */
  readonly defect?: string;
}

export interface StructureDefect {
  readonly kind: string;
  readonly sites: number[];
  /** Cartesian position (Å) of a removed atom (vacancies). */
  readonly position?: Vec3;
  readonly description?: string;
}

export interface StructureDetail {
  readonly id: string;
  readonly formula: string;
  readonly composition: string;
  readonly defectClass: string;
  readonly cif: string;
  /** Rows are the lattice vectors a, b, c (Å). */
  readonly lattice: number[][];
  readonly sites: StructureSite[];
  readonly defects: StructureDefect[];
  readonly labels: Labels;
}

/**
 * One structure: sites from its stored CIF (written in site order by the campaign, so defect site indices refer
 * to them; checked against the `sites` table when present), defects with Cartesian positions.
 */
export async function structureDetail(db: RowSource, id: string): Promise<StructureDetail | undefined> {
  const r = await db.rows(
    'SELECT id, formula, composition, defect_class, cif, defects, labels FROM structures WHERE id = $id',
    { id },
  );
  const x = r[0];
  if (!x) return undefined;
  const cif = String(x.cif ?? '');
  const st = parseCif(cif, `structure ${id}`).value;
  const table = await db.rows('SELECT site, element FROM sites WHERE structure_id = $id ORDER BY site', {
    id,
  });
  if (table.length === st.sites.length)
    for (const t of table) {
      const s = st.sites[num(t.site)];
      if (!s || s.element !== String(t.element))
        throw new SpecfuseError(
          'parse',
          `site ${num(t.site)} of structure ${id} is ${s?.element ?? 'missing'} in the CIF but ${String(t.element)} in the sites table`,
          { field: 'sites' },
        );
    }
  const rawDefects = (typeof x.defects === 'string' ? JSON.parse(x.defects) : []) as {
    kind?: unknown;
    sites?: unknown;
    frac?: unknown;
    description?: unknown;
  }[];
  const defects: StructureDefect[] = rawDefects.map((d) => {
    const sites = Array.isArray(d.sites)
      ? d.sites.filter((v): v is number => Number.isInteger(v) && v >= 0 && v < st.sites.length)
      : [];
    const frac =
      Array.isArray(d.frac) && d.frac.length === 3 && d.frac.every((v) => typeof v === 'number')
        ? (d.frac as unknown as Vec3)
        : undefined;
    return {
      kind: String(d.kind ?? 'defect'),
      sites,
      ...(frac ? { position: fracToCart(st.lattice, frac) } : {}),
      ...(typeof d.description === 'string' ? { description: d.description } : {}),
    };
  });
  const marks = new Map<number, string>();
  for (const d of defects) for (const s of d.sites) if (!marks.has(s)) marks.set(s, d.kind);
  return {
    id: String(x.id),
    formula: String(x.formula ?? ''),
    composition: String(x.composition ?? ''),
    defectClass: String(x.defect_class ?? ''),
    cif,
    lattice: st.lattice.map((row) => [...row]),
    sites: st.sites.map((s, i) => ({
      element: s.element,
      frac: s.frac,
      cart: fracToCart(st.lattice, s.frac),
      ...(marks.has(i) ? { defect: marks.get(i) as string } : {}),
    })),
    defects,
    labels: parseLabels(x.labels),
  };
}

export interface ModeSpectrum {
  readonly mode: string;
  readonly energy: Float64Array;
  readonly intensity: Float64Array;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The simulated spectra (site averages, every mode) of the sample of a structure; empty if none yet. */
export async function structureSpectra(db: RowSource, structureId: string): Promise<ModeSpectrum[]> {
  const grids = await modeGrids(db);
  if (grids.length === 0) return [];
  const cols = grids.map((g) => quote(g.column)).join(', ');
  const r = await db.rows(`SELECT ${cols} FROM samples WHERE structure_id = $id LIMIT 1`, {
    id: structureId,
  });
  const row = r[0];
  if (!row) return [];
  const out: ModeSpectrum[] = [];
  for (const g of grids) {
    const v = row[g.column];
    if (!Array.isArray(v)) continue;
    out.push({ mode: g.mode, energy: gridEnergies(g), intensity: Float64Array.from(v, num) });
  }
  return out;
}

export interface SampleSpectrum {
  readonly sampleId: string;
  readonly structureId: string;
  readonly formula: string;
  readonly defectClass: string;
  readonly intensity: Float64Array;
}

/** Every sample's simulated spectrum of one mode, with the mode's grid (undefined if the mode is not in the db). */
export async function modeSpectra(
  db: RowSource,
  mode: string,
): Promise<{ grid: ModeGrid; energy: Float64Array; samples: SampleSpectrum[] } | undefined> {
  const grid = (await modeGrids(db)).find((g) => g.mode === mode);
  if (!grid) return undefined;
  const r = await db.rows(
    `SELECT p.sample_id, p.structure_id, p.defect_class, s.formula, p.${quote(grid.column)} AS y
     FROM samples p LEFT JOIN structures s ON s.id = p.structure_id ORDER BY p.sample_id`,
  );
  const samples = r
    .filter((x) => Array.isArray(x.y))
    .map((x) => ({
      sampleId: String(x.sample_id),
      structureId: String(x.structure_id),
      formula: String(x.formula ?? ''),
      defectClass: String(x.defect_class ?? ''),
      intensity: Float64Array.from(x.y as unknown[], num),
    }));
  return { grid, energy: gridEnergies(grid), samples };
}
