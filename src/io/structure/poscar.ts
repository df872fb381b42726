import { type Warning, fail } from '../../core/errors.js';
import { isElementSymbol, normalizeSymbol } from '../../core/elements.js';
import { cartToFrac, det3 } from '../../structure/lattice.js';
import { makeStructure } from '../../structure/structure.js';
import type { Mat3, Site, Structure, Vec3 } from '../../structure/types.js';
import { parseSpecies } from './cif.js';

/**
 * VASP POSCAR / CONTCAR reader and writer (format as documented in the VASP manual, "POSCAR"): comment line;
 * universal scaling factor (one number, negative = target volume in Å³, or three per-axis factors); three lattice
 * vectors; species names (VASP 5; absent in VASP 4, where the comment line is tried); counts; optional
 * 'Selective dynamics'; 'Direct' or 'Cartesian' (first letter D, or C/K); one coordinate line per atom.
 * Trailing tokens on a coordinate line are kept as the site label; a label such as 'Ni2+' also gives the
 * oxidation state ('Li0+' means unknown).
 */

function num(tok: string | undefined, file: string, line: number, field: string): number {
  if (tok === undefined) fail('truncated', `missing ${field}`, { file, line, field });
  const x = Number(tok);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(tok) || !Number.isFinite(x)) {
    const y = Number(tok.replace(/[dD]/, 'e'));
    if (/^[+-]?(\d+\.?\d*|\.\d+)[dD][+-]?\d+$/.test(tok) && Number.isFinite(y)) return y;
    fail('parse', `'${tok}' is not a number (${field})`, { file, line, field });
  }
  return x;
}

function cleanSpecies(tok: string): string | undefined {
  const base = tok.split(/[_/.]/)[0]!; // 'Li_sv', 'Ni/8d2c...'
  return isElementSymbol(base) ? normalizeSymbol(base) : undefined;
}

