import { element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import { splitLines } from '../feff/table.js';

/**
 * FDMNES input decks (FDMNES user manual, Y. Joly, "Input file" chapter): a list of keywords, case-insensitive,
 * each on its own line, followed by zero or more lines of values; `!` starts a comment; the deck ends at `End`.
 * A value line is a line of numbers, except after the keywords listed in `STRING_VALUED`, whose next line is text
 * (file names, edge names).
 *
 * The AST keeps keywords in order with their value lines as tokens, so reading and writing round-trips every
 * keyword and value (whitespace and keyword case are not preserved — FDMNES ignores both).
 */
export interface FdmnesBlock {
  /** Keyword as written (case kept for display; compare with `.toLowerCase()`). */
  readonly keyword: string;
  /** Value lines, each split into tokens. */
  readonly values: readonly (readonly string[])[];
}

export interface FdmnesDeck {
  readonly blocks: readonly FdmnesBlock[];
}

/** Keywords whose value line is text, not numbers (manual: Filout, Edge, Cif_file, Pdb_file, Conv_out, …). */
const STRING_VALUED = new Set([
  'filout',
  'edge',
  'cif_file',
  'pdb_file',
  'conv_out',
  'calculation',
  'fprime_atom',
  'check_file',
  'experiment',
  'exp_file',
  'file_in',
  'scan_file',
  'scan_conv',
  'fdmnes_file',
  'pot_file',
]);

function isNumber(t: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eEdD][-+]?\d+)?$/.test(t);
}

export function parseFdmnesDeck(text: string, file = 'fdmnes_in.txt'): FdmnesDeck {
  const lines = splitLines(text);
  const blocks: { keyword: string; values: string[][] }[] = [];
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).replace(/!.*$/, '').trim();
    if (l === '' || ended) continue;
    const toks = l.split(/\s+/);
    const cur = blocks[blocks.length - 1];
    const expectsString =
      cur !== undefined && STRING_VALUED.has(cur.keyword.toLowerCase()) && cur.values.length === 0;
    if (isNumber(toks[0] as string) || expectsString) {
      if (!cur) throw new SpecfuseError('parse', 'values before the first keyword', { file, line: i + 1 });
      cur.values.push(toks);
      continue;
    }
    if (toks.length > 1 && !STRING_VALUED.has((toks[0] as string).toLowerCase()))
      throw new SpecfuseError('parse', `keyword '${toks[0]}' must stand alone on its line`, {
        file,
        line: i + 1,
      });
    if (/^end$/i.test(toks[0] as string)) {
      ended = true;
      continue;
    }
    blocks.push({ keyword: toks[0] as string, values: toks.length > 1 ? [toks.slice(1)] : [] });
  }
  if (!ended) throw new SpecfuseError('truncated', "deck has no 'End' line", { file, line: lines.length });
  return { blocks };
}

/** Write a deck in the seed decks' layout: keyword line, values indented by two spaces, blank line, …, End. */
export function writeFdmnesDeck(deck: FdmnesDeck): string {
  const out: string[] = [];
  for (const b of deck.blocks) {
    out.push(b.keyword);
    for (const v of b.values) out.push(`  ${v.join(' ')}`);
    out.push('');
  }
  out.push('End', '');
  return out.join('\n');
}

export function fdmnesBlock(deck: FdmnesDeck, keyword: string): FdmnesBlock | undefined {
  const k = keyword.toLowerCase();
  return deck.blocks.find((b) => b.keyword.toLowerCase() === k);
}

/** The `Crystal` (or `Molecule`) block as numbers: cell a b c (Å) α β γ (°), then atoms Z x y z (fractional). */
export interface FdmnesCrystal {
  readonly kind: 'crystal' | 'molecule';
  readonly cell: readonly [number, number, number, number, number, number];
  readonly atoms: readonly { readonly z: number; readonly frac: readonly [number, number, number] }[];
}

export function fdmnesCrystal(deck: FdmnesDeck, file = 'fdmnes_in.txt'): FdmnesCrystal {
  const b = fdmnesBlock(deck, 'crystal') ?? fdmnesBlock(deck, 'molecule');
  if (!b)
    throw new SpecfuseError('not-found', 'deck has no Crystal or Molecule block', { file, field: 'Crystal' });
  const [cellLine, ...rest] = b.values;
  const cell = (cellLine ?? []).map(Number);
  if (cell.length !== 6 || cell.some((x) => !Number.isFinite(x)))
    throw new SpecfuseError('parse', 'cell line needs a b c alpha beta gamma', { file, field: b.keyword });
  const atoms = rest.map((r, j) => {
    const v = r.map(Number);
    if (v.length < 4 || v.some((x) => !Number.isFinite(x)) || !Number.isInteger(v[0]))
      throw new SpecfuseError('parse', `atom ${j + 1} needs Z x y z`, { file, field: b.keyword });
    return { z: v[0] as number, frac: [v[1], v[2], v[3]] as [number, number, number] };
  });
  return {
    kind: b.keyword.toLowerCase() === 'molecule' ? 'molecule' : 'crystal',
    cell: cell as unknown as FdmnesCrystal['cell'],
    atoms,
  };
}

/**
 * A canonical, whitespace- and case-insensitive view of a deck for comparisons: keyword lower-cased, numeric tokens
 * as numbers (so '-5.' equals '-5' and '6' equals '6.0'), text tokens as written.
 */
export function canonicalDeck(deck: FdmnesDeck): { keyword: string; values: (number | string)[][] }[] {
  return deck.blocks.map((b) => ({
    keyword: b.keyword.toLowerCase(),
    values: b.values.map((v) => v.map((t) => (isNumber(t) ? Number(t.replace(/[dD]/, 'e')) : t))),
  }));
}

/** Atomic number of an element symbol (FDMNES writes Z, not symbols, in Crystal blocks). */
export function zOf(symbol: string): number {
  return element(symbol).z;
}
