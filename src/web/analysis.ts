import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type SampleSpectrum, modeSpectra } from '../dataset/browse.js';
import { importanceOverEnergy, nearestSpectra } from '../infer/nearest.js';
import {
  type MapResult,
  type MeasuredInput,
  type PredictOptions,
  type PredictionResult,
  type TargetResult,
  gridOf,
  mapSpectrumImage,
  pickInput,
  measuredInputs,
  predictMeasured,
  prepareInputs,
  requiredRange,
} from '../infer/index.js';
import type { SpectrumFile } from '../io/spectra/common.js';
import type { SfmModel } from '../ml/model-file.js';
import { binNavigation } from '../preprocess/spectrum-image.js';
import { imageEnergyAxis, makeSpectrum } from '../spectrum/spectrum.js';
import type { SpectrumImage } from '../spectrum/types.js';
import { SpecfuseError } from '../core/errors.js';
import { WebError } from './errors.js';
import type { ModelEntry } from './models.js';
import {
  analyzeFieldsSchema,
  analyzeSchema,
  finiteOrNull,
  jsonNumbers,
  mapFieldsSchema,
  mapSchema,
  pixelParamsSchema,
  pixelSchema,
} from './schemas.js';
import { type ServerContext, sendJson } from './server.js';
import { type Upload, readUpload, withUploads } from './uploads.js';

/**
 * Analyze and Map: uploaded measured spectra → the library's inference (`predictMeasured`, `mapSpectrumImage`),
 * with the same turning of files into inputs as `specfuse predict` / `specfuse map` (every spectrum of a file; a
 * spectrum image contributes the sum of its pixels), per-mode prepared spectra against the nearest simulated ones
 * of the campaign, and an importance over energy from the occlusion attributions of every window.
 */

/** Energy windows per mode for the attribution shown as importance (grid points per window ≈ n/12). */
const IMPORTANCE_WINDOWS = 12;

interface Prediction {
  target: string;
  task: 'regression' | 'classification';
  value: number | null;
  interval?: [number | null, number | null];
  probabilities?: Record<string, number | null>;
}

function predictionOf(t: {
  target: string;
  task: 'regression' | 'classification';
  value: number;
  interval?: readonly [number, number] | undefined;
}): Prediction {
  const v = finiteOrNull(t.value);
  return {
    target: t.target,
    task: t.task,
    value: v,
    ...(t.interval ? { interval: [finiteOrNull(t.interval[0]), finiteOrNull(t.interval[1])] } : {}),
    ...(t.task === 'classification' && v !== null ? { probabilities: { present: v, absent: 1 - v } } : {}),
  };
}

/** Modes of a model no input covers (grid, pre-edge window and shift cap). */
export function uncoveredModes(
  model: SfmModel,
  inputs: readonly MeasuredInput[],
  o: PredictOptions,
): string[] {
  return model.modes.filter(
    (mode) => pickInput(inputs, mode, model.grids[mode] as [number, number, number], o) === undefined,
  );
}

/** Modes of a model a spectrum image's energy axis does not cover. */
export function imageUncoveredModes(model: SfmModel, si: SpectrumImage, o: PredictOptions): string[] {
  const e = imageEnergyAxis(si);
  return model.modes.filter((mode) => {
    const [a, b] = requiredRange(mode, model.grids[mode] as [number, number, number], o);
    return a < e[0]! || b > e[e.length - 1]!;
  });
}

