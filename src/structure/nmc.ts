import { fail } from '../core/errors.js';
import { makeRng, type Rng } from '../math/random.js';
import { fracToCart } from './lattice.js';
import { buildNeighborList } from './neighbors.js';
import { compareElements, makeStructure } from './structure.js';
import type { ChargeCompensation, DefectRecord, Mat3, Site, Structure, Vec3 } from './types.js';

/**
 * Builder of layered α-NaFeO2-type (R-3m) LiNiₓMnᵧCo_zO2 supercells with point defects and explicit charge
 * compensation.
 *
 * Cell: the primitive rhombohedral cell of R-3m in a hexagonal-axes frame, one formula unit, with
 *   a₁ = (a, 0, 0), a₂ = (−a/2, a√3/2, 0), a₃ = (2a₁ + a₂ + c ẑ)/3 (the rhombohedral centring vector),
 * TM at 3a (0,0,0), Li at 3b (0,0,½) and O at 6c (0,0,±u) in hexagonal coordinates, which in this basis are
 * TM (0,0,0), Li (0,½,½), O (−2u,−u,3u) and (2u,u,−3u) (mod 1). A supercell na×nb×nc multiplies a₁, a₂, a₃;
 * every TM layer then holds na·nb transition metals, and the cell holds N = na·nb·nc formula units.
 */

export interface NmcComposition {
  /** Fractions of the transition-metal sites (sum 1). */
  readonly Ni: number;
  readonly Mn: number;
  readonly Co: number;
  /** Canonical name, e.g. 'NMC622' or 'LiNi0.6Mn0.2Co0.2O2'. */
  readonly name: string;
  /** Smallest number of TM sites that realises the fractions exactly. */
  readonly denominator: number;
}

function denominatorOf(fr: readonly number[]): number {
  for (let d = 1; d <= 1000; d++) if (fr.every((x) => Math.abs(x * d - Math.round(x * d)) < 1e-6)) return d;
  fail(
    'invalid-argument',
    `composition fractions ${fr.join(', ')} are not rational with denominator ≤ 1000`,
    { field: 'composition' },
  );
}

function fromParts(Ni: number, Mn: number, Co: number, name?: string): NmcComposition {
  for (const [k, v] of [
    ['Ni', Ni],
    ['Mn', Mn],
    ['Co', Co],
  ] as const)
    if (!(v >= 0) || !Number.isFinite(v))
      fail('invalid-argument', `composition fraction ${k} must be ≥ 0, got ${v}`, { field: 'composition' });
  const sum = Ni + Mn + Co;
  if (!(sum > 0)) fail('invalid-argument', 'composition has no transition metal', { field: 'composition' });
  const f = [Ni / sum, Mn / sum, Co / sum] as const;
  const d = denominatorOf(f);
  const fmt = (x: number): string => String(Number(x.toFixed(4)));
  const parts = [
    ['Ni', f[0]],
    ['Mn', f[1]],
    ['Co', f[2]],
  ].filter(([, x]) => (x as number) > 0) as [string, number][];
  const auto =
    parts.length === 1 ? `Li${parts[0]![0]}O2` : `Li${parts.map(([e, x]) => `${e}${fmt(x)}`).join('')}O2`;
  return { Ni: f[0], Mn: f[1], Co: f[2], name: name ?? auto, denominator: d };
}

/**
 * Parse a composition: 'NMC622' (digits are Ni, Mn, Co parts: NMC532 = Ni0.5Mn0.3Co0.2), 'NCM523' (Ni, Co, Mn
 * order), 'NMC111', end members 'LiCoO2' / 'LiNiO2', a formula 'LiNi0.6Mn0.2Co0.2O2', or {Ni, Mn, Co} fractions.
 */
