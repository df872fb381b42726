import { SpecfuseError, type Warning } from '../../core/errors.js';
import type { Spectrum } from '../../spectrum/types.js';
import { readTable, splitLines } from '../feff/table.js';
import { assertIncreasing } from '../feff/table.js';

/**
 * XSpectra's spectrum file (`xanes.dat`, or the name given by `x_save_file`'s companion): `#` header lines
 * (`Final state angular momentum`, `Broadening parameter (in eV)`, `Absorbing atom type (xiabs)`), a label line
 * `# Energy (eV)  sigma` (spin-polarised: `sigma_tot sigma_up sigma_down`), then rows. Energies are relative to the
 * Fermi level (or to ef_r); sigma is the cross-section in XSpectra's units (QE 6.x INPUT_XSPECTRA).
 */
export interface XanesDat {
  /** 1 for dipole (1s → p), 2 for quadrupole (1s → d). */
  readonly finalStateL?: number;
  /** Lorentzian broadening (eV). */
  readonly broadeningEv?: number;
  readonly xiabs?: number;
  readonly labels: readonly string[];
  /** eV relative to E_F. */
  readonly energy: Float64Array;
  /** Total cross-section (sigma or sigma_tot). */
  readonly sigma: Float64Array;
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly spectrum: Spectrum;
  readonly warnings: Warning[];
}

export function parseXanesDat(text: string, file = 'xanes.dat'): XanesDat {
  const lines = splitLines(text);
  const labelAt = lines.findIndex((l) => /^\s*#\s*Energy/i.test(l));
  if (labelAt < 0) throw new SpecfuseError('parse', "no '# Energy (eV) sigma …' label line", { file });
  const t = readTable(text, file, { minColumns: 2, headerEnd: /^\s*#\s*Energy/i });
  const labels = (lines[labelAt] as string)
    .replace(/^\s*#\s*/, '')
    .replace(/Energy\s*\(eV\)/i, 'Energy')
    .trim()
    .split(/\s+/);
  const head = lines.slice(0, labelAt).join('\n');
  const numAfter = (re: RegExp) => {
    const m = re.exec(head);
    return m ? Number(m[1]) : undefined;
  };
  const finalStateL = numAfter(/final state angular momentum:\s*(\d+)/i);
  const broadeningEv = numAfter(/Broadening parameter \(in eV\):\s*([-+0-9.Ee]+)/i);
  const xiabs = numAfter(/\(xiabs\):\s*(\d+)/i);
  const energy = t.columns[0] as Float64Array;
  assertIncreasing(energy, file, t.rowLines, 'Energy');
  const columns: Record<string, Float64Array> = {};
  t.columns.forEach((c, j) => {
    if (j > 0) columns[labels[j] ?? `col${j + 1}`] = c;
  });
  const sigma = t.columns[1] as Float64Array;
  const spectrum: Spectrum = {
    energy,
    intensity: sigma,
    meta: {
      edge: finalStateL === 2 ? 'K (quadrupole)' : 'K',
      technique: 'XAS',
      origin: {
        kind: 'simulated',
        engine: 'xspectra',
        engineVersion: 'unknown',
        parameters: { file, finalStateL, broadeningEv, xiabs },
      },
      ...(broadeningEv !== undefined ? { resolutionEv: 2 * broadeningEv } : {}),
      intensityUnit: 'XSpectra sigma',
      extra: { file, labels, energyAxis: 'E − E_F (eV)' },
    },
  };
  return {
    ...(finalStateL !== undefined ? { finalStateL } : {}),
    ...(broadeningEv !== undefined ? { broadeningEv } : {}),
    ...(xiabs !== undefined ? { xiabs } : {}),
    labels,
    energy,
    sigma,
    columns,
    spectrum,
    warnings: t.warnings,
  };
}

/**
 * The core wavefunction file XSpectra reads (`filecore`): a line `#number of core states N`, then rows
 * r (bohr) φ_1s(r), taken from the `PP_MESH/PP_R` radial grid and the `PP_GIPAW_CORE_ORBITAL` blocks of a
 * GIPAW-capable UPF (v1 or v2) pseudopotential — the conversion QE's `upf2plotcore.sh` performs (not shipped by
 * Debian), written from the UPF format description.
 */
export function coreWavefunctionFromUpf(upf: string, file = 'pseudo.UPF'): string {
  const block = (tag: string, from = 0): { body: string; end: number } | undefined => {
    const open = new RegExp(`<${tag}(\\s[^>]*)?>`, 'g');
    open.lastIndex = from;
    const m = open.exec(upf);
    if (!m) return undefined;
    const start = m.index + m[0].length;
    const end = upf.indexOf(`</${tag}>`, start);
    if (end < 0) throw new SpecfuseError('truncated', `unterminated <${tag}>`, { file, field: tag });
    return { body: upf.slice(start, end), end };
  };
  const nums = (s: string) =>
    s
      .trim()
      .split(/\s+/)
      .filter((x) => x !== '')
      .map((x) => Number(x.replace(/[dD]/, 'e')));
  const r = block('PP_R');
  if (!r) throw new SpecfuseError('parse', 'no <PP_R> radial grid', { file, field: 'PP_R' });
  const grid = nums(r.body);
  const orbitals: number[][] = [];
  let from = 0;
  for (;;) {
    const tag = upf.includes('<PP_GIPAW_CORE_ORBITAL.')
      ? `PP_GIPAW_CORE_ORBITAL.${orbitals.length + 1}`
      : 'PP_GIPAW_CORE_ORBITAL';
    const b = block(tag, from);
    if (!b) break;
    // UPF v1: first line is a label "n l N L … eig:"; UPF v2: numbers only (attributes carry the labels).
    const body = tag === 'PP_GIPAW_CORE_ORBITAL' ? b.body.replace(/^\s*[^\n]*?eig:[^\n]*\n/, '') : b.body;
    const v = nums(body);
    if (v.length !== grid.length || v.some((x) => !Number.isFinite(x)))
      throw new SpecfuseError(
        'parse',
        `core orbital ${orbitals.length + 1}: ${v.length} values for ${grid.length} grid points`,
        {
          file,
          field: tag,
        },
      );
    orbitals.push(v);
    from = b.end;
  }
  if (orbitals.length === 0)
    throw new SpecfuseError(
      'not-found',
      'no PP_GIPAW_CORE_ORBITAL: this pseudopotential lacks GIPAW core data',
      {
        file,
        field: 'PP_GIPAW_CORE_ORBITALS',
      },
    );
  const out = [`#number of core states  ${orbitals.length}`];
  // Like QE's reference files (examples/XSpectra/reference/Ni.wfc): the header counts every core state, the columns
  // hold r and the first (1s) orbital, the one a K edge needs.
  const first = orbitals[0] as number[];
  for (let i = 0; i < grid.length; i++)
    out.push([grid[i] as number, first[i] as number].map((x) => x.toExponential(11)).join(' '));
  return `${out.join('\n')}\n`;
}
