import { element } from '../../core/elements.js';
import { SpecfuseError, type Warning } from '../../core/errors.js';
import { HBAR2_OVER_2M_EV_A2 } from '../../core/units.js';
import type { Spectrum, SpectrumMeta } from '../../spectrum/types.js';
import { type FeffHeader, parseFeffHeader } from './header.js';
import { assertIncreasing, readTable, splitLines } from './table.js';

/**
 * Readers for FEFF's spectrum outputs (FEFF 8.5L, 9, 10; column conventions from the FEFF 8.5 / 9 user guides,
 * "Output files"): `xmu.dat`, `chi.dat`, `feffNNNN.dat`, `eels.dat`. Each returns the file-faithful columns, the
 * parsed header and a `Spectrum` view with provenance.
 */

function symbolOf(z: number | undefined): string | undefined {
  if (z === undefined) return undefined;
  try {
    return element(z).symbol;
  } catch {
    return undefined;
  }
}

function feffMeta(header: FeffHeader, file: string, extra: Record<string, unknown>): SpectrumMeta {
  const el = symbolOf(header.potentials.find((p) => p.ipot === 0)?.z);
  return {
    ...(el !== undefined ? { element: el } : {}),
    ...(header.shell !== undefined ? { edge: header.shell } : {}),
    technique: 'XAS',
    origin: {
      kind: 'simulated',
      engine: 'feff',
      engineVersion: header.program ?? 'unknown',
      parameters: { file, potentialMode: header.potentialMode, rfms: header.rfms, rmax: header.rmax },
    },
    ...(header.gamCh !== undefined ? { resolutionEv: header.gamCh } : {}),
    extra: { file, ...extra },
  };
}

/** E − E0 (eV) from photoelectron k (Å⁻¹), keeping the sign of k (FEFF writes k < 0 below E_F). */
function kToRelativeEnergy(k: Float64Array): Float64Array {
  return Float64Array.from(k, (x) => Math.sign(x) * HBAR2_OVER_2M_EV_A2 * x * x);
}

export interface FeffXmu {
  readonly header: FeffHeader;
  /** Absolute photon energy ω (eV). */
  readonly omega: Float64Array;
  /** Energy on FEFF's internal scale (eV); E_F = header.mu. */
  readonly e: Float64Array;
  /** Photoelectron wavenumber relative to E_F (Å⁻¹, negative below). */
  readonly k: Float64Array;
  /** Normalised absorption μ (FEFF 10: μ = μ0 + χ; FEFF 8.5: μ = μ0 (1 + χ) above the edge). */
  readonly mu: Float64Array;
  /** Embedded-atom background μ0. */
  readonly mu0: Float64Array;
  readonly chi: Float64Array;
  /** μ(ω) as a Spectrum (energy = ω). */
  readonly spectrum: Spectrum;
  readonly warnings: Warning[];
}

/** `xmu.dat`: columns ω, e, k, μ, μ0, χ after the `@#` label line. */
export function parseFeffXmu(text: string, file = 'xmu.dat'): FeffXmu {
  const t = readTable(text, file, { minColumns: 6, headerEnd: /omega\s+e\s+k\s+mu\b.*/ });
  const header = parseFeffHeader(t.header.slice(0, -1));
  const [omega, e, k, mu, mu0, chi] = t.columns as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  assertIncreasing(omega, file, t.rowLines, 'omega');
  const spectrum: Spectrum = {
    energy: omega,
    intensity: mu,
    meta: { ...feffMeta(header, file, { columns: t.labels }), intensityUnit: 'normalised mu' },
  };
  return { header, omega, e, k, mu, mu0, chi, spectrum, warnings: t.warnings };
}

export interface FeffChi {
  readonly header: FeffHeader;
  /** Å⁻¹ */
  readonly k: Float64Array;
  readonly chi: Float64Array;
  readonly mag: Float64Array;
  /** rad */
  readonly phase: Float64Array;
  /** χ(k) with the axis given as E − E0 = ħ²k²/2m (eV); `meta.extra.axis` says so. */
  readonly spectrum: Spectrum;
  readonly warnings: Warning[];
}

/** `chi.dat`: columns k, χ, |χ̃|, phase after the `@#` label line. */
export function parseFeffChi(text: string, file = 'chi.dat'): FeffChi {
  const t = readTable(text, file, { minColumns: 4, headerEnd: /\bk\s+chi\s+mag\s+phase/ });
  const header = parseFeffHeader(t.header.slice(0, -1));
  const [k, chi, mag, phase] = t.columns as [Float64Array, Float64Array, Float64Array, Float64Array];
  assertIncreasing(k, file, t.rowLines, 'k');
  const spectrum: Spectrum = {
    energy: kToRelativeEnergy(k),
    intensity: chi,
    meta: { ...feffMeta(header, file, { axis: 'E-E0 (eV) from k' }), intensityUnit: 'chi' },
  };
  return { header, k, chi, mag, phase, spectrum, warnings: t.warnings };
}

export interface FeffPathAtom {
  /** Å, absorber at the origin. */
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly ipot: number;
  /** Atomic number. */
  readonly atomicNumber: number;
  readonly element: string;
}

