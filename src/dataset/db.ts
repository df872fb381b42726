import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { SpecfuseError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { CampaignConfig, ModeSpec } from './config.js';
import {
  MODE_LABEL_COLUMNS,
  type ModeLabels,
  modeLabels,
  type SiteLabel,
  STRUCTURE_LABEL_COLUMNS,
  type StructureLabels,
} from './labels.js';
import type { JobSpec, StructureSpec } from './plan.js';

/**
 * The campaign database: one DuckDB file per campaign.
 *
 * Storage choice (measured 2026-11-25 on this 2-core machine, this workload: one transaction per finished job holding
 * 6 site spectra of 300 doubles plus the job's status update, 500 jobs, durable commits):
 *   DuckDB 1.5 (`@duckdb/node-api`, DOUBLE[] columns, prepared statements):  94 transactions/s; Parquet export of the
 *     3000 spectra 16 ms, built in (COPY … TO … (FORMAT parquet, KV_METADATA …)).
 *   SQLite 3.40 (Python stdlib driver as a stand-in for better-sqlite3, WAL, synchronous=FULL, spectra as BLOBs):
 *     1199 transactions/s; no Parquet writer (would need apache-arrow + a Parquet writer) and no array columns.
 * A job takes ≥ 100 ms of simulation, so DuckDB's ~10 ms per commit is ≤ 10 % of one worker's time, off the workers'
 * threads (the native driver commits on its own thread); in exchange the samples table holds typed DOUBLE[] spectra
 * and the Parquet export of the dataset is one SQL statement. Chosen: DuckDB.
 *
 * Durability: every finished job is written with its status in ONE transaction (site spectra, job row and, when it
 * completes its structure, the sample row), so a SIGKILL at any moment leaves either all of it or none of it;
 * DuckDB replays its write-ahead log on the next open. Jobs found `running` at start-up were interrupted and go back
 * to `pending`.
 */

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface StructureRecord {
  readonly spec: StructureSpec;
  readonly cif: string;
  readonly nSites: number;
  readonly formula: string;
  readonly defects: unknown;
  readonly labels: StructureLabels;
  readonly sites: readonly SiteLabel[];
}

export interface SiteSpectrumResult {
  readonly site: number;
  readonly weight: number;
  readonly intensity: ArrayLike<number>;
}

export type JobResult =
  | {
      readonly jobId: string;
      readonly ok: true;
      /** Site-averaged spectrum on the mode's grid. */
      readonly average: ArrayLike<number>;
      readonly sites: readonly SiteSpectrumResult[];
      readonly engine: string;
      readonly engineVersion: string;
      readonly parameters: Readonly<Record<string, unknown>>;
      readonly elapsedMs: number;
    }
  | { readonly jobId: string; readonly ok: false; readonly error: string; readonly elapsedMs: number };

/** What happened to a result handed to `recordResult`. */
export type RecordOutcome = 'done' | 'failed' | 'retry' | 'duplicate';

export interface CampaignStatus {
  readonly name: string;
  readonly hash: string;
  readonly structures: number;
  readonly jobs: Readonly<Record<JobStatus, number>> & { readonly total: number };
  /** Failed jobs that will be retried (fewer attempts than the limit). */
  readonly retryable: number;
  readonly samples: number;
  readonly modes: readonly string[];
  readonly errors: readonly { job: string; attempts: number; error: string }[];
  readonly submissions: readonly {
    id: string;
    slurmJob: string;
    dir: string;
    jobs: number;
    submittedAt: string;
  }[];
}

const LIST_DOUBLE = LIST(DOUBLE);

function modeColumns(mode: ModeSpec): { labels: string[]; spectrum: string } {
  const suffix = mode.column.slice('spec_'.length);
  return { labels: MODE_LABEL_COLUMNS.map((c) => `${c}_${suffix}`), spectrum: mode.column };
}

/** The sample (dataset) columns in order, for a campaign's modes. */
export function sampleColumns(modes: readonly ModeSpec[]): { name: string; type: string }[] {
  const cols: { name: string; type: string }[] = [
    { name: 'sample_id', type: 'VARCHAR' },
    { name: 'structure_id', type: 'VARCHAR' },
    { name: 'composition', type: 'VARCHAR' },
    { name: 'defect_class', type: 'VARCHAR' },
  ];
  for (const c of STRUCTURE_LABEL_COLUMNS) cols.push({ name: c, type: 'DOUBLE' });
  for (const m of modes) for (const c of modeColumns(m).labels) cols.push({ name: c, type: 'DOUBLE' });
  for (const m of modes) cols.push({ name: m.column, type: 'DOUBLE[]' });
  // provenance is text, so that every numeric column of the dataset is a label
  cols.push({ name: 'provenance', type: 'VARCHAR' });
  cols.push({ name: 'specfuse_version', type: 'VARCHAR' });
  return cols;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

export class CampaignDb {
  private chain: Promise<unknown> = Promise.resolve();
  private cachedConfig: CampaignConfig | undefined;

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Open (creating if absent, unless `mustExist`) a campaign database file. */
  static async open(file: string, options: { mustExist?: boolean } = {}): Promise<CampaignDb> {
    if (options.mustExist && !existsSync(file))
      throw new SpecfuseError('not-found', 'no such campaign database', { file });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file);
    } catch (e) {
      throw new SpecfuseError('io', `cannot open campaign database: ${(e as Error).message.split('\n')[0]}`, {
        file,
      });
    }
    const conn = await instance.connect();
    return new CampaignDb(file, instance, conn);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  /** Run `fn` as one transaction, serialised with every other write on this connection. */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const out = await fn();
        await this.conn.run('COMMIT');
        return out;
      } catch (e) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async rows(sql: string, values?: Record<string, DuckDBValue>, types?: Record<string, DuckDBType>) {
    const r = await this.conn.runAndReadAll(sql, values, types);
    return r.getRowObjectsJS() as Record<string, unknown>[];
  }

  async hasCampaign(): Promise<boolean> {
    const r = await this.rows(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'campaigns' AND table_schema = 'main'`,
    );
    if (num(r[0]?.n) === 0) return false;
    const c = await this.rows('SELECT count(*) AS n FROM campaigns');
    return num(c[0]?.n) > 0;
  }

  /** The stored campaign (config and hash); fails `not-found` when the file holds none. */
  async campaign(): Promise<{ config: CampaignConfig; hash: string; name: string }> {
    if (!(await this.hasCampaign()))
      throw new SpecfuseError(
        'not-found',
        'no campaign in this database (run `specfuse campaign run` first)',
        {
          file: this.file,
        },
      );
    const r = await this.rows('SELECT name, config, hash FROM campaigns LIMIT 1');
    const row = r[0]!;
    this.cachedConfig = JSON.parse(row.config as string) as CampaignConfig;
    return { config: this.cachedConfig, hash: row.hash as string, name: row.name as string };
  }

  /** Create every table and write the whole plan in one transaction. */
  async initialize(
    config: CampaignConfig,
    hash: string,
    structures: readonly StructureRecord[],
    jobs: readonly JobSpec[],
  ): Promise<void> {
    const sampleCols = sampleColumns(config.modes)
      .map((c) => `${q(c.name)} ${c.type}${c.name === 'sample_id' ? ' PRIMARY KEY' : ''}`)
      .join(', ');
    await this.transaction(async () => {
      await this.conn.run(`
        CREATE TABLE IF NOT EXISTS campaigns(name VARCHAR, config VARCHAR, hash VARCHAR PRIMARY KEY, seed BIGINT,
          specfuse_version VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp);
        CREATE TABLE IF NOT EXISTS modes(mode VARCHAR PRIMARY KEY, element VARCHAR, edge VARCHAR, engine VARCHAR,
          column_name VARCHAR, e_start DOUBLE, e_step DOUBLE, n INTEGER, gaussian_fwhm DOUBLE, absorbers VARCHAR,
          options VARCHAR);
        CREATE TABLE IF NOT EXISTS structures(id VARCHAR PRIMARY KEY, composition VARCHAR, defect_class VARCHAR,
          seed BIGINT, spec VARCHAR, formula VARCHAR, n_sites INTEGER, cif VARCHAR, defects VARCHAR, labels VARCHAR,
          specfuse_version VARCHAR);
        CREATE TABLE IF NOT EXISTS sites(structure_id VARCHAR, site INTEGER, element VARCHAR, formal_valence DOUBLE,
          bv_valence DOUBLE, n_li INTEGER, n_ni INTEGER, n_mn INTEGER, n_co INTEGER, n_o INTEGER, radius DOUBLE,
          PRIMARY KEY(structure_id, site));
        CREATE TABLE IF NOT EXISTS jobs(id VARCHAR PRIMARY KEY, structure_id VARCHAR, mode VARCHAR, seed BIGINT,
          spec VARCHAR, status VARCHAR, attempts INTEGER DEFAULT 0, error VARCHAR, started_at TIMESTAMP,
          finished_at TIMESTAMP, elapsed_ms DOUBLE, engine VARCHAR, engine_version VARCHAR, parameters VARCHAR,
          specfuse_version VARCHAR, average DOUBLE[]);
        CREATE TABLE IF NOT EXISTS site_spectra(job_id VARCHAR, structure_id VARCHAR, mode VARCHAR, site INTEGER,
          weight DOUBLE, intensity DOUBLE[], engine VARCHAR, engine_version VARCHAR, parameters VARCHAR, seed BIGINT,
          specfuse_version VARCHAR, PRIMARY KEY(job_id, site));
        CREATE TABLE IF NOT EXISTS submissions(id VARCHAR PRIMARY KEY, slurm_job VARCHAR, dir VARCHAR, jobs INTEGER,
          submitted_at TIMESTAMP DEFAULT current_timestamp);
        CREATE TABLE IF NOT EXISTS samples(${sampleCols});`);
      await this.conn.run(
        'INSERT INTO campaigns(name, config, hash, seed, specfuse_version) VALUES ($name, $config, $hash, $seed, $v)',
        { name: config.name, config: JSON.stringify(config), hash, seed: config.seed, v: VERSION },
      );
      const insMode = await this.conn.prepare(
        `INSERT INTO modes VALUES ($mode, $el, $edge, $engine, $col, $start, $step, $n, $g, $abs, $opts)`,
      );
      for (const m of config.modes) {
        insMode.bind({
          mode: m.key,
          el: m.element,
          edge: m.edge,
          engine: m.engine,
          col: m.column,
          start: m.grid.start,
          step: m.grid.step,
          n: m.grid.n,
          g: m.gaussianFwhm,
          abs: String(m.absorbers),
          opts: JSON.stringify(m.options),
        });
        await insMode.run();
      }
      const insStructure = await this.conn.prepare(
        `INSERT INTO structures VALUES ($id, $comp, $klass, $seed, $spec, $formula, $n, $cif, $defects, $labels, $v)`,
      );
      const appender = await this.conn.createAppender('sites');
      for (const s of structures) {
        insStructure.bind({
          id: s.spec.id,
          comp: s.spec.composition.name,
          klass: s.spec.defectClass,
          seed: s.spec.seed,
          spec: JSON.stringify(s.spec),
          formula: s.formula,
          n: s.nSites,
          cif: s.cif,
          defects: JSON.stringify(s.defects ?? []),
          labels: JSON.stringify(s.labels),
          v: VERSION,
        });
        await insStructure.run();
        for (const l of s.sites) {
          appender.appendVarchar(s.spec.id);
          appender.appendInteger(l.site);
          appender.appendVarchar(l.element);
          if (l.formalValence === null) appender.appendNull();
          else appender.appendDouble(l.formalValence);
          if (l.bvValence === null) appender.appendNull();
          else appender.appendDouble(l.bvValence);
          appender.appendInteger(l.counts.Li);
          appender.appendInteger(l.counts.Ni);
          appender.appendInteger(l.counts.Mn);
          appender.appendInteger(l.counts.Co);
          appender.appendInteger(l.counts.O);
          appender.appendDouble(config.labelRadius);
          appender.endRow();
        }
      }
      appender.closeSync();
      const insJob = await this.conn.prepare(
        `INSERT INTO jobs(id, structure_id, mode, seed, spec, status, attempts) VALUES ($id, $s, $m, $seed, $spec, 'pending', 0)`,
      );
      for (const j of jobs) {
        insJob.bind({ id: j.id, s: j.structure.id, m: j.mode.key, seed: j.seed, spec: JSON.stringify(j) });
        await insJob.run();
      }
    });
    this.cachedConfig = config;
  }

  /** Jobs left `running` by a process that died go back to `pending`. Returns how many. */
  async resetRunning(): Promise<number> {
    return this.transaction(async () => {
      const r = await this.rows(`SELECT count(*) AS n FROM jobs WHERE status = 'running'`);
      await this.conn.run(`UPDATE jobs SET status = 'pending' WHERE status = 'running'`);
      return num(r[0]?.n);
    });
  }

  /** Pending jobs and failed jobs with attempts left, in id order. */
  async runnableJobs(maxAttempts: number): Promise<JobSpec[]> {
    const r = await this.rows(
      `SELECT spec FROM jobs WHERE status = 'pending' OR (status = 'failed' AND attempts < $max) ORDER BY id`,
      { max: maxAttempts },
    );
    return r.map((x) => JSON.parse(x.spec as string) as JobSpec);
  }

  async markRunning(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.transaction(async () => {
      await this.conn.run(
        `UPDATE jobs SET status = 'running', started_at = now() WHERE id IN (SELECT unnest($ids)) AND status <> 'done'`,
        { ids: listValue([...ids]) },
        { ids: LIST(VARCHAR) },
      );
    });
  }

  /**
   * Store one job's result with its status in one transaction; a success that completes its structure also writes
   * the structure's sample. A result for a job already done is ignored ('duplicate'), so collecting twice is safe.
   */
  async recordResult(result: JobResult, maxAttempts: number): Promise<RecordOutcome> {
    return this.transaction(async () => {
      const cur = await this.rows(
        'SELECT status, attempts, structure_id, mode, seed FROM jobs WHERE id = $id',
        {
          id: result.jobId,
        },
      );
      const job = cur[0];
      if (!job) throw new SpecfuseError('internal', `result for unknown job '${result.jobId}'`);
      if (job.status === 'done') return 'duplicate';
      if (!result.ok) {
        const attempts = num(job.attempts) + 1;
        await this.conn.run(
          `UPDATE jobs SET status = 'failed', attempts = $a, error = $e, finished_at = now(), elapsed_ms = $t WHERE id = $id`,
          { a: attempts, e: result.error, t: result.elapsedMs, id: result.jobId },
        );
        return attempts < maxAttempts ? 'retry' : 'failed';
      }
      const params = JSON.stringify(result.parameters);
      const seed = num(job.seed);
      await this.conn.run(
        `UPDATE jobs SET status = 'done', error = NULL, finished_at = now(), elapsed_ms = $t, engine = $eng,
           engine_version = $ver, parameters = $p, specfuse_version = $v, average = $avg WHERE id = $id`,
        {
          t: result.elapsedMs,
          eng: result.engine,
          ver: result.engineVersion,
          p: params,
          v: VERSION,
          avg: listValue(Array.from(result.average)),
          id: result.jobId,
        },
        { avg: LIST_DOUBLE },
      );
      const ins = await this.conn.prepare(
        `INSERT INTO site_spectra VALUES ($job, $s, $m, $site, $w, $y, $eng, $ver, $p, $seed, $v)`,
      );
      for (const s of result.sites) {
        ins.bind(
          {
            job: result.jobId,
            s: job.structure_id as string,
            m: job.mode as string,
            site: s.site,
            w: s.weight,
            y: listValue(Array.from(s.intensity)),
            eng: result.engine,
            ver: result.engineVersion,
            p: params,
            seed,
            v: VERSION,
          },
          { y: LIST_DOUBLE },
        );
        await ins.run();
      }
      await this.maybeWriteSample(job.structure_id as string);
      return 'done';
    });
  }

  private async config(): Promise<CampaignConfig> {
    if (!this.cachedConfig) await this.campaign();
    return this.cachedConfig!;
  }

  /** Inside a transaction: if every job of the structure is done, assemble and insert its sample. */
  private async maybeWriteSample(structureId: string): Promise<void> {
    const config = await this.config();
    const jobs = await this.rows(
      `SELECT mode, status, average, engine, engine_version, parameters, seed FROM jobs WHERE structure_id = $s`,
      { s: structureId },
    );
    if (jobs.length === 0 || jobs.some((j) => j.status !== 'done')) return;
    const st = (
      await this.rows('SELECT composition, defect_class, labels, seed FROM structures WHERE id = $s', {
        s: structureId,
      })
    )[0]!;
    const siteRows = await this.rows(
      `SELECT site, element, formal_valence, bv_valence, n_li, n_ni, n_mn, n_co, n_o FROM sites
       WHERE structure_id = $s ORDER BY site`,
      { s: structureId },
    );
    const siteLabels: SiteLabel[] = [];
    for (const r of siteRows)
      siteLabels[num(r.site)] = {
        site: num(r.site),
        element: r.element as string,
        formalValence: r.formal_valence === null ? null : num(r.formal_valence),
        bvValence: r.bv_valence === null ? null : num(r.bv_valence),
        counts: { Li: num(r.n_li), Ni: num(r.n_ni), Mn: num(r.n_mn), Co: num(r.n_co), O: num(r.n_o) },
      };
    const weights = await this.rows(
      'SELECT mode, site, weight FROM site_spectra WHERE structure_id = $s ORDER BY mode, site',
      { s: structureId },
    );
    const labels = JSON.parse(st.labels as string) as StructureLabels;
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    const names: string[] = [];
    const put = (name: string, v: DuckDBValue, t?: DuckDBType) => {
      const key = `c${names.length}`;
      names.push(name);
      values[key] = v;
      if (t) types[key] = t;
    };
    put('sample_id', structureId);
    put('structure_id', structureId);
    put('composition', st.composition as string);
    put('defect_class', st.defect_class as string);
    for (const c of STRUCTURE_LABEL_COLUMNS) put(c, labels[c], DOUBLE);
    const provenance: Record<string, unknown> = {};
    const byMode = new Map(jobs.map((j) => [j.mode as string, j]));
    for (const m of config.modes) {
      const absorbers = weights
        .filter((w) => w.mode === m.key)
        .map((w) => ({ site: num(w.site), weight: num(w.weight) }));
      const ml: ModeLabels = modeLabels(siteLabels, absorbers);
      const cols = modeColumns(m).labels;
      MODE_LABEL_COLUMNS.forEach((k, i) => {
        put(cols[i]!, ml[k], DOUBLE);
      });
      const j = byMode.get(m.key)!;
      provenance[m.key] = {
        engine: j.engine,
        engineVersion: j.engine_version,
        parameters: JSON.parse(j.parameters as string),
        seed: num(j.seed),
      };
    }
    for (const m of config.modes) {
      const avg = byMode.get(m.key)!.average as number[];
      put(m.column, listValue(avg), LIST_DOUBLE);
    }
    put(
      'provenance',
      JSON.stringify({ campaignSeed: config.seed, structureSeed: num(st.seed), modes: provenance }),
    );
    put('specfuse_version', VERSION);
    const keys = names.map((_, i) => `$c${i}`);
    await this.conn.run(
      `INSERT INTO samples(${names.map(q).join(', ')}) VALUES (${keys.join(', ')})`,
      values,
      types,
    );
  }

  async recordSubmission(id: string, slurmJob: string, dir: string, jobs: number): Promise<void> {
    await this.transaction(async () => {
      await this.conn.run('INSERT INTO submissions(id, slurm_job, dir, jobs) VALUES ($id, $sj, $dir, $n)', {
        id,
        sj: slurmJob,
        dir,
        n: jobs,
      });
    });
  }

  async submissions(): Promise<
    { id: string; slurmJob: string; dir: string; jobs: number; submittedAt: string }[]
  > {
    const r = await this.rows(
      'SELECT id, slurm_job, dir, jobs, CAST(submitted_at AS VARCHAR) AS t FROM submissions',
    );
    return r.map((x) => ({
      id: x.id as string,
      slurmJob: x.slurm_job as string,
      dir: x.dir as string,
      jobs: num(x.jobs),
      submittedAt: x.t as string,
    }));
  }

  async status(): Promise<CampaignStatus> {
    const { config, hash, name } = await this.campaign();
    const counts = await this.rows('SELECT status, count(*) AS n FROM jobs GROUP BY status');
    const jobs = { pending: 0, running: 0, done: 0, failed: 0, total: 0 };
    for (const r of counts) {
      jobs[r.status as JobStatus] = num(r.n);
      jobs.total += num(r.n);
    }
    const retry = await this.rows(
      `SELECT count(*) AS n FROM jobs WHERE status = 'failed' AND attempts < $max`,
      {
        max: config.maxAttempts,
      },
    );
    const ns = await this.rows('SELECT count(*) AS n FROM structures');
    const nsamp = await this.rows('SELECT count(*) AS n FROM samples');
    const errors = await this.rows(
      `SELECT id, attempts, error FROM jobs WHERE status = 'failed' ORDER BY id LIMIT 20`,
    );
    return {
      name,
      hash,
      structures: num(ns[0]?.n),
      jobs,
      retryable: num(retry[0]?.n),
      samples: num(nsamp[0]?.n),
      modes: config.modes.map((m) => m.key),
      errors: errors.map((e) => ({
        job: e.id as string,
        attempts: num(e.attempts),
        error: e.error as string,
      })),
      submissions: await this.submissions(),
    };
  }
}
