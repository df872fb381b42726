import { fail, type Warning } from '../../core/errors.js';
import type { Spectrum, SpectrumMeta } from '../../spectrum/types.js';
import { orderedSpectrum, type Read } from './common.js';

/** File-faithful parse of a JSON spectrum: the two arrays and the keys they came from, plus the other fields. */
export interface JsonSpectrum {
  readonly xKey: string;
  readonly yKey: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Every other top-level field (scalars and small objects), kept as metadata. */
  readonly fields: Record<string, unknown>;
}

/** Accepted key pairs, in order of preference. */
const PAIRS: readonly (readonly [string, string])[] = [
  ['x', 'y'],
  ['energy', 'intensity'],
  ['energy', 'mu'],
  ['energy', 'xmu'],
];

/**
 * Offset of the first JSON syntax error (RFC 8259 grammar), found with an explicit stack so deep nesting cannot
 * overflow the call stack. Used only to name the line of a JSON.parse failure (Node's message may omit it).
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  type State = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end';
  let state: State = 'value';
  let i = 0;
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const readString = (): boolean => {
    i++;
    while (i < n && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) return false;
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= n) return false;
    i++;
    return true;
  };
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) return stack.length === 0 && state === 'comma-or-end' ? -1 : n;
    const c = text[i] as string;
    switch (state) {
      case 'value':
      case 'value-or-end':
        if (state === 'value-or-end' && c === ']') {
          stack.pop();
          i++;
          state = 'comma-or-end';
        } else if (c === '{') {
          stack.push('{');
          i++;
          state = 'key-or-end';
        } else if (c === '[') {
          stack.push('[');
          i++;
          state = 'value-or-end';
        } else if (c === '"') {
          if (!readString()) return Math.min(i, n);
          state = 'comma-or-end';
        } else {
          literal.lastIndex = i;
          const m = literal.exec(text);
          if (!m) return i;
          i += m[0].length;
          state = 'comma-or-end';
        }
        break;
      case 'key':
      case 'key-or-end':
        if (state === 'key-or-end' && c === '}') {
          stack.pop();
          i++;
          state = 'comma-or-end';
        } else if (c === '"') {
          if (!readString()) return Math.min(i, n);
          state = 'colon';
        } else return i;
        break;
      case 'colon':
        if (c !== ':') return i;
        i++;
        state = 'value';
        break;
      case 'comma-or-end': {
        const top = stack[stack.length - 1];
        if (top === undefined) return i; // trailing garbage
        if (c === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
        } else if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
          stack.pop();
          i++;
        } else return i;
        break;
      }
    }
  }
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function toNumbers(v: unknown, key: string, file: string | undefined): Float64Array {
  if (!Array.isArray(v)) fail('parse', `'${key}' is not an array`, { ...(file ? { file } : {}), field: key });
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'number') out[i] = x;
    else if (x === null) out[i] = Number.NaN;
    else if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) out[i] = Number(x);
    else fail('parse', `'${key}[${i}]' is not a number`, { ...(file ? { file } : {}), field: key });
  }
  return out;
}

/** Parse `{ "x": [...], "y": [...] }` or `{ "energy": [...], "intensity": [...] }` (also `mu`/`xmu`). */
export function parseJsonSpectrum(text: string, file?: string): JsonSpectrum {
  const where = file === undefined ? {} : { file };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const off = jsonErrorOffset(text);
    const pos = off >= 0 ? off : undefined;
    fail(
      'parse',
      `invalid JSON: ${(e as Error).message}`,
      pos === undefined ? where : { ...where, line: lineOf(text, pos) },
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    fail('unsupported', 'JSON is not an object with spectrum arrays', where);
  const obj = doc as Record<string, unknown>;
  const lower = new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k]));
  for (const [a, b] of PAIRS) {
    const ka = lower.get(a);
    const kb = lower.get(b);
    if (ka === undefined || kb === undefined) continue;
    const x = toNumbers(obj[ka], ka, file);
    const y = toNumbers(obj[kb], kb, file);
    if (x.length !== y.length)
      fail('parse', `'${ka}' has ${x.length} values but '${kb}' has ${y.length}`, { ...where, field: kb });
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj))
      if (k !== ka && k !== kb && (typeof v !== 'object' || v === null || JSON.stringify(v).length < 4096))
        fields[k] = v;
    return { xKey: ka, yKey: kb, x, y, fields };
  }
  fail(
    'unsupported',
    `JSON has no spectrum arrays (expected x/y or energy/intensity; found keys ${Object.keys(obj).slice(0, 8).join(', ')})`,
    where,
  );
}

/** Map a JSON spectrum to the model. */
export function jsonToSpectrum(parsed: JsonSpectrum, meta: SpectrumMeta, file?: string): Read<Spectrum> {
  const warnings: Warning[] = [];
  const s = orderedSpectrum(
    parsed.x,
    parsed.y,
    { ...meta, extra: { ...(meta.extra ?? {}), ...parsed.fields, xKey: parsed.xKey, yKey: parsed.yKey } },
    file === undefined ? { field: parsed.xKey } : { file, field: parsed.xKey },
    warnings,
  );
  return { value: s, warnings };
}
