import { element } from '../../core/elements.js';
import { SpecfuseError, type Warning } from '../../core/errors.js';
import type { FeffAtom, FeffCard, FeffInput, FeffPotential } from './feff-inp.js';

/**
 * Build a feff.inp AST from a cluster (absorber first, at the origin) and typed settings.
 * Card syntax: FEFF 8.5 user guide §2–3 and FEFF9 user guide (cards COREHOLE, ELNES). Defaults and where they come from:
 * - S02 1.0, CONTROL 1 1 1 1 1 1, PRINT 1 0 0 0 0 3 (writes every feffNNNN.dat, as the golden NiO feff8l run).
 * - EXCHANGE 0 (Hedin–Lundqvist self-energy; FEFF default).
 * - POTENTIALS: ipot 0 = absorber; then the absorber's own element, then other elements by decreasing Z;
 *   l_scmt = 2 for Z ≥ 21 (d shell open), else 1 — the choice in the shared FEFF references;
 *   l_fms = l_scmt + 1 (FEFF10 golden references); stoichiometry = site counts of the cell reduced by their gcd,
 *   absorber 0.001 (Demeter/Atoms convention: one absorber in a large crystal).
 */
export interface FeffElnesSettings {
  /** Incident electron energy (keV). */
  readonly beamEnergyKeV: number;
  /** Beam direction in the cluster frame; ignored when averaged. */
  readonly beamDirection?: readonly [number, number, number];
  /** Orientation average (1) or not (0). Default 1. */
  readonly average?: 0 | 1;
  /** Collection semi-angle β (mrad). */
  readonly collectionMrad: number;
  /** Convergence semi-angle α (mrad). */
  readonly convergenceMrad: number;
  /** Angular integration mesh (radial, angular). Default 5 3 (FEFF9 guide's example). */
  readonly mesh?: readonly [number, number];
  /** Detector position (mrad). Default 0 0. */
  readonly detector?: readonly [number, number];
  /** k-grid of the ELNES calculation (xkmax, xkstep, vixan). Default 4 0.07 0. */
  readonly grid?: readonly [number, number, number];
}

export interface FeffSettings {
  readonly titles?: readonly string[];
  /** 'K', 'L1', 'L2', 'L3'. */
  readonly edge: string;
  readonly s02?: number;
  readonly control?: readonly number[];
  readonly print?: readonly number[];
  /** Self-consistent potentials within this radius (Å); omitted = non-SCF. */
  readonly scf?: {
    readonly radius: number;
    readonly lscf?: 0 | 1;
    readonly nscf?: number;
    readonly ca?: number;
  };
  /** FEFF9/10 only: 'RPA' | 'FSR' | 'none'. */
  readonly corehole?: 'RPA' | 'FSR' | 'none';
  readonly exchange?: { readonly ixc: number; readonly vr?: number; readonly vi?: number };
  /** XANES k_max (Å⁻¹), k step, E step (eV). */
  readonly xanes?: { readonly kmax: number; readonly kstep?: number; readonly estep?: number };
  /** Full multiple scattering radius (Å). */
  readonly fms?: { readonly radius: number; readonly lfms?: 0 | 1 };
  /** Path-expansion maximum half path length (Å). */
  readonly rpath?: number;
  /** EXAFS k_max (Å⁻¹). */
  readonly exafs?: number;
  readonly polarization?: readonly [number, number, number];
  /** FEFF9/10 only. */
  readonly elnes?: FeffElnesSettings;
  /** Composition used for the stoichiometry column (element → count in the cell); default: counts in the cluster. */
  readonly composition?: Readonly<Record<string, number>>;
  readonly lScmt?: Readonly<Record<string, number>>;
  readonly lFms?: Readonly<Record<string, number>>;
}

export interface ClusterAtomLike {
  readonly element: string;
  /** Cartesian Å, absorber at the origin. */
  readonly position: readonly [number, number, number];
  readonly distance: number;
  readonly label?: string;
}

/** 'feff8' is FEFF 8.5L (Debian feff8l): no COREHOLE, no ELNES. */
export type FeffDialect = 'feff8' | 'feff9';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10)));
}

