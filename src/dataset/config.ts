import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isEdgeName, isElementSymbol, normalizeSymbol } from '../core/elements.js';
import { SpecfuseError } from '../core/errors.js';

/**
 * A simulation campaign: which structures to build, which spectra (modes) to simulate on each, and how to label them.
 *
 * Example (JSON):
 * ```json
 * { "name": "nmc-small", "seed": 7,
 *   "compositions": [{ "name": "NMC811", "ni": 0.8, "mn": 0.1, "co": 0.1, "weight": 1 }],
 *   "supercell": [2, 2, 1],
 *   "classes": [{ "name": "pristine", "count": 2 }, { "name": "ovac", "oVacancies": 1, "count": 2 }],
 *   "modes": [{ "mode": "Ni:L23:multiplet", "grid": { "start": 848, "step": 0.2, "n": 150 },
 *               "broadening": { "gaussianFwhm": 0.3 } }],
 *   "absorbers": "all", "labels": { "radius": 3.0 } }
 * ```
 *
 * Structures per class are shared among the compositions in proportion to their weights (largest-remainder
 * apportionment, so the split is exact and deterministic): a class with `count` 4 and weights 1:1 gives 2 structures
 * of each composition.
 */

/** Engines a campaign may name. Availability in this build is checked when the campaign runs, not here. */
export const KNOWN_ENGINES = ['fms', 'multiplet', 'feff', 'fdmnes', 'xspectra'] as const;

/**
 * Default label radius (Å): encloses the first O shell of a transition metal (M–O ≈ 1.9–2.1 Å) and the first
 * cation shell (M–M ≈ a ≈ 2.87 Å in layered LiMO2, R-3m; Li–O ≈ 2.1 Å) but not the second O shell (≈ 3.5 Å).
 */
export const DEFAULT_LABEL_RADIUS = 3.0;

const positiveInt = z.number().int().positive();

const compositionSchema = z
  .object({
    name: z.string().min(1).optional(),
    ni: z.number().min(0).max(1),
    mn: z.number().min(0).max(1),
    co: z.number().min(0).max(1),
    weight: z.number().positive().default(1),
  })
  .strict()
  .refine((c) => Math.abs(c.ni + c.mn + c.co - 1) < 1e-6, {
    message: 'ni + mn + co must be 1 (fractions of the transition-metal layer)',
  });

const classSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9_+.-]+$/,
        'class names use letters, digits, _ + . - only (they become structure ids)',
      ),
    count: positiveInt,
    oVacancies: z.number().int().min(0).default(0),
    antisites: z.number().int().min(0).default(0),
    /** Fraction of Li removed (0 = fully lithiated, 1 = all Li removed). */
    delithiation: z.number().min(0).max(1).default(0),
  })
  .strict();

const gridSchema = z
  .object({
    start: z.number(),
    step: z.number().positive(),
    n: z.number().int().min(2).max(100_000),
  })
  .strict();

const absorbersSchema = z.union([z.literal('all'), positiveInt]);

const modeSchema = z
  .object({
    mode: z
      .string()
      .regex(
        /^[A-Za-z]{1,2}:[A-Za-z0-9]+:[a-z0-9_-]+$/,
        "mode must look like 'Element:Edge:engine', e.g. 'O:K:fms'",
      ),
    grid: gridSchema,
    broadening: z
      .object({ gaussianFwhm: z.number().min(0).default(0) })
      .strict()
      .default({ gaussianFwhm: 0 }),
    /** Cluster radius (Å) for engines that use one. */
    radius: z.number().positive().optional(),
    technique: z.enum(['XAS', 'EELS']).optional(),
    absorbers: absorbersSchema.optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    const [el, edge, engine] = m.mode.split(':') as [string, string, string];
    if (!isElementSymbol(el))
      ctx.addIssue({ code: 'custom', path: ['mode'], message: `unknown element '${el}'` });
    if (!isEdgeName(edge))
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: `unknown edge '${edge}' (K, L23, L2, L3, M45, …)`,
      });
    if (!(KNOWN_ENGINES as readonly string[]).includes(engine))
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: `unknown engine '${engine}' (one of ${KNOWN_ENGINES.join(', ')})`,
      });
  });

const campaignSchema = z
  .object({
    name: z.string().min(1).default('campaign'),
    seed: z.number().int().min(0).max(0xffffffff),
    compositions: z.array(compositionSchema).min(1),
    supercell: z.tuple([positiveInt, positiveInt, positiveInt]),
    classes: z.array(classSchema).min(1),
    modes: z.array(modeSchema).min(1),
    absorbers: absorbersSchema.default('all'),
    labels: z
      .object({ radius: z.number().positive().max(12).default(DEFAULT_LABEL_RADIUS) })
      .strict()
      .default({ radius: DEFAULT_LABEL_RADIUS }),
    /** A failed job is retried until it has failed this many times. */
    maxAttempts: positiveInt.max(20).default(3),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.modes.forEach((m, i) => {
      const key = modeKeyOf(m.mode);
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['modes', i, 'mode'], message: `mode ${key} appears twice` });
      seen.add(key);
    });
    const names = new Set<string>();
    c.classes.forEach((k, i) => {
      if (names.has(k.name))
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'name'],
          message: `class '${k.name}' appears twice`,
        });
      names.add(k.name);
    });
    const comps = new Set<string>();
    c.compositions.forEach((k, i) => {
      const n = compositionName(k);
      if (comps.has(n))
        ctx.addIssue({
          code: 'custom',
          path: ['compositions', i, 'name'],
          message: `composition '${n}' appears twice`,
        });
      comps.add(n);
    });
  });

