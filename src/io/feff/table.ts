import { SpecfuseError, type Warning } from '../../core/errors.js';

/**
 * Plain-text column tables as FEFF, FDMNES and XSpectra write them: a header of free text (often `#`-prefixed),
 * then whitespace-separated numbers, one row per line. Shared by the readers in `io/feff`, `io/fdmnes`, `io/xspectra`.
 */
export interface TextTable {
  /** Header lines (before the first data row), as written, without the line terminator. */
  readonly header: readonly string[];
  /** Column label line if the format has one (FEFF's line ending in `@#`, FDMNES's `Energy …` line). */
  readonly labels: readonly string[];
  /** columns[j][i]: value of column j in data row i. */
  readonly columns: readonly Float64Array[];
  /** 1-based line number of each data row. */
  readonly rowLines: Int32Array;
  readonly warnings: Warning[];
}

/** Fortran-style number: accepts `1.0D+00` and `1.0E+00`; rejects anything else. */
export function parseFortranNumber(token: string): number {
  const t = token.replace(/[dD]/, 'e');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number.NaN;
  return Number(t);
}

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function numericRow(line: string): number[] | undefined {
  const toks = line.trim().split(/\s+/);
  if (toks.length === 0 || toks[0] === '') return undefined;
  const out: number[] = [];
  for (const t of toks) {
    const x = parseFortranNumber(t);
    if (Number.isNaN(x)) return undefined;
    out.push(x);
  }
  return out;
}

export interface TableOptions {
  /** Number of columns required (rows with fewer are an error, extra columns are ignored). */
  readonly minColumns: number;
  /** The header ends at the first line matching this (inclusive); data starts after it. */
  readonly headerEnd?: RegExp;
  /** Lines starting with this are comments wherever they occur (default '#'). */
  readonly comment?: string;
}

/**
 * Read a header-then-numbers table. Without `headerEnd`, the header is every line up to the first line made only of
 * numbers. After the header, blank lines and comment lines are skipped; any other non-numeric line is a parse
 * error naming file and line.
 */
export function readTable(text: string, file: string, opts: TableOptions): TextTable {
  const lines = splitLines(text);
  const comment = opts.comment ?? '#';
  const warnings: Warning[] = [];
  let start = -1;
  let labels: string[] = [];
  if (opts.headerEnd) {
    for (let i = 0; i < lines.length; i++) {
      if (opts.headerEnd.test(lines[i] as string)) {
        start = i + 1;
        labels = labelTokens(lines[i] as string);
        break;
      }
    }
    if (start < 0)
      throw new SpecfuseError('parse', `no column header line (expected ${String(opts.headerEnd)})`, {
        file,
        line: lines.length,
      });
  } else {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trimStart().startsWith(comment)) continue;
      if (numericRow(line)) {
        start = i;
        break;
      }
    }
    if (start < 0) throw new SpecfuseError('truncated', 'no numeric data rows', { file, line: lines.length });
    for (let i = start - 1; i >= 0; i--) {
      const l = (lines[i] as string).trim();
      if (l === '') continue;
      labels = labelTokens(l);
      break;
    }
  }
  const rows: number[][] = [];
  const rowLines: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(comment)) continue;
    const row = numericRow(line);
    if (!row)
      throw new SpecfuseError('parse', `expected numbers, got '${trimmed.slice(0, 60)}'`, {
        file,
        line: i + 1,
      });
    if (row.length < opts.minColumns)
      throw new SpecfuseError('parse', `expected at least ${opts.minColumns} columns, got ${row.length}`, {
        file,
        line: i + 1,
      });
    rowLines.push(i + 1);
    rows.push(row);
  }
  if (rows.length === 0)
    throw new SpecfuseError('truncated', 'header but no data rows', { file, line: lines.length });
  const ncol = Math.min(...rows.map((r) => r.length));
  const columns: Float64Array[] = [];
  for (let j = 0; j < ncol; j++) columns.push(Float64Array.from(rows, (r) => r[j] as number));
  if (rows.some((r) => r.length !== ncol))
    warnings.push({ message: `rows have unequal column counts; kept the first ${ncol}`, path: { file } });
  return { header: lines.slice(0, start), labels, columns, rowLines: Int32Array.from(rowLines), warnings };
}

function labelTokens(line: string): string[] {
  return line
    .replace(/@#\s*$/, '')
    .replace(/^\s*#/, '')
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
}

/** Check a column is strictly increasing (required of a Spectrum energy axis); names the first offending row. */
export function assertIncreasing(x: Float64Array, file: string, rowLines: Int32Array, what: string): void {
  for (let i = 1; i < x.length; i++) {
    if (!((x[i] as number) > (x[i - 1] as number)))
      throw new SpecfuseError('parse', `${what} is not strictly increasing at data row ${i + 1}`, {
        file,
        field: what,
        line: rowLines[i] as number,
      });
  }
}
