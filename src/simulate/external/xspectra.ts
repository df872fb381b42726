import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edge as edgeRecord, element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import type { TaskContext } from '../../core/progress.js';
import { type NamelistValue, writePwScfInput, writeXspectraInput } from '../../io/xspectra/inputs.js';
import { coreWavefunctionFromUpf, parseXanesDat } from '../../io/xspectra/outputs.js';
import { averageSpectra } from './adapter.js';
import type { Spectrum } from '../../spectrum/types.js';
import { perpendicularWidths } from '../../structure/lattice.js';
import { supercell } from '../../structure/structure.js';
import type { Structure, Vec3 } from '../../structure/types.js';
import type { ExternalAdapter } from './adapter.js';
import { type InputFiles, type RunResult, type ToolInfo, probe, runProgram, which } from './tools.js';

/**
 * Quantum ESPRESSO XSpectra adapter for K edges (Taillefumier et al., PRB 66, 195107 (2002); Gougoussis et al.,
 * PRB 80, 075102 (2009)): a pw.x SCF run on a supercell whose absorber carries a 1s core-hole pseudopotential, then
 * xspectra.x (Lanczos continued fraction for the dipole 1s → p cross-section).
 *
 * Pseudopotentials are supplied by the user and never downloaded (options `pseudoDir`, `pseudos` {El: file},
 * `coreHolePseudo`). They must carry GIPAW reconstruction data (PP_GIPAW_CORE_ORBITALS); the 1s core wavefunction
 * file XSpectra reads is extracted from the absorber's ground-state pseudopotential. How to make them with `ld1.x`:
 * see ./README.md in this folder.
 *
 * Options and defaults (all recorded in provenance):
 * - `supercell` [na, nb, nc]: default the smallest multiples with every perpendicular width ≥ `minSeparation`
 *   (default 8 Å) so core-hole images are ≥ 8 Å apart (Gougoussis 2009 converge K edges at 8–10 Å separations).
 * - `ecutwfc` (Ry, default 40: the QE XSpectra example cut-off for TM-2pj carbon), `ecutrho`.
 * - `kpoints` [n1,n2,n3]: default ⌈15 Å / L_i⌉ (a k-spacing of ~0.4 Å⁻¹, adequate for insulators).
 * - `totCharge` (default +1: core electron removed, as in the QE diamond core-hole example; 0 = XCH).
 * - `polarizations`: list of ε vectors (crystal axes); default [[1,0,0],[0,1,0],[0,0,1]] averaged (isotropic K edge).
 * - `xemin` −10, `xemax` 30, `xnepoint` 400, `xgamma` 0.8 eV (QE example plot settings), `rPaw` 1.5 bohr.
 * - `system`, `electrons`: extra pw.x namelist entries (nspin, starting_magnetization(i), Hubbard_U(i), …).
 * The spectrum's energy axis is E − E_F + the tabulated K-edge energy (Elam 2002): a rigid placement only.
 */
