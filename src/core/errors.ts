/**
 * Errors as data (zod-style): every failure carries a machine-readable `code` and a `path`
 * that names where the problem is (file, line, byte offset, field).
 */

export type ErrorCode =
  | 'parse' // malformed content in a file
  | 'truncated' // file ends before the format says it should
  | 'unsupported' // valid but not supported (format version, data type…)
  | 'invalid-argument' // a nonsensical or out-of-range request
  | 'not-found' // a file, element, edge, model… that does not exist
  | 'io' // the operating system refused (permission, disk…)
  | 'engine' // an external program failed or is absent
  | 'internal'; // a bug: should never happen

export interface ErrorPath {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Byte offset in a binary file. */
  readonly offset?: number;
  /** A field, key, tag or option name. */
  readonly field?: string;
}

export class SpecfuseError extends Error {
  readonly code: ErrorCode;
  readonly path: ErrorPath;
  constructor(code: ErrorCode, message: string, path: ErrorPath = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, path), options);
    this.name = 'SpecfuseError';
    this.code = code;
    this.path = path;
  }
  toJSON(): { code: ErrorCode; message: string; path: ErrorPath } {
    return { code: this.code, message: this.message, path: this.path };
  }
}

function formatMessage(message: string, path: ErrorPath): string {
  const where: string[] = [];
  if (path.file !== undefined) where.push(path.file);
  if (path.line !== undefined) where.push(`line ${path.line}`);
  if (path.column !== undefined) where.push(`column ${path.column}`);
  if (path.offset !== undefined) where.push(`byte ${path.offset}`);
  if (path.field !== undefined) where.push(`field '${path.field}'`);
  return where.length > 0 ? `${where.join(', ')}: ${message}` : message;
}

/** A non-fatal oddity found while reading; readers return these next to their result. */
export interface Warning {
  readonly message: string;
  readonly path: ErrorPath;
}

export type SafeResult<T> = { ok: true; value: T; warnings: Warning[] } | { ok: false; error: SpecfuseError };

/** Run `fn`, turning a thrown SpecfuseError into data (`safeParse` style); other errors are wrapped as `internal`. */
export function safely<T>(fn: () => { value: T; warnings: Warning[] }): SafeResult<T> {
  try {
    const r = fn();
    return { ok: true, value: r.value, warnings: r.warnings };
  } catch (e) {
    if (e instanceof SpecfuseError) return { ok: false, error: e };
    return {
      ok: false,
      error: new SpecfuseError('internal', String((e as Error)?.message ?? e), {}, { cause: e }),
    };
  }
}

export function fail(code: ErrorCode, message: string, path: ErrorPath = {}): never {
  throw new SpecfuseError(code, message, path);
}