export interface FeffPathGeometry {
  /** Path index from the `Path n icalc m` line. */
  readonly index: number;
  readonly nleg: number;
  readonly degeneracy: number;
  /** Half path length R_eff (Å). */
  readonly reff: number;
  /** Average Norman radius (bohr). */
  readonly rnrmav: number;
  /** Edge energy (eV) relative to FEFF's zero, as printed. */
  readonly edge: number;
  /** Atoms of the path, absorber first. */
  readonly atoms: readonly FeffPathAtom[];
}

export interface FeffPath {
  readonly header: FeffHeader;
  readonly path: FeffPathGeometry;
  /** Å⁻¹ */
  readonly k: Float64Array;
  /** 2δ_c, central-atom phase (rad). */
  readonly realPhc: Float64Array;
  /** |F_eff| (Å). */
  readonly magFeff: Float64Array;
  /** Scattering phase of F_eff (rad). */
  readonly phaseFeff: Float64Array;
  /** Amplitude reduction factor (includes S02). */
  readonly redFactor: Float64Array;
  /** Mean free path λ (Å). */
  readonly lambda: Float64Array;
  /** Re p (Å⁻¹). */
  readonly realP: Float64Array;
  /** |F_eff|(k) with axis E − E0 = ħ²k²/2m (eV). */
  readonly spectrum: Spectrum;
  readonly warnings: Warning[];
}

/**
 * One path file `feffNNNN.dat`. Header: the common FEFF header, `Path n icalc m`, a dashed rule, the line
 * `nleg, deg, reff, rnrmav(bohr), edge`, an `x y z pot at#` label and one line per atom of the path
 * (x, y, z in Å, ipot, Z, symbol), then the label line ending in `@#` and 7 columns:
 * k, real[2·phc], mag[feff], phase[feff], red factor, lambda, real[p]. FEFF's path formula (FEFF 8.5 guide, eq. 2):
 * χ_j(k) = S0² N |F_eff| / (k R²) · e^{−2k²σ²} e^{−2R/λ} sin(2kR + 2δ_c + φ_eff).
 */
export function parseFeffPath(text: string, file = 'feffNNNN.dat'): FeffPath {
  const t = readTable(text, file, { minColumns: 7, headerEnd: /\bk\s+real\[2\*phc\]/ });
  const lines = t.header;
  const geomAt = lines.findIndex((l) => /nleg,\s*deg,\s*reff/.test(l));
  if (geomAt < 0) throw new SpecfuseError('parse', "no 'nleg, deg, reff' line in the path header", { file });
  const g = (lines[geomAt] as string).trim().split(/\s+/);
  const nleg = Number(g[0]);
  if (!Number.isInteger(nleg) || nleg < 2)
    throw new SpecfuseError('parse', `bad nleg '${g[0]}'`, { file, line: geomAt + 1 });
  const pathLine = lines.findIndex((l) => /^\s*Path\s+\d+/.test(l));
  const index = pathLine >= 0 ? Number(/Path\s+(\d+)/.exec(lines[pathLine] as string)?.[1]) : Number.NaN;
  const atoms: FeffPathAtom[] = [];
  for (let i = geomAt + 2; i < geomAt + 2 + nleg; i++) {
    const a = (lines[i] ?? '').trim().split(/\s+/);
    if (a.length < 5)
      throw new SpecfuseError('parse', `expected ${nleg} path atoms (x y z ipot Z)`, { file, line: i + 1 });
    const atomicNumber = Number(a[4]);
    atoms.push({
      x: Number(a[0]),
      y: Number(a[1]),
      z: Number(a[2]),
      ipot: Number(a[3]),
      atomicNumber,
      element: a[5] ?? symbolOf(atomicNumber) ?? '',
    });
    if (atoms.some((at) => !Number.isFinite(at.x + at.y + at.z)))
      throw new SpecfuseError('parse', 'non-numeric atom coordinate', { file, line: i + 1 });
  }
  const header = parseFeffHeader(lines.slice(0, pathLine >= 0 ? pathLine : geomAt));
  const path: FeffPathGeometry = {
    index,
    nleg,
    degeneracy: Number(g[1]),
    reff: Number(g[2]),
    rnrmav: Number(g[3]),
    edge: Number(g[4]),
    atoms,
  };
  const [k, realPhc, magFeff, phaseFeff, redFactor, lambda, realP] = t.columns as Float64Array[] as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  assertIncreasing(k, file, t.rowLines, 'k');
  const spectrum: Spectrum = {
    energy: kToRelativeEnergy(k),
    intensity: magFeff,
    meta: {
      ...feffMeta(header, file, { axis: 'E-E0 (eV) from k', path: { index, nleg, reff: path.reff } }),
      intensityUnit: '|F_eff| (Å)',
    },
  };
  return {
    header,
    path,
    k,
    realPhc,
    magFeff,
    phaseFeff,
    redFactor,
    lambda,
    realP,
    spectrum,
    warnings: t.warnings,
  };
}