export function detectXspectra(): ToolInfo {
  const pw = which('pw.x');
  const xs = which('xspectra.x');
  if (!pw || !xs)
    return {
      name: 'xspectra',
      installed: false,
      programs: { 'pw.x': pw ?? null, 'xspectra.x': xs ?? null },
      note: 'Quantum ESPRESSO pw.x and xspectra.x not on PATH (apt-get install quantum-espresso)',
    };
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-qe-probe-'));
  let version = 'unknown';
  try {
    const out = probe(pw, [], dir, 20_000) ?? '';
    const m = /Program PWSCF v\.(\S+)/.exec(out);
    if (m) version = `Quantum ESPRESSO ${m[1]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'xspectra', installed: true, version, path: xs, programs: { 'pw.x': pw, 'xspectra.x': xs } };
}

function numberArray(v: unknown, n: number, field: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
    throw new SpecfuseError('invalid-argument', `${field} must be ${n} numbers`, { field });
  return v as number[];
}

/** Smallest supercell multiples with every perpendicular width ≥ d (Å). */
export function supercellForSeparation(structure: Structure, d: number): [number, number, number] {
  const w = perpendicularWidths(structure.lattice);
  return [0, 1, 2].map((i) => Math.max(1, Math.ceil(d / (w[i] as number) - 1e-9))) as [
    number,
    number,
    number,
  ];
}

export function writeXspectraFiles(
  structure: Structure,
  site: number,
  edge: string,
  options: Readonly<Record<string, unknown>>,
): InputFiles {
  if (edge !== 'K')
    throw new SpecfuseError(
      'unsupported',
      `the XSpectra adapter computes K edges (1s core hole), not ${edge}`,
      {
        field: 'edge',
      },
    );
  const pseudoDir = options.pseudoDir;
  const pseudos = options.pseudos as Record<string, string> | undefined;
  const coreHolePseudo = options.coreHolePseudo;
  if (
    typeof pseudoDir !== 'string' ||
    typeof coreHolePseudo !== 'string' ||
    !pseudos ||
    typeof pseudos !== 'object'
  )
    throw new SpecfuseError(
      'invalid-argument',
      'XSpectra needs user-supplied pseudopotentials: options pseudoDir, pseudos {El: file}, coreHolePseudo (see src/simulate/external/README.md)',
      { field: 'pseudos' },
    );
  const absEl = structure.sites[site]?.element;
  if (!absEl) throw new SpecfuseError('invalid-argument', `no site ${site}`, { field: 'site' });
  const sc =
    (numberArray(options.supercell, 3, 'supercell') as [number, number, number] | undefined) ??
    supercellForSeparation(
      structure,
      options.minSeparation === undefined ? 8 : Number(options.minSeparation),
    );
  const big = supercell(structure, sc);
  // supercell() orders images by original site, so image (0,0,0) of `site` is at site·(na·nb·nc).
  const absorber = site * sc[0] * sc[1] * sc[2];
  const elements = [...new Set(big.sites.map((s) => s.element))];
  for (const el of elements)
    if (!pseudos[el])
      throw new SpecfuseError('invalid-argument', `no pseudopotential given for ${el}`, { field: 'pseudos' });
  const hole = `${absEl}h`;
  const species = [
    { label: hole, mass: element(absEl).mass, pseudo: coreHolePseudo },
    ...elements.map((el) => ({ label: el, mass: element(el).mass, pseudo: pseudos[el] as string })),
  ];
  const widths = perpendicularWidths(big.lattice);
  const kpoints =
    (numberArray(options.kpoints, 3, 'kpoints') as [number, number, number] | undefined) ??
    ([0, 1, 2].map((i) => Math.max(1, Math.ceil(15 / (widths[i] as number)))) as [number, number, number]);
  const prefix = 'specfuse';
  const scf = writePwScfInput({
    prefix,
    outdir: './tmp',
    pseudoDir,
    cell: big.lattice,
    species,
    atoms: big.sites.map((s, i) => ({ label: i === absorber ? hole : s.element, frac: s.frac })),
    ecutwfc: options.ecutwfc === undefined ? 40 : Number(options.ecutwfc),
    ...(options.ecutrho !== undefined ? { ecutrho: Number(options.ecutrho) } : {}),
    kpoints,
    totCharge: options.totCharge === undefined ? 1 : Number(options.totCharge),
    ...(options.system ? { system: options.system as Record<string, NamelistValue> } : {}),
    ...(options.electrons ? { electrons: options.electrons as Record<string, NamelistValue> } : {}),
  });
  const upfPath = join(pseudoDir, pseudos[absEl] as string);
  if (!existsSync(upfPath))
    throw new SpecfuseError('not-found', `pseudopotential ${upfPath} not found`, { file: upfPath });
  const core = coreWavefunctionFromUpf(readFileSync(upfPath, 'utf8'), upfPath);
  const pols = (options.polarizations as Vec3[] | undefined) ?? [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const files: Record<string, string> = { 'scf.in': scf, 'core.wfc': core };
  pols.forEach((eps, i) => {
    files[`xspectra_${i + 1}.in`] = writeXspectraInput({
      prefix,
      outdir: './tmp',
      calculation: 'xanes_dipole',
      xepsilon: eps,
      xiabs: 1,
      filecore: 'core.wfc',
      rPaw: options.rPaw === undefined ? 1.5 : Number(options.rPaw),
      xemin: options.xemin === undefined ? -10 : Number(options.xemin),
      xemax: options.xemax === undefined ? 30 : Number(options.xemax),
      xnepoint: options.xnepoint === undefined ? 400 : Number(options.xnepoint),
      xgamma: options.xgamma === undefined ? 0.8 : Number(options.xgamma),
      kpoints,
      saveFile: `xanes_${i + 1}.sav`,
      xanesFile: `xanes_${i + 1}.dat`,
    });
  });
  files['specfuse-xspectra.json'] =
    `${JSON.stringify({ element: absEl, site, supercell: sc, absorber, kpoints, polarizations: pols }, null, 2)}\n`;
  return files;
}

export async function runXspectra(dir: string, ctx?: TaskContext): Promise<RunResult[]> {
  const d = detectXspectra();
  if (!d.installed)
    throw new SpecfuseError('engine', `XSpectra is not installed: ${d.note}`, { field: 'engine' });
  const pw = d.programs['pw.x'] as string;
  const xs = d.programs['xspectra.x'] as string;
  const runs = [await runProgram(pw, [], dir, 'scf.out', ctx, 'scf.in')];
  for (let i = 1; existsSync(join(dir, `xspectra_${i}.in`)); i++)
    runs.push(await runProgram(xs, [], dir, `xspectra_${i}.out`, ctx, `xspectra_${i}.in`));
  return runs;
}

/** Average of the xanes_i.dat polarisations, placed at the tabulated K-edge energy. */
export function parseXspectraDir(dir: string): Spectrum {
  const meta = JSON.parse(readFileSync(join(dir, 'specfuse-xspectra.json'), 'utf8')) as { element: string };
  const parts: Spectrum[] = [];
  for (let i = 1; existsSync(join(dir, `xanes_${i}.dat`)); i++) {
    const f = join(dir, `xanes_${i}.dat`);
    parts.push(parseXanesDat(readFileSync(f, 'utf8'), f).spectrum);
  }
  if (parts.length === 0) throw new SpecfuseError('engine', 'XSpectra wrote no xanes_N.dat', { file: dir });
  const [grid, avg] = averageSpectra(
    parts,
    parts.map(() => 1 / parts.length),
  ) as [Float64Array, Float64Array];
  const e0 = edgeRecord(meta.element, 'K').energy;
  const first = parts[0] as Spectrum;
  return {
    energy: Float64Array.from(grid, (e) => e + e0),
    intensity: avg,
    meta: {
      ...first.meta,
      element: meta.element,
      edge: 'K',
      extra: {
        ...(first.meta.extra ?? {}),
        energyAxis: `E − E_F + ${e0} eV (tabulated K edge)`,
        polarizations: parts.length,
      },
    },
  };
}

export const xspectraAdapter: ExternalAdapter = {
  name: 'xspectra',
  edges: ['K'],
  detect: detectXspectra,
  write: writeXspectraFiles,
  run: runXspectra,
  parse: parseXspectraDir,
};
