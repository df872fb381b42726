import { bondValence, bondValenceParameter, tabulatedValences } from '../core/bond-valence.js';
import { fail } from '../core/errors.js';
import { latticeParameters, cellVolume } from './lattice.js';
import { buildNeighborList, type Neighbor, type NeighborList } from './neighbors.js';
import { formula } from './structure.js';
import type { Structure, Vec3 } from './types.js';

/**
 * Local environment of a site: coordination by oxygen, M–O distances, polyhedral distortion, bond-valence sum,
 * and local element content; plus formal oxidation states with cell-wide charge balance.
 */

/**
 * Default M–O bond cutoff, Å. In the rock-salt-derived oxides specfuse targets (layered LiMO2, MO, Li2O) the first
 * cation–O shell lies at 1.85–2.25 Å and the next shells (O–O edges, M–M, M–Li) at ≥ 2.75 Å; 2.6 Å sits in that gap
 * while tolerating the long Jahn–Teller bonds of Mn³⁺/Ni³⁺ (≈ 2.1–2.3 Å).
 */
export const DEFAULT_BOND_CUTOFF = 2.6;
/**
 * Default radius (Å) of the local element content: 3.0 Å covers the first O shell and the nearest cation shell
 * of the layered structure (in-layer M–M and inter-layer M–Li at ≈ a_hex ≈ 2.82–2.90 Å) and stops before the
 * second O shell (≈ 3.4 Å).
 */
export const DEFAULT_LOCAL_RADIUS = 3.0;

/** Anions and their fixed formal valence. */
const ANION_VALENCE: Readonly<Record<string, number>> = { O: -2, F: -1, S: -2, Cl: -1, N: -3 };
/** Cations without bond-valence candidates here: their usual (group) valence. */
const FIXED_CATION_VALENCE: Readonly<Record<string, number>> = {
  H: 1,
  Li: 1,
  Na: 1,
  K: 1,
  Be: 2,
  Mg: 2,
  Ca: 2,
  Zn: 2,
  B: 3,
  Al: 3,
  Ga: 3,
  Sc: 3,
  Si: 4,
  Ge: 4,
  P: 5,
};

export function isAnion(el: string): boolean {
  return ANION_VALENCE[el] !== undefined;
}

export interface SiteEnvironmentOptions {
  /** Radius of the local element content, Å (default DEFAULT_LOCAL_RADIUS). */
  readonly radius?: number;
  /** Bond cutoff, Å (default DEFAULT_BOND_CUTOFF). */
  readonly bondCutoff?: number;
  /** A neighbour list with cutoff ≥ max(radius, bondCutoff), reused across sites. */
  readonly neighborList?: NeighborList;
  /** Formal valence to use for the BVS parameters (default: site.oxidation, else the best-matching valence). */
  readonly oxidation?: number;
  /** Formal valences of all sites (used for the BVS of anions). */
  readonly oxidations?: readonly number[];
}

export interface SiteEnvironment {
  readonly index: number;
  readonly element: string;
  /** Coordination number: ligands within the bond cutoff (O for cations; cations for anions). */
  readonly cn: number;
  readonly ligands: readonly Neighbor[];
  /** Mean ligand distance (M–O for cations), Å; NaN without ligands. */
  readonly moMean: number;
  readonly moDistances: readonly number[];
  /**
   * Baur distortion index Δ = (1/n) Σ |dᵢ − d̄| / d̄ (W. H. Baur, Acta Cryst. B30, 1195 (1974), Eq. 2);
   * 0 for a regular polyhedron.
   */
  readonly distortion: number;
  /** Bond-valence sum, v.u. (NaN if no parameter applies). */
  readonly bvs: number;
  /** The formal valence whose R0 was used for `bvs`. */
  readonly bvsValence: number;
  /** Counts of each element within `radius` (periodic images included, the site itself excluded). */
  readonly localContent: Record<string, number>;
  /** localContent divided by its total. */
  readonly localFraction: Record<string, number>;
  readonly radius: number;
}

