import { SpecfuseError } from '../../core/errors.js';

/**
 * A safe reader for the Perl data literals that Data::Dumper writes (the body of Athena project files). It is a
 * tokenizer plus a recursive-descent parser for a closed grammar — nothing is ever evaluated:
 *
 *   program   := { statement | '[' word ']' }          (Athena's `[record]` marker lines)
 *   statement := ('$'|'@'|'%') name '=' expr ';'  |  expr ';'
 *   expr      := string | number | 'undef' | '[' list ']' | '{' list '}' | '(' list ')'
 *              | 'bless' '(' expr ',' string ')' | bareword
 *   list      := [ expr { (',' | '=>') expr } [','] ]
 *
 * Strings: single-quoted (only \\ and \' are escapes, as in Perl) and double-quoted (\n \t \r \" \\ \$ \@, \x{..}).
 * Comments: '#' to end of line outside strings. Nesting depth is capped; every error names the line.
 */

export type PerlValue = string | number | null | PerlValue[] | { [key: string]: PerlValue } | PerlBlessed;

export interface PerlBlessed {
  readonly blessed: string;
  readonly value: PerlValue;
}

export interface PerlStatement {
  /** '$name', '@name', '%name', or '' for a bare expression statement. */
  readonly target: string;
  readonly value: PerlValue;
  readonly line: number;
}

/** A `[word]` marker line (Athena writes `[record]` after each group). */
export interface PerlMarker {
  readonly marker: string;
  readonly line: number;
}

const MAX_DEPTH = 64;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

type Tok =
  | { t: 'str'; v: string; line: number }
  | { t: 'num'; v: number; line: number }
  | { t: 'word'; v: string; line: number }
  | { t: 'var'; v: string; line: number }
  | { t: 'p'; v: string; line: number };

export function tokenizePerl(text: string, file?: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  /** Position of the next backslash at or after the cursor (−1: none left); kept to make the fast path O(n). */
  let nextSlash = text.indexOf('\\');
  const err = (msg: string): never => {
    throw new SpecfuseError('parse', msg, file === undefined ? { line } : { file, line });
  };
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      i++;
      continue;
    }
    if (ch === 32 || ch === 9 || ch === 13 || ch === 12) {
      i++;
      continue;
    }
    const c = text[i] as string;
    if (c === '#') {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === "'") {
      const start = line;
      // fast path: no backslash before the closing quote (almost every string in an Athena file)
      const close = text.indexOf("'", i + 1);
      if (nextSlash >= 0 && nextSlash <= i) nextSlash = text.indexOf('\\', i + 1);
      if (close >= 0 && (nextSlash < 0 || nextSlash > close)) {
        const v = text.slice(i + 1, close);
        for (let j = v.indexOf('\n'); j >= 0; j = v.indexOf('\n', j + 1)) line++;
        toks.push({ t: 'str', v, line: start });
        i = close + 1;
        continue;
      }
      let s = '';
      i++;
      for (;;) {
        if (i >= n) {
          line = start;
          err('unterminated single-quoted string');
        }
        const d = text[i] as string;
        if (d === '\\' && (text[i + 1] === "'" || text[i + 1] === '\\')) {
          s += text[i + 1];
          i += 2;
          continue;
        }
        if (d === "'") {
          i++;
          break;
        }
        if (d === '\n') line++;
        s += d;
        i++;
      }
      toks.push({ t: 'str', v: s, line: start });
      continue;
    }
    if (c === '"') {
      const start = line;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) {
          line = start;
          err('unterminated double-quoted string');
        }
        const d = text[i] as string;
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) err('unterminated double-quoted string');
          if (e === 'x' && text[i + 2] === '{') {
            const close = text.indexOf('}', i + 3);
            const code = close > 0 ? Number.parseInt(text.slice(i + 3, close), 16) : Number.NaN;
            if (!Number.isFinite(code) || code > 0x10ffff) err('bad \\x{…} escape');
            s += String.fromCodePoint(code);
            i = close + 1;
            continue;
          }
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
          i += 2;
          continue;
        }
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\n') line++;
        s += d;
        i++;
      }
      toks.push({ t: 'str', v: s, line: start });
      continue;
    }
    if (c === '=' && text[i + 1] === '>') {
      toks.push({ t: 'p', v: '=>', line });
      i += 2;
      continue;
    }
    if ('=;,()[]{}'.includes(c)) {
      toks.push({ t: 'p', v: c, line });
      i++;
      continue;
    }
    if ((c === '$' || c === '@' || c === '%') && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_:]/.test(text[j] as string)) j++;
      toks.push({ t: 'var', v: text.slice(i, j), line });
      i = j;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num && (/\d/.test(c) || ((c === '-' || c === '+' || c === '.') && /[\d.]/.test(text[i + 1] ?? '')))) {
      toks.push({ t: 'num', v: Number(num[0]), line });
      i += num[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_:]/.test(text[j] as string)) j++;
      toks.push({ t: 'word', v: text.slice(i, j), line });
      i = j;
      continue;
    }
    err(`unexpected character '${c}'`);
  }
  return toks;
}

