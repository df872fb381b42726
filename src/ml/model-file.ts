import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { SpecfuseError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { SpectraBundle } from './data.js';
import type { ModelKind } from './models.js';
import { type TargetPrediction, type TrainedPipeline, predictPipeline } from './train.js';
import { oodScore } from './uncertainty.js';

/**
 * `.sfm` model files: one self-contained, versioned JSON document with the preprocessing recipe (mode grids,
 * normalisation, learned PCA/peak seeds), feature definitions, the model(s) — XGBoost's own JSON text embedded
 * unchanged for trees, tfjs topology + base64 weights for nets —, stacking meta-model, conformal interval width,
 * OOD detector, metrics, and a SHA-256 over the canonical JSON (keys sorted) of everything but the hash.
 * Loading validates the schema and the hash, so a tampered or truncated file is rejected.
 */
export const SFM_FORMAT = 'specfuse-model';
export const SFM_VERSION = 1;

const num = z.number();
const grid3 = z.tuple([num, num.positive(), z.number().int().positive()]);
const featureDef = z.object({
  name: z.string(),
  mode: z.string(),
  kind: z.enum(['raw', 'cdf', 'cubic', 'peaks', 'pca']),
  energy: num.optional(),
  window: z.tuple([num, num]).optional(),
  component: z.number().int().optional(),
});
const modeRecipe = z.object({
  mode: z.string(),
  grid: grid3,
  normalize: z.enum(['none', 'area', 'max']),
  kinds: z.array(z.enum(['raw', 'cdf', 'cubic', 'peaks', 'pca'])),
  rawStride: z.number().int().positive(),
  cdfStride: z.number().int().positive(),
  cubicWindows: z.number().int().positive(),
  peakSeeds: z.array(z.object({ center: num, width: num })),
  pca: z
    .object({ mean: z.array(num), components: z.array(z.array(num)), explained: z.array(num) })
    .optional(),
});
const recipe = z.object({ modes: z.array(modeRecipe), features: z.array(featureDef) });
const learner = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('xgboost'), json: z.string() }),
  z.object({
    kind: z.literal('tfjs'),
    topology: z.unknown(),
    weightSpecs: z.unknown(),
    weights: z.string(),
    xMean: z.array(num),
    xStd: z.array(num),
    yMean: num,
    yStd: num,
  }),
  z.object({
    kind: z.literal('cnn'),
    segments: z.array(z.number().int().positive()),
    points: z.number().int().positive(),
    kernel: z.number().int().positive(),
    filters: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    dense: z.number().int().positive(),
    task: z.enum(['regression', 'classification']),
    weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), data: z.string() })),
    xMean: z.array(num),
    xStd: z.array(num),
    yMean: num,
    yStd: num,
  }),
]);
const targetModel = z.object({
  target: z.string(),
  task: z.enum(['regression', 'classification']),
  fusion: z.enum(['early', 'late']),
  hyper: z.array(z.record(z.string(), num)),
  members: z.array(z.object({ modes: z.array(z.string()), recipe, learner })).min(1),
  meta: z.object({ weights: z.array(num), bias: num }).optional(),
  conformal: z.object({ alpha: num, q: num, n: z.number().int() }).optional(),
});
const sfmSchema = z.object({
  format: z.literal(SFM_FORMAT),
  version: z.literal(SFM_VERSION),
  specfuseVersion: z.string(),
  createdAt: z.string(),
  modelKind: z.enum(['gbt', 'rf', 'mlp', 'cnn']),
  modes: z.array(z.string()).min(1),
  grids: z.record(z.string(), grid3),
  meanSpectra: z.record(z.string(), z.array(num)),
  trainSize: z.number().int(),
  targets: z.array(targetModel).min(1),
  ood: z
    .object({ recipe, mean: z.array(num), precision: z.array(num), threshold: num, quantile: num })
    .optional(),
  metrics: z.unknown().optional(),
  importance: z.unknown().optional(),
  provenance: z.record(z.string(), z.unknown()).optional(),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

export type SfmModel = z.infer<typeof sfmSchema> & { readonly modelKind: ModelKind };

/** JSON text with object keys sorted recursively (the canonical form that is hashed). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(val as object).sort()) o[k] = (val as Record<string, unknown>)[k];
      return o;
    }
    return val;
  });
}

function hashOf(body: Record<string, unknown>): string {
  const { hash: _h, ...rest } = body;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** Build the model document (not yet written): plain JSON values only. */
export function buildModelFile(
  p: TrainedPipeline,
  extra: { metrics?: unknown; importance?: unknown; provenance?: Record<string, unknown> } = {},
): SfmModel {
  const targets = p.targets.map((t) => {
    const { conformal, ...rest } = t;
    // a non-finite interval (too few calibration rows) is not representable in JSON: leave it out
    return conformal && Number.isFinite(conformal.q) ? { ...rest, conformal } : rest;
  });
  const body: Record<string, unknown> = JSON.parse(
    JSON.stringify({
      format: SFM_FORMAT,
      version: SFM_VERSION,
      specfuseVersion: VERSION,
      createdAt: new Date().toISOString(),
      modelKind: p.modelKind,
      modes: p.modes,
      grids: p.grids,
      meanSpectra: p.meanSpectra,
      trainSize: p.trainSize,
      targets,
      ...(p.ood ? { ood: p.ood } : {}),
      ...(extra.metrics !== undefined ? { metrics: extra.metrics } : {}),
      ...(extra.importance !== undefined ? { importance: extra.importance } : {}),
      ...(extra.provenance !== undefined ? { provenance: extra.provenance } : {}),
    }),
  );
  body.hash = hashOf(body);
  return parseModelJson(JSON.stringify(body));
}

export function serializeModel(m: SfmModel): string {
  return `${JSON.stringify(m)}\n`;
}

/** Parse and validate model text (schema + content hash). `file` names the source in errors. */
export function parseModelJson(text: string, file?: string): SfmModel {
  const where = file === undefined ? {} : { file };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    throw new SpecfuseError('parse', `model file is not JSON: ${(e as Error).message}`, {
      ...where,
      ...(m ? { offset: Number(m[1]) } : {}),
    });
  }
  if (raw && typeof raw === 'object' && (raw as Record<string, unknown>).format === SFM_FORMAT) {
    const v = (raw as Record<string, unknown>).version;
    if (typeof v === 'number' && v > SFM_VERSION)
      throw new SpecfuseError(
        'unsupported',
        `model file version ${v} is newer than this specfuse (${SFM_VERSION})`,
        {
          ...where,
          field: 'version',
        },
      );
  }
  const r = sfmSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SpecfuseError('parse', `invalid model file: ${issue?.message ?? 'schema mismatch'}`, {
      ...where,
      field: issue?.path.join('.') ?? '',
    });
  }
  const expect = hashOf(raw as Record<string, unknown>);
  if (expect !== r.data.hash)
    throw new SpecfuseError('parse', 'model file content hash does not match (modified or corrupted)', {
      ...where,
      field: 'hash',
    });
  return r.data as SfmModel;
}

