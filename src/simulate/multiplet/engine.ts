/**
 * The `multiplet` engine: charge-transfer multiplet L2,3 spectra of Mn, Co and Ni sites, with valence from the
 * structure's charge balance and crystal field / hybridisation from the real metal–O geometry (structure-params.ts).
 *
 * Per absorber: valence v (assignOxidationStates; clamped to the tabulated 2+…4+ with a note), ligands within the
 * bond cutoff (a missing O gives a square pyramid, etc.), AOM crystal field scaled to the ion's reference 10Dq
 * (ionic 10Dq when charge transfer is on), AOM hopping, then `ionSpectrum`. Symmetry-equivalent absorbers are
 * computed once (symmetryOrbits) and spectra are cached per identical (rounded) parameter set.
 * EELS: dipole limit, momentum-transfer averaged = the isotropic spectrum (Egerton, *EELS in the Electron
 * Microscope*, 3rd ed., §3.7); only the default instrumental width differs.
 */
import { chooseAbsorbers, groupByOrbit } from '../absorbers.js';
import type { TaskContext } from '../../core/progress.js';
import { checkAborted } from '../../core/progress.js';
import { SpecfuseError } from '../../core/errors.js';
import type { Spectrum } from '../../spectrum/types.js';
import { assignOxidationStates, siteEnvironment } from '../../structure/environment.js';
import { buildNeighborList } from '../../structure/neighbors.js';
import type { Structure } from '../../structure/types.js';
import type { Engine, SimulationRequest, SimulationResult, SiteSpectrum } from '../engine.js';
import { ION_DEFAULTS } from './defaults.js';
import { type IonSpectrum, interpolate, ionDefaults, ionSpectrum } from './ion.js';
import { aomCrystalField, aomHopping } from './structure-params.js';

export const MULTIPLET_VERSION = '1.0.0';
export const MULTIPLET_ELEMENTS = ['Mn', 'Co', 'Ni'] as const;

/** Default output windows (absolute eV), 0.1 eV steps: L3 onset − 10 … L2 + 15. */
const WINDOWS: Record<string, [number, number]> = { Mn: [630, 665], Co: [770, 810], Ni: [845, 885] };
const DEFAULT_GAUSS = { XAS: 0.3, EELS: 0.8 } as const;

export interface MultipletEngineOptions {
  /** Force charge transfer on/off for every ion (default: per-ion choice in defaults.ts). */
  readonly ct?: boolean;
  readonly temperature?: number;
  readonly slaterScale?: number;
  /** Multiply every reference 10Dq (studies of the crystal-field strength). */
  readonly tenDqScale?: number;
  readonly bondCutoff?: number;
  /** Override the valence of every absorber (e.g. fitting a measured edge). */
  readonly valence?: number;
}

export function defaultGrid(element: string, step = 0.1): Float64Array {
  const w = WINDOWS[element];
  if (!w)
    throw new SpecfuseError('invalid-argument', `multiplet covers Mn, Co, Ni; got ${element}`, {
      field: 'element',
    });
  const n = Math.round((w[1] - w[0]) / step) + 1;
  return Float64Array.from({ length: n }, (_, i) => w[0] + i * step);
}

const spectrumCache = new Map<string, IonSpectrum>();
const CACHE_MAX = 2000;

function round(a: ArrayLike<number>, q = 1e-4): number[] {
  return Array.from(a, (x) => Math.round(x / q) * q);
}

export interface SiteParameters {
  readonly ion: string;
  readonly valence: number;
  readonly cn: number;
  readonly distances: readonly number[];
  readonly crystalField: Float64Array;
  readonly hopping?: Float64Array;
  readonly ct: boolean;
  readonly notes: readonly string[];
}

/** Parameters of one absorber from the structure. */
export function siteParameters(
  structure: Structure,
  index: number,
  valence: number,
  opts: MultipletEngineOptions = {},
  nl?: ReturnType<typeof buildNeighborList>,
): SiteParameters {
  const el = structure.sites[index].element;
  const notes: string[] = [];
  let v = opts.valence ?? valence;
  if (!ION_DEFAULTS[`${el}${v}+`]) {
    const c = Math.min(4, Math.max(2, Math.round(v)));
    notes.push(`${el} site ${index}: valence ${v} outside the tabulated 2+…4+, using ${c}+`);
    v = c;
  }
  const ion = `${el}${v}+`;
  const def = ionDefaults(ion);
  const env = siteEnvironment(structure, index, {
    oxidation: v,
    ...(opts.bondCutoff !== undefined ? { bondCutoff: opts.bondCutoff } : {}),
    ...(nl ? { neighborList: nl } : {}),
  });
  const ligands = env.ligands.map((l) => ({ vector: l.vector, distance: l.distance }));
  if (ligands.length === 0) notes.push(`${el} site ${index}: no O within the bond cutoff; free ion`);
  const ct = opts.ct ?? def.defaultCt;
  const tenDq = (ct ? def.ct.tenDqIonic : def.tenDq) * (opts.tenDqScale ?? 1);
  const crystalField = aomCrystalField(ligands, tenDq, def.r0);
  const hopping = ct ? aomHopping(ligands, def.ct.veg, def.ct.vt2g, def.r0) : undefined;
  return {
    ion,
    valence: v,
    cn: ligands.length,
    distances: ligands.map((l) => l.distance),
    crystalField,
    ...(hopping ? { hopping } : {}),
    ct,
    notes,
  };
}