/** Parse a Data::Dumper dump into statements and marker lines, in file order. */
export function parsePerlData(text: string, file?: string): (PerlStatement | PerlMarker)[] {
  const toks = tokenizePerl(text, file);
  let k = 0;
  const where = (line: number) => (file === undefined ? { line } : { file, line });
  const lastLine = () => toks[toks.length - 1]?.line ?? 1;
  const peek = () => toks[k];
  const err = (msg: string, tok = toks[k]): never => {
    throw new SpecfuseError(
      tok ? 'parse' : 'truncated',
      tok ? msg : `${msg} (end of file)`,
      where(tok?.line ?? lastLine()),
    );
  };
  const expectP = (v: string) => {
    const t = toks[k];
    if (t?.t !== 'p' || t.v !== v) err(`expected '${v}'`);
    k++;
  };
  const isP = (v: string) => {
    const t = toks[k];
    return t !== undefined && t.t === 'p' && t.v === v;
  };
  const list = (close: string, depth: number): PerlValue[] => {
    const out: PerlValue[] = [];
    while (!isP(close)) {
      if (k >= toks.length) err(`missing '${close}'`);
      out.push(expr(depth));
      if (isP(',') || isP('=>')) k++;
      else if (!isP(close)) err(`expected ',' or '${close}'`);
    }
    k++;
    return out;
  };
  const toHash = (items: PerlValue[], line: number): { [key: string]: PerlValue } => {
    if (items.length % 2 !== 0)
      throw new SpecfuseError('parse', 'hash with an odd number of elements', where(line));
    const h: { [key: string]: PerlValue } = {};
    for (let j = 0; j < items.length; j += 2) {
      const key = items[j];
      if (typeof key !== 'string' && typeof key !== 'number')
        throw new SpecfuseError('parse', 'hash key is not a string', where(line));
      h[String(key)] = items[j + 1] as PerlValue;
    }
    return h;
  };
  const expr = (depth: number): PerlValue => {
    if (depth > MAX_DEPTH) err(`data nested deeper than ${MAX_DEPTH}`);
    const t = toks[k];
    if (!t) return err('expected a value');
    k++;
    switch (t.t) {
      case 'str':
        return t.v;
      case 'num':
        return t.v;
      case 'word':
        if (t.v === 'undef') return null;
        if (t.v === 'bless') {
          expectP('(');
          const value = expr(depth + 1);
          expectP(',');
          const cls = toks[k];
          if (cls?.t !== 'str') err('bless needs a class name string');
          k++;
          if (isP(',')) k++;
          expectP(')');
          return { blessed: (cls as { v: string }).v, value };
        }
        return t.v; // bareword (hash key before =>)
      case 'p':
        if (t.v === '[') return list(']', depth + 1);
        if (t.v === '(') return list(')', depth + 1);
        if (t.v === '{') return toHash(list('}', depth + 1), t.line);
        k--;
        return err(`unexpected '${t.v}'`);
      case 'var':
        k--;
        return err(`variable reference ${t.v} inside data is not supported`);
    }
  };
  const out: (PerlStatement | PerlMarker)[] = [];
  while (k < toks.length) {
    const t = peek() as Tok;
    // `[word]` marker line
    if (
      t.t === 'p' &&
      t.v === '[' &&
      toks[k + 1]?.t === 'word' &&
      toks[k + 2]?.t === 'p' &&
      toks[k + 2]?.v === ']'
    ) {
      out.push({ marker: (toks[k + 1] as { v: string }).v, line: t.line });
      k += 3;
      continue;
    }
    if (t.t === 'var' && toks[k + 1]?.t === 'p' && toks[k + 1]?.v === '=') {
      k += 2;
      const sigil = t.v[0];
      let value = expr(1);
      if (sigil === '%' && Array.isArray(value)) value = toHash(value, t.line);
      out.push({ target: t.v, value, line: t.line });
    } else out.push({ target: '', value: expr(1), line: t.line });
    if (k < toks.length) expectP(';');
  }
  return out;
}