export function buildFeffInput(
  cluster: readonly ClusterAtomLike[],
  settings: FeffSettings,
  dialect: FeffDialect = 'feff9',
): { input: FeffInput; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const abs = cluster[0];
  if (abs?.distance !== 0)
    throw new SpecfuseError('invalid-argument', 'cluster must start with the absorber at the origin', {
      field: 'cluster',
    });
  if (!/^(K|L1|L2|L3|M1|M2|M3|M4|M5)$/.test(settings.edge))
    throw new SpecfuseError(
      'invalid-argument',
      `FEFF edge must be K, L1–L3 or M1–M5, got '${settings.edge}'`,
      {
        field: 'edge',
      },
    );
  const absEl = element(abs.element).symbol;
  const others = [...new Set(cluster.slice(1).map((a) => element(a.element).symbol))];
  others.sort((x, y) => (x === absEl ? -1 : y === absEl ? 1 : element(y).z - element(x).z));
  const counts: Record<string, number> = { ...(settings.composition ?? {}) };
  if (!settings.composition) for (const a of cluster) counts[a.element] = (counts[a.element] ?? 0) + 1;
  const g = Object.values(counts)
    .filter((x) => Number.isInteger(x) && x > 0)
    .reduce((p, c) => gcd(p, c), 0);
  const lsc = (el: string) => settings.lScmt?.[el] ?? (element(el).z >= 21 ? 2 : 1);
  const lfm = (el: string) => settings.lFms?.[el] ?? lsc(el) + 1;
  const potentials: FeffPotential[] = [
    { ipot: 0, z: element(absEl).z, label: absEl, lScmt: lsc(absEl), lFms: lfm(absEl), stoichiometry: 0.001 },
    ...others.map((el, i) => ({
      ipot: i + 1,
      z: element(el).z,
      label: el,
      lScmt: lsc(el),
      lFms: lfm(el),
      stoichiometry: g > 0 ? (counts[el] ?? 1) / g : (counts[el] ?? 1),
    })),
  ];
  const ipotOf = new Map(others.map((el, i) => [el, i + 1]));
  const atoms: FeffAtom[] = cluster.map((a, i) => ({
    x: a.position[0],
    y: a.position[1],
    z: a.position[2],
    ipot: i === 0 ? 0 : (ipotOf.get(element(a.element).symbol) as number),
    tag: (a.label ?? a.element).replace(/\s+/g, '_'),
    distance: a.distance,
  }));
  const cards: FeffCard[] = [];
  const card = (name: string, ...values: number[] | string[]) =>
    cards.push({ name, values: values.map((v) => (typeof v === 'number' ? num(v) : v)) });
  card('EDGE', settings.edge);
  card('S02', settings.s02 ?? 1.0);
  card('CONTROL', ...(settings.control ?? [1, 1, 1, 1, 1, 1]));
  card('PRINT', ...(settings.print ?? [1, 0, 0, 0, 0, 3]));
  const ex = settings.exchange ?? { ixc: 0 };
  card(
    'EXCHANGE',
    ...[ex.ixc, ...(ex.vr !== undefined || ex.vi !== undefined ? [ex.vr ?? 0, ex.vi ?? 0] : [])],
  );
  if (settings.scf) {
    const s = settings.scf;
    const v = [s.radius];
    if (s.lscf !== undefined || s.nscf !== undefined || s.ca !== undefined) v.push(s.lscf ?? 0);
    if (s.nscf !== undefined || s.ca !== undefined) v.push(s.nscf ?? 30);
    if (s.ca !== undefined) v.push(s.ca);
    card('SCF', ...v);
  }
  if (settings.corehole) {
    if (dialect === 'feff8')
      warnings.push({
        message: 'COREHOLE is a FEFF9/10 card; omitted for FEFF 8.5',
        path: { field: 'corehole' },
      });
    else card('COREHOLE', settings.corehole);
  }
  if (settings.xanes) {
    const x = settings.xanes;
    const v = [x.kmax];
    if (x.kstep !== undefined || x.estep !== undefined) v.push(x.kstep ?? 0.07);
    if (x.estep !== undefined) v.push(x.estep);
    card('XANES', ...v);
  }
  if (settings.fms)
    card('FMS', ...[settings.fms.radius, ...(settings.fms.lfms !== undefined ? [settings.fms.lfms] : [])]);
  if (settings.rpath !== undefined) card('RPATH', settings.rpath);
  if (settings.exafs !== undefined) card('EXAFS', settings.exafs);
  if (settings.polarization) card('POLARIZATION', ...settings.polarization);
  if (settings.elnes) {
    const e = settings.elnes;
    if (dialect === 'feff8')
      throw new SpecfuseError('unsupported', 'ELNES needs FEFF 9 or 10 (feff8l cannot compute EELS)', {
        field: 'elnes',
      });
    if (!(e.beamEnergyKeV > 0) || !(e.collectionMrad > 0) || !(e.convergenceMrad >= 0))
      throw new SpecfuseError(
        'invalid-argument',
        'ELNES needs beam energy > 0, collection > 0, convergence ≥ 0',
        {
          field: 'elnes',
        },
      );
    const grid = e.grid ?? [4, 0.07, 0];
    cards.push({
      name: 'ELNES',
      values: grid.map(num),
      lines: [
        [num(e.beamEnergyKeV), String(e.average ?? 1), '0', '1'],
        (e.beamDirection ?? [0, 0, 1]).map(num),
        [num(e.collectionMrad), num(e.convergenceMrad)],
        (e.mesh ?? [5, 3]).map(num),
        (e.detector ?? [0, 0]).map(num),
      ],
    });
  }
  const titles = settings.titles ?? [`specfuse ${absEl} ${settings.edge} edge, ${cluster.length} atoms`];
  return { input: { titles, cards, potentials, atoms }, warnings };
}