/** Spectrum of one parameter set on the engine grid (cached). */
export function siteSpectrum(
  p: SiteParameters,
  opts: MultipletEngineOptions,
  gauss: number,
  grid: Float64Array,
): IonSpectrum {
  // The spectrum is computed from the rounded parameters that form the cache key, so a cached result does not
  // depend on which site happened to fill the entry first (campaign results are independent of job order).
  const crystalField = Float64Array.from(round(p.crystalField));
  const hopping = p.hopping ? Float64Array.from(round(p.hopping)) : undefined;
  const key = JSON.stringify([
    p.ion,
    Array.from(crystalField),
    hopping ? Array.from(hopping) : null,
    p.ct,
    opts.temperature ?? 300,
    opts.slaterScale ?? 0.8,
    gauss,
    grid.length,
    grid[0],
    grid[grid.length - 1],
  ]);
  const hit = spectrumCache.get(key);
  if (hit) return hit;
  const s = ionSpectrum({
    ion: p.ion,
    crystalField,
    ct: p.ct ? (hopping ? { hopping } : true) : false,
    gaussianFwhm: gauss,
    grid,
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.slaterScale !== undefined ? { slaterScale: opts.slaterScale } : {}),
  });
  if (spectrumCache.size >= CACHE_MAX) spectrumCache.delete(spectrumCache.keys().next().value as string);
  spectrumCache.set(key, s);
  return s;
}

/** L3-only / L2-only: weight the spectrum by the smooth L3/L2 partition used for the widths. */
function edgeWindow(s: IonSpectrum, edge: string, energy: Float64Array, y: Float64Array): Float64Array {
  if (edge === 'L23') return y;
  return y.map((v, i) => {
    const f = 1 / (1 + Math.exp(-(energy[i] - s.boundary) / 0.5));
    return v * (edge === 'L2' ? f : 1 - f);
  });
}

export function multipletEngine(): Engine {
  return {
    name: 'multiplet',
    version: MULTIPLET_VERSION,
    edges: ['L23', 'L2', 'L3'],
    async simulate(
      structure: Structure,
      request: SimulationRequest,
      ctx?: TaskContext,
    ): Promise<SimulationResult> {
      const el = request.element;
      if (!(MULTIPLET_ELEMENTS as readonly string[]).includes(el))
        throw new SpecfuseError(
          'invalid-argument',
          `multiplet engine covers ${MULTIPLET_ELEMENTS.join(', ')}; got ${el}`,
          {
            field: 'element',
          },
        );
      if (!['L23', 'L2', 'L3'].includes(request.edge))
        throw new SpecfuseError(
          'invalid-argument',
          `multiplet engine computes L23, L2, L3; got ${request.edge}`,
          {
            field: 'edge',
          },
        );
      const opts = (request.options ?? {}) as MultipletEngineOptions;
      const technique = request.technique ?? 'XAS';
      const gauss = request.gaussianFwhm ?? DEFAULT_GAUSS[technique];
      const grid = request.grid ?? defaultGrid(el);
      const chosen = chooseAbsorbers(structure, request);
      const ox = assignOxidationStates(structure);
      // symmetry-unique absorbers among the chosen ones
      const groups = groupByOrbit(structure, chosen);
      const nl = buildNeighborList(structure, Math.max(opts.bondCutoff ?? 2.6, 3.0));
      const sites: SiteSpectrum[] = [];
      const avg = new Float64Array(grid.length);
      const notes: string[] = [...ox.notes];
      let done = 0;
      for (const g of groups) {
        checkAborted(ctx);
        const rep = g[0];
        const p = siteParameters(structure, rep, ox.oxidation[rep], opts, nl);
        notes.push(...p.notes);
        const s = siteSpectrum(p, opts, gauss, grid);
        const y = edgeWindow(s, request.edge, s.energy, s.intensity);
        const weight = g.length / chosen.length;
        for (let i = 0; i < grid.length; i++) avg[i] += weight * y[i];
        const spectrum: Spectrum = {
          energy: grid.slice(),
          intensity: y,
          meta: {
            element: el,
            edge: request.edge,
            technique,
            label: `${el}${rep} ${p.ion} CN${p.cn}`,
            origin: {
              kind: 'simulated',
              engine: 'multiplet',
              engineVersion: MULTIPLET_VERSION,
              parameters: {
                ...s.parameters,
                site: rep,
                equivalentSites: g,
                valence: p.valence,
                distances: p.distances,
              },
            },
          },
        };
        for (const i of g)
          sites.push({
            site: i,
            weight: 1 / chosen.length,
            spectrum:
              i === rep
                ? spectrum
                : { ...spectrum, meta: { ...spectrum.meta, label: `${el}${i} (= site ${rep})` } },
          });
        done++;
        ctx?.report?.({ done, total: groups.length, message: `${el} site ${rep}` });
      }
      sites.sort((a, b) => a.site - b.site);
      const average: Spectrum = {
        energy: grid.slice(),
        intensity: avg,
        meta: {
          element: el,
          edge: request.edge,
          technique,
          label: `${el} ${request.edge} multiplet average of ${chosen.length} sites`,
          origin: {
            kind: 'simulated',
            engine: 'multiplet',
            engineVersion: MULTIPLET_VERSION,
            parameters: {
              technique,
              gaussianFwhm: gauss,
              options: { ...opts },
              sites: chosen,
              uniqueSites: groups.map((g) => g[0]),
              notes,
            },
          },
        },
      };
      return { average, sites };
    },
  };
}

/** Resample helper for callers comparing spectra on other grids. */
export { interpolate };