export function parseComposition(input: string | { Ni?: number; Mn?: number; Co?: number }): NmcComposition {
  if (typeof input !== 'string') {
    const c = fromParts(input.Ni ?? 0, input.Mn ?? 0, input.Co ?? 0);
    if (Math.abs((input.Ni ?? 0) + (input.Mn ?? 0) + (input.Co ?? 0) - 1) > 1e-6)
      fail(
        'invalid-argument',
        `composition fractions must sum to 1, got ${(input.Ni ?? 0) + (input.Mn ?? 0) + (input.Co ?? 0)}`,
        { field: 'composition' },
      );
    return c;
  }
  const s = input.trim();
  const m = /^(NMC|NCM)(\d)(\d)(\d)$/i.exec(s);
  if (m) {
    const [x, y, z] = [Number(m[2]), Number(m[3]), Number(m[4])];
    const ncm = m[1]!.toUpperCase() === 'NCM';
    const [ni, mn, co] = ncm ? [x, z, y] : [x, y, z];
    return fromParts(ni, mn, co, `${m[1]!.toUpperCase()}${x}${y}${z}`);
  }
  const f = /^Li((?:(?:Ni|Mn|Co)(?:\d*\.?\d+)?)+)O2$/.exec(s);
  if (f) {
    const parts: Record<string, number> = { Ni: 0, Mn: 0, Co: 0 };
    for (const p of f[1]!.matchAll(/(Ni|Mn|Co)(\d*\.?\d+)?/g))
      parts[p[1]!] = (parts[p[1]!] ?? 0) + (p[2] ? Number(p[2]) : 1);
    const sum = parts.Ni! + parts.Mn! + parts.Co!;
    if (Math.abs(sum - 1) > 1e-6)
      fail('invalid-argument', `'${s}': transition-metal fractions sum to ${sum}, not 1`, {
        field: 'composition',
      });
    return fromParts(parts.Ni!, parts.Mn!, parts.Co!, s);
  }
  fail(
    'invalid-argument',
    `unknown composition '${s}' (use NMC111, NMC532, NMC622, NMC721, NMC811, LiCoO2, LiNiO2 or LiNi0.6Mn0.2Co0.2O2)`,
    { field: 'composition' },
  );
}

/**
 * End-member lattice parameters (hexagonal setting, Å) and O position u = z(O) measured from the TM plane.
 * - LiCoO2: a = 2.816, c = 14.05, z(O) = 0.2396 (Li at origin) — as in ../shared/data/structures/LiCoO2_hex.cif
 *   (Akimoto, Gotoh & Oosawa, J. Solid State Chem. 141, 298 (1998): a = 2.8156, c = 14.0542 Å).
 * - LiNiO2: a = 2.878, c = 14.19, z(O) = 0.2416 — as in ../shared/data/structures/LiNiO2_hex.cif.
 * - LiNi0.5Mn0.5O2 (the Ni²⁺/Mn⁴⁺ end member standing in for Mn, since layered LiMnO2 is not R-3m):
 *   a = 2.89, c = 14.30 (T. Ohzuku and Y. Makimura, Chem. Lett. 30, 744 (2001); R-3m with ~10 % Li/Ni exchange,
 *   J. Bréger et al., J. Am. Chem. Soc. 127, 7529 (2005)). These two numbers are the commonly quoted values and
 *   were not re-checked against the paper in this session (the search corpus lacked it); the resulting NMC
 *   lattices agree with reported NMC111/622/811 cells to ≈ 0.01 Å in a and 0.02 Å in c.
 */
export const END_MEMBERS = {
  LiCoO2: { a: 2.816, c: 14.05, zO: 0.2396 },
  LiNiO2: { a: 2.878, c: 14.19, zO: 0.2416 },
  LiNi05Mn05O2: { a: 2.89, c: 14.3 },
} as const;

export interface NmcLattice {
  readonly a: number;
  readonly c: number;
  /** O height above the TM plane in units of c (the 6c parameter measured from the TM). */
  readonly u: number;
  readonly note?: string;
}

/**
 * Vegard's-law lattice parameters: Ni_x Mn_y Co_z = z·LiCoO2 + 2y·LiNi0.5Mn0.5O2 + (x − y)·LiNiO2, a linear
 * interpolation between the three end members. For NMC111/622/811 this gives a = 2.868/2.872/2.875 Å and
 * c = 14.22/14.21/14.20 Å, within 0.01 Å / 0.02 Å of reported diffraction values. Mn-rich compositions (y > x)
 * extrapolate and say so in `note`. z(O) is interpolated between LiCoO2 and LiNiO2 by the Co fraction.
 */