/** The pipeline view of a loaded model (for prediction). */
export function pipelineOf(m: SfmModel): TrainedPipeline {
  return {
    modelKind: m.modelKind,
    modes: m.modes,
    grids: m.grids as Record<string, [number, number, number]>,
    targets: m.targets as TrainedPipeline['targets'],
    ...(m.ood ? { ood: m.ood as NonNullable<TrainedPipeline['ood']> } : {}),
    meanSpectra: m.meanSpectra,
    trainSize: m.trainSize,
  };
}

export interface ModelPrediction {
  readonly targets: TargetPrediction[];
  /** Mahalanobis OOD score per sample and the model's threshold. */
  readonly ood?: { readonly score: Float64Array; readonly threshold: number; readonly flagged: boolean[] };
}

const pipelines = new WeakMap<SfmModel, TrainedPipeline>();

/**
 * Predict with a loaded model from spectra on the model's grids. Trees use the TypeScript evaluator (no native
 * library); nets use tfjs-wasm.
 */
export async function predictWithModel(m: SfmModel, bundle: SpectraBundle): Promise<ModelPrediction> {
  let p = pipelines.get(m);
  if (!p) {
    p = pipelineOf(m);
    pipelines.set(m, p);
  }
  for (const mode of m.modes) {
    const X = bundle[mode];
    if (!X)
      throw new SpecfuseError('invalid-argument', `spectra of mode '${mode}' are required by the model`, {
        field: mode,
      });
  }
  const targets = await predictPipeline(p, bundle);
  if (!p.ood) return { targets };
  const score = oodScore(p.ood, bundle);
  const threshold = p.ood.threshold;
  return { targets, ood: { score, threshold, flagged: Array.from(score, (s) => s > threshold) } };
}

/** Read and validate a `.sfm` file. */
export function loadModelFile(path: string): SfmModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecfuseError(
      code === 'ENOENT' ? 'not-found' : 'io',
      `cannot read model file: ${(e as Error).message}`,
      {
        file: path,
      },
    );
  }
  return parseModelJson(text, path);
}

/** Write a `.sfm` file atomically (temp file + rename); refuses to overwrite unless `overwrite`. */
export function saveModelFile(path: string, m: SfmModel, opts: { overwrite?: boolean } = {}): void {
  if (!opts.overwrite && existsSync(path))
    throw new SpecfuseError('invalid-argument', 'refusing to overwrite an existing file (use --force)', {
      file: path,
    });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, serializeModel(m));
    renameSync(tmp, path);
  } catch (e) {
    throw new SpecfuseError('io', `cannot write model file: ${(e as Error).message}`, { file: path });
  }
}
