import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecfuseError } from '../../core/errors.js';
import { type TaskContext, checkAborted } from '../../core/progress.js';
import { VERSION } from '../../core/version.js';
import { gaussianBroaden } from '../../preprocess/broaden.js';
import { resample } from '../../preprocess/resample.js';
import type { Spectrum } from '../../spectrum/types.js';
import { indicesOf } from '../../structure/structure.js';
import type { Structure } from '../../structure/types.js';
import type { Engine, SimulationRequest, SimulationResult, SiteSpectrum } from '../engine.js';
import { type InputFiles, type RunResult, type ToolInfo, writeInputFiles } from './tools.js';

/**
 * The contract every external program adapter meets (FEFF, FDMNES, XSpectra): find the program, write its inputs
 * for one absorbing site, run it in a directory, read its output back as a Spectrum with provenance.
 */
export interface ExternalAdapter {
  readonly name: string;
  readonly edges: readonly string[];
  /** Is the program installed, which version, where. Never throws. */
  detect(): ToolInfo;
  /** Input files for absorber `site` (index in `structure`) and `edge`; `options` are engine-specific. */
  write(
    structure: Structure,
    site: number,
    edge: string,
    options: Readonly<Record<string, unknown>>,
  ): InputFiles;
  /** Run the program(s) in `dir` (inputs already written there). */
  run(dir: string, ctx?: TaskContext): Promise<RunResult[]>;
  /** Read the spectrum written in `dir`. */
  parse(dir: string): Spectrum;
}

/** An engine that can also just write its inputs (`specfuse simulate --write-only DIR`). */
export interface InputWritingEngine extends Engine {
  writeInputs(structure: Structure, request: SimulationRequest, dir: string): string[];
  detect(): ToolInfo;
}

export function isInputWritingEngine(e: Engine): e is InputWritingEngine {
  return typeof (e as Partial<InputWritingEngine>).writeInputs === 'function';
}

/** Mulberry32 (T. Ettinger, public domain): a small seeded PRNG for reproducible site samples. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The absorbing sites a request selects: all of the element, a seeded sample of N, or explicit indices. */
export function selectSites(structure: Structure, request: SimulationRequest): number[] {
  const all = indicesOf(structure, request.element);
  if (all.length === 0)
    throw new SpecfuseError('invalid-argument', `no ${request.element} atoms in the structure`, {
      field: 'element',
    });
  const sel = request.sites ?? 'all';
  if (sel === 'all') return all;
  if (typeof sel === 'number') {
    if (!Number.isInteger(sel) || sel < 1)
      throw new SpecfuseError('invalid-argument', `sites must be ≥ 1, got ${sel}`, { field: 'sites' });
    const rnd = mulberry32(request.seed ?? 0);
    const pool = [...all];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
    }
    return pool.slice(0, Math.min(sel, pool.length)).sort((a, b) => a - b);
  }
  for (const i of sel)
    if (!all.includes(i))
      throw new SpecfuseError('invalid-argument', `site ${i} is not a ${request.element} site`, {
        field: 'sites',
      });
  return [...sel];
}

/**
 * Engine options as adapters want them. Flat `key=value` options from the CLI are expanded: dotted keys nest
 * (`pseudos.Ni=Ni.UPF` → { pseudos: { Ni: 'Ni.UPF' } }) and comma-separated numbers become arrays
 * (`supercell=2,2,2` → [2, 2, 2]).
 */
