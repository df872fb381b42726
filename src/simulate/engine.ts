import type { TaskContext } from '../core/progress.js';
import type { Spectrum, Technique } from '../spectrum/types.js';
import type { Structure } from '../structure/types.js';

/**
 * The one engine interface shared by built-in engines (fms, multiplet) and external adapters (feff, fdmnes, xspectra),
 * so that campaigns never know which is which.
 */
export interface SimulationRequest {
  /** Absorbing element symbol. */
  readonly element: string;
  /** 'K', 'L23', … */
  readonly edge: string;
  /** Which absorbers: all of the element (default), a seeded sample of N, or explicit site indices. */
  readonly sites?: 'all' | number | readonly number[];
  /** Cluster radius (Å) where the engine uses one. */
  readonly radius?: number;
  readonly technique?: Technique;
  /** Output energy grid (absolute eV); engines resample onto it when given. */
  readonly grid?: Float64Array;
  /** Extra instrumental Gaussian broadening (eV FWHM). */
  readonly gaussianFwhm?: number;
  readonly seed?: number;
  /** Engine-specific options, recorded verbatim in provenance. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface SiteSpectrum {
  /** Site index in the structure. */
  readonly site: number;
  /** Weight in the site average (orbit multiplicity / sample size); weights sum to 1. */
  readonly weight: number;
  readonly spectrum: Spectrum;
}

export interface SimulationResult {
  /** Weighted site average; provenance in `average.meta.origin`. */
  readonly average: Spectrum;
  readonly sites: readonly SiteSpectrum[];
}

export interface Engine {
  readonly name: string;
  readonly version: string;
  /** Edges this engine can compute, e.g. ['K'] or ['L23', 'L2', 'L3']. */
  readonly edges: readonly string[];
  simulate(structure: Structure, request: SimulationRequest, ctx?: TaskContext): Promise<SimulationResult>;
}
