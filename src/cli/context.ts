import { SpecfuseError } from '../core/errors.js';

/**
 * Shared CLI plumbing: every command accepts --json, prints one JSON document on stdout when asked,
 * and turns bad input into a one-line error on stderr with exit code 2.
 */
export interface Output {
  readonly json: boolean;
  /** Print the command's result: JSON document with --json, else the human text. */
  result(data: unknown, human?: string | (() => string)): void;
  /** Human-only progress/info line on stderr (never pollutes --json stdout). */
  info(line: string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(data, human) {
      if (json) process.stdout.write(`${JSON.stringify(data, jsonReplacer)}\n`);
      else if (human !== undefined)
        process.stdout.write(`${typeof human === 'function' ? human() : human}\n`);
      else process.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`);
    },
    info(line) {
      if (!json || process.stderr.isTTY) process.stderr.write(`${line}\n`);
    },
  };
}

/** Typed arrays and Maps serialise as plain arrays / objects. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** Print an error as one line (or a JSON document with --json) and exit 2 for bad input, 1 for internal failures. */
export function reportError(e: unknown, json: boolean): never {
  const err =
    e instanceof SpecfuseError
      ? e
      : new SpecfuseError('internal', (e as Error)?.message ?? String(e), {}, { cause: e });
  const code = err.code === 'internal' || err.code === 'engine' || err.code === 'io' ? 1 : 2;
  if (json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
  process.stderr.write(`specfuse: error: ${err.message.split('\n')[0]}\n`);
  if (err.code === 'internal' && process.env.SPECFUSE_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  process.exit(code);
}

/** Parse a number option, failing with the option's name. */
export function numberOption(
  value: string | undefined,
  name: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || (opts.integer && !Number.isInteger(x))) {
    throw new SpecfuseError(
      'invalid-argument',
      `--${name} must be ${opts.integer ? 'an integer' : 'a number'}, got '${value}'`,
      { field: name },
    );
  }
  if (opts.min !== undefined && x < opts.min)
    throw new SpecfuseError('invalid-argument', `--${name} must be ≥ ${opts.min}, got ${x}`, { field: name });
  if (opts.max !== undefined && x > opts.max)
    throw new SpecfuseError('invalid-argument', `--${name} must be ≤ ${opts.max}, got ${x}`, { field: name });
  return x;
}
