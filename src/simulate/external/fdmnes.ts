import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import type { TaskContext } from '../../core/progress.js';
import { buildFdmnesDeck, type FdmnesSettings, fdmnesSeedSettings } from '../../io/fdmnes/build.js';
import { fdmnesBlock, parseFdmnesDeck, writeFdmnesDeck } from '../../io/fdmnes/deck.js';
import { parseFdmnesConv, parseFdmnesRaw } from '../../io/fdmnes/outputs.js';
import type { Spectrum } from '../../spectrum/types.js';
import type { Structure } from '../../structure/types.js';
import type { ExternalAdapter } from './adapter.js';
import { type InputFiles, type RunResult, type ToolInfo, runProgram, which } from './tools.js';

/**
 * FDMNES adapter (Y. Joly, PRB 63, 125120 (2001); Bunău & Joly, J. Phys.: Condens. Matter 21, 345501 (2009)).
 * FDMNES is not packaged by Debian: install it from its authors and put the executable on PATH as `fdmnes`
 * (or `fdmnes_linux64`); specfuse never downloads it. FDMNES reads `fdmfile.txt` (number of jobs, then deck names).
 *
 * Defaults are the seed paper's decks (see io/fdmnes/build.ts); one absorber per run (`Absorber i`). Options:
 * `radius` (Å), `range` (number[]), `scf` ('scf' | 'excited' | 'none'), `quadrupole`, `relativism`, `functional`,
 * `convolution`, `energpho` (booleans/strings as in FdmnesSettings).
 */
const NAMES = ['fdmnes', 'fdmnes_linux64', 'fdmnes_linux'];

export function detectFdmnes(): ToolInfo {
  for (const n of NAMES) {
    const p = which(n);
    if (p)
      return {
        name: 'fdmnes',
        installed: true,
        version: 'unknown (FDMNES prints it in its output)',
        path: p,
        programs: { [n]: p },
      };
  }
  return {
    name: 'fdmnes',
    installed: false,
    programs: { fdmnes: null },
    note: 'FDMNES is not in Debian: get it from fdmnes.neel.cnrs.fr and put `fdmnes` on PATH (inputs can still be written with --write-only)',
  };
}

export function fdmnesSettingsFor(
  structure: Structure,
  site: number,
  edge: string,
  options: Readonly<Record<string, unknown>>,
): FdmnesSettings {
  const el = structure.sites[site]?.element;
  if (!el) throw new SpecfuseError('invalid-argument', `no site ${site}`, { field: 'site' });
  const seed = fdmnesSeedSettings(el, edge);
  const o = options as Partial<Record<keyof FdmnesSettings, unknown>>;
  const pick = <K extends keyof FdmnesSettings>(k: K): Partial<Pick<FdmnesSettings, K>> =>
    o[k] !== undefined ? ({ [k]: o[k] } as Pick<FdmnesSettings, K>) : {};
  return {
    ...seed,
    filout: `site${site + 1}_${element(el).symbol}`,
    absorber: { indices: [site + 1] },
    ...pick('range'),
    ...pick('scf'),
    ...pick('quadrupole'),
    ...pick('relativism'),
    ...pick('functional'),
    ...pick('convolution'),
    ...pick('energpho'),
    ...pick('memorySave'),
    ...(o.radius !== undefined ? { radius: Number(o.radius) } : {}),
  };
}

export function writeFdmnesFiles(
  structure: Structure,
  site: number,
  edge: string,
  options: Readonly<Record<string, unknown>>,
): InputFiles {
  const deck = buildFdmnesDeck(structure, fdmnesSettingsFor(structure, site, edge, options));
  return { 'fdmnes_in.txt': writeFdmnesDeck(deck), 'fdmfile.txt': '1\nfdmnes_in.txt\n' };
}

export async function runFdmnes(dir: string, ctx?: TaskContext): Promise<RunResult[]> {
  const d = detectFdmnes();
  if (!d.installed || !d.path)
    throw new SpecfuseError('engine', `FDMNES is not installed: ${d.note}`, { field: 'engine' });
  return [await runProgram(d.path, [], dir, 'fdmnes.log', ctx)];
}

/** `<Filout>_conv.txt` if the deck asked for Convolution, else `<Filout>.txt`. */
export function parseFdmnesDir(dir: string): Spectrum {
  const deckFile = join(dir, 'fdmnes_in.txt');
  const deck = parseFdmnesDeck(readFileSync(deckFile, 'utf8'), deckFile);
  const filout = fdmnesBlock(deck, 'filout')?.values[0]?.[0];
  if (!filout) throw new SpecfuseError('parse', 'deck has no Filout', { file: deckFile, field: 'Filout' });
  const conv = join(dir, `${filout}_conv.txt`);
  if (existsSync(conv)) return parseFdmnesConv(readFileSync(conv, 'utf8'), conv).spectrum;
  const raw = join(dir, `${filout}.txt`);
  if (existsSync(raw)) return parseFdmnesRaw(readFileSync(raw, 'utf8'), raw).spectrum;
  throw new SpecfuseError('engine', `FDMNES wrote neither ${filout}_conv.txt nor ${filout}.txt`, {
    file: dir,
  });
}

export const fdmnesAdapter: ExternalAdapter = {
  name: 'fdmnes',
  edges: ['K', 'L1', 'L2', 'L3', 'L23', 'M23', 'M45'],
  detect: detectFdmnes,
  write: writeFdmnesFiles,
  run: runFdmnes,
  parse: parseFdmnesDir,
};