export function nmcLattice(comp: NmcComposition): NmcLattice {
  const wCo = comp.Co;
  const wNM = 2 * comp.Mn;
  const wNi = comp.Ni - comp.Mn;
  const E = END_MEMBERS;
  const a = wCo * E.LiCoO2.a + wNM * E.LiNi05Mn05O2.a + wNi * E.LiNiO2.a;
  const c = wCo * E.LiCoO2.c + wNM * E.LiNi05Mn05O2.c + wNi * E.LiNiO2.c;
  const zO = wCo * E.LiCoO2.zO + (1 - wCo) * E.LiNiO2.zO;
  return {
    a,
    c,
    u: 0.5 - zO,
    ...(wNi < 0
      ? {
          note: `Mn fraction exceeds Ni: lattice extrapolated beyond LiNi0.5Mn0.5O2 (weight ${wNi.toFixed(3)} on LiNiO2)`,
        }
      : {}),
  };
}

/** The one-formula-unit primitive cell (see module doc). */
export function nmcPrimitiveLattice(a: number, c: number): Mat3 {
  return [
    [a, 0, 0],
    [-a / 2, (a * Math.sqrt(3)) / 2, 0],
    [a / 2, a / (2 * Math.sqrt(3)), c / 3],
  ];
}

export interface NmcBuildOptions {
  readonly composition: string | NmcComposition | { Ni?: number; Mn?: number; Co?: number };
  readonly supercell: readonly [number, number, number];
  /** Number of O vacancies. */
  readonly ovac?: number;
  /** Number of Li/Ni antisite pairs. */
  readonly antisite?: number;
  /** Fraction of Li removed (0…1). */
  readonly delithiate?: number;
  readonly seed: number | string;
  /**
   * A specified TM arrangement: element symbols for the TM sites in supercell order (i slowest, then j, then k);
   * overrides the seeded random arrangement. Must match the composition.
   */
  readonly arrangement?: readonly string[];
}

/** Supercells na×nb×nc (na ≥ nb, each ≤ 12, nc ≤ 2) whose TM count is a multiple of d, smallest first. */
export function suggestSupercells(d: number, limit = 6): string[] {
  const out: [number, number, number][] = [];
  for (let nc = 1; nc <= 2; nc++)
    for (let na = 1; na <= 12; na++)
      for (let nb = 1; nb <= na; nb++) if ((na * nb * nc) % d === 0) out.push([na, nb, nc]);
  out.sort((p, q) => p[0] * p[1] * p[2] - q[0] * q[1] * q[2] || p[2] - q[2] || q[0] - p[0]);
  return out.slice(0, limit).map((p) => p.join('x'));
}

interface Work {
  element: string;
  frac: Vec3;
  layer: 'Li' | 'TM' | 'O';
  oxidation: number;
  removed: boolean;
}

const REDUCE_ORDER: readonly [string, number][] = [
  ['Ni', 3],
  ['Ni', 4],
  ['Co', 4],
  ['Co', 3],
  ['Mn', 4],
];
const OXIDISE_ORDER: readonly [string, number][] = [
  ['Ni', 2],
  ['Ni', 3],
  ['Co', 3],
  ['Mn', 3],
];

