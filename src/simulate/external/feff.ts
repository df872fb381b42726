import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecfuseError } from '../../core/errors.js';
import type { TaskContext } from '../../core/progress.js';
import { type FeffDialect, type FeffSettings, buildFeffInput } from '../../io/feff/build.js';
import { writeFeffInp } from '../../io/feff/feff-inp.js';
import {
  type FeffPath,
  parseFeffChi,
  parseFeffEels,
  parseFeffPath,
  parseFeffXmu,
} from '../../io/feff/outputs.js';
import type { Spectrum } from '../../spectrum/types.js';
import { clusterAround } from '../../structure/neighbors.js';
import { composition } from '../../structure/structure.js';
import type { Structure } from '../../structure/types.js';
import type { ExternalAdapter } from './adapter.js';
import { type InputFiles, type ToolInfo, probe, runProgram, which } from './tools.js';

/**
 * FEFF adapter. Runs FEFF 9/10 (`feff` on PATH: XANES by full multiple scattering, ELNES) or Debian's FEFF 8.5L
 * (`feff8l`, package feff85exafs: SCF potentials + path expansion, EXAFS only).
 *
 * Options (request.options; every one recorded in provenance):
 * - `program`: 'feff' | 'feff8l' (default: whichever is found, FEFF 9/10 first).
 * - `mode`: 'exafs' | 'xanes' | 'elnes' (default 'xanes' with FEFF 9/10 — 'elnes' when the request's technique
 *   is EELS — and 'exafs' with feff8l).
 * - `radius`: ATOMS cluster radius, Å (default 8.0, the Atoms/Demeter default of the shared NiO feff8l input).
 * - `s02`, `scf` ({radius, lscf, nscf, ca}), `rpath`, `exafs` (k_max), `xanes` ({kmax,…}), `fms` ({radius}),
 *   `corehole`, `polarization`, `print`, `lScmt`, `lFms`, `elnes` ({beamEnergyKeV, collectionMrad, convergenceMrad,
 *   …}): FEFF cards (see io/feff/build.ts).
 * Defaults per mode — exafs: RPATH 6.0, EXAFS 20, non-SCF; xanes: XANES 6.0 0.07 0, FMS 6.0, COREHOLE FSR
 * (the settings of the shared FEFF10 golden references, which validate the built-in K-edge engine).
 */
export const FEFF_DEFAULT_RADIUS = 8.0;

type Mode = 'exafs' | 'xanes' | 'elnes';

function programs(): { feff?: string; feff8l?: string } {
  const feff = which('feff');
  const feff8l = which('feff8l');
  return { ...(feff ? { feff } : {}), ...(feff8l ? { feff8l } : {}) };
}

export function detectFeff(): ToolInfo {
  const p = programs();
  if (!p.feff && !p.feff8l)
    return {
      name: 'feff',
      installed: false,
      programs: { feff: null, feff8l: null },
      note: "neither 'feff' (FEFF 9/10) nor 'feff8l' (apt-get install feff85exafs) is on PATH",
    };
  let version: string;
  if (p.feff) version = 'FEFF 9/10 (exact version in output headers)';
  else {
    const v = probe('dpkg-query', ['-W', '-f', `\${Version}`, 'feff85exafs'], '/', 5000)?.trim();
    version = `Feff 8.5L${v && !/no packages/i.test(v) ? ` (feff85exafs ${v})` : ''}`;
  }
  return {
    name: 'feff',
    installed: true,
    version,
    path: (p.feff ?? p.feff8l) as string,
    programs: { feff: p.feff ?? null, feff8l: p.feff8l ?? null },
    ...(p.feff ? {} : { note: 'feff8l: path expansion / EXAFS only (no XANES by FMS, no ELNES)' }),
  };
}

function str<T extends string>(v: unknown, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw new SpecfuseError('invalid-argument', `${field} must be one of ${allowed.join(', ')}`, { field });
  return v as T;
}

function chooseProgram(options: Readonly<Record<string, unknown>>): {
  program: 'feff' | 'feff8l';
  dialect: FeffDialect;
} {
  const asked = str(options.program, ['feff', 'feff8l'] as const, 'program');
  const p = programs();
  const program = asked ?? (p.feff ? 'feff' : p.feff8l ? 'feff8l' : 'feff');
  return { program, dialect: program === 'feff8l' ? 'feff8' : 'feff9' };
}

