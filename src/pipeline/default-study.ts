import type { CampaignConfigInput } from '../dataset/config.js';

/**
 * The shipped default study (`specfuse run` with no config): the seed paper's question — does fusing several
 * core-level spectra identify local structure better than any single one? — on NMC cathodes.
 *
 * Structures: 40-atom-class cells (10 formula units, supercell 5×2×1 of the one-formula-unit primitive cell, the
 * size of the seed paper's relaxed NMC622 cell) of NMC622, NMC811 and NMC532 (NMC111 needs a multiple of 3 TM sites
 * and does not fit a 10-TM cell). Classes: pristine, one O vacancy, one Li/Ni antisite pair, both; each at two
 * lithiation levels (full, and 20 % of the Li removed), so that Li content is a real regression target.
 *
 * Modes: every mode of the study whose engine this build has. The seed paper's four are O K and Ni/Mn/Co L2,3; the
 * extra modes are Ni/Mn/Co K and Li K. L2,3 edges come from the built-in charge-transfer multiplet engine, K edges
 * from the built-in full-multiple-scattering engine (`fms`). A mode whose engine is not in this build is left out
 * of the campaign and reported as such — never replaced by something else.
 *
 * Energy grids: the seed paper's training grids for O K and the TM L2,3 edges (0.2 eV steps; O 528.9–562.1,
 * Ni 853.1–880.1, Mn 635.1–675.1, Co 775.1–815.1 eV — shared/README.md), widened where our calibration puts the
 * L2 edge further up; K edges 1 eV steps from 15 eV below to 60 eV above the tabulated edge.
 */

export interface StudyMode {
  readonly mode: string;
  readonly engine: string;
  readonly grid: { readonly start: number; readonly step: number; readonly n: number };
  readonly gaussianFwhm: number;
  readonly seedPaper: boolean;
  /** STEM-EELS for the soft edges (as the seed paper's measurements), XAS for the hard TM K edges. */
  readonly technique: 'XAS' | 'EELS';
  /** Absorbers simulated per structure (seeded sample) when not all. */
  readonly absorbers?: number;
  /** Cluster radius (Å) for the multiple-scattering engine. */
  readonly radius?: number;
  readonly options?: Readonly<Record<string, unknown>>;
  /** Why a mode is left out even though its engine exists (a known engine limitation). */
  readonly disabled?: string;
}

/**
 * K edges by full multiple scattering in a campaign: 4 Å clusters (the first two cation and O shells; FEFF10-golden
 * agreement at 4 Å for LiNiO2 Ni K is r_mu 0.977 / r_deriv 0.866, against 0.987 / 0.939 at 6 Å, for a quarter of
 * the cost — see src/simulate/fms/engine.ts), photoelectron energies up to 45 eV above E_F (the study grids span at
 * most 60 eV from the edge), 0.8 eV steps near the edge (the spectra are broadened by ≥ 0.5 eV FWHM anyway), and
 * one seeded absorber per structure and mode (a 40-atom cell has 20 O and 1–8 of each TM).
 */
/**
 * K-edge (fms) settings of the training campaign: a 4 Å cluster, one sampled absorber per structure, energies up to
 * 45 eV above E_F with 0.8 eV steps below E_F and 0.1 Å⁻¹ steps in k above it (46 points; the engine's default 0.07 Å⁻¹
 * is FEFF's XANES grid, 61 points here) — coarser than a validation run, which the 0.5–1 eV Gaussian of each mode
 * hides, and what keeps the default study at ≈ 8 minutes on 2 cores.
 */
const FMS_CAMPAIGN = { radius: 4, absorbers: 1, options: { maxEnergy: 45, dE: 0.8, dk: 0.1 } } as const;

const grid = (start: number, stop: number, step: number) => ({
  start,
  step,
  n: Math.round((stop - start) / step) + 1,
});