export function adapterOptions(request: SimulationRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(request.options ?? {})) {
    const value =
      typeof raw === 'string' && /^\s*-?[\d.eE+-]+(\s*,\s*-?[\d.eE+-]+)+\s*$/.test(raw)
        ? raw.split(',').map((t) => Number(t))
        : raw;
    const path = key.split('.');
    let node = out;
    for (const k of path.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  if (request.radius !== undefined) out.radius = request.radius;
  if (request.technique !== undefined && out.technique === undefined) out.technique = request.technique;
  return out;
}

/** Weighted average on a common grid: the request grid, else the overlap of the site grids on the first's points. */
export function averageSpectra(
  spectra: readonly Spectrum[],
  weights: readonly number[],
  grid?: Float64Array,
): Float64Array[] {
  const first = spectra[0] as Spectrum;
  let g = grid;
  if (!g) {
    const lo = Math.max(...spectra.map((s) => s.energy[0] as number));
    const hi = Math.min(...spectra.map((s) => s.energy[s.energy.length - 1] as number));
    g = first.energy.filter((e) => e >= lo - 1e-9 && e <= hi + 1e-9);
    if (g.length < 2)
      throw new SpecfuseError('engine', 'site spectra have no common energy range to average', {
        field: 'grid',
      });
  }
  const avg = new Float64Array(g.length);
  spectra.forEach((s, k) => {
    const y = resample(s.energy, s.intensity, g, { fill: 'edge' });
    for (let i = 0; i < g.length; i++)
      avg[i] = (avg[i] as number) + (weights[k] as number) * (y[i] as number);
  });
  return [g, avg];
}

/** Wrap an adapter as an `Engine`, so campaigns can mix external and built-in engines. */
export function externalEngine(adapter: ExternalAdapter): InputWritingEngine {
  let info: ToolInfo | undefined;
  const detect = () => {
    info ??= adapter.detect();
    return info;
  };
  return {
    name: adapter.name,
    get version() {
      const d = detect();
      return d.installed ? (d.version ?? 'unknown') : 'not installed';
    },
    edges: adapter.edges,
    detect,
    writeInputs(structure, request, dir) {
      const sites = selectSites(structure, request);
      const written: string[] = [];
      for (const site of sites) {
        const files = adapter.write(structure, site, request.edge, adapterOptions(request));
        written.push(...writeInputFiles(sites.length === 1 ? dir : join(dir, `site-${site}`), files));
      }
      return written;
    },
    async simulate(structure, request, ctx): Promise<SimulationResult> {
      const d = detect();
      if (!d.installed)
        throw new SpecfuseError('engine', `${adapter.name} is not installed: ${d.note ?? ''}`.trim(), {
          field: 'engine',
        });
      const sites = selectSites(structure, request);
      const options = adapterOptions(request);
      const keep = options.keepRunDir === true;
      const out: SiteSpectrum[] = [];
      const runs: { site: number; wallSeconds: number; dir?: string }[] = [];
      for (const [n, site] of sites.entries()) {
        checkAborted(ctx);
        ctx?.report?.({ done: n, total: sites.length, message: `${adapter.name}: site ${site}` });
        const dir = mkdtempSync(join(tmpdir(), `specfuse-${adapter.name}-`));
        try {
          writeInputFiles(dir, adapter.write(structure, site, request.edge, options));
          const rr = await adapter.run(dir, ctx);
          const spectrum = adapter.parse(dir);
          out.push({ site, weight: 1 / sites.length, spectrum });
          runs.push({
            site,
            wallSeconds: rr.reduce((s, r) => s + r.wallSeconds, 0),
            ...(keep ? { dir } : {}),
          });
        } finally {
          if (!keep) rmSync(dir, { recursive: true, force: true });
        }
      }
      ctx?.report?.({ done: sites.length, total: sites.length });
      const [grid, avg] = averageSpectra(
        out.map((s) => s.spectrum),
        out.map((s) => s.weight),
        request.grid,
      ) as [Float64Array, Float64Array];
      const intensity = request.gaussianFwhm ? gaussianBroaden(grid, avg, request.gaussianFwhm) : avg;
      const firstMeta = (out[0] as SiteSpectrum).spectrum.meta;
      const average: Spectrum = {
        energy: grid,
        intensity,
        meta: {
          ...firstMeta,
          element: request.element,
          edge: request.edge,
          technique: request.technique ?? firstMeta.technique ?? 'XAS',
          origin: {
            kind: 'simulated',
            engine: adapter.name,
            engineVersion: d.version ?? 'unknown',
            parameters: {
              specfuse: VERSION,
              element: request.element,
              edge: request.edge,
              sites,
              radius: request.radius,
              gaussianFwhm: request.gaussianFwhm,
              options: request.options ?? {},
              program: d.path,
              runs,
            },
          },
        },
      };
      return { average, sites: out };
    },
  };
}
