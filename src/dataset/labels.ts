import { assignOxidationStates, DEFAULT_BOND_CUTOFF, siteEnvironment } from '../structure/environment.js';
import { buildNeighborList } from '../structure/neighbors.js';
import type { Structure } from '../structure/types.js';

/**
 * Labels of a campaign structure and of each of its sites: what the ML models learn to predict from spectra.
 *
 * Definitions (the dataset contract; see src/dataset/README.md):
 * - `li_content`, `ni_content`, `mn_content`, `co_content`, `o_content`: atoms per formula unit
 *   LiₓNi_yMn_zCo_wO_{2−δ}, i.e. count of the element divided by the number of transition-metal atoms
 *   (Ni + Mn + Co, which no defect changes), so y + z + w = 1, x = 1 − delithiation, o_content = 2 − δ.
 * - `o_vacancy_count`: O vacancies in the supercell; `antisite_count`: Li/TM antisite pairs (one Li on a TM site and
 *   one TM on a Li site count once); `o_vacancy`, `antisite`: 1 if the count is > 0, else 0.
 * - `<el>_valence`: mean formal oxidation state of the element's sites after charge compensation (null if absent).
 * - `<el>_bv_valence`: mean bond-valence sum of the element's sites, V = Σ exp((R₀ − R)/b) over the O ligands
 *   (Brown & Altermatt, Acta Cryst. B41, 244 (1985)), R₀ for the site's formal valence (structure layer,
 *   `assignOxidationStates`; bond cutoff 2.6 Å).
 * - Per site: counts of Li, Ni, Mn, Co, O within the label radius R (Å) of the site, the site itself excluded.
 */

export interface StructureLabels {
  readonly li_content: number;
  readonly ni_content: number;
  readonly mn_content: number;
  readonly co_content: number;
  readonly o_content: number;
  readonly o_vacancy: number;
  readonly o_vacancy_count: number;
  readonly antisite: number;
  readonly antisite_count: number;
  readonly ni_valence: number | null;
  readonly mn_valence: number | null;
  readonly co_valence: number | null;
  readonly ni_bv_valence: number | null;
  readonly mn_bv_valence: number | null;
  readonly co_bv_valence: number | null;
}

export const STRUCTURE_LABEL_COLUMNS: readonly (keyof StructureLabels)[] = [
  'li_content',
  'ni_content',
  'mn_content',
  'co_content',
  'o_content',
  'o_vacancy',
  'o_vacancy_count',
  'antisite',
  'antisite_count',
  'ni_valence',
  'mn_valence',
  'co_valence',
  'ni_bv_valence',
  'mn_bv_valence',
  'co_bv_valence',
];

/** Elements counted around each site. */
export const LOCAL_ELEMENTS = ['Li', 'Ni', 'Mn', 'Co', 'O'] as const;
export type LocalElement = (typeof LOCAL_ELEMENTS)[number];