/** The mode named by a library coverage error ("no input spectrum covers mode X", "does not cover mode X"). */
export function coverageErrorMode(e: unknown): string | undefined {
  if (!(e instanceof SpecfuseError)) return undefined;
  return /cover(?:s)? mode (\S+?)[\s,;(]/.exec(`${e.message} `)?.[1];
}

/**
 * Run `attempt` with the model named, or with each model in preference order until one's modes are covered by the
 * data: first by the energy ranges (`missingOf`), then by the library itself (a coverage error after its own
 * energy calibration moves to the next model). The fallback and what the preferred model lacked are stated; no
 * covering model → 400 `missing-mode` naming the modes.
 */
export async function withModel<T>(
  ctx: ServerContext,
  requested: string | undefined,
  missingOf: (m: SfmModel) => string[],
  attempt: (entry: ModelEntry) => Promise<T>,
): Promise<{ entry: ModelEntry; value: T; missingModes: string[]; warnings: string[] }> {
  const named = requested !== undefined && requested !== '';
  const order = named ? [ctx.models.get(requested)] : ctx.models.preferenceOrder();
  if (order.length === 0)
    throw new WebError(404, 'no-models', 'no models are loaded (start with --models DIR)');
  const tried: { id: string; modes: readonly string[]; missing: string[] }[] = [];
  for (const entry of order) {
    let missing = missingOf(entry.model);
    if (missing.length === 0)
      try {
        const value = await attempt(entry);
        const first = tried[0];
        return {
          entry,
          value,
          missingModes: first ? first.missing : [],
          warnings: tried.map(
            (t) =>
              `model '${t.id}' not used: the data do not cover ${t.missing.join(', ')}; fell back to '${entry.id}'`,
          ),
        };
      } catch (e) {
        const mode = coverageErrorMode(e);
        if (mode === undefined) throw e;
        missing = [mode];
      }
    tried.push({ id: entry.id, modes: entry.model.modes, missing });
  }
  const first = tried[0]!;
  throw new WebError(
    400,
    'missing-mode',
    named
      ? `model '${first.id}' needs ${first.modes.join(', ')}; the uploaded data do not cover ${first.missing.join(', ')} (energy range of the grid, the pre-edge background window and the shift cap)`
      : `no model's modes are all covered by the uploaded data: ${tried.map((t) => `'${t.id}' lacks ${t.missing.join(', ')}`).join('; ')}`,
    { field: first.missing.join(',') },
  );
}

/**
 * The model's own training-set importance (mean |SHAP| per energy window, `specfuse train` stores it as
 * ImportanceReport[]), spread over the grid and averaged over targets; undefined when the model carries none.
 */
export function globalImportance(
  model: SfmModel,
  mode: string,
  grid: ArrayLike<number>,
): number[] | undefined {
  const reports = Array.isArray(model.importance) ? (model.importance as unknown[]) : [];
  const per: Float64Array[] = [];
  for (const r of reports) {
    const ws = (r as { windows?: Record<string, unknown> })?.windows?.[mode];
    if (!Array.isArray(ws)) continue;
    const y = new Float64Array(grid.length);
    for (const w of ws as { lo?: unknown; hi?: unknown; importance?: unknown }[]) {
      if (typeof w?.lo !== 'number' || typeof w.hi !== 'number' || typeof w.importance !== 'number') continue;
      for (let i = 0; i < grid.length; i++)
        if (grid[i]! >= w.lo && grid[i]! < w.hi) y[i] = Math.max(0, w.importance);
    }
    per.push(y);
  }
  if (per.length === 0) return undefined;
  return Array.from(grid, (_, i) => per.reduce((a, y) => a + y[i]!, 0) / per.length);
}

/** OOD block for JSON; the per-mode scores and the diagnosis are passed on when the library gives them. */
function oodJson(ood: NonNullable<PredictionResult['ood']>) {
  const x = ood as { reason?: unknown; perMode?: Record<string, number> };
  return {
    score: finiteOrNull(ood.score),
    flagged: ood.flagged,
    threshold: finiteOrNull(ood.threshold),
    ...(typeof x.reason === 'string' ? { reason: x.reason } : {}),
    ...(x.perMode
      ? { perMode: Object.fromEntries(Object.entries(x.perMode).map(([k, v]) => [k, finiteOrNull(v)])) }
      : {}),
  };
}

function optionsOf(f: {
  technique?: 'EELS' | 'XAS' | undefined;
  maxShift?: number | undefined;
  continuumStep?: 'auto' | 'on' | 'off' | undefined;
}): PredictOptions {
  return {
    ...(f.technique !== undefined ? { technique: f.technique } : {}),
    ...(f.maxShift !== undefined ? { maxShift: f.maxShift } : {}),
    ...(f.continuumStep !== undefined ? { continuumStep: f.continuumStep } : {}),
  };
}

function parseFields<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  fields: Record<string, string>,
): T {
  const r = schema.safeParse(fields);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new WebError(400, 'invalid-field', `field '${field}': ${issue?.message ?? 'invalid'}`, { field });
  }
  return r.data;
}

