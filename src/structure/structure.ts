import { fail } from '../core/errors.js';
import { element, normalizeSymbol } from '../core/elements.js';
import { cellVolume, wrapFrac } from './lattice.js';
import type { Mat3, Site, Structure, StructureMetadata, Vec3 } from './types.js';

/**
 * Immutable structure operations. Every function returns a new Structure and never mutates its input.
 */

function checkVec(v: Vec3, what: string): void {
  if (!Number.isFinite(v[0]) || !Number.isFinite(v[1]) || !Number.isFinite(v[2]))
    fail('invalid-argument', `${what} has a non-finite coordinate`, { field: 'frac' });
}

/** Build a Structure, normalising element symbols ('ni' → 'Ni') and freezing the arrays. */
export function makeStructure(
  lattice: Mat3,
  sites: readonly Site[],
  metadata: StructureMetadata = {},
): Structure {
  for (const row of lattice) checkVec(row, 'lattice');
  if (!(cellVolume(lattice) > 1e-9))
    fail('invalid-argument', 'lattice has zero volume', { field: 'lattice' });
  const norm = sites.map((s, i) => {
    checkVec(s.frac, `site ${i}`);
    const el = normalizeSymbol(s.element);
    return Object.freeze(el === s.element ? { ...s } : { ...s, element: el }) as Site;
  });
  return Object.freeze({ lattice, sites: Object.freeze(norm), metadata });
}

/** Same lattice and metadata, new sites. */
export function withSites(structure: Structure, sites: readonly Site[]): Structure {
  return makeStructure(structure.lattice, sites, structure.metadata);
}

/** Same lattice and sites, new metadata. */
export function withMetadata(structure: Structure, metadata: StructureMetadata): Structure {
  return Object.freeze({ lattice: structure.lattice, sites: structure.sites, metadata });
}

/** Remove the sites at the given indices (duplicates ignored). */
export function removeSites(structure: Structure, indices: readonly number[]): Structure {
  const drop = new Set<number>();
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= structure.sites.length)
      fail('invalid-argument', `site index ${i} out of range 0…${structure.sites.length - 1}`, {
        field: 'index',
      });
    drop.add(i);
  }
  return withSites(
    structure,
    structure.sites.filter((_, i) => !drop.has(i)),
  );
}

/** Site occupancies summed per element (occupancy defaults to 1). */
export function composition(structure: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of structure.sites) out[s.element] = (out[s.element] ?? 0) + (s.occupancy ?? 1);
  return out;
}

/**
 * Pauling electronegativities (Pauling scale) for Z = 1…36, from the CRC Handbook of Chemistry and Physics,
 * "Electronegativity" table (A. L. Allred, J. Inorg. Nucl. Chem. 17, 215 (1961) revised values).
 * Noble gases without a Pauling value sort last.
 */
const PAULING: Readonly<Record<string, number>> = {
  H: 2.2,
  Li: 0.98,
  Be: 1.57,
  B: 2.04,
  C: 2.55,
  N: 3.04,
  O: 3.44,
  F: 3.98,
  Na: 0.93,
  Mg: 1.31,
  Al: 1.61,
  Si: 1.9,
  P: 2.19,
  S: 2.58,
  Cl: 3.16,
  K: 0.82,
  Ca: 1.0,
  Sc: 1.36,
  Ti: 1.54,
  V: 1.63,
  Cr: 1.66,
  Mn: 1.55,
  Fe: 1.83,
  Co: 1.88,
  Ni: 1.91,
  Cu: 1.9,
  Zn: 1.65,
  Ga: 1.81,
  Ge: 2.01,
  As: 2.18,
  Se: 2.55,
  Br: 2.96,
  Kr: 3.0,
};

/**
 * Element order used in formulas: increasing Pauling electronegativity (the IUPAC convention of writing the
 * electropositive constituents first; ties broken by atomic number). For NMC this gives Li, Mn, Co, Ni, O.
 */
export function compareElements(a: string, b: string): number {
  const ea = PAULING[a] ?? Number.POSITIVE_INFINITY;
  const eb = PAULING[b] ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return element(a).z - element(b).z;
}

/** Sorted element symbols present in the structure. */
export function elementsOf(structure: Structure): string[] {
  return Object.keys(composition(structure)).sort(compareElements);
}

function formatCount(n: number): string {
  if (Math.abs(n - Math.round(n)) < 1e-6) return n === 1 ? '' : String(Math.round(n));
  return String(Number(n.toFixed(4)));
}

/**
 * The cell's formula with elements in increasing electronegativity (see `compareElements`), counts summed over
 * occupancies, count 1 omitted: e.g. 'Li10Mn2Co2Ni6O20' for the NMC622 seed cell, 'LiCoO2' for the primitive cell.
 */
export function formula(structure: Structure): string {
  const comp = composition(structure);
  return Object.keys(comp)
    .sort(compareElements)
    .map((el) => `${el}${formatCount(comp[el] as number)}`)
    .join('');
}

/**
 * Supercell na×nb×nc: lattice rows scaled, each site replicated at (f + (i,j,k)) / (na,nb,nc), ordered by
 * original site then by image (i slowest). Labels get the image suffix only if there is more than one image.
 */
export function supercell(structure: Structure, [na, nb, nc]: readonly [number, number, number]): Structure {
  for (const [name, n] of [
    ['na', na],
    ['nb', nb],
    ['nc', nc],
  ] as const)
    if (!Number.isInteger(n) || n < 1)
      fail('invalid-argument', `supercell multiple ${name} must be an integer ≥ 1, got ${n}`, {
        field: 'supercell',
      });
  const [a, b, c] = structure.lattice;
  const lattice: Mat3 = [
    [a[0] * na, a[1] * na, a[2] * na],
    [b[0] * nb, b[1] * nb, b[2] * nb],
    [c[0] * nc, c[1] * nc, c[2] * nc],
  ];
  const sites: Site[] = [];
  for (const s of structure.sites) {
    const f = wrapFrac(s.frac);
    for (let i = 0; i < na; i++)
      for (let j = 0; j < nb; j++)
        for (let k = 0; k < nc; k++)
          sites.push({ ...s, frac: [(f[0] + i) / na, (f[1] + j) / nb, (f[2] + k) / nc] });
  }
  return makeStructure(lattice, sites, structure.metadata);
}

/** Indices of the sites of one element. */
export function indicesOf(structure: Structure, el: string): number[] {
  const sym = normalizeSymbol(el);
  const out: number[] = [];
  structure.sites.forEach((s, i) => {
    if (s.element === sym) out.push(i);
  });
  return out;
}
