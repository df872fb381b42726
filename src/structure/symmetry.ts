import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  analyze_cell,
  initSync,
  type MoyoDataset,
  operations_from_number,
  space_group_type,
} from '@spglib/moyo-wasm';
import { SpecfuseError, fail } from '../core/errors.js';
import { element } from '../core/elements.js';
import { wrapFrac } from './lattice.js';
import type { Structure, Vec3 } from './types.js';

/**
 * Space group and symmetry-equivalent site orbits through moyo (the Rust successor of spglib;
 * @spglib/moyo-wasm), so simulators compute spectra only for symmetry-unique absorbers and weight them by
 * multiplicity.
 */

let ready = false;
function ensureMoyo(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm');
  initSync({ module: readFileSync(wasmPath) });
  ready = true;
}

export interface SymmetryOrbits {
  /** International Tables space-group number, 1…230. */
  readonly spaceGroup: number;
  /** Hermann–Mauguin symbol. */
  readonly symbol?: string;
  /** Sites grouped by symmetry equivalence; each orbit sorted, orbits ordered by their first site. */
  readonly orbits: number[][];
  /** The first site of each orbit. */
  readonly representatives: number[];
  /** Number of sites in each orbit. */
  readonly multiplicities: number[];
  /** Wyckoff letter of each orbit's representative when moyo reports it. */
  readonly wyckoffs?: string[];
  /** Number of symmetry operations found (in the input cell). */
  readonly operations: number;
}

/**
 * Symmetry analysis. `symprec` (Å) is the position tolerance; the default 1e-3 Å accepts coordinates written with
 * six decimals (≈ 1e-5 Å rounding on a 14 Å cell) yet does not merge genuinely relaxed, distorted sites (shifts
 * ≳ 0.01 Å). Species are distinguished by element and, when present, by formal oxidation state.
 */
export function symmetryOrbits(structure: Structure, options: { symprec?: number } = {}): SymmetryOrbits {
  const symprec = options.symprec ?? 1e-3;
  if (!(symprec > 0)) fail('invalid-argument', `symprec must be > 0, got ${symprec}`, { field: 'symprec' });
  const n = structure.sites.length;
  if (n === 0) fail('invalid-argument', 'structure has no sites', { field: 'sites' });
  ensureMoyo();
  // species key: element (+ oxidation state when known) → integer type
  const types = new Map<string, number>();
  const numbers = structure.sites.map((s) => {
    const key = `${s.element}${s.oxidation ?? ''}`;
    let t = types.get(key);
    if (t === undefined) {
      t = s.oxidation === undefined && !types.has(s.element) ? element(s.element).z : 1000 + types.size;
      types.set(key, t);
    }
    return t;
  });
  const L = structure.lattice;
  const cell = {
    lattice: { basis: [L[0][0], L[0][1], L[0][2], L[1][0], L[1][1], L[1][2], L[2][0], L[2][1], L[2][2]] },
    positions: structure.sites.map((s) => wrapFrac(s.frac) as [number, number, number]),
    numbers,
  };
  let ds: MoyoDataset;
  try {
    ds = analyze_cell(JSON.stringify(cell), symprec, 'Standard');
  } catch (e) {
    throw new SpecfuseError(
      'engine',
      `symmetry analysis failed: ${String((e as Error)?.message ?? e)}`,
      { field: 'symprec' },
      { cause: e },
    );
  }
  const groups = new Map<number, number[]>();
  ds.orbits.forEach((rep, i) => {
    const g = groups.get(rep);
    if (g) g.push(i);
    else groups.set(rep, [i]);
  });
  const orbits = [...groups.values()].map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
  const representatives = orbits.map((o) => o[0]!);
  return {
    spaceGroup: ds.number,
    symbol: ds.hm_symbol,
    orbits,
    representatives,
    multiplicities: orbits.map((o) => o.length),
    ...(ds.wyckoffs?.length === n ? { wyckoffs: representatives.map((r) => ds.wyckoffs[r]!) } : {}),
    operations: ds.operations.length,
  };
}

export interface SpaceGroupOperation {
  /** Row-major integer rotation acting on fractional coordinates. */
  readonly rotation: readonly [Vec3, Vec3, Vec3];
  readonly translation: Vec3;
}

/**
 * The operations (coset representatives × centring translations) of space group `number` in its ITA standard
 * setting as tabulated by moyo (hexagonal axes for R groups, origin choice 2 where there are two).
 */
export function standardSpaceGroupOperations(number: number): SpaceGroupOperation[] {
  if (!Number.isInteger(number) || number < 1 || number > 230)
    fail('invalid-argument', `space-group number must be 1…230, got ${number}`, { field: 'spaceGroup' });
  ensureMoyo();
  return operations_from_number(number, { type: 'Standard' }, false).map((op) => {
    const r = op.rotation;
    return {
      rotation: [
        [r[0], r[1], r[2]],
        [r[3], r[4], r[5]],
        [r[6], r[7], r[8]],
      ],
      translation: [op.translation[0], op.translation[1], op.translation[2]],
    };
  });
}

/** ITA number of a Hermann–Mauguin symbol ('R -3 m', 'R-3m', 'P 42/m n m', 'Fm-3m'); undefined if unknown. */
export function spaceGroupNumberFromSymbol(symbol: string): number | undefined {
  ensureMoyo();
  const key = symbol.replace(/[\s_]/g, '').replace(/:.*$/, '').toLowerCase();
  if (key === '') return undefined;
  for (let n = 1; n <= 230; n++) {
    const t = space_group_type(n);
    if (
      t.hm_short.replace(/\s/g, '').toLowerCase() === key ||
      t.hm_full.replace(/\s/g, '').toLowerCase() === key
    )
      return n;
  }
  return undefined;
}

/** Short Hermann–Mauguin symbol of space group `number`. */
export function spaceGroupSymbol(number: number): string {
  ensureMoyo();
  return space_group_type(number).hm_short;
}
