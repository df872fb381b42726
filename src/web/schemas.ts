import { z } from 'zod';

/**
 * The JSON API's request and response shapes (the contract shared with the single-page app). Every response is
 * checked against its schema before it is sent, so a shape drift fails loudly in tests instead of in the browser.
 * Numbers that may be NaN travel as null.
 */
const num = z.number();
const numOrNull = z.number().nullable();
const task = z.enum(['regression', 'classification']);

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    file: z.string().optional(),
    line: z.number().optional(),
    field: z.string().optional(),
  }),
});

export const healthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  db: z.string().nullable(),
  models: z.number().int(),
});

export const modelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  modes: z.array(z.string()),
  targets: z.array(z.object({ name: z.string(), task })),
  trainedOn: z.number().optional(),
});

export const modelsSchema = z.object({
  models: z.array(modelSummarySchema),
  /** Model files that could not be loaded (name: reason). */
  problems: z.array(z.string()).optional(),
});

export const modelDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  modes: z.array(z.string()),
  targets: z.array(z.object({ name: z.string(), task })),
  metrics: z.unknown(),
  grids: z.record(z.string(), z.tuple([num, num, num])),
  trainedOn: z.number().optional(),
  modelKind: z.string().optional(),
  createdAt: z.string().optional(),
});

export const evaluationSchema = z
  .object({
    rows: z.array(
      z.object({
        label: z.string(),
        modes: z.array(z.string()),
        kind: z.string().optional(),
        target: z.string(),
        metric: z.string(),
        value: numOrNull,
        lower: numOrNull.optional(),
        upper: numOrNull.optional(),
      }),
    ),
    table: z.object({
      columns: z.array(z.string()),
      rows: z.array(z.array(z.union([z.string(), num, z.null()]))),
    }),
  })
  .passthrough();

export const predictionSchema = z.object({
  target: z.string(),
  task,
  value: numOrNull,
  interval: z.tuple([numOrNull, numOrNull]).optional(),
  probabilities: z.record(z.string(), numOrNull).optional(),
});

export const nearestSchema = z.object({
  sampleId: z.string(),
  structureId: z.string(),
  formula: z.string(),
  defectClass: z.string(),
  distance: num,
  intensity: z.array(numOrNull),
});

export const analyzeModeSchema = z.object({
  mode: z.string(),
  source: z.string(),
  technique: z.string().optional(),
  shift_eV: num,
  alignShift_eV: num.optional(),
  calibrationShift_eV: num.optional(),
  /** L2,3 modes: the measured continuum-step removal (src/preprocess/l23-continuum-step.ts); NaN → null. */
  continuumStep: z
    .object({
      applied: z.boolean(),
      reason: z.string(),
      relHeight: numOrNull,
      l3: numOrNull,
      l2: numOrNull,
      width: numOrNull,
    })
    .optional(),
  snr: numOrNull,
  energy: z.array(num),
  measured: z.array(numOrNull),
  nearest: z.array(nearestSchema).max(3),
  importance: z.array(z.number().min(0)),
  importanceByTarget: z.record(z.string(), z.array(z.number().min(0))).optional(),
  globalImportance: z.array(z.number().min(0)).optional(),
});

export const oodSchema = z.object({
  score: numOrNull,
  flagged: z.boolean(),
  threshold: numOrNull,
  reason: z.string().optional(),
  perMode: z.record(z.string(), numOrNull).optional(),
});

export const analyzeSchema = z.object({
  model: z.string(),
  files: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      format: z.string().optional(),
      spectra: z.number().optional(),
    }),
  ),
  warnings: z.array(z.string()),
  modes: z.array(analyzeModeSchema),
  predictions: z.array(predictionSchema),
  ood: oodSchema.nullable(),
  missingModes: z.array(z.string()),
  flags: z.array(z.string()).optional(),
});

export const mapSchema = z.object({
  id: z.string(),
  model: z.string().optional(),
  shape: z.tuple([z.number().int(), z.number().int()]),
  bin: z.number().int(),
  targets: z.array(z.string()),
  layers: z.array(
    z.object({
      target: z.string(),
      task,
      values: z.array(numOrNull),
      lower: z.array(numOrNull).optional(),
      upper: z.array(numOrNull).optional(),
    }),
  ),
  flagged: z.array(z.union([z.literal(0), z.literal(1)])),
  oodScore: z.array(numOrNull),
  flags: z.array(z.array(z.string())),
  summary: z.object({ pixelMean: z.record(z.string(), numOrNull), comparison: z.array(z.unknown()) }),
  warnings: z.array(z.string()).optional(),
});

export const pixelSchema = z.object({
  iy: z.number().int(),
  ix: z.number().int(),
  flags: z.array(z.string()),
  predictions: z.array(predictionSchema),
  modes: z.array(
    z.object({
      mode: z.string(),
      energy: z.array(num),
      measured: z.array(numOrNull),
      prepared: z.boolean().optional(),
    }),
  ),
  oodScore: numOrNull.optional(),
});

export const datasetSchema = z.object({
  name: z.string(),
  structures: z.number().int(),
  samples: z.number().int(),
  modes: z.array(z.string()),
});

export const structureListSchema = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(),
      formula: z.string(),
      composition: z.string(),
      defectClass: z.string(),
      nSites: z.number().int(),
      labels: z.record(z.string(), numOrNull),
      hasSample: z.boolean().optional(),
    }),
  ),
});

const vec3 = z.tuple([num, num, num]);
export const structureDetailSchema = z.object({
  id: z.string(),
  formula: z.string(),
  composition: z.string().optional(),
  defectClass: z.string().optional(),
  cif: z.string(),
  lattice: z.array(z.array(num)),
  sites: z.array(z.object({ element: z.string(), cart: vec3, frac: vec3, defect: z.string().optional() })),
  defects: z.array(
    z.object({
      kind: z.string(),
      sites: z.array(z.number().int()),
      position: vec3.optional(),
      description: z.string().optional(),
    }),
  ),
  labels: z.record(z.string(), numOrNull),
});

export const structureSpectraSchema = z.object({
  modes: z.array(z.object({ mode: z.string(), energy: z.array(num), intensity: z.array(numOrNull) })),
});

// ---- requests ----
export const listQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const pixelParamsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  iy: z.coerce.number().int(),
  ix: z.coerce.number().int(),
});

export const analyzeFieldsSchema = z.object({
  model: z.string().optional(),
  technique: z.enum(['EELS', 'XAS']).optional(),
  maxShift: z.coerce.number().min(0.1).max(50).optional(),
  continuumStep: z.enum(['auto', 'on', 'off']).optional(),
});

export const mapFieldsSchema = z.object({
  model: z.string().optional(),
  technique: z.enum(['EELS', 'XAS']).optional(),
  maxShift: z.coerce.number().min(0.1).max(50).optional(),
  continuumStep: z.enum(['auto', 'on', 'off']).optional(),
  bin: z.coerce.number().int().min(1).max(8).optional(),
});

/** JSON-ready copy of a number array: NaN and ±Infinity become null. */
export function jsonNumbers(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

export function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}
