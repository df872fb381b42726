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
}

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
    grid: grid(8318, 8393, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
  },
  {
    mode: 'Mn:K',
    engine: 'fms',
    grid: grid(6524, 6599, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
  },
  {
    mode: 'Co:K',
    engine: 'fms',
    grid: grid(7694, 7769, 1),
    gaussianFwhm: 1.0,
    seedPaper: false,
    technique: 'XAS',
  },
  {
    mode: 'Li:K',
    engine: 'fms',
    grid: grid(50, 110, 0.5),
    gaussianFwhm: 0.5,
    seedPaper: false,
    technique: 'EELS',
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
  /** Engines this build has (`engineNames()`); modes needing others are left out. */
  readonly engines: readonly string[];
  readonly seed?: number;
}

export interface DefaultStudy {
  readonly config: CampaignConfigInput;
  readonly included: readonly StudyMode[];
  readonly excluded: readonly StudyMode[];
}

export function defaultStudy(o: DefaultStudyOptions): DefaultStudy {
  const included = STUDY_MODES.filter((m) => o.engines.includes(m.engine));
  const excluded = STUDY_MODES.filter((m) => !o.engines.includes(m.engine));
  // Structures per class: split over the three compositions by weight. The default gives 8 classes × 12 = 96
  // structures (the grouped 5-fold CV then holds ~19 structures per fold); --quick gives 8 × 3 = 24.
  const perClass = o.quick ? 3 : 12;
  const classes = [
    { name: 'pristine', count: perClass },
    { name: 'ovac', oVacancies: 1, count: perClass },
    { name: 'antisite', antisites: 1, count: perClass },
    { name: 'ovac+antisite', oVacancies: 1, antisites: 1, count: perClass },
  ].flatMap((c) => [c, { ...c, name: `${c.name}-delith20`, delithiation: 0.2 }]);
  const config: CampaignConfigInput = {
    name: o.quick ? 'specfuse-default-study-quick' : 'specfuse-default-study',
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
    })),
    absorbers: 'all',
  };
  return { config, included, excluded };
}
