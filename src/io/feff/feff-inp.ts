import { element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import { splitLines } from './table.js';

/**
 * `feff.inp`, the FEFF 8.5 / 9 / 10 input deck (FEFF 8.5 and FEFF9 user guides, chapter "Input file and cards"):
 * free-format cards, one keyword per line followed by its values; `*` starts a comment; TITLE lines are free text;
 * POTENTIALS and ATOMS are followed by one row per line until the next card (ATOMS until END); ELNES/EXELFS take
 * five more lines (beam energy, beam direction, angles, integration mesh, detector position).
 *
 * The AST keeps cards in file order so that reading and writing round-trips every keyword and value.
 */
export interface FeffCard {
  /** Upper-case keyword, e.g. 'EDGE', 'SCF', 'ELNES'. */
  readonly name: string;
  /** Values on the keyword line, as written. */
  readonly values: readonly string[];
  /** Continuation lines of multi-line cards (ELNES, EXELFS): tokens of each extra line. */
  readonly lines?: readonly (readonly string[])[];
}

export interface FeffPotential {
  readonly ipot: number;
  readonly z: number;
  readonly label: string;
  /** Angular momentum cut-offs for SCF and FMS; -1 = FEFF's default. */
  readonly lScmt?: number;
  readonly lFms?: number;
  readonly stoichiometry?: number;
}

export interface FeffAtom {
  /** Cartesian Å, absorber at the origin. */
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly ipot: number;
  readonly tag?: string;
  readonly distance?: number;
}

export interface FeffInput {
  readonly titles: readonly string[];
  readonly cards: readonly FeffCard[];
  readonly potentials: readonly FeffPotential[];
  readonly atoms: readonly FeffAtom[];
}

/** Number of continuation lines after the keyword line (FEFF9 guide: ELNES/EXELFS). */
const CONTINUATION: Readonly<Record<string, number>> = { ELNES: 5, EXELFS: 5 };

const KNOWN = new Set([
  'TITLE',
  'EDGE',
  'HOLE',
  'S02',
  'CONTROL',
  'PRINT',
  'SCF',
  'COREHOLE',
  'EXCHANGE',
  'XANES',
  'FMS',
  'RPATH',
  'EXAFS',
  'POLARIZATION',
  'ELLIPTICITY',
  'ELNES',
  'EXELFS',
  'POTENTIALS',
  'ATOMS',
  'END',
  'DEBYE',
  'LDOS',
  'NLEG',
  'CRITERIA',
  'AFOLP',
  'FOLP',
  'INTERSTITIAL',
  'ION',
  'SPIN',
  'RMULTIPLIER',
  'CFAVERAGE',
  'OVERLAP',
  'JUMPRM',
  'NOHOLE',
  'RGRID',
  'RPHASES',
  'NSTAR',
  'CORRECTIONS',
  'SIG2',
  'SIG3',
  'MBCONV',
  'SFCONV',
  'SELF',
  'SFSE',
  'RCONV',
  'TDLDA',
  'PMBSE',
  'MPSE',
  'MULTIPOLE',
  'SCREEN',
  'CIF',
  'RECIPROCAL',
  'TARGET',
  'REAL',
  'KMESH',
  'STRFAC',
  'EGRID',
  'EGAP',
  'CHBROAD',
  'CHSHIFT',
  'CONFIG',
  'MAGIC',
  'ABSOLUTE',
  'DANES',
  'FPRIME',
  'XES',
  'XNCD',
  'XMCD',
  'COMPTON',
  'RIXS',
  'OPCONS',
  'EPS0',
  'NRIXS',
  'LJMAX',
  'LDEC',
  'SETEDGE',
  'EDGEJUMP',
  'IORDER',
  'DIMS',
  'EXTPOT',
  'SS',
  'ELLIPTICTY',
  'UNFREEZEF',
  'MODULES',
  'STRFACTORS',
  'SYMMETRY',
  'SGROUP',
  'EQUIVALENCE',
  'COORDINATES',
  'LATTICE',
  'PLASMON',
  'RESTART',
  'HUBBARD',
  'CRPA',
  'FULLSPECTRUM',
  'SCXC',
  'ENDCARDS',
]);

function stripComment(line: string): string {
  const i = line.indexOf('*');
  return (i >= 0 ? line.slice(0, i) : line).replace(/!.*$/, '');
}

function isNumberToken(t: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eEdD][-+]?\d+)?$/.test(t);
}

