/**
 * Typed client of the specfuse JSON API (contract: /api/* served by `specfuse serve`, src/web/).
 * Every failure becomes an `ApiError` carrying the server's `{ error: { code, message, ... } }` so pages can show
 * the server's own message (file name + line/offset for reader errors).
 */

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ApiErrorBody | undefined;
  constructor(status: number, code: string, message: string, body?: ApiErrorBody) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface Health {
  readonly ok: boolean;
  readonly version: string;
  readonly db: string | null;
  readonly models: number;
}

export interface TargetSpec {
  readonly name: string;
  readonly task: 'regression' | 'classification';
}

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly modes: readonly string[];
  readonly targets: readonly TargetSpec[];
  readonly trainedOn?: number;
}

export interface Prediction {
  readonly target: string;
  readonly task: 'regression' | 'classification' | string;
  readonly value: number | string | null;
  readonly interval?: readonly [number | null, number | null];
  readonly probabilities?: Readonly<Record<string, number | null>>;
}

export interface NearestSpectrum {
  readonly sampleId: string | number;
  readonly structureId: string | number;
  readonly formula: string;
  readonly defectClass: string;
  readonly distance: number | null;
  readonly intensity: readonly (number | null)[];
}

export interface AnalyzeMode {
  readonly mode: string;
  readonly source: string;
  readonly shift_eV: number | null;
  readonly calibrationShift_eV?: number | null;
  readonly continuumStep?: { readonly applied: boolean; readonly relHeight: number | null };
  readonly snr: number | null;
  readonly energy: readonly number[];
  readonly measured: readonly (number | null)[];
  readonly nearest: readonly NearestSpectrum[];
  readonly importance: readonly (number | null)[];
}

export interface AnalyzeResult {
  readonly model: string;
  readonly files: readonly { name: string; kind: string }[];
  readonly warnings: readonly string[];
  readonly modes: readonly AnalyzeMode[];
  readonly predictions: readonly Prediction[];
  readonly ood: {
    readonly score: number | null;
    readonly flagged: boolean;
    readonly threshold: number | null;
  };
  readonly missingModes: readonly string[];
}

export interface MapLayer {
  readonly target: string;
  readonly task: string;
  readonly values: readonly (number | null)[];
  readonly lower?: readonly (number | null)[];
  readonly upper?: readonly (number | null)[];
}

export interface MapResult {
  readonly id: string;
  readonly model?: string;
  readonly shape: readonly [number, number];
  readonly bin: number;
  readonly targets: readonly string[];
  readonly layers: readonly MapLayer[];
  readonly flagged: readonly (0 | 1 | boolean)[];
  readonly oodScore: readonly (number | null)[];
  readonly flags: readonly (readonly string[])[];
  readonly summary?: unknown;
  readonly warnings?: readonly string[];
}

export interface PixelDetail {
  readonly iy: number;
  readonly ix: number;
  readonly flags: readonly string[];
  readonly predictions: readonly Prediction[];
  readonly modes: readonly {
    mode: string;
    energy: readonly number[];
    measured: readonly (number | null)[];
  }[];
}

export interface DatasetInfo {
  readonly name: string;
  readonly structures: number;
  readonly samples: number;
  readonly modes: readonly string[];
}

export interface StructureItem {
  readonly id: string | number;
  readonly formula: string;
  readonly composition?: unknown;
  readonly defectClass: string;
  readonly nSites: number;
  readonly labels: Readonly<Record<string, number | null>>;
}

export interface StructureDetail {
  readonly id: string | number;
  readonly formula: string;
  readonly cif: string;
  readonly lattice: readonly (readonly number[])[];
  readonly sites: readonly {
    element: string;
    cart: readonly number[];
    frac?: readonly number[];
    defect?: string;
  }[];
  readonly defects: readonly { kind: string; sites: readonly number[]; position?: readonly number[] }[];
  readonly labels: Readonly<Record<string, number | null>>;
}

export interface Evaluation {
  readonly table?: {
    readonly columns?: readonly string[];
    readonly rows?: readonly unknown[];
    readonly [k: string]: unknown;
  };
  readonly rows?: readonly {
    label: string;
    modes: readonly string[];
    target: string;
    metric: string;
    value: number | null;
    lower?: number | null;
    upper?: number | null;
  }[];
  readonly [k: string]: unknown;
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text.length ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: ApiErrorBody } | undefined)?.error;
    if (err && typeof err.message === 'string')
      throw new ApiError(res.status, err.code ?? 'error', err.message, err);
    throw new ApiError(
      res.status,
      'http',
      `HTTP ${res.status} ${res.statusText}${text && !body ? `: ${text.slice(0, 200)}` : ''}`,
    );
  }
  if (body === undefined) throw new ApiError(res.status, 'bad-response', 'the server sent no JSON');
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
  }
  return parse<T>(res);
}

export async function postForm<T>(path: string, form: FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', body: form, headers: { accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
  }
  return parse<T>(res);
}

export const api = {
  health: () => getJson<Health>('/api/health'),
  models: () => getJson<{ models: ModelSummary[] }>('/api/models'),
  evaluation: () => getJson<Evaluation>('/api/evaluation'),
  analyze: (form: FormData) => postForm<AnalyzeResult>('/api/analyze', form),
  map: (form: FormData) => postForm<MapResult>('/api/maps', form),
  pixel: (id: string, iy: number, ix: number) =>
    getJson<PixelDetail>(`/api/maps/${encodeURIComponent(id)}/pixels/${iy}/${ix}`),
  dataset: () => getJson<DatasetInfo>('/api/dataset'),
  structures: (offset: number, limit: number) =>
    getJson<{ total: number; items: StructureItem[] }>(
      `/api/dataset/structures?offset=${offset}&limit=${limit}`,
    ),
  structure: (id: string | number) =>
    getJson<StructureDetail>(`/api/dataset/structures/${encodeURIComponent(String(id))}`),
  structureSpectra: (id: string | number) =>
    getJson<{ modes: { mode: string; energy: number[]; intensity: (number | null)[] }[] }>(
      `/api/dataset/structures/${encodeURIComponent(String(id))}/spectra`,
    ),
};

/** A readable message for anything thrown (ApiError keeps the server's text; reader errors name file + line). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const b = e.body;
    const where = b?.file ? ` (${b.file}${b.line !== undefined ? `:${b.line}` : ''})` : '';
    return `${e.message}${where && !e.message.includes(b?.file ?? '\u0000') ? where : ''} [${e.code}]`;
  }
  return e instanceof Error ? e.message : String(e);
}