/** Simulated spectra of one mode from the campaign, cached until the database file changes. */
type Candidates = { energy: Float64Array; samples: SampleSpectrum[] } | undefined;
const candidateCache = new WeakMap<object, Map<string, Promise<Candidates>>>();

function candidatesOf(ctx: ServerContext, mode: string): Promise<Candidates> {
  const db = ctx.db;
  if (!db) return Promise.resolve(undefined);
  let m = candidateCache.get(db);
  if (!m) {
    m = new Map();
    candidateCache.set(db, m);
  }
  const cache = m;
  const key = `${db.version()}|${mode}`;
  let p = cache.get(key);
  if (!p) {
    for (const k of cache.keys()) if (k.endsWith(`|${mode}`)) cache.delete(k);
    p = db
      .use((r) => modeSpectra(r, mode))
      .then((r) => (r ? { energy: r.energy, samples: r.samples } : undefined));
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

function readAll(files: readonly Upload[]): { name: string; file: SpectrumFile; warnings: string[] }[] {
  return files.map((u) => ({ name: u.name, ...readUpload(u) }));
}

async function analyze(ctx: ServerContext, uploads: { fields: Record<string, string>; files: Upload[] }) {
  const f = parseFields(analyzeFieldsSchema, uploads.fields);
  if (uploads.files.length === 0)
    throw new WebError(400, 'no-file', 'upload at least one measured spectrum (field "file")', {
      field: 'file',
    });
  const read = readAll(uploads.files);
  const inputs = measuredInputs(read);
  if (inputs.length === 0) throw new WebError(400, 'no-spectrum', 'the uploaded files hold no spectrum');
  const o = optionsOf(f);
  const { entry, value, missingModes, warnings } = await withModel(
    ctx,
    f.model,
    (m) => uncoveredModes(m, inputs, o),
    async (e) => ({
      result: await predictMeasured(e.model, inputs, {
        ...o,
        windows: IMPORTANCE_WINDOWS,
        topWindows: 10_000,
      }),
      prepared: prepareInputs(e.model, inputs, o),
    }),
  );
  const { result, prepared } = value;
  const model = entry.model;
  const modes = [];
  for (const use of result.modes) {
    const grid = gridOf(model.grids[use.mode] as [number, number, number]);
    const measured = prepared.get(use.mode)!.intensity;
    const cand = await candidatesOf(ctx, use.mode);
    const near = cand
      ? nearestSpectra(
          measured,
          grid,
          cand.samples.map((s) => ({ ...s, energy: cand.energy })),
          3,
        )
      : [];
    const glob = globalImportance(model, use.mode, grid);
    const cs = (use as { calibrationShift?: unknown }).calibrationShift;
    const calShift = typeof cs === 'number' && Number.isFinite(cs) ? cs : 0;
    const imp = importanceOverEnergy(grid, use.mode, result.targets as TargetResult[]);
    modes.push({
      mode: use.mode,
      source: use.source,
      technique: use.technique,
      // total correction of the energy axis: absolute calibration (when the library made one) + alignment shift
      shift_eV: use.shift + calShift,
      alignShift_eV: use.shift,
      calibrationShift_eV: calShift,
      ...(use.continuumStep
        ? {
            continuumStep: {
              applied: use.continuumStep.applied,
              reason: use.continuumStep.reason,
              relHeight: finiteOrNull(use.continuumStep.relHeight),
              l3: finiteOrNull(use.continuumStep.l3),
              l2: finiteOrNull(use.continuumStep.l2),
              width: finiteOrNull(use.continuumStep.width),
            },
          }
        : {}),
      snr: finiteOrNull(use.snr),
      energy: Array.from(grid),
      measured: jsonNumbers(measured),
      nearest: near.map((n) => ({
        sampleId: n.candidate.sampleId,
        structureId: n.candidate.structureId,
        formula: n.candidate.formula,
        defectClass: n.candidate.defectClass,
        distance: n.distance,
        intensity: jsonNumbers(n.intensity),
      })),
      importance: Array.from(imp.total),
      ...(glob ? { globalImportance: glob } : {}),
      importanceByTarget: Object.fromEntries(
        Object.entries(imp.byTarget).map(([k, v]) => [k, Array.from(v)]),
      ),
    });
  }
  return {
    model: entry.id,
    files: read.map((r) => ({
      name: r.name,
      kind: r.file.image ? 'spectrum-image' : 'spectrum',
      format: r.file.format,
      spectra: r.file.spectra.length,
    })),
    warnings: [...warnings, ...read.flatMap((r) => r.warnings), ...(result.warnings ?? [])],
    modes,
    predictions: result.targets.map(predictionOf),
    ood: result.ood ? oodJson(result.ood) : null,
    missingModes,
    flags: [...result.flags],
  };
}

// ---- maps ----

interface StoredMap {
  readonly id: string;
  readonly entry: ModelEntry;
  readonly image: SpectrumImage;
  readonly result: MapResult;
  readonly options: PredictOptions;
}

/** The last few maps, for pixel look-ups (least recently used dropped first). */
export class MapStore {
  private readonly maps = new Map<string, StoredMap>();
  constructor(private readonly capacity = 4) {}
  put(m: StoredMap): void {
    this.maps.set(m.id, m);
    while (this.maps.size > this.capacity) this.maps.delete(this.maps.keys().next().value as string);
  }
  get(id: string): StoredMap | undefined {
    const m = this.maps.get(id);
    if (m) {
      this.maps.delete(id);
      this.maps.set(id, m);
    }
    return m;
  }
}

async function makeMap(
  ctx: ServerContext,
  store: MapStore,
  uploads: { fields: Record<string, string>; files: Upload[] },
) {
  const f = parseFields(mapFieldsSchema, uploads.fields);
  if (uploads.files.length !== 1)
    throw new WebError(400, 'one-file', 'upload exactly one spectrum image (field "file")', {
      field: 'file',
    });
  const [r] = readAll(uploads.files);
  const si0 = r!.file.image;
  if (!si0)
    throw new WebError(
      400,
      'not-a-spectrum-image',
      `${r!.name}: the file holds no spectrum image (use Analyze for single spectra)`,
      {
        file: r!.name,
      },
    );
  if (si0.navShape.length === 0 || si0.navShape.length > 2)
    throw new WebError(
      400,
      'not-a-spectrum-image',
      `${r!.name}: a map needs a 1- or 2-dimensional spectrum image`,
      { file: r!.name },
    );
  const bin = f.bin ?? 1;
  const si =
    bin > 1
      ? binNavigation(
          si0,
          si0.navShape.map(() => bin),
        )
      : si0;
  const o = optionsOf(f);
  const {
    entry,
    value: result,
    warnings,
  } = await withModel(
    ctx,
    f.model,
    (m) => imageUncoveredModes(m, si, o),
    (e) => mapSpectrumImage(e.model, si, { ...o, bin: 1 }),
  );
  const id = randomUUID();
  store.put({ id, entry, image: si, result, options: o });
  const pixelMean: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(result.pixelMean)) pixelMean[k] = finiteOrNull(v);
  return {
    id,
    model: entry.id,
    shape: [result.shape[0], result.shape[1]],
    bin,
    targets: result.layers.map((l) => l.target),
    layers: result.layers.map((l) => ({
      target: l.target,
      task: l.task,
      values: jsonNumbers(l.value),
      ...(l.task === 'regression' ? { lower: jsonNumbers(l.lo), upper: jsonNumbers(l.hi) } : {}),
    })),
    flagged: Array.from(result.flagged, (v) => (v ? 1 : 0)),
    oodScore: jsonNumbers(result.oodScore),
    flags: result.flags.map((x) => [...x]),
    summary: {
      pixelMean,
      comparison: result.comparison.map((c) =>
        JSON.parse(JSON.stringify(c, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))),
      ),
    },
    warnings: [
      ...warnings,
      ...r!.warnings,
      ...(((result.summed as { warnings?: unknown }).warnings as string[] | undefined) ?? []).map(String),
    ],
  };
}

