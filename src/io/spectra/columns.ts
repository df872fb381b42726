import { fail, type Warning } from '../../core/errors.js';
import type { Spectrum, SpectrumMeta } from '../../spectrum/types.js';
import {
  formatNumber,
  isNumberToken,
  orderedSpectrum,
  parseNumber,
  type Read,
  splitLines,
} from './common.js';

/**
 * Plain column text: CSV, TSV or whitespace-separated numbers, with optional comment lines (#, %, !, ;) and an
 * optional label line (either the last comment line before the data, or a first non-comment line of words).
 */

export type ColumnDelimiter = ',' | '\t' | ';' | 'whitespace';

/** File-faithful parse of a column file. */
export interface ColumnTable {
  readonly delimiter: ColumnDelimiter;
  /** Column labels (from the header), or `col1…colN` when the file has none. */
  readonly labels: string[];
  /** Whether the labels came from the file. */
  readonly labelled: boolean;
  /** Comment / header lines before the data, without their comment character. */
  readonly header: string[];
  /** Column-major numeric data. */
  readonly columns: Float64Array[];
  /** 1-based line number of each data row. */
  readonly rowLines: Int32Array;
}

const COMMENT = /^\s*[#%!;]/;

function splitRow(line: string, delimiter: ColumnDelimiter): string[] {
  const t = line.trim();
  if (delimiter === 'whitespace') return t.split(/\s+/);
  return t.split(delimiter).map((s) => s.trim());
}

function detectDelimiter(line: string): ColumnDelimiter {
  if (line.includes(',')) return ',';
  if (line.includes('\t')) return '\t';
  if (line.includes(';')) return ';';
  return 'whitespace';
}

/** Strip one comment character and quotes from a label line. */
function labelTokens(line: string, delimiter: ColumnDelimiter): string[] {
  const body = line.replace(COMMENT, '').trim();
  const d = delimiter === 'whitespace' ? detectDelimiter(body) : delimiter;
  return splitRow(body, d === ';' && !body.includes(';') ? 'whitespace' : d)
    .map((s) => s.replace(/^["']|["']$/g, '').trim())
    .filter((s) => s !== '');
}

/** Parse column text. Throws `parse` naming file, line and column for a non-numeric or missing value. */
export function parseColumns(text: string, file?: string): ColumnTable {
  const lines = splitLines(text);
  const header: string[] = [];
  let i = 0;
  let labelLine: string | undefined;
  let labelFromData = false;
  // header: comment lines and blank lines; a first non-numeric line is a label line
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (COMMENT.test(line)) {
      header.push(line.replace(COMMENT, '').trim());
      labelLine = line;
      continue;
    }
    const d = detectDelimiter(line);
    const toks = splitRow(line, d);
    if (toks.every((t) => isNumberToken(t))) break;
    if (labelFromData)
      fail('parse', `expected numbers, found '${line.trim().slice(0, 40)}'`, { ...where(file), line: i + 1 });
    labelLine = line;
    labelFromData = true;
  }
  if (i >= lines.length) fail('parse', 'no numeric data rows found', where(file));
  const delimiter = detectDelimiter(lines[i] as string);
  const first = splitRow(lines[i] as string, delimiter);
  const ncol = first.length;
  const cols: number[][] = Array.from({ length: ncol }, () => []);
  const rowLines: number[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '' || COMMENT.test(line)) continue;
    const toks = splitRow(line, delimiter);
    if (toks.length !== ncol)
      fail('parse', `row has ${toks.length} values, expected ${ncol}`, { ...where(file), line: i + 1 });
    for (let c = 0; c < ncol; c++) {
      const t = toks[c] as string;
      if (!isNumberToken(t))
        fail('parse', `'${t.slice(0, 30)}' is not a number`, { ...where(file), line: i + 1, column: c + 1 });
      (cols[c] as number[]).push(parseNumber(t));
    }
    rowLines.push(i + 1);
  }
  let labels = Array.from({ length: ncol }, (_, c) => `col${c + 1}`);
  let labelled = false;
  if (labelLine !== undefined) {
    const toks = labelTokens(labelLine, delimiter);
    if (toks.length === ncol && !toks.every((t) => isNumberToken(t))) {
      labels = toks;
      labelled = true;
    }
  }
  return {
    delimiter,
    labels,
    labelled,
    header: labelled && !labelFromData ? header.slice(0, -1) : header,
    columns: cols.map((c) => Float64Array.from(c)),
    rowLines: Int32Array.from(rowLines),
  };
}

function where(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

const ENERGY_LABEL =
  /^(energy|energy_ev|e|ev|e_ev|x|omega|energy\(ev\)|energy_kev|energy\(kev\)|energy loss.*)$/i;
const INTENSITY_LABEL = /^(intensity|mu|xmu|mutrans|mufluor|norm|absorption|counts|y|signal|i)$/i;

/** Index of the energy column (by label, else the first) and of the intensity column (by label, else the next). */
export function pickColumns(labels: readonly string[]): { energy: number; intensity: number } {
  let energy = labels.findIndex((l) => ENERGY_LABEL.test(l));
  if (energy < 0) energy = 0;
  let intensity = labels.findIndex((l, k) => k !== energy && INTENSITY_LABEL.test(l));
  if (intensity < 0) intensity = energy === 0 ? 1 : 0;
  return { energy, intensity };
}

/** Map a parsed column table to a spectrum: energy column (keV labels converted to eV) and one intensity column. */
export function columnsToSpectrum(
  table: ColumnTable,
  meta: SpectrumMeta,
  file?: string,
  choose?: { energy?: number; intensity?: number },
): Read<Spectrum> {
  const warnings: Warning[] = [];
  if (table.columns.length < 2) fail('parse', 'need at least two columns (energy, intensity)', where(file));
  const pick = pickColumns(table.labels);
  const ie = choose?.energy ?? pick.energy;
  const iy = choose?.intensity ?? pick.intensity;
  const n = table.columns.length;
  if (ie < 0 || ie >= n || iy < 0 || iy >= n)
    fail('invalid-argument', `column index out of range (file has ${n} columns)`, where(file));
  let e = table.columns[ie] as Float64Array;
  if (/kev/i.test(table.labels[ie] as string)) e = e.map((v) => v * 1000);
  const extra: Record<string, unknown> = {
    labels: table.labels,
    energyColumn: table.labels[ie],
    intensityColumn: table.labels[iy],
  };
  if (table.header.length > 0) extra.header = table.header;
  if (n > 2) {
    warnings.push({
      message: `file has ${n} columns; used '${table.labels[ie]}' as energy and '${table.labels[iy]}' as intensity`,
      path: where(file),
    });
  }
  const s = orderedSpectrum(
    e,
    table.columns[iy] as Float64Array,
    { ...meta, extra: { ...(meta.extra ?? {}), ...extra } },
    { ...where(file), line: table.rowLines[0] ?? 1 },
    warnings,
  );
  return { value: s, warnings };
}

/**
 * Write a spectrum as CSV: a header line `energy_eV,intensity[,extra…]` then one row per point, numbers in their
 * shortest exact form (so a read-back is bit-identical). `extra` columns must have the spectrum's length.
 */
export function writeCsv(
  spectrum: Spectrum,
  extra: Readonly<Record<string, ArrayLike<number>>> = {},
): string {
  const names = Object.keys(extra);
  for (const k of names)
    if ((extra[k] as ArrayLike<number>).length !== spectrum.energy.length)
      fail('invalid-argument', `extra column '${k}' has the wrong length`, { field: k });
  const out: string[] = [['energy_eV', 'intensity', ...names.map((k) => k.replace(/[,\s]/g, '_'))].join(',')];
  for (let i = 0; i < spectrum.energy.length; i++) {
    const row = [formatNumber(spectrum.energy[i] as number), formatNumber(spectrum.intensity[i] as number)];
    for (const k of names) row.push(formatNumber((extra[k] as ArrayLike<number>)[i] as number));
    out.push(row.join(','));
  }
  return `${out.join('\n')}\n`;
}
