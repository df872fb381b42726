import { fail, SpecfuseError, type Warning } from '../../core/errors.js';
import { makeSpectrum } from '../../spectrum/spectrum.js';
import type { Spectrum, SpectrumImage, SpectrumMeta } from '../../spectrum/types.js';

/** What every spectrum reader returns after mapping a file to the model. */
export interface SpectrumFile {
  /** Format id: 'xdi', 'athena', 'msa', 'dm3', 'dm4', 'csv', 'tsv', 'columns', 'json', 'feff-xmu', … */
  readonly format: string;
  readonly spectra: Spectrum[];
  /** Present when the file holds a spectrum image (navigation × channels). */
  readonly image?: SpectrumImage;
  readonly metadata: Record<string, unknown>;
}

/** A value with the non-fatal oddities found while producing it. */
export interface Read<T> {
  readonly value: T;
  readonly warnings: Warning[];
}

/** Largest text file the text readers accept (bytes); bigger inputs are refused rather than split into lines. */
export const MAX_TEXT_BYTES = 512 * 1024 * 1024;

/** Split text into lines on LF, CRLF or CR (all three are valid XDI/MSA line ends). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * Parse one numeric token the way C's strtod would accept a whole token: decimal, exponent with e/E, plus the
 * Fortran double-precision exponent letter d/D (FEFF and older beamline files write 1.0D+02). Also 'nan', 'inf'.
 * Returns NaN for anything else (never throws).
 */
export function parseNumber(token: string): number {
  const t = token.trim();
  if (t === '') return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(t)) return Number(t.replace(/[dD]/, 'e'));
  const low = t.toLowerCase();
  if (low === 'nan' || low === '+nan' || low === '-nan') return Number.NaN;
  if (low === 'inf' || low === '+inf' || low === 'infinity') return Number.POSITIVE_INFINITY;
  if (low === '-inf' || low === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** True when the token is a number by `parseNumber`'s grammar (NaN/inf spelled out count as numbers). */
export function isNumberToken(token: string): boolean {
  const t = token.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(t) || /^[+-]?(nan|inf|infinity)$/i.test(t);
}

/** Decode bytes as UTF-8 (invalid sequences become U+FFFD; never throws). Strips a UTF-8 byte-order mark. */
export function decodeText(bytes: Uint8Array, file?: string): string {
  if (bytes.length > MAX_TEXT_BYTES)
    fail(
      'unsupported',
      `text file of ${bytes.length} bytes is larger than ${MAX_TEXT_BYTES}`,
      fileOnly(file),
    );
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function fileOnly(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

/**
 * Turn raw (energy, intensity) columns from a file into a valid Spectrum: rows with a non-finite energy are dropped,
 * unsorted rows are sorted by energy, and repeated energies are merged by averaging their intensities — each repair
 * reported as a warning naming `where`. Throws `parse` if no row is left.
 */
export function orderedSpectrum(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  meta: SpectrumMeta,
  where: { file?: string; line?: number; field?: string },
  warnings: Warning[],
): Spectrum {
  const n = Math.min(energy.length, intensity.length);
  const idx: number[] = [];
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(energy[i] as number)) idx.push(i);
    else dropped++;
  }
  if (dropped > 0)
    warnings.push({ message: `dropped ${dropped} row(s) with a non-finite energy`, path: where });
  if (idx.length === 0) fail('parse', 'no data rows with a finite energy', where);
  let sorted = true;
  for (let k = 1; k < idx.length; k++)
    if ((energy[idx[k] as number] as number) < (energy[idx[k - 1] as number] as number)) {
      sorted = false;
      break;
    }
  if (!sorted) {
    idx.sort((a, b) => (energy[a] as number) - (energy[b] as number) || a - b);
    warnings.push({ message: 'energies were not increasing; rows sorted by energy', path: where });
  }
  const e: number[] = [];
  const y: number[] = [];
  let merged = 0;
  let k = 0;
  while (k < idx.length) {
    const ek = energy[idx[k] as number] as number;
    let sum = 0;
    let count = 0;
    while (k < idx.length && (energy[idx[k] as number] as number) === ek) {
      sum += intensity[idx[k] as number] as number;
      count++;
      k++;
    }
    if (count > 1) merged += count - 1;
    e.push(ek);
    y.push(sum / count);
  }
  if (merged > 0)
    warnings.push({
      message: `merged ${merged} row(s) with a repeated energy (intensities averaged)`,
      path: where,
    });
  return makeSpectrum(e, y, meta);
}

/** Re-throw anything that is not already a SpecfuseError as a `parse` error at `where` (used around model calls). */
export function asParseError(e: unknown, where: { file?: string; line?: number; offset?: number }): never {
  if (e instanceof SpecfuseError) throw e;
  throw new SpecfuseError('parse', String((e as Error)?.message ?? e), where, { cause: e });
}

/** Shortest text that reads back to exactly the same double (JavaScript's own shortest round-trip form). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return String(x);
}