function bvsFor(el: string, valence: number, distances: readonly number[]): number {
  const p = bondValenceParameter(el, valence);
  let s = 0;
  for (const d of distances) s += bondValence(p, d);
  return s;
}

/**
 * Best-matching valence of a cation from its M–O distances: the tabulated valence v whose own parameters give
 * the sum closest to v (the self-consistent choice of Brese & O'Keeffe 1991, §4). Returns costs for all candidates.
 */
export function valenceCandidates(
  el: string,
  distances: readonly number[],
): { valence: number; bvs: number; cost: number }[] {
  return tabulatedValences(el).map((v) => {
    const bvs = bvsFor(el, v, distances);
    return { valence: v, bvs, cost: Math.abs(bvs - v) };
  });
}

function ligandsOf(structure: Structure, i: number, nbrs: readonly Neighbor[], cutoff: number): Neighbor[] {
  const el = structure.sites[i]!.element;
  const anion = isAnion(el);
  return nbrs.filter((n) => {
    if (n.distance > cutoff) return false;
    const e = structure.sites[n.index]!.element;
    return anion ? !isAnion(e) : e === 'O';
  });
}

function cationValenceGuess(structure: Structure, j: number, nl: NeighborList, cutoff: number): number {
  const site = structure.sites[j]!;
  if (site.oxidation !== undefined) return site.oxidation;
  const fixed = FIXED_CATION_VALENCE[site.element];
  const d = ligandsOf(structure, j, nl.neighbors(j), cutoff).map((n) => n.distance);
  const cands = valenceCandidates(site.element, d);
  if (cands.length === 0 || d.length === 0) return fixed ?? cands[0]?.valence ?? 0;
  return cands.reduce((a, b) => (b.cost < a.cost ? b : a)).valence;
}

/** The local environment of one site. */
export function siteEnvironment(
  structure: Structure,
  index: number,
  options: SiteEnvironmentOptions = {},
): SiteEnvironment {
  const n = structure.sites.length;
  if (!Number.isInteger(index) || index < 0 || index >= n)
    fail('invalid-argument', `site index ${index} out of range 0…${n - 1}`, { field: 'index' });
  const radius = options.radius ?? DEFAULT_LOCAL_RADIUS;
  const cutoff = options.bondCutoff ?? DEFAULT_BOND_CUTOFF;
  if (!(radius >= 0)) fail('invalid-argument', `radius must be ≥ 0 Å, got ${radius}`, { field: 'radius' });
  const need = Math.max(radius, cutoff);
  const nl =
    options.neighborList && options.neighborList.cutoff >= need
      ? options.neighborList
      : buildNeighborList(structure, need);
  const site = structure.sites[index]!;
  const nbrs = nl.neighbors(index);
  const ligands = ligandsOf(structure, index, nbrs, cutoff);
  const d = ligands.map((l) => l.distance);
  const mean = d.length > 0 ? d.reduce((a, b) => a + b, 0) / d.length : Number.NaN;
  const distortion =
    d.length > 0 ? d.reduce((a, x) => a + Math.abs(x - mean), 0) / d.length / mean : Number.NaN;

  let bvs = Number.NaN;
  let bvsValence = options.oxidation ?? options.oxidations?.[index] ?? site.oxidation ?? Number.NaN;
  if (isAnion(site.element)) {
    bvsValence = ANION_VALENCE[site.element]!;
    if (site.element === 'O') {
      bvs = 0;
      for (const l of ligands) {
        const cat = structure.sites[l.index]!.element;
        const v = options.oxidations?.[l.index] ?? cationValenceGuess(structure, l.index, nl, cutoff);
        if (tabulatedValences(cat).includes(v)) bvs += bondValence(bondValenceParameter(cat, v), l.distance);
        else bvs = Number.NaN;
      }
    }
  } else {
    const cands = valenceCandidates(site.element, d);
    if (cands.length > 0 && d.length > 0) {
      if (!Number.isFinite(bvsValence) || !cands.some((c) => c.valence === bvsValence))
        bvsValence = cands.reduce((a, b) => (b.cost < a.cost ? b : a)).valence;
      bvs = cands.find((c) => c.valence === bvsValence)!.bvs;
    } else if (!Number.isFinite(bvsValence)) bvsValence = FIXED_CATION_VALENCE[site.element] ?? Number.NaN;
  }

  const localContent: Record<string, number> = {};
  let total = 0;
  for (const nb of nbrs) {
    if (nb.distance > radius) break; // sorted by distance
    const e = structure.sites[nb.index]!.element;
    localContent[e] = (localContent[e] ?? 0) + 1;
    total++;
  }
  const localFraction: Record<string, number> = {};
  for (const [e, c] of Object.entries(localContent)) localFraction[e] = c / total;
  return {
    index,
    element: site.element,
    cn: ligands.length,
    ligands,
    moMean: mean,
    moDistances: d,
    distortion,
    bvs,
    bvsValence,
    localContent,
    localFraction,
    radius,
  };
}