/** feff.inp for absorber `site` of `structure`. */
export function writeFeffFiles(
  structure: Structure,
  site: number,
  edge: string,
  options: Readonly<Record<string, unknown>>,
): InputFiles {
  if (edge === 'L23' || edge === 'M45' || edge === 'M23')
    throw new SpecfuseError(
      'unsupported',
      `FEFF computes one edge per run: ask for ${edge.slice(0, 1)}${edge.slice(-1)} and ${edge.slice(0, 1)}${edge.slice(1, 2)} separately`,
      {
        field: 'edge',
      },
    );
  const { dialect } = chooseProgram(options);
  const mode =
    str(options.mode, ['exafs', 'xanes', 'elnes'] as const, 'mode') ??
    (options.technique === 'EELS' && dialect === 'feff9' ? 'elnes' : dialect === 'feff8' ? 'exafs' : 'xanes');
  const radius = options.radius === undefined ? FEFF_DEFAULT_RADIUS : Number(options.radius);
  if (!(radius > 0))
    throw new SpecfuseError('invalid-argument', `radius must be > 0 Å, got ${options.radius}`, {
      field: 'radius',
    });
  const cluster = clusterAround(structure, site, radius).map((a) => ({
    element: a.element,
    position: a.position,
    distance: a.distance,
    label: structure.sites[a.site]?.label ?? a.element,
  }));
  const o = options as Partial<FeffSettings> & Record<string, unknown>;
  const modeDefaults: Partial<FeffSettings> =
    mode === 'exafs'
      ? { rpath: 6.0, exafs: 20 }
      : { xanes: { kmax: 6.0, kstep: 0.07, estep: 0 }, fms: { radius: 6.0 }, corehole: 'FSR', rpath: 0.1 };
  const settings: FeffSettings = {
    ...modeDefaults,
    edge,
    composition: composition(structure),
    ...(o.s02 !== undefined ? { s02: Number(o.s02) } : {}),
    ...(o.scf !== undefined ? { scf: o.scf } : {}),
    ...(o.rpath !== undefined ? { rpath: Number(o.rpath) } : {}),
    ...(o.exafs !== undefined ? { exafs: Number(o.exafs) } : {}),
    ...(o.xanes !== undefined ? { xanes: o.xanes } : {}),
    ...(o.fms !== undefined ? { fms: o.fms } : {}),
    ...(o.corehole !== undefined ? { corehole: o.corehole } : {}),
    ...(o.polarization !== undefined ? { polarization: o.polarization } : {}),
    ...(o.print !== undefined ? { print: o.print } : {}),
    ...(o.control !== undefined ? { control: o.control } : {}),
    ...(o.exchange !== undefined ? { exchange: o.exchange } : {}),
    ...(o.lScmt !== undefined ? { lScmt: o.lScmt } : {}),
    ...(o.lFms !== undefined ? { lFms: o.lFms } : {}),
    ...(o.titles !== undefined ? { titles: o.titles } : {}),
    ...(mode === 'elnes'
      ? {
          elnes:
            (o.elnes as FeffSettings['elnes']) ??
            (() => {
              throw new SpecfuseError(
                'invalid-argument',
                'mode elnes needs options.elnes {beamEnergyKeV, collectionMrad, convergenceMrad}',
                {
                  field: 'elnes',
                },
              );
            })(),
        }
      : {}),
  };
  const { input } = buildFeffInput(cluster, settings, dialect);
  return { 'feff.inp': writeFeffInp(input) };
}

export async function runFeff(dir: string, ctx?: TaskContext): Promise<import('./tools.js').RunResult[]> {
  const p = programs();
  const text = readFileSync(join(dir, 'feff.inp'), 'utf8');
  // An ELNES or COREHOLE card needs FEFF 9/10; otherwise prefer feff if present.
  const needs9 = /^\s*(ELNES|COREHOLE)\b/im.test(text);
  const cmd = p.feff ?? (needs9 ? undefined : p.feff8l);
  if (!cmd)
    throw new SpecfuseError(
      'engine',
      needs9
        ? 'this feff.inp needs FEFF 9/10 (`feff`), which is not on PATH'
        : 'FEFF is not installed (feff or feff8l)',
      { file: join(dir, 'feff.inp') },
    );
  const r = await runProgram(cmd, [], dir, 'feff.log', ctx);
  return [r];
}

/** The spectrum FEFF wrote: eels.dat (ELNES), else xmu.dat, else chi.dat. */
export function parseFeffDir(dir: string): Spectrum {
  for (const [name, parse] of [
    ['eels.dat', (t: string, f: string) => parseFeffEels(t, f).spectrum],
    ['xmu.dat', (t: string, f: string) => parseFeffXmu(t, f).spectrum],
    ['chi.dat', (t: string, f: string) => parseFeffChi(t, f).spectrum],
  ] as const) {
    const f = join(dir, name);
    if (existsSync(f)) return parse(readFileSync(f, 'utf8'), f);
  }
  throw new SpecfuseError('engine', 'FEFF wrote none of eels.dat, xmu.dat, chi.dat', { file: dir });
}

/** Every feffNNNN.dat path file in a run directory, in path order. */
export function parseFeffPathFiles(dir: string): FeffPath[] {
  return readdirSync(dir)
    .filter((f) => /^feff\d{4}\.dat$/.test(f))
    .sort()
    .map((f) => parseFeffPath(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
}

export const feffAdapter: ExternalAdapter = {
  name: 'feff',
  edges: ['K', 'L1', 'L2', 'L3'],
  detect: detectFeff,
  write: writeFeffFiles,
  run: runFeff,
  parse: parseFeffDir,
};

export type { Mode as FeffMode };
