import { SpecfuseError } from '../core/errors.js';

/**
 * Errors of the HTTP face: every failure leaves the server as `{ error: { code, message, file?, line?, field? } }`
 * with an HTTP status chosen from the code. Library errors (SpecfuseError) keep their message — readers name the
 * file and line / byte offset — with server-side paths (temporary upload files, the models folder) replaced by the
 * names the client knows, so no server path leaks.
 */
export class WebError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly where: { file?: string; line?: number; field?: string } = {},
  ) {
    super(message);
    this.name = 'WebError';
  }
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly file?: string;
    readonly line?: number;
    readonly field?: string;
  };
}

/** HTTP status of a library error code. */
export function statusOfCode(code: string): number {
  switch (code) {
    case 'parse':
    case 'truncated':
    case 'invalid-argument':
      return 400;
    case 'unsupported':
      return 415;
    case 'not-found':
      return 404;
    default:
      return 500;
  }
}

/** Replace every occurrence of server paths by client-visible names. */
export function scrub(text: string, replacements: ReadonlyMap<string, string>): string {
  let out = text;
  // longest first, so a file inside a replaced folder is replaced as a whole
  for (const [from, to] of [...replacements].sort((a, b) => b[0].length - a[0].length))
    if (from) out = out.split(from).join(to);
  return out;
}

/** The error document and status for anything thrown by a handler. */
export function errorResponse(
  e: unknown,
  replacements: ReadonlyMap<string, string> = new Map(),
): { status: number; body: ErrorBody } {
  if (e instanceof WebError)
    return {
      status: e.status,
      body: {
        error: {
          code: e.code,
          message: scrub(e.message, replacements),
          ...(e.where.file !== undefined ? { file: scrub(e.where.file, replacements) } : {}),
          ...(e.where.line !== undefined ? { line: e.where.line } : {}),
          ...(e.where.field !== undefined ? { field: e.where.field } : {}),
        },
      },
    };
  if (e instanceof SpecfuseError) {
    const status = statusOfCode(e.code);
    const internal = status >= 500;
    return {
      status,
      body: {
        error: {
          code: e.code,
          message: internal
            ? `${e.code} error: ${scrub(e.message, replacements)}`
            : scrub(e.message, replacements),
          ...(e.path.file !== undefined ? { file: scrub(e.path.file, replacements) } : {}),
          ...(e.path.line !== undefined ? { line: e.path.line } : {}),
          ...(e.path.field !== undefined ? { field: e.path.field } : {}),
        },
      },
    };
  }
  // fastify / plugin errors carry a statusCode and an FST_* code
  const fe = e as { statusCode?: number; code?: string; message?: string };
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 413
        ? 'payload-too-large'
        : fe.statusCode === 415
          ? 'unsupported-media-type'
          : fe.statusCode === 404
            ? 'not-found'
            : 'bad-request';
    return {
      status: fe.statusCode,
      body: { error: { code, message: scrub(fe.message ?? code, replacements) } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal server error' } } };
}