export interface OxidationAssignment {
  /** Formal valence per site. */
  readonly oxidation: number[];
  /** Bond-valence sum per site with the parameters of the assigned valence (anions: from the cations' valences). */
  readonly bvs: number[];
  /** Σ formal charges × occupancy. */
  readonly netCharge: number;
  readonly notes: string[];
  /** 'structure' when the site oxidation states carried by the structure were used, else 'bond-valence'. */
  readonly method: 'structure' | 'bond-valence';
}

/**
 * Order in which elements take up a charge imbalance, following the redox sequence of layered LiNiₓMnᵧCo_zO₂:
 * Ni²⁺/Ni³⁺/Ni⁴⁺ is the active couple, Co³⁺/Co⁴⁺ follows at high states of charge, and Mn stays Mn⁴⁺
 * (N. Yabuuchi and T. Ohzuku, J. Power Sources 119–121, 171 (2003); the Ni²⁺/Mn⁴⁺ pairing of
 * LiNi0.5Mn0.5O2, Ohzuku & Makimura, Chem. Lett. 30, 744 (2001)). Other elements follow in this order.
 */
const REDOX_PRIORITY = ['Ni', 'Co', 'Fe', 'Cu', 'Mn', 'Ti'];

export interface AssignOptions {
  readonly bondCutoff?: number;
  /** Use oxidation states the sites already carry when they are complete and balanced (default true). */
  readonly trustSiteOxidation?: boolean;
  readonly neighborList?: NeighborList;
}

/**
 * Formal oxidation states with cell-wide charge balance.
 *
 * 1. Anions take their fixed valence (O²⁻); cations without bond-valence parameters their group valence.
 * 2. For each remaining element, one reference valence v_ref is chosen self-consistently over all its sites (the
 *    tabulated v minimising Σᵢ |BVSᵢ(v) − v|, Brese & O'Keeffe 1991 §4), and every site gets a continuous
 *    valence estimate xᵢ = BVSᵢ(v_ref). One parameter per element keeps xᵢ monotone in the M–O distances, so
 *    longer bonds never get the higher valence.
 * 3. Start from vᵢ = round(xᵢ) within the tabulated valences; while the cell is charged, move one site by one unit
 *    towards neutrality: the element chosen by the redox sequence above (Ni before Co before Mn), within it the
 *    site whose estimate objects least (smallest increase of |xᵢ − vᵢ|; e.g. the Ni with the longest mean Ni–O
 *    becomes Ni²⁺ first). The cost is convex in vᵢ, so identical sites never disproportionate; ties go by site index.
 */