/** Read a feff.inp. Unknown keywords are kept as cards (with their values) so nothing is lost. */
export function parseFeffInp(text: string, file = 'feff.inp'): FeffInput {
  const lines = splitLines(text);
  const titles: string[] = [];
  const cards: FeffCard[] = [];
  const potentials: FeffPotential[] = [];
  const atoms: FeffAtom[] = [];
  let mode: 'cards' | 'potentials' | 'atoms' | 'end' = 'cards';
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const titleMatch = /^\s*TITLE\b\s?(.*)$/i.exec(raw);
    if (titleMatch && mode !== 'end') {
      titles.push((titleMatch[1] as string).trimEnd());
      mode = 'cards';
      continue;
    }
    const l = stripComment(raw).trim();
    if (l === '' || mode === 'end') continue;
    const toks = l.split(/\s+/);
    const head = toks[0] as string;
    if (isNumberToken(head) && (mode === 'potentials' || mode === 'atoms')) {
      const nums = toks.map((t) => Number(t) + 0); // + 0 turns -0 into 0
      if (mode === 'potentials') {
        if (toks.length < 2 || !Number.isInteger(nums[0]) || !Number.isInteger(nums[1]))
          throw new SpecfuseError(
            'parse',
            'POTENTIALS row needs ipot Z [label [l_scmt l_fms [stoichiometry]]]',
            {
              file,
              line: i + 1,
            },
          );
        const label = toks[2] ?? element(nums[1] as number).symbol;
        potentials.push({
          ipot: nums[0] as number,
          z: nums[1] as number,
          label,
          ...(toks[3] !== undefined ? { lScmt: Number(toks[3]) } : {}),
          ...(toks[4] !== undefined ? { lFms: Number(toks[4]) } : {}),
          ...(toks[5] !== undefined ? { stoichiometry: Number(toks[5]) } : {}),
        });
      } else {
        if (toks.length < 4 || nums.slice(0, 4).some((x) => !Number.isFinite(x)))
          throw new SpecfuseError('parse', 'ATOMS row needs x y z ipot [tag [distance]]', {
            file,
            line: i + 1,
          });
        atoms.push({
          x: nums[0] as number,
          y: nums[1] as number,
          z: nums[2] as number,
          ipot: nums[3] as number,
          ...(toks[4] !== undefined ? { tag: toks[4] } : {}),
          ...(toks[5] !== undefined && isNumberToken(toks[5]) ? { distance: Number(toks[5]) } : {}),
        });
      }
      continue;
    }
    const name = head.toUpperCase();
    if (!KNOWN.has(name) && !/^[A-Z_][A-Z0-9_]*$/.test(name))
      throw new SpecfuseError('parse', `unexpected '${head}' (not a card keyword)`, { file, line: i + 1 });
    if (name === 'END') {
      mode = 'end';
      continue;
    }
    if (name === 'POTENTIALS') {
      mode = 'potentials';
      continue;
    }
    if (name === 'ATOMS') {
      mode = 'atoms';
      continue;
    }
    mode = 'cards';
    const ncont = CONTINUATION[name] ?? 0;
    const extra: string[][] = [];
    for (let j = 0; j < ncont && i + 1 < lines.length; ) {
      const nl = stripComment(lines[i + 1] as string).trim();
      const t0 = nl.split(/\s+/)[0] ?? '';
      if (nl !== '' && !isNumberToken(t0)) break;
      i++;
      if (nl === '') continue;
      extra.push(nl.split(/\s+/));
      j++;
    }
    cards.push({ name, values: toks.slice(1), ...(ncont > 0 ? { lines: extra } : {}) });
  }
  return { titles, cards, potentials, atoms };
}

function fmt(x: number, d = 5): string {
  return (Object.is(x, -0) ? 0 : x).toFixed(d).padStart(11);
}

/** Write a feff.inp from the AST: TITLE lines, cards in order, POTENTIALS, ATOMS, END. */
export function writeFeffInp(input: FeffInput): string {
  const out: string[] = [];
  for (const t of input.titles) out.push(t === '' ? 'TITLE' : `TITLE ${t}`);
  if (input.titles.length > 0) out.push('');
  for (const c of input.cards) {
    out.push([c.name.padEnd(12), ...c.values].join(' ').trimEnd());
    for (const l of c.lines ?? []) out.push(`             ${l.join(' ')}`);
  }
  out.push('', 'POTENTIALS', '*   ipot   Z  element   l_scmt  l_fms  stoichiometry');
  for (const p of input.potentials) {
    const row = [String(p.ipot).padStart(6), String(p.z).padStart(4), p.label.padEnd(8)];
    if (p.lScmt !== undefined) row.push(String(p.lScmt).padStart(6));
    if (p.lFms !== undefined) row.push(String(p.lFms).padStart(6));
    if (p.stoichiometry !== undefined) row.push(String(p.stoichiometry).padStart(8));
    out.push(row.join(' '));
  }
  out.push('', 'ATOMS', '*        x          y          z     ipot  tag        distance');
  for (const a of input.atoms) {
    const row = [fmt(a.x), fmt(a.y), fmt(a.z), String(a.ipot).padStart(4)];
    if (a.tag !== undefined) row.push(`  ${a.tag.padEnd(10)}`);
    if (a.distance !== undefined) row.push(fmt(a.distance));
    out.push(row.join(''));
  }
  out.push('', 'END', '');
  return out.join('\n');
}

/** The first card with a keyword, or undefined. */
export function feffCard(input: FeffInput, name: string): FeffCard | undefined {
  return input.cards.find((c) => c.name === name.toUpperCase());
}
