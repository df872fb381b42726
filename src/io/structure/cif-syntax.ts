import { SpecfuseError, fail } from '../../core/errors.js';

/**
 * CIF 1.1 syntax (the "Crystallographic Information File" specification, IUCr; S. R. Hall, F. H. Allen and
 * I. D. Brown, Acta Cryst. A47, 655 (1991), and the CIF 1.1 syntax document): data blocks, tag–value pairs,
 * loop_ tables, comments, 'single'/"double" quoted strings (a quote closes only when followed by whitespace),
 * and semicolon-delimited text fields. Every token keeps its line number for error messages.
 */

export interface CifValue {
  readonly text: string;
  readonly line: number;
  /** Quoted or text-field values are never numbers or the '.'/'?' placeholders. */
  readonly quoted: boolean;
}

export interface CifLoop {
  readonly line: number;
  /** Lower-case tags. */
  readonly tags: string[];
  /** rows[r][c] is the value of tags[c]. */
  readonly rows: CifValue[][];
}

export interface CifBlock {
  readonly name: string;
  readonly line: number;
  /** Lower-case tag → value, for tags outside loops. */
  readonly items: Map<string, CifValue & { tagLine: number }>;
  readonly loops: CifLoop[];
}

type Token =
  | { kind: 'data'; text: string; line: number }
  | { kind: 'loop'; line: number }
  | { kind: 'tag'; text: string; line: number }
  | { kind: 'value'; value: CifValue }
  | { kind: 'other'; text: string; line: number };

function tokenize(text: string, file: string): Token[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Token[] = [];
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    const lineNo = li + 1;
    if (line.startsWith(';')) {
      // text field: runs until a line that starts with ';'
      const parts = [line.slice(1)];
      let lj = li + 1;
      for (; lj < lines.length; lj++) {
        if (lines[lj]!.startsWith(';')) break;
        parts.push(lines[lj]!);
      }
      if (lj >= lines.length)
        throw new SpecfuseError('truncated', 'text field opened with ";" is never closed (file ends)', {
          file,
          line: lineNo,
        });
      out.push({
        kind: 'value',
        value: { text: parts.join('\n').replace(/^\n/, ''), line: lineNo, quoted: true },
      });
      // anything after the closing ';' on the same line is further tokens
      const rest = lines[lj]!.slice(1);
      li = lj;
      if (rest.trim() !== '') tokenizeLine(rest, lj + 1, out, file);
      continue;
    }
    tokenizeLine(line, lineNo, out, file);
  }
  return out;
}

function tokenizeLine(line: string, lineNo: number, out: Token[], file: string): void {
  let i = 0;
  const n = line.length;
  while (i < n) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#') return;
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= n)
          fail('parse', `unterminated ${ch === "'" ? 'single' : 'double'}-quoted string`, {
            file,
            line: lineNo,
            column: i + 1,
          });
        if (line[j] === ch && (j + 1 >= n || line[j + 1] === ' ' || line[j + 1] === '\t')) break;
        j++;
      }
      out.push({ kind: 'value', value: { text: line.slice(i + 1, j), line: lineNo, quoted: true } });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && line[j] !== ' ' && line[j] !== '\t') j++;
    const word = line.slice(i, j);
    const lower = word.toLowerCase();
    if (lower.startsWith('data_')) out.push({ kind: 'data', text: word.slice(5), line: lineNo });
    else if (lower === 'loop_') out.push({ kind: 'loop', line: lineNo });
    else if (word.startsWith('_')) out.push({ kind: 'tag', text: lower, line: lineNo });
    else if (lower.startsWith('save_') || lower === 'global_' || lower === 'stop_')
      out.push({ kind: 'other', text: word, line: lineNo });
    else out.push({ kind: 'value', value: { text: word, line: lineNo, quoted: false } });
    i = j;
  }
}

/** Parse CIF text into data blocks. Throws SpecfuseError (file + line) on malformed syntax. */
export function parseCifBlocks(text: string, file: string): CifBlock[] {
  const toks = tokenize(text, file);
  const blocks: CifBlock[] = [];
  let cur: CifBlock | undefined;
  const need = (line: number): CifBlock => {
    if (!cur) fail('parse', 'data item before any data_ block header', { file, line });
    return cur;
  };
  let k = 0;
  while (k < toks.length) {
    const t = toks[k]!;
    if (t.kind === 'data') {
      cur = { name: t.text, line: t.line, items: new Map(), loops: [] };
      blocks.push(cur);
      k++;
    } else if (t.kind === 'other') {
      fail('unsupported', `'${t.text}' (save frames / global blocks) is not supported`, {
        file,
        line: t.line,
      });
    } else if (t.kind === 'loop') {
      const b = need(t.line);
      k++;
      const tags: string[] = [];
      while (k < toks.length && toks[k]!.kind === 'tag') {
        tags.push((toks[k] as { text: string }).text);
        k++;
      }
      if (tags.length === 0) fail('parse', 'loop_ without tags', { file, line: t.line });
      const values: CifValue[] = [];
      while (k < toks.length && toks[k]!.kind === 'value') {
        values.push((toks[k] as { value: CifValue }).value);
        k++;
      }
      if (values.length % tags.length !== 0) {
        const last = values[values.length - 1];
        fail(
          values.length === 0 ? 'parse' : 'truncated',
          `loop_ with ${tags.length} tags (${tags[0]}…) has ${values.length} values, not a multiple of ${tags.length}: a row is incomplete`,
          { file, line: last?.line ?? t.line, field: tags[0]! },
        );
      }
      const rows: CifValue[][] = [];
      for (let r = 0; r < values.length; r += tags.length) rows.push(values.slice(r, r + tags.length));
      b.loops.push({ line: t.line, tags, rows });
    } else if (t.kind === 'tag') {
      const b = need(t.line);
      const v = toks[k + 1];
      if (v?.kind !== 'value')
        fail('truncated', `tag ${t.text} has no value`, { file, line: t.line, field: t.text });
      b.items.set(t.text, { ...v.value, tagLine: t.line });
      k += 2;
    } else {
      const v = t.value;
      fail('parse', `value '${v.text.slice(0, 30)}' without a tag`, { file, line: v.line });
    }
  }
  return blocks;
}

const NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\((\d+)\))?$/;

/**
 * A CIF number: '2.816', '2.816(3)' (standard uncertainty in the last digits, dropped), '1e-3'.
 * Returns undefined for '.' / '?' (inapplicable / unknown). Throws for anything else, naming line and field.
 */
export function cifNumber(v: CifValue, file: string, field: string): number | undefined {
  if (!v.quoted && (v.text === '.' || v.text === '?')) return undefined;
  const m = NUMBER.exec(v.text);
  if (!m) fail('parse', `'${v.text}' is not a number`, { file, line: v.line, field });
  return Number(m[1]);
}

/** Quote a string for CIF output if needed. */
export function cifString(s: string): string {
  if (s === '') return "''";
  if (
    /[\s'"#]/.test(s) ||
    s.startsWith('_') ||
    s.startsWith('$') ||
    s.startsWith('[') ||
    s.startsWith(';') ||
    /^(data_|loop_|save_|global_|stop_)/i.test(s) ||
    s === '.' ||
    s === '?'
  ) {
    if (!s.includes("'")) return `'${s}'`;
    if (!s.includes('"')) return `"${s}"`;
    return `\n;${s}\n;`;
  }
  return s;
}