export type CampaignConfigInput = z.input<typeof campaignSchema>;
type ParsedConfig = z.output<typeof campaignSchema>;

export interface GridSpec {
  /** First energy (eV). */
  readonly start: number;
  /** Spacing (eV). */
  readonly step: number;
  readonly n: number;
}

export interface ModeSpec {
  /** 'Ni:L23' — the key used across specfuse. */
  readonly key: string;
  readonly element: string;
  readonly edge: string;
  readonly engine: string;
  /** Dataset column holding this mode's spectrum, `spec_<Element>_<Edge>`. */
  readonly column: string;
  readonly grid: GridSpec;
  /** Instrumental Gaussian broadening (eV FWHM) applied by the engine. */
  readonly gaussianFwhm: number;
  readonly radius?: number;
  readonly technique?: 'XAS' | 'EELS';
  readonly absorbers: 'all' | number;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface CompositionSpec {
  readonly name: string;
  readonly ni: number;
  readonly mn: number;
  readonly co: number;
  readonly weight: number;
}

export interface DefectClassSpec {
  readonly name: string;
  readonly count: number;
  readonly oVacancies: number;
  readonly antisites: number;
  readonly delithiation: number;
}

/** A validated campaign with defaults filled in. */
export interface CampaignConfig {
  readonly name: string;
  readonly seed: number;
  readonly compositions: readonly CompositionSpec[];
  readonly supercell: readonly [number, number, number];
  readonly classes: readonly DefectClassSpec[];
  readonly modes: readonly ModeSpec[];
  readonly labelRadius: number;
  readonly maxAttempts: number;
}

function modeKeyOf(mode: string): string {
  const [el, edge] = mode.split(':') as [string, string];
  return `${isElementSymbol(el) ? normalizeSymbol(el) : el}:${edge}`;
}

/** 'NMC811' style name from the fractions when none is given (rounded to tenths). */
function compositionName(c: { name?: string | undefined; ni: number; mn: number; co: number }): string {
  if (c.name) return c.name;
  const t = (x: number) => String(Math.round(x * 10));
  return `NMC${t(c.ni)}${t(c.mn)}${t(c.co)}`;
}

function toConfig(p: ParsedConfig): CampaignConfig {
  return {
    name: p.name,
    seed: p.seed,
    compositions: p.compositions.map((c) => ({
      name: compositionName(c),
      ni: c.ni,
      mn: c.mn,
      co: c.co,
      weight: c.weight,
    })),
    supercell: p.supercell,
    classes: p.classes.map((k) => ({ ...k })),
    modes: p.modes.map((m) => {
      const [el, edge, engine] = m.mode.split(':') as [string, string, string];
      const element = normalizeSymbol(el);
      return {
        key: `${element}:${edge}`,
        element,
        edge,
        engine,
        column: `spec_${element}_${edge}`,
        grid: m.grid,
        gaussianFwhm: m.broadening.gaussianFwhm,
        ...(m.radius !== undefined ? { radius: m.radius } : {}),
        ...(m.technique !== undefined ? { technique: m.technique } : {}),
        absorbers: m.absorbers ?? p.absorbers,
        options: m.options,
      };
    }),
    labelRadius: p.labels.radius,
    maxAttempts: p.maxAttempts,
  };
}

/** Dotted field path of a zod issue: ['modes', 1, 'grid', 'step'] → 'modes[1].grid.step'. */
function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s === '' ? '(root)' : s;
}

/** Validate an already-parsed object; throws `invalid-argument` naming every bad field path. */
export function validateCampaignConfig(raw: unknown, file?: string): CampaignConfig {
  const r = campaignSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`);
    const first = r.error.issues[0];
    throw new SpecfuseError('invalid-argument', `invalid campaign config: ${issues.join('; ')}`, {
      ...(file !== undefined ? { file } : {}),
      ...(first ? { field: fieldPath(first.path) } : {}),
    });
  }
  return toConfig(r.data);
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** Parse campaign JSON text (from a file named `file`) and validate it. */
export function parseCampaignConfig(text: string, file?: string): CampaignConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? lineColumn(text, Number(m[1])) : {};
    throw new SpecfuseError('parse', `campaign config is not valid JSON: ${msg}`, {
      ...(file !== undefined ? { file } : {}),
      ...where,
    });
  }
  return validateCampaignConfig(raw, file);
}

/** Stable JSON (sorted keys) so that the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON of the validated config: two configs with the same hash give the same campaign. */
export function configHash(config: CampaignConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}
