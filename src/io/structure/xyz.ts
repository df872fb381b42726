import { type Warning, fail } from '../../core/errors.js';
import { isElementSymbol, normalizeSymbol } from '../../core/elements.js';
import { cartToFrac, fracToCart } from '../../structure/lattice.js';
import { makeStructure } from '../../structure/structure.js';
import type { Mat3, Site, Structure, Vec3 } from '../../structure/types.js';

/**
 * XYZ reader/writer. Line 1: atom count; line 2: comment; then 'El x y z' (Cartesian Å) per atom. The extended
 * XYZ convention (ASE / extxyz: `Lattice="a1x a1y a1z a2x … a3z"` in the comment line) gives a periodic cell.
 * Without a Lattice a molecule is placed in a cubic box with 10 Å of vacuum beyond its extent (warning).
 */

/** Vacuum padding (Å) of the box for a non-periodic XYZ: beyond typical 6–9 Å cluster and neighbour radii. */
const VACUUM = 10;

export function parseXyz(text: string, file = '<xyz>'): { value: Structure; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const first = (lines[0] ?? '').trim();
  if (first === '') fail('truncated', 'empty XYZ file (no atom count)', { file, line: 1, field: 'count' });
  if (!/^\d+$/.test(first))
    fail('parse', `first line must be the atom count, found '${first.slice(0, 30)}'`, {
      file,
      line: 1,
      field: 'count',
    });
  const n = Number(first);
  if (n === 0) fail('parse', 'atom count is 0', { file, line: 1, field: 'count' });
  const comment = lines[1] ?? '';
  let lattice: Mat3 | undefined;
  const lm = /Lattice\s*=\s*"([^"]*)"/i.exec(comment);
  if (lm) {
    const v = lm[1]!.trim().split(/\s+/).map(Number);
    if (v.length !== 9 || v.some((x) => !Number.isFinite(x)))
      fail('parse', 'Lattice="…" must hold 9 numbers', { file, line: 2, field: 'Lattice' });
    lattice = [
      [v[0]!, v[1]!, v[2]!],
      [v[3]!, v[4]!, v[5]!],
      [v[6]!, v[7]!, v[8]!],
    ];
  }
  const atoms: { el: string; r: Vec3 }[] = [];
  for (let i = 0; i < n; i++) {
    const lineNo = i + 3;
    const line = lines[i + 2];
    if (line === undefined || line.trim() === '')
      fail('truncated', `file ends after ${i} of ${n} atoms`, { file, line: lineNo, field: 'atoms' });
    const t = line.trim().split(/\s+/);
    if (t.length < 4)
      fail('parse', `atom line needs an element and 3 coordinates, found ${t.length} fields`, {
        file,
        line: lineNo,
      });
    const el = /^\d+$/.test(t[0]!) ? undefined : t[0]!;
    if (!el || !isElementSymbol(el))
      fail('parse', `unknown element '${t[0]}'`, { file, line: lineNo, field: 'element' });
    const r = t.slice(1, 4).map((x) => {
      const v = Number(x);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x) || !Number.isFinite(v))
        fail('parse', `'${x}' is not a number`, { file, line: lineNo, field: 'position' });
      return v;
    }) as unknown as Vec3;
    atoms.push({ el: normalizeSymbol(el), r });
  }
  if (!lattice) {
    const lo = [0, 1, 2].map((k) => Math.min(...atoms.map((a) => a.r[k]!)));
    const hi = [0, 1, 2].map((k) => Math.max(...atoms.map((a) => a.r[k]!)));
    const side = Math.max(...hi.map((h, k) => h - lo[k]!)) + 2 * VACUUM;
    lattice = [
      [side, 0, 0],
      [0, side, 0],
      [0, 0, side],
    ];
    const shift = [0, 1, 2].map((k) => VACUUM - lo[k]!);
    for (const a of atoms) a.r = [a.r[0] + shift[0]!, a.r[1] + shift[1]!, a.r[2] + shift[2]!];
    warnings.push({
      message: `no Lattice in the comment line: atoms placed in a ${side.toFixed(2)} Å cubic box`,
      path: { file, line: 2 },
    });
  }
  const L = lattice;
  const sites: Site[] = atoms.map((a) => ({ element: a.el, frac: cartToFrac(L, a.r) }));
  const title = comment
    .replace(/Lattice\s*=\s*"[^"]*"/i, '')
    .replace(/Properties\s*=\s*\S+/i, '')
    .replace(/pbc\s*=\s*"[^"]*"/i, '')
    .trim();
  return { value: makeStructure(L, sites, { ...(title ? { title } : {}), source: file }), warnings };
}

/** Extended XYZ (Cartesian Å, 10 decimals) with the cell in `Lattice="…"`. */
export function writeXyz(structure: Structure): string {
  const L = structure.lattice;
  const lat = [...L[0], ...L[1], ...L[2]].map((x) => x.toFixed(10)).join(' ');
  const lines = [
    String(structure.sites.length),
    `Lattice="${lat}" Properties=species:S:1:pos:R:3 pbc="T T T"`,
  ];
  for (const s of structure.sites) {
    const r = fracToCart(L, s.frac);
    lines.push(`${s.element} ${r[0].toFixed(10)} ${r[1].toFixed(10)} ${r[2].toFixed(10)}`);
  }
  return `${lines.join('\n')}\n`;
}
