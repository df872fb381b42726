import type { Spectrum } from '../spectrum/types.js';
import type { SimulationRequest } from '../simulate/engine.js';
import { getEngine } from '../simulate/registry.js';
import type { Structure } from '../structure/types.js';
import { makeRng } from '../math/random.js';
import type { GridSpec, ModeSpec } from './config.js';
import type { JobResult } from './db.js';
import type { JobSpec, StructureSpec } from './plan.js';

/**
 * One campaign job, runnable anywhere (worker thread, Slurm task): rebuild the structure from its spec, pick the
 * absorbers, call the mode's engine, and bring every spectrum onto the mode's fixed grid.
 */

export function gridEnergies(grid: GridSpec): Float64Array {
  const e = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) e[i] = grid.start + i * grid.step;
  return e;
}

/**
 * Linear interpolation of (x, y) onto `grid`; zero outside [x₀, x_last] (no signal was computed there).
 * Returns `y` itself (copied) when x already is the grid to 1e-9 eV.
 */
export function onGrid(x: Float64Array, y: Float64Array, grid: Float64Array): Float64Array {
  if (x.length === grid.length && x.every((v, i) => Math.abs(v - grid[i]!) < 1e-9))
    return Float64Array.from(y);
  const out = new Float64Array(grid.length);
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const e = grid[i]!;
    if (x.length === 0 || e < x[0]! || e > x[x.length - 1]!) continue;
    while (j < x.length - 2 && x[j + 1]! < e) j++;
    const x0 = x[j]!;
    const x1 = x[j + 1] ?? x0;
    const t = x1 > x0 ? (e - x0) / (x1 - x0) : 0;
    out[i] = y[j]! + t * ((y[j + 1] ?? y[j]!) - y[j]!);
  }
  return out;
}

/**
 * Absorber sites of a mode on a structure: all sites of the element (the engine may then use symmetry orbits), or a
 * seeded sample of N of them (sorted), drawn with the job's seed so that it is the same wherever the job runs.
 */
export function pickAbsorbers(structure: Structure, mode: ModeSpec, seed: number): 'all' | number[] {
  if (mode.absorbers === 'all') return 'all';
  const idx: number[] = [];
  structure.sites.forEach((s, i) => {
    if (s.element === mode.element) idx.push(i);
  });
  if (mode.absorbers >= idx.length) return 'all';
  return makeRng(seed)
    .shuffle(idx)
    .slice(0, mode.absorbers)
    .sort((a, b) => a - b);
}

/** A JSON-safe deep copy (typed arrays become arrays, undefined fields vanish) for provenance records. */
export function plainJson(value: unknown): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(value ?? {}, (_k, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v,
    ),
  ) as Record<string, unknown>;
}

export type StructureBuilder = (spec: StructureSpec) => Structure;

/** Run one job; failures come back as data (`ok: false` with the message), never thrown. */
export async function runJob(job: JobSpec, build: StructureBuilder): Promise<JobResult> {
  const t0 = performance.now();
  try {
    const structure = build(job.structure);
    const mode = job.mode;
    const engine = getEngine(mode.engine);
    const grid = gridEnergies(mode.grid);
    if (!structure.sites.some((s) => s.element === mode.element)) {
      // no absorber of this element (e.g. a Co edge of LiNiO2): no signal, a zero spectrum, and no sites
      return {
        jobId: job.id,
        ok: true,
        average: new Float64Array(grid.length),
        sites: [],
        engine: engine.name,
        engineVersion: engine.version,
        parameters: { note: `no ${mode.element} in the structure: zero spectrum` },
        elapsedMs: performance.now() - t0,
      };
    }
    const request: SimulationRequest = {
      element: mode.element,
      edge: mode.edge,
      sites: pickAbsorbers(structure, mode, job.seed),
      grid,
      gaussianFwhm: mode.gaussianFwhm,
      seed: job.seed,
      options: mode.options,
      ...(mode.radius !== undefined ? { radius: mode.radius } : {}),
      ...(mode.technique !== undefined ? { technique: mode.technique } : {}),
    };
    const result = await engine.simulate(structure, request);
    const fit = (s: Spectrum) => onGrid(s.energy, s.intensity, grid);
    const origin = result.average.meta.origin;
    return {
      jobId: job.id,
      ok: true,
      average: fit(result.average),
      sites: result.sites.map((s) => ({ site: s.site, weight: s.weight, intensity: fit(s.spectrum) })),
      engine: engine.name,
      engineVersion: origin.kind === 'simulated' ? origin.engineVersion : engine.version,
      parameters: plainJson(
        origin.kind === 'simulated' ? origin.parameters : { ...request, grid: undefined },
      ),
      elapsedMs: performance.now() - t0,
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { jobId: job.id, ok: false, error: msg, elapsedMs: performance.now() - t0 };
  }
}