/**
 * Build an NMC supercell. TM arrangement: seeded random (or `arrangement`). Formal valences of the pristine cell:
 * Li⁺, O²⁻, Co³⁺, Mn⁴⁺ and Ni³⁺, with one Ni³⁺ → Ni²⁺ per Mn⁴⁺ (the Ni²⁺/Mn⁴⁺ pairing; Ni with most Mn
 * neighbours first). Defects, in this order (delithiation before O vacancies, so that the electrons an O vacancy
 * leaves stay on its neighbours rather than being re-oxidised):
 * - antisite pairs: a Ni (Ni²⁺ preferred: its radius 0.69 Å matches Li⁺ 0.76 Å, the origin of Li/Ni mixing) swaps
 *   with a Li of the Li layer; composition and charge unchanged;
 * - delithiation: round(F·N_Li) Li removed from the Li layer; each hole oxidises the nearest oxidisable TM
 *   (Ni²⁺→Ni³⁺, Ni³⁺→Ni⁴⁺, then Co³⁺→Co⁴⁺).
 * - O vacancies: each removes O²⁻ and its two electrons reduce the nearest reducible TMs (Ni³⁺→Ni²⁺, then
 *   Ni⁴⁺, Co⁴⁺, Co³⁺, Mn⁴⁺ by preference, nearest to the vacancy first);
 * Every valence change is listed in `metadata.chargeCompensation` with its reason; positions are not relaxed.
 */