export function assignOxidationStates(
  structure: Structure,
  options: AssignOptions = {},
): OxidationAssignment {
  const cutoff = options.bondCutoff ?? DEFAULT_BOND_CUTOFF;
  const sites = structure.sites;
  const n = sites.length;
  const notes: string[] = [];
  const nl =
    options.neighborList && options.neighborList.cutoff >= cutoff
      ? options.neighborList
      : buildNeighborList(structure, cutoff);
  const occ = sites.map((s) => s.occupancy ?? 1);
  const distances: number[][] = sites.map((_, i) =>
    ligandsOf(structure, i, nl.neighbors(i), cutoff).map((l) => l.distance),
  );

  const finish = (oxidation: number[], method: 'structure' | 'bond-valence'): OxidationAssignment => {
    const bvs = sites.map((s, i) => {
      if (isAnion(s.element)) {
        if (s.element !== 'O') return Number.NaN;
        let sum = 0;
        for (const l of ligandsOf(structure, i, nl.neighbors(i), cutoff)) {
          const cat = sites[l.index]!.element;
          const v = oxidation[l.index]!;
          if (!tabulatedValences(cat).includes(v)) return Number.NaN;
          sum += bondValence(bondValenceParameter(cat, v), l.distance);
        }
        return sum;
      }
      const v = oxidation[i]!;
      if (!tabulatedValences(s.element).includes(v) || distances[i]!.length === 0) return Number.NaN;
      return bvsFor(s.element, v, distances[i]!);
    });
    const net = oxidation.reduce((a, v, i) => a + v * occ[i]!, 0);
    return { oxidation, bvs, netCharge: Math.abs(net) < 1e-9 ? 0 : net, notes, method };
  };

  if (options.trustSiteOxidation !== false && n > 0 && sites.every((s) => s.oxidation !== undefined)) {
    const ox = sites.map((s) => s.oxidation!);
    const net = ox.reduce((a, v, i) => a + v * occ[i]!, 0);
    if (Math.abs(net) < 1e-6) {
      notes.push('formal oxidation states taken from the structure (complete and charge balanced)');
      return finish(ox, 'structure');
    }
    notes.push(`oxidation states in the structure sum to ${net.toFixed(3)}; reassigned from bond valences`);
  }
  if (!sites.some((s) => isAnion(s.element))) {
    notes.push('no anions: metallic or intermetallic, every site given valence 0');
    return finish(new Array(n).fill(0), 'bond-valence');
  }

  // reference valence per element (self-consistent over its O-coordinated sites)
  const refValence = new Map<string, number>();
  for (const el of new Set(sites.map((s) => s.element))) {
    const vals = tabulatedValences(el);
    if (vals.length < 2) continue;
    let best = vals[0]!;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const v of vals) {
      let cost = 0;
      let any = false;
      sites.forEach((s, i) => {
        if (s.element === el && distances[i]!.length > 0) {
          cost += Math.abs(bvsFor(el, v, distances[i]!) - v);
          any = true;
        }
      });
      if (any && cost < bestCost) {
        bestCost = cost;
        best = v;
      }
    }
    refValence.set(el, best);
  }

  const ox: number[] = new Array(n).fill(0);
  const estimate: (number | undefined)[] = new Array(n);
  const allowed: number[][] = sites.map(() => []);
  for (let i = 0; i < n; i++) {
    const el = sites[i]!.element;
    const anion = ANION_VALENCE[el];
    if (anion !== undefined) {
      ox[i] = anion;
      continue;
    }
    const vals = tabulatedValences(el);
    const ref = refValence.get(el);
    if (vals.length < 2 || ref === undefined || distances[i]!.length === 0) {
      const fixed =
        FIXED_CATION_VALENCE[el] ?? (vals.length > 0 ? vals[Math.floor((vals.length - 1) / 2)] : undefined);
      if (fixed === undefined) {
        notes.push(`no valence information for ${el} (site ${i}); counted as 0`);
        ox[i] = 0;
      } else {
        ox[i] = fixed;
        if (vals.length >= 2) {
          notes.push(`${el} site ${i} has no O within ${cutoff} Å; given ${fixed}+`);
          allowed[i] = vals;
          estimate[i] = fixed;
        }
      }
      continue;
    }
    const x = bvsFor(el, ref, distances[i]!);
    estimate[i] = x;
    allowed[i] = vals;
    ox[i] = vals.reduce((p, q) => (Math.abs(q - x) < Math.abs(p - x) ? q : p));
  }
  let net = ox.reduce((a, v, i) => a + v * occ[i]!, 0);
  const rank = (el: string): number => {
    const r = REDOX_PRIORITY.indexOf(el);
    return r < 0 ? REDOX_PRIORITY.length : r;
  };
  let guard = 0;
  while (Math.abs(net) > 0.5 && guard++ < 10 * n + 10) {
    const dir = net > 0 ? -1 : 1;
    let best = -1;
    let bestKey: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (let i = 0; i < n; i++) {
      const x = estimate[i];
      if (x === undefined || !allowed[i]!.includes(ox[i]! + dir)) continue;
      const key: [number, number] = [
        rank(sites[i]!.element),
        Math.abs(x - (ox[i]! + dir)) - Math.abs(x - ox[i]!),
      ];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1] - 1e-12)) {
        best = i;
        bestKey = key;
      }
    }
    if (best < 0) break;
    ox[best] = ox[best]! + dir;
    net += dir * occ[best]!;
  }
  if (Math.abs(net) > 1e-6)
    notes.push(
      `charge balance impossible within tabulated valences: net charge ${net.toFixed(3)} e per cell`,
    );
  return finish(ox, 'bond-valence');
}