/**
 * Options to prepare one pixel as the map did: when the library found an absolute energy calibration on the
 * summed spectrum (MapResult.calibration), the same one is applied to the pixel instead of a new search.
 */
function pixelOptions(m: StoredMap): PredictOptions {
  const cal = (m.result as { calibration?: { calibration?: unknown } }).calibration;
  if (cal === undefined) return m.options;
  return { ...m.options, energyCalibration: cal.calibration ?? 'off' } as PredictOptions;
}

function pixelDetail(store: MapStore, params: unknown) {
  const p = pixelParamsSchema.safeParse(params);
  if (!p.success)
    throw new WebError(400, 'bad-pixel', 'map id and pixel indices must be a map id and integers');
  const m = store.get(p.data.id);
  if (!m)
    throw new WebError(
      404,
      'no-such-map',
      `no map '${p.data.id}' (maps are kept in memory for the last few uploads)`,
    );
  const [ny, nx] = m.result.shape;
  const { iy, ix } = p.data;
  if (iy < 0 || iy >= ny || ix < 0 || ix >= nx)
    throw new WebError(404, 'pixel-out-of-range', `pixel (${iy}, ${ix}) is outside the ${ny}×${nx} map`);
  const k = iy * nx + ix;
  const flags = [...(m.result.flags[k] ?? [])];
  const predictions = m.result.layers.map((l) =>
    predictionOf({
      target: l.target,
      task: l.task,
      value: l.value[k]!,
      ...(l.task === 'regression' && Number.isFinite(l.lo[k]!)
        ? { interval: [l.lo[k]!, l.hi[k]!] as const }
        : {}),
    }),
  );
  const energy = imageEnergyAxis(m.image);
  const c = m.image.channels;
  const y = Float64Array.from(m.image.data.subarray(k * c, (k + 1) * c));
  const model = m.entry.model;
  let modes: { mode: string; energy: number[]; measured: (number | null)[]; prepared: boolean }[];
  try {
    const prep = prepareInputs(
      model,
      [{ source: `pixel (${iy}, ${ix})`, spectrum: makeSpectrum(energy, y, m.image.meta) }],
      pixelOptions(m),
    );
    modes = model.modes.map((mode) => ({
      mode,
      energy: Array.from(gridOf(model.grids[mode] as [number, number, number])),
      measured: jsonNumbers(prep.get(mode)!.intensity),
      prepared: true,
    }));
  } catch (e) {
    // a pixel that cannot be prepared (vacuum, too noisy): show its raw counts over each mode's range
    flags.push(`spectra shown raw: ${(e as Error).message}`);
    modes = model.modes.map((mode) => {
      const [a, b] = requiredRange(mode, model.grids[mode] as [number, number, number], m.options);
      const idx: number[] = [];
      for (let i = 0; i < energy.length; i++) if (energy[i]! >= a && energy[i]! <= b) idx.push(i);
      return {
        mode,
        energy: idx.map((i) => energy[i]!),
        measured: jsonNumbers(idx.map((i) => y[i]!)),
        prepared: false,
      };
    });
  }
  return {
    iy,
    ix,
    flags: [...new Set(flags)],
    predictions,
    modes,
    oodScore: finiteOrNull(m.result.oodScore[k]),
  };
}

export function registerAnalysisRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = new MapStore(4);
  app.post('/api/analyze', async (req, reply) =>
    sendJson(reply, analyzeSchema, await withUploads(req, ctx.maxUploadBytes, (u) => analyze(ctx, u))),
  );
  app.post('/api/maps', async (req, reply) =>
    sendJson(reply, mapSchema, await withUploads(req, ctx.maxUploadBytes, (u) => makeMap(ctx, store, u))),
  );
  app.get('/api/maps/:id/pixels/:iy/:ix', async (req, reply) =>
    sendJson(reply, pixelSchema, pixelDetail(store, req.params)),
  );
}