export function parsePoscar(text: string, file = '<POSCAR>'): { value: Structure; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const get = (i: number, what: string): string[] => {
    if (i >= lines.length || (lines[i]!.trim() === '' && i >= lines.length - 1))
      fail('truncated', `file ends before the ${what} (line ${i + 1})`, { file, line: i + 1, field: what });
    return lines[i]!.trim()
      .split(/\s+/)
      .filter((t) => t !== '');
  };
  const comment = lines[0] ?? '';
  if (text.trim() === '') fail('truncated', 'empty POSCAR', { file, line: 1 });
  const scaleTok = get(1, 'scaling factor');
  if (scaleTok.length !== 1 && scaleTok.length !== 3)
    fail('parse', `scaling line must hold 1 or 3 numbers, found ${scaleTok.length}`, {
      file,
      line: 2,
      field: 'scale',
    });
  const scale = scaleTok.map((t) => num(t, file, 2, 'scale'));
  const raw: Vec3[] = [];
  for (let r = 0; r < 3; r++) {
    const t = get(2 + r, `lattice vector ${r + 1}`);
    if (t.length < 3)
      fail('parse', `lattice vector ${r + 1} needs 3 numbers, found ${t.length}`, {
        file,
        line: 3 + r,
        field: 'lattice',
      });
    raw.push([
      num(t[0], file, 3 + r, 'lattice'),
      num(t[1], file, 3 + r, 'lattice'),
      num(t[2], file, 3 + r, 'lattice'),
    ]);
  }
  let sv: Vec3;
  if (scale.length === 3) {
    if (scale.some((x) => !(x > 0)))
      fail('parse', 'per-axis scaling factors must be positive', { file, line: 2, field: 'scale' });
    sv = [scale[0]!, scale[1]!, scale[2]!];
  } else {
    let x = scale[0]!;
    if (x === 0) fail('parse', 'scaling factor is 0', { file, line: 2, field: 'scale' });
    if (x < 0) x = Math.cbrt(-x / Math.abs(det3(raw as unknown as Mat3)));
    sv = [x, x, x];
  }
  const lattice = raw.map((v) => [v[0] * sv[0], v[1] * sv[1], v[2] * sv[2]]) as unknown as Mat3;
  if (!(Math.abs(det3(lattice)) > 1e-9))
    fail('parse', 'lattice vectors are linearly dependent (zero volume)', {
      file,
      line: 3,
      field: 'lattice',
    });

  let li = 5;
  let toks = get(li, 'species or counts line');
  let species: string[];
  if (toks.every((t) => /^\d+$/.test(t))) {
    // VASP 4: no species line; try the comment
    const guess = comment
      .trim()
      .split(/\s+/)
      .map((t) => cleanSpecies(t.replace(/\d+(\.\d+)?$/, '')));
    if (guess.length < toks.length || guess.slice(0, toks.length).some((g) => g === undefined))
      fail('parse', 'no species line (VASP 4 format) and the comment line does not name the species', {
        file,
        line: li + 1,
        field: 'species',
      });
    species = guess.slice(0, toks.length) as string[];
    warnings.push({ message: 'VASP 4 POSCAR: species taken from the comment line', path: { file, line: 1 } });
  } else {
    species = toks.map((t) => {
      const e = cleanSpecies(t);
      if (!e)
        fail('parse', `unknown element '${t}' in the species line`, { file, line: li + 1, field: 'species' });
      return e;
    });
    li++;
    toks = get(li, 'counts line');
  }
  if (toks.length !== species.length)
    fail('parse', `${species.length} species but ${toks.length} counts`, {
      file,
      line: li + 1,
      field: 'counts',
    });
  const counts = toks.map((t) => {
    if (!/^\d+$/.test(t))
      fail('parse', `count '${t}' is not a non-negative integer`, { file, line: li + 1, field: 'counts' });
    return Number(t);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) fail('parse', 'no atoms (all counts are 0)', { file, line: li + 1, field: 'counts' });
  li++;
  let mode = get(li, 'coordinate mode line')[0] ?? '';
  if (/^s/i.test(mode)) {
    li++;
    mode = get(li, 'coordinate mode line')[0] ?? '';
  }
  let cartesian: boolean;
  if (/^[ck]/i.test(mode)) cartesian = true;
  else if (/^d/i.test(mode)) cartesian = false;
  else
    fail('parse', `expected 'Direct' or 'Cartesian', found '${mode}'`, { file, line: li + 1, field: 'mode' });
  li++;
  const sites: Site[] = [];
  let k = 0;
  for (let s = 0; s < species.length; s++) {
    for (let c = 0; c < counts[s]!; c++, k++) {
      const lineNo = li + k + 1;
      if (li + k >= lines.length || lines[li + k]!.trim() === '')
        fail('truncated', `file ends after ${k} of ${total} atom positions`, {
          file,
          line: lineNo,
          field: 'positions',
        });
      const t = lines[li + k]!.trim().split(/\s+/);
      if (t.length < 3)
        fail('parse', `atom ${k + 1} needs 3 coordinates, found ${t.length}`, {
          file,
          line: lineNo,
          field: 'positions',
        });
      const p: Vec3 = [
        num(t[0], file, lineNo, 'x'),
        num(t[1], file, lineNo, 'y'),
        num(t[2], file, lineNo, 'z'),
      ];
      let rest = t.slice(3);
      if (rest.length >= 3 && rest.slice(0, 3).every((x) => /^[TF]$/i.test(x))) rest = rest.slice(3); // selective dynamics
      const label = rest.length > 0 ? rest.join(' ') : undefined;
      const sp = label ? parseSpecies(label) : undefined;
      const frac = cartesian ? cartToFrac(lattice, [p[0] * sv[0], p[1] * sv[1], p[2] * sv[2]]) : p;
      const plain =
        label !== undefined && /^[A-Za-z]{1,2}(\d*(\.\d+)?[+-])?$/.test(label) && sp?.element === species[s];
      sites.push({
        element: species[s]!,
        frac,
        ...(label !== undefined && !plain ? { label } : {}),
        ...(sp?.oxidation !== undefined && sp.element === species[s] ? { oxidation: sp.oxidation } : {}),
      });
    }
  }
  return { value: makeStructure(lattice, sites, { title: comment.trim(), source: file }), warnings };
}

function f(x: number, d = 12): string {
  const s = x.toFixed(d);
  return s.startsWith('-') && Number(s) === 0 ? s.slice(1) : s;
}

/**
 * VASP 5 POSCAR in direct coordinates (12 decimals). Consecutive runs of one element form one species block,
 * so the site order is preserved exactly (an element may appear in several blocks). Oxidation states, when
 * known, are written after the coordinates ('Ni2+').
 */
export function writePoscar(structure: Structure): string {
  const runs: { el: string; n: number }[] = [];
  for (const s of structure.sites) {
    const last = runs[runs.length - 1];
    if (last && last.el === s.element) last.n++;
    else runs.push({ el: s.element, n: 1 });
  }
  const title = (structure.metadata.title ?? runs.map((r) => `${r.el}${r.n}`).join(' ')).replace(
    /\r?\n/g,
    ' ',
  );
  const lines = [title, '1.0'];
  for (const v of structure.lattice) lines.push(`  ${f(v[0])} ${f(v[1])} ${f(v[2])}`);
  lines.push(runs.map((r) => r.el).join(' '), runs.map((r) => String(r.n)).join(' '), 'Direct');
  for (const s of structure.sites) {
    const ox =
      s.oxidation !== undefined && s.oxidation !== 0
        ? ` ${s.element}${Math.abs(s.oxidation)}${s.oxidation > 0 ? '+' : '-'}`
        : ` ${s.element}`;
    lines.push(`  ${f(s.frac[0])} ${f(s.frac[1])} ${f(s.frac[2])}${ox}`);
  }
  return `${lines.join('\n')}\n`;
}