/** All modes of the study, in display order (seed paper's four first). */
export const STUDY_MODES: readonly StudyMode[] = [
  {
    mode: 'O:K',
    engine: 'fms',
    grid: grid(528.9, 562.1, 0.2),
    gaussianFwhm: 0.5,
    seedPaper: true,
    technique: 'EELS',
    ...FMS_CAMPAIGN,
  },
  {
    mode: 'Ni:L23',
    engine: 'multiplet',
    grid: grid(850.1, 880.1, 0.2),
    gaussianFwhm: 0.5,
    seedPaper: true,
    technique: 'EELS',
  },
  {
    mode: 'Mn:L23',
    engine: 'multiplet',
    grid: grid(635.1, 665.1, 0.2),
    gaussianFwhm: 0.5,
    seedPaper: true,
    technique: 'EELS',
  },
  {
    mode: 'Co:L23',
    engine: 'multiplet',
    grid: grid(772.1, 802.1, 0.2),
    gaussianFwhm: 0.5,
    seedPaper: true,
    technique: 'EELS',
  },
  {
    mode: 'Ni:K',
    engine: 'fms',
    grid: grid(8318, 8378, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
    ...FMS_CAMPAIGN,
  },
  {
    mode: 'Mn:K',
    engine: 'fms',
    grid: grid(6524, 6584, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
    ...FMS_CAMPAIGN,
  },
  {
    mode: 'Co:K',
    engine: 'fms',
    grid: grid(7694, 7754, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
    ...FMS_CAMPAIGN,
  },
  {
    mode: 'Li:K',
    engine: 'fms',
    grid: grid(50, 95, 0.5),
    gaussianFwhm: 0.5,
    seedPaper: false,
    technique: 'EELS',
    ...FMS_CAMPAIGN,
  },
];

/** Targets of the study's table (dataset contract names). */
export const STUDY_TARGETS = [
  'li_content',
  'ni_content',
  'mn_content',
  'co_content',
  'o_vacancy',
  'antisite',
] as const;

export interface DefaultStudyOptions {
  /** `--quick`: fewer structures (a smoke run of every stage in a few minutes). */
  readonly quick?: boolean;
  /**
   * `--full`: the cluster-scale study — 100 structures per class (800 in all), K edges with 6 Å clusters (the FEFF10
   * reference setting) and every absorber of each element, the default energy range of the K-edge engine. Meant for a
   * Slurm cluster: write it with `specfuse run --full --write-config full.json`, simulate it with
   * `specfuse campaign run full.json --db OUT/campaign.duckdb --executor slurm --wait`, then evaluate with
   * `specfuse run full.json --out OUT` (the campaign is found complete and only the evaluation runs).
   */
  readonly full?: boolean;
  /** Engines this build has (`engineNames()`); modes needing others are left out. */
  readonly engines: readonly string[];
  readonly seed?: number;
}

export interface DefaultStudy {
  readonly config: CampaignConfigInput;
  readonly included: readonly StudyMode[];
  /** Modes of the study left out (see `exclusionReason`). */
  readonly excluded: readonly StudyMode[];
}

/** Why a study mode is not in this run. */
export function exclusionReason(m: StudyMode, engines: readonly string[]): string {
  return (
    m.disabled ?? (engines.includes(m.engine) ? 'not selected' : `engine '${m.engine}' is not in this build`)
  );
}

export function defaultStudy(o: DefaultStudyOptions): DefaultStudy {
  const included = STUDY_MODES.filter((m) => o.engines.includes(m.engine) && !m.disabled);
  const excluded = STUDY_MODES.filter((m) => !included.includes(m));
  // Structures per class: split over the three compositions by weight. The default gives 8 classes × 12 = 96
  // structures (the grouped 5-fold CV then holds ~19 structures per fold); --quick gives 8 × 2 = 16.
  const perClass = o.quick ? 2 : o.full ? 100 : 12;
  const classes = [
    { name: 'pristine', count: perClass },
    { name: 'ovac', oVacancies: 1, count: perClass },
    { name: 'antisite', antisites: 1, count: perClass },
    { name: 'ovac+antisite', oVacancies: 1, antisites: 1, count: perClass },
  ].flatMap((c) => [c, { ...c, name: `${c.name}-delith20`, delithiation: 0.2 }]);
  const config: CampaignConfigInput = {
    name: o.quick
      ? 'specfuse-default-study-quick'
      : o.full
        ? 'specfuse-full-study'
        : 'specfuse-default-study',
    seed: o.seed ?? 2026,
    compositions: [
      { name: 'NMC622', ni: 0.6, mn: 0.2, co: 0.2, weight: 1 },
      { name: 'NMC811', ni: 0.8, mn: 0.1, co: 0.1, weight: 1 },
      { name: 'NMC532', ni: 0.5, mn: 0.3, co: 0.2, weight: 1 },
    ],
    supercell: [5, 2, 1],
    classes,
    modes: included.map((m) => ({
      mode: `${m.mode}:${m.engine}`,
      grid: m.grid,
      broadening: { gaussianFwhm: m.gaussianFwhm },
      technique: m.technique,
      ...(o.full
        ? m.engine === 'fms'
          ? { radius: 6 }
          : {}
        : {
            ...(m.absorbers !== undefined ? { absorbers: m.absorbers } : {}),
            ...(m.radius !== undefined ? { radius: m.radius } : {}),
            ...(m.options ? { options: { ...m.options } } : {}),
          }),
    })),
    absorbers: 'all',
  };
  return { config, included, excluded };
}