export interface SiteDescription {
  readonly index: number;
  readonly element: string;
  readonly label?: string;
  readonly frac: Vec3;
  readonly cn: number;
  readonly mo_mean: number | null;
  readonly distortion: number | null;
  readonly bvs: number | null;
  readonly oxidation: number;
  readonly local_content: Record<string, number>;
}

export interface StructureDescription {
  readonly formula: string;
  readonly natoms: number;
  readonly lattice: {
    a: number;
    b: number;
    c: number;
    alpha: number;
    beta: number;
    gamma: number;
    volume: number;
  };
  readonly radius: number;
  readonly bond_cutoff: number;
  readonly sites: SiteDescription[];
  readonly charge_balance: {
    readonly net_charge: number;
    readonly balanced: boolean;
    readonly method: 'structure' | 'bond-valence';
    readonly by_element: Record<string, Record<string, number>>;
    readonly notes: string[];
  };
  readonly defects: readonly unknown[];
  readonly charge_compensation?: unknown;
  readonly source?: string;
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The JSON document of `specfuse structure describe`. */
export function describeStructure(
  structure: Structure,
  options: { radius?: number; bondCutoff?: number } = {},
): StructureDescription {
  const radius = options.radius ?? DEFAULT_LOCAL_RADIUS;
  const bondCutoff = options.bondCutoff ?? DEFAULT_BOND_CUTOFF;
  const nl = buildNeighborList(structure, Math.max(radius, bondCutoff));
  const assign = assignOxidationStates(structure, { bondCutoff, neighborList: nl });
  const byElement: Record<string, Record<string, number>> = {};
  const sites: SiteDescription[] = structure.sites.map((s, i) => {
    const env = siteEnvironment(structure, i, {
      radius,
      bondCutoff,
      neighborList: nl,
      oxidations: assign.oxidation,
    });
    const ox = assign.oxidation[i]!;
    const key = ox > 0 ? `${ox}+` : ox < 0 ? `${-ox}-` : '0';
    const rec = (byElement[s.element] ??= {});
    rec[key] = (rec[key] ?? 0) + 1;
    return {
      index: i,
      element: s.element,
      ...(s.label !== undefined ? { label: s.label } : {}),
      frac: s.frac,
      cn: env.cn,
      mo_mean: fin(env.moMean),
      distortion: fin(env.distortion),
      bvs: fin(assign.bvs[i]!),
      oxidation: ox,
      local_content: env.localContent,
    };
  });
  const p = latticeParameters(structure.lattice);
  return {
    formula: formula(structure),
    natoms: structure.sites.length,
    lattice: { ...p, volume: cellVolume(structure.lattice) },
    radius,
    bond_cutoff: bondCutoff,
    sites,
    charge_balance: {
      net_charge: assign.netCharge,
      balanced: Math.abs(assign.netCharge) < 1e-6,
      method: assign.method,
      by_element: byElement,
      notes: assign.notes,
    },
    defects: structure.metadata.defects ?? [],
    ...(structure.metadata.chargeCompensation
      ? { charge_compensation: structure.metadata.chargeCompensation }
      : {}),
    ...(structure.metadata.source !== undefined ? { source: structure.metadata.source } : {}),
  };
}