export function buildNmc(options: NmcBuildOptions): Structure {
  const comp =
    typeof options.composition === 'string'
      ? parseComposition(options.composition)
      : 'denominator' in options.composition
        ? (options.composition as NmcComposition)
        : parseComposition(options.composition);
  const [na, nb, nc] = options.supercell;
  for (const v of [na, nb, nc])
    if (!Number.isInteger(v) || v < 1)
      fail(
        'invalid-argument',
        `supercell multiples must be integers ≥ 1, got ${options.supercell.join('x')}`,
        { field: 'supercell' },
      );
  const nFu = na * nb * nc;
  if (nFu % comp.denominator !== 0)
    fail(
      'invalid-argument',
      `${comp.name} needs a multiple of ${comp.denominator} transition-metal sites, but supercell ${na}x${nb}x${nc} has ${nFu}; supercells that work: ${suggestSupercells(comp.denominator).join(', ')}`,
      { field: 'supercell' },
    );
  const ovac = options.ovac ?? 0;
  const antisite = options.antisite ?? 0;
  const delith = options.delithiate ?? 0;
  if (!Number.isInteger(ovac) || ovac < 0)
    fail('invalid-argument', `ovac must be an integer ≥ 0, got ${ovac}`, { field: 'ovac' });
  if (!Number.isInteger(antisite) || antisite < 0)
    fail('invalid-argument', `antisite must be an integer ≥ 0, got ${antisite}`, { field: 'antisite' });
  if (!(delith >= 0 && delith <= 1))
    fail('invalid-argument', `delithiate must be in [0, 1], got ${delith}`, { field: 'delithiate' });

  const lat = nmcLattice(comp);
  const prim = nmcPrimitiveLattice(lat.a, lat.c);
  const lattice: Mat3 = [
    [prim[0][0] * na, prim[0][1] * na, prim[0][2] * na],
    [prim[1][0] * nb, prim[1][1] * nb, prim[1][2] * nb],
    [prim[2][0] * nc, prim[2][1] * nc, prim[2][2] * nc],
  ];
  const u = lat.u;
  const basis: { layer: 'Li' | 'TM' | 'O'; f: Vec3 }[] = [
    { layer: 'TM', f: [0, 0, 0] },
    { layer: 'Li', f: [0, 0.5, 0.5] },
    { layer: 'O', f: [1 - 2 * u, 1 - u, 3 * u] },
    { layer: 'O', f: [2 * u, u, 1 - 3 * u] },
  ];
  const rng: Rng = makeRng(options.seed);

  // TM arrangement
  const counts = {
    Ni: Math.round(comp.Ni * nFu),
    Mn: Math.round(comp.Mn * nFu),
    Co: Math.round(comp.Co * nFu),
  };
  let tmList: string[];
  if (options.arrangement) {
    tmList = options.arrangement.map((e) => e.trim());
    const c: Record<string, number> = {};
    for (const e of tmList) c[e] = (c[e] ?? 0) + 1;
    if (
      tmList.length !== nFu ||
      (c.Ni ?? 0) !== counts.Ni ||
      (c.Mn ?? 0) !== counts.Mn ||
      (c.Co ?? 0) !== counts.Co
    )
      fail(
        'invalid-argument',
        `arrangement must list ${nFu} TM symbols with Ni ${counts.Ni}, Mn ${counts.Mn}, Co ${counts.Co}`,
        { field: 'arrangement' },
      );
  } else {
    tmList = [...Array(counts.Ni).fill('Ni'), ...Array(counts.Mn).fill('Mn'), ...Array(counts.Co).fill('Co')];
    rng.shuffle(tmList);
  }

  const work: Work[] = [];
  let t = 0;
  for (let i = 0; i < na; i++)
    for (let j = 0; j < nb; j++)
      for (let k = 0; k < nc; k++)
        for (const b of basis) {
          const frac: Vec3 = [(b.f[0] + i) / na, (b.f[1] + j) / nb, (b.f[2] + k) / nc];
          if (b.layer === 'TM') {
            const el = tmList[t++]!;
            work.push({ element: el, frac, layer: 'TM', oxidation: el === 'Mn' ? 4 : 3, removed: false });
          } else if (b.layer === 'Li')
            work.push({ element: 'Li', frac, layer: 'Li', oxidation: 1, removed: false });
          else work.push({ element: 'O', frac, layer: 'O', oxidation: -2, removed: false });
        }

  // neighbour shells on the pristine cell: ≤ 2.6 Å = M–O bonds, ≤ 3.2 Å adds the in-layer M–M shell (≈ a)
  const pristine = makeStructure(
    lattice,
    work.map((w) => ({ element: w.element, frac: w.frac })),
  );
  const nl = buildNeighborList(pristine, Math.max(3.2, lat.a + 0.3));
  const changes: { work: number; from: number; to: number; reason: string }[] = [];
  // at[p] = the atom now at pristine position p (antisite swaps move atoms; `nl` indexes positions)
  const at = work.map((_, i) => i);
  // transition-metal atoms (by identity; an antisite Ni in the Li layer stays one)
  const defects: { kind: DefectRecord['kind']; work: number[]; frac?: Vec3; description: string }[] = [];

  // pristine Ni²⁺/Mn⁴⁺ pairing
  const tmIdx = work.flatMap((w, i) => (w.element !== 'Li' && w.element !== 'O' ? [i] : []));
  const nMn = counts.Mn;
  if (nMn > 0) {
    const ni = tmIdx.filter((i) => work[i]!.element === 'Ni');
    const key = new Map<number, number>();
    for (const i of ni) {
      const mnNeighbours = nl
        .neighbors(i)
        .filter((x) => x.distance < lat.a + 0.3 && work[x.index]!.element === 'Mn').length;
      key.set(i, mnNeighbours + rng.next() * 0.5);
    }
    ni.sort((p, q) => key.get(q)! - key.get(p)!);
    const take = Math.min(nMn, ni.length);
    for (let q = 0; q < take; q++) {
      const i = ni[q]!;
      work[i]!.oxidation = 2;
      changes.push({
        work: i,
        from: 3,
        to: 2,
        reason: 'pristine: Ni2+ balances Mn4+ (Ni2+/Mn4+ pairing), Ni with most Mn neighbours first',
      });
    }
    let remaining = nMn - take; // Mn-rich: Co³⁺ → Co²⁺, then Mn⁴⁺ → Mn³⁺
    for (const i of tmIdx) {
      if (remaining <= 0) break;
      if (work[i]!.element === 'Co') {
        work[i]!.oxidation = 2;
        changes.push({
          work: i,
          from: 3,
          to: 2,
          reason: 'pristine: Mn-rich composition, Co2+ balances Mn4+',
        });
        remaining--;
      }
    }
    for (const i of tmIdx) {
      if (remaining <= 0) break;
      if (work[i]!.element === 'Mn') {
        work[i]!.oxidation = 3;
        changes.push({
          work: i,
          from: 4,
          to: 3,
          reason: 'pristine: Mn-rich composition, part of Mn is Mn3+',
        });
        remaining--;
      }
    }
  }

  const distWork = (i: number, f: Vec3): number => {
    const d = work[i]!.frac;
    const df: Vec3 = [d[0] - f[0], d[1] - f[1], d[2] - f[2]].map((x) => x - Math.round(x)) as unknown as Vec3;
    const v = fracToCart(lattice, df);
    return Math.hypot(v[0], v[1], v[2]);
  };

  const pickBy = (cands: number[], n: number): number[] => {
    const c = [...cands];
    rng.shuffle(c);
    return c.slice(0, n);
  };

  // antisite pairs
  if (antisite > 0) {
    const ni = tmIdx.filter((i) => work[i]!.element === 'Ni');
    const li = work.flatMap((w, i) => (w.layer === 'Li' ? [i] : []));
    if (ni.length < antisite)
      fail('invalid-argument', `${antisite} antisite pairs need ${antisite} Ni, the cell has ${ni.length}`, {
        field: 'antisite',
      });
    if (li.length < antisite)
      fail('invalid-argument', `${antisite} antisite pairs need ${antisite} Li, the cell has ${li.length}`, {
        field: 'antisite',
      });
    const ni2 = pickBy(
      ni.filter((i) => work[i]!.oxidation === 2),
      antisite,
    );
    const chosenNi =
      ni2.length === antisite
        ? ni2
        : [
            ...ni2,
            ...pickBy(
              ni.filter((i) => !ni2.includes(i)),
              antisite - ni2.length,
            ),
          ];
    const chosenLi = pickBy(li, antisite);
    for (let q = 0; q < antisite; q++) {
      const a = chosenNi[q]!;
      const b = chosenLi[q]!;
      const wa = work[a]!;
      const wb = work[b]!;
      // the atoms keep their identity (and valence); they exchange positions and layers
      [wa.frac, wb.frac] = [wb.frac, wa.frac];
      [wa.layer, wb.layer] = [wb.layer, wa.layer];
      [at[a], at[b]] = [b, a];
      defects.push({
        kind: 'antisite',
        work: [a, b],
        description: `Li/Ni antisite pair: Ni${wa.oxidation}+ moved into the Li layer, Li+ into the TM layer`,
      });
    }
  }

  // delithiation
  if (delith > 0) {
    const li = work.flatMap((w, i) => (w.layer === 'Li' && w.element === 'Li' ? [i] : []));
    const nRemove = Math.round(delith * li.length);
    for (const q of pickBy(li, nRemove)) {
      const w = work[q]!;
      w.removed = true;
      defects.push({ kind: 'li-vacancy', work: [], frac: w.frac, description: 'Li vacancy (delithiation)' });
      let best = -1;
      let bestKey: [number, number] = [Infinity, Infinity];
      for (const i of tmIdx) {
        const x = work[i]!;
        if (x.removed || x.layer === 'Li') continue; // antisite Ni in the Li layer keeps its valence
        const rank = OXIDISE_ORDER.findIndex(([el, v]) => el === x.element && v === x.oxidation);
        if (rank < 0) continue;
        const key: [number, number] = [rank, distWork(i, w.frac)];
        if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
          best = i;
          bestKey = key;
        }
      }
      if (best < 0)
        fail('invalid-argument', `delithiate ${delith}: no oxidisable transition metal left to compensate`, {
          field: 'delithiate',
        });
      const x = work[best]!;
      changes.push({
        work: best,
        from: x.oxidation,
        to: x.oxidation + 1,
        reason: `Li vacancy at (${w.frac.map((v) => v.toFixed(4)).join(', ')}): hole on the most oxidisable TM (Ni before Co)`,
      });
      x.oxidation += 1;
    }
  }

  // O vacancies
  const reduceNear = (f: Vec3, electrons: number, reason: string): void => {
    for (let e = 0; e < electrons; e++) {
      let best = -1;
      let bestKey: [number, number] = [Infinity, Infinity];
      for (const i of tmIdx) {
        const w = work[i]!;
        if (w.removed || w.layer === 'Li') continue; // antisite Ni in the Li layer keeps its valence
        const rank = REDUCE_ORDER.findIndex(([el, v]) => el === w.element && v === w.oxidation);
        if (rank < 0) continue;
        const d = distWork(i, f);
        const shell = Math.round(d / 0.5); // nearest shells first, then preferred element within a shell
        const key: [number, number] = [shell * 100 + rank, d];
        if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
          best = i;
          bestKey = key;
        }
      }
      if (best < 0)
        fail('invalid-argument', `cannot charge-compensate: no reducible transition metal left (${reason})`, {
          field: 'ovac',
        });
      const w = work[best]!;
      changes.push({ work: best, from: w.oxidation, to: w.oxidation - 1, reason });
      w.oxidation -= 1;
    }
  };
  if (ovac > 0) {
    const oIdx = work.flatMap((w, i) => (w.layer === 'O' ? [i] : []));
    if (ovac > oIdx.length)
      fail('invalid-argument', `ovac ${ovac} exceeds the ${oIdx.length} O atoms`, { field: 'ovac' });
    for (const o of pickBy(oIdx, ovac)) {
      const w = work[o]!;
      w.removed = true;
      const cations = nl
        .neighbors(o)
        .map((x) => ({ atom: at[x.index]!, distance: x.distance }))
        .filter((x) => x.distance <= 2.6 && work[x.atom]!.layer !== 'O' && !work[x.atom]!.removed)
        .map((x) => x.atom);
      defects.push({
        kind: 'o-vacancy',
        work: [...new Set(cations)],
        frac: w.frac,
        description: 'O vacancy; sites are the cations that lost this O neighbour',
      });
      reduceNear(
        w.frac,
        2,
        `O vacancy at (${w.frac.map((x) => x.toFixed(4)).join(', ')}): 2 e- on the nearest reducible TM`,
      );
    }
  }

  // final site order: formula order (Li, Mn, Co, Ni, O), then generation order
  const keep = work.map((w, i) => ({ w, i })).filter((x) => !x.w.removed);
  keep.sort((p, q) => compareElements(p.w.element, q.w.element) || p.i - q.i);
  const newIndex = new Map<number, number>();
  for (const [k, x] of keep.entries()) newIndex.set(x.i, k);
  const perElement: Record<string, number> = {};
  const sites: Site[] = keep.map(({ w }) => {
    perElement[w.element] = (perElement[w.element] ?? 0) + 1;
    return {
      element: w.element,
      frac: w.frac,
      label: `${w.element}${perElement[w.element]}`,
      oxidation: w.oxidation,
    };
  });
  // net change per site (a site may change more than once)
  const mapped = changes
    .filter((c) => newIndex.has(c.work))
    .map((c) => ({
      site: newIndex.get(c.work)!,
      element: work[c.work]!.element,
      from: c.from,
      to: c.to,
      reason: c.reason,
    }));
  const netCharge = sites.reduce((a, s) => a + (s.oxidation ?? 0), 0);
  const chargeCompensation: ChargeCompensation = { changes: mapped, netCharge };
  const defectRecords: DefectRecord[] = defects.map((d) => ({
    kind: d.kind,
    sites: d.work.filter((i) => newIndex.has(i)).map((i) => newIndex.get(i)!),
    ...(d.frac ? { frac: d.frac } : {}),
    description: d.description,
  }));
  if (netCharge !== 0) fail('internal', `built cell is not neutral (net ${netCharge})`);
  const sc = `${na}x${nb}x${nc}`;
  return makeStructure(lattice, sites, {
    title: `${comp.name} ${sc} seed ${options.seed}`,
    source: 'specfuse structure build',
    build: {
      composition: comp.name,
      fractions: { Ni: comp.Ni, Mn: comp.Mn, Co: comp.Co },
      supercell: [na, nb, nc],
      seed: options.seed,
      ovac,
      antisite,
      delithiate: delith,
      lattice: { a_hex: lat.a, c_hex: lat.c, u_O: lat.u, ...(lat.note ? { note: lat.note } : {}) },
      latticeSource:
        'Vegard interpolation of LiCoO2 (Akimoto et al. 1998), LiNiO2 and LiNi0.5Mn0.5O2 (Ohzuku & Makimura 2001)',
      arrangement: options.arrangement ? 'specified' : 'seeded random',
    },
    defects: defectRecords,
    chargeCompensation,
  });
}