export interface SiteLabel {
  readonly site: number;
  readonly element: string;
  readonly formalValence: number | null;
  readonly bvValence: number | null;
  /** Atoms of each element within the label radius, the site itself excluded. */
  readonly counts: Readonly<Record<LocalElement, number>>;
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Site labels of every site of a structure, from the structure layer: formal valences and bond-valence sums from
 * `assignOxidationStates` (charge-balanced; the builder's oxidation states when they balance), local content from
 * `siteEnvironment` within `radius`.
 */
export function siteLabels(structure: Structure, radius: number): SiteLabel[] {
  const nl = buildNeighborList(structure, Math.max(radius, DEFAULT_BOND_CUTOFF));
  const ox = assignOxidationStates(structure, { neighborList: nl });
  return structure.sites.map((s, i) => {
    const env = siteEnvironment(structure, i, { radius, neighborList: nl, oxidations: ox.oxidation });
    const c = env.localContent;
    const bvs = ox.bvs[i]!;
    return {
      site: i,
      element: s.element,
      formalValence: ox.oxidation[i] ?? null,
      bvValence: Number.isFinite(bvs) ? bvs : null,
      counts: { Li: c.Li ?? 0, Ni: c.Ni ?? 0, Mn: c.Mn ?? 0, Co: c.Co ?? 0, O: c.O ?? 0 },
    };
  });
}

/** Structure labels from its sites, site labels and defect records. */
export function structureLabels(structure: Structure, sites: readonly SiteLabel[]): StructureLabels {
  const count = (el: string) => structure.sites.filter((s) => s.element === el).length;
  const nTm = count('Ni') + count('Mn') + count('Co');
  const perFu = (el: string) => (nTm > 0 ? count(el) / nTm : 0);
  const defects = structure.metadata.defects ?? [];
  const ovac = defects.filter((d) => d.kind === 'o-vacancy').length;
  const anti = defects.filter((d) => d.kind === 'antisite').length;
  const val = (el: string, pick: (s: SiteLabel) => number | null) =>
    mean(
      sites
        .filter((s) => s.element === el)
        .map(pick)
        .filter((x): x is number => x !== null),
    );
  return {
    li_content: perFu('Li'),
    ni_content: perFu('Ni'),
    mn_content: perFu('Mn'),
    co_content: perFu('Co'),
    o_content: perFu('O'),
    o_vacancy: ovac > 0 ? 1 : 0,
    o_vacancy_count: ovac,
    antisite: anti > 0 ? 1 : 0,
    antisite_count: anti,
    ni_valence: val('Ni', (s) => s.formalValence),
    mn_valence: val('Mn', (s) => s.formalValence),
    co_valence: val('Co', (s) => s.formalValence),
    ni_bv_valence: val('Ni', (s) => s.bvValence),
    mn_bv_valence: val('Mn', (s) => s.bvValence),
    co_bv_valence: val('Co', (s) => s.bvValence),
  };
}

/** Per-mode labels: site labels of the absorbers averaged with the engine's site weights. */
export interface ModeLabels {
  /** Fraction of Li (Ni, Mn, Co) among the cations within R of the absorber. */
  readonly local_li_content: number;
  readonly local_ni_content: number;
  readonly local_mn_content: number;
  readonly local_co_content: number;
  /** Number of O within R of the absorber. */
  readonly local_o_count: number;
  readonly absorber_valence: number | null;
  readonly absorber_bv_valence: number | null;
  readonly n_absorbers: number;
}

export const MODE_LABEL_COLUMNS: readonly (keyof ModeLabels)[] = [
  'local_li_content',
  'local_ni_content',
  'local_mn_content',
  'local_co_content',
  'local_o_count',
  'absorber_valence',
  'absorber_bv_valence',
  'n_absorbers',
];

export function modeLabels(
  sites: readonly SiteLabel[],
  absorbers: readonly { site: number; weight: number }[],
): ModeLabels {
  let li = 0;
  let ni = 0;
  let mn = 0;
  let co = 0;
  let o = 0;
  let wsum = 0;
  let fv = 0;
  let fw = 0;
  let bv = 0;
  let bw = 0;
  for (const a of absorbers) {
    const s = sites[a.site];
    if (!s) continue;
    const c = s.counts;
    const cat = c.Li + c.Ni + c.Mn + c.Co;
    if (cat > 0) {
      li += (a.weight * c.Li) / cat;
      ni += (a.weight * c.Ni) / cat;
      mn += (a.weight * c.Mn) / cat;
      co += (a.weight * c.Co) / cat;
    }
    o += a.weight * c.O;
    wsum += a.weight;
    if (s.formalValence !== null) {
      fv += a.weight * s.formalValence;
      fw += a.weight;
    }
    if (s.bvValence !== null) {
      bv += a.weight * s.bvValence;
      bw += a.weight;
    }
  }
  const w = wsum > 0 ? wsum : 1;
  return {
    local_li_content: li / w,
    local_ni_content: ni / w,
    local_mn_content: mn / w,
    local_co_content: co / w,
    local_o_count: o / w,
    absorber_valence: fw > 0 ? fv / fw : null,
    absorber_bv_valence: bw > 0 ? bv / bw : null,
    n_absorbers: absorbers.length,
  };
}