export interface FeffEels {
  readonly header: readonly string[];
  readonly labels: readonly string[];
  /** Energy loss (eV). */
  readonly energy: Float64Array;
  /** Total (orientation-averaged, or as requested) ELNES. */
  readonly total: Float64Array;
  /** Every column by label (or `col<n>`). */
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly spectrum: Spectrum;
  readonly warnings: Warning[];
}

/**
 * `eels.dat` (FEFF 9/10 ELNES/EXELFS cards; FEFF9 documentation, "EELS files"): `#` header, then columns energy
 * loss (eV), the total spectrum, and the contributions of the nine components of the cross-section tensor. Columns
 * are named from the last header line when it has one label per column, else `col1…colN`.
 */
export function parseFeffEels(text: string, file = 'eels.dat'): FeffEels {
  const t = readTable(text, file, { minColumns: 2 });
  const [energy, total] = t.columns as [Float64Array, Float64Array];
  assertIncreasing(energy, file, t.rowLines, 'energy');
  const columns: Record<string, Float64Array> = {};
  const labels = t.labels.length === t.columns.length ? t.labels : t.columns.map((_, j) => `col${j + 1}`);
  t.columns.forEach((c, j) => {
    columns[labels[j] as string] = c;
  });
  const spectrum: Spectrum = {
    energy,
    intensity: total,
    meta: {
      technique: 'EELS',
      origin: { kind: 'simulated', engine: 'feff', engineVersion: 'unknown', parameters: { file } },
      extra: { file, columns: labels },
    },
  };
  return { header: t.header, labels, energy, total, columns, spectrum, warnings: t.warnings };
}

/** One entry of `paths.dat`: path index, legs, degeneracy, geometry with per-leg rleg, β, η. */
export interface FeffPathsDatEntry {
  readonly index: number;
  readonly nleg: number;
  readonly degeneracy: number;
  /** R_eff (Å). */
  readonly reff: number;
  /** Scatterers then the absorber (last), Å; rleg (Å), beta and eta (degrees) per leg. */
  readonly atoms: readonly {
    x: number;
    y: number;
    z: number;
    ipot: number;
    label: string;
    rleg: number;
    beta: number;
    eta: number;
  }[];
}

/** `paths.dat` (written by FEFF's path module): the list of paths with their geometry. */
export function parseFeffPathsDat(text: string, file = 'paths.dat'): FeffPathsDatEntry[] {
  const lines = splitLines(text);
  const out: FeffPathsDatEntry[] = [];
  let i = lines.findIndex((l) => /^\s*-{10,}/.test(l));
  if (i < 0) throw new SpecfuseError('parse', 'no dashed rule before the path list', { file });
  i++;
  while (i < lines.length) {
    const l = (lines[i] as string).trim();
    if (l === '') {
      i++;
      continue;
    }
    const m = /^(\d+)\s+(\d+)\s+([-+0-9.Ee]+)\s+index,\s*nleg,\s*degeneracy,\s*r=\s*([-+0-9.Ee]+)/.exec(l);
    if (!m)
      throw new SpecfuseError('parse', `expected 'index, nleg, degeneracy, r=' line`, { file, line: i + 1 });
    const nleg = Number(m[2]);
    const atoms: FeffPathsDatEntry['atoms'][number][] = [];
    for (let j = 0; j < nleg; j++) {
      const ln = i + 2 + j;
      const a = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+'([^']*)'\s+(\S+)\s+(\S+)\s+(\S+)/.exec(lines[ln] ?? '');
      if (!a)
        throw new SpecfuseError('parse', 'expected x y z ipot label rleg beta eta', { file, line: ln + 1 });
      atoms.push({
        x: Number(a[1]),
        y: Number(a[2]),
        z: Number(a[3]),
        ipot: Number(a[4]),
        label: (a[5] as string).trim(),
        rleg: Number(a[6]),
        beta: Number(a[7]),
        eta: Number(a[8]),
      });
    }
    out.push({ index: Number(m[1]), nleg, degeneracy: Number(m[3]), reff: Number(m[4]), atoms });
    i += 2 + nleg;
  }
  return out;
}

/** `files.dat` (genfmt): file name, σ², amplitude ratio (%), degeneracy, legs, R_eff per written path file. */
export function parseFeffFilesDat(
  text: string,
  file = 'files.dat',
): { file: string; sig2: number; ampRatio: number; degeneracy: number; nlegs: number; reff: number }[] {
  const lines = splitLines(text);
  const at = lines.findIndex((l) => /^\s*file\s+sig2\s+amp ratio/.test(l));
  if (at < 0) throw new SpecfuseError('parse', "no 'file sig2 amp ratio' label line", { file });
  const out = [];
  for (let i = at + 1; i < lines.length; i++) {
    const t = (lines[i] as string).trim().split(/\s+/);
    if (t.length === 1 && t[0] === '') continue;
    if (t.length < 6) throw new SpecfuseError('parse', 'expected 6 fields', { file, line: i + 1 });
    out.push({
      file: t[0] as string,
      sig2: Number(t[1]),
      ampRatio: Number(t[2]),
      degeneracy: Number(t[3]),
      nlegs: Number(t[4]),
      reff: Number(t[5]),
    });
  }
  return out;
}
