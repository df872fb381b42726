/**
 * Readers for FEFF's intermediate text outputs used to validate the built-in scattering physics
 * (formats documented in ../shared/data/feff-golden/README.md): `pot0N.dat`, `phase0N.dat`, `log1.dat`,
 * `config.dat`, `mpse.dat`, `xsect.dat`, and the POTENTIALS/ATOMS blocks of `feff.inp`.
 * Every reader names the file and line of a malformed record.
 */
import { SpecfuseError } from '../../core/errors.js';
import { parseFortranNumber, splitLines } from '../feff/table.js';

function nums(line: string, file: string, lineNo: number): number[] {
  const out: number[] = [];
  for (const t of line.trim().split(/\s+/)) {
    if (t === '') continue;
    const v = parseFortranNumber(t);
    if (Number.isNaN(v)) throw new SpecfuseError('parse', `not a number: '${t}'`, { file, line: lineNo });
    out.push(v);
  }
  return out;
}

/** Radial potential dump `pot0N.dat` (atomic units; densities as written, i.e. ρ/4π). */
export interface FeffPotFile {
  readonly ipot: number;
  /** 1-based grid indices of the muffin-tin and Norman radii, as FEFF writes them. */
  readonly iMt: number;
  readonly iNorman: number;
  readonly r: Float64Array;
  /** Free-atom Coulomb potential (Ha). */
  readonly vcoul: Float64Array;
  /** Free-atom density / 4π (electrons/bohr³ / 4π). */
  readonly rho: Float64Array;
  readonly ovlVcoul: Float64Array;
  readonly ovlVtot: Float64Array;
  /** Overlapped density / 4π. */
  readonly ovlRho: Float64Array;
}

export function parseFeffPotFile(text: string, file = 'pot0N.dat'): FeffPotFile {
  const lines = splitLines(text);
  let ipot = -1;
  let iMt = -1;
  let iNorman = -1;
  const cols: number[][] = [[], [], [], [], [], [], []];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes('I_mt')) {
      const v = nums(line.split('Unique')[0]!, file, i + 1);
      [ipot, iMt, iNorman] = v as [number, number, number];
      continue;
    }
    const t = line.trim();
    if (t === '' || t.startsWith('#') || /^[a-z]/i.test(t)) continue;
    const v = nums(t, file, i + 1);
    if (v.length < 7)
      throw new SpecfuseError('parse', `expected 7 columns, got ${v.length}`, { file, line: i + 1 });
    for (let j = 0; j < 7; j++) cols[j]!.push(v[j]!);
  }
  if (iMt < 0) throw new SpecfuseError('parse', 'no "I_mt, I_norman" header line', { file, line: 1 });
  const f = (j: number) => Float64Array.from(cols[j]!);
  return { ipot, iMt, iNorman, r: f(1), vcoul: f(2), rho: f(3), ovlVcoul: f(4), ovlVtot: f(5), ovlRho: f(6) };
}

/** Complex phase shifts `phase0N.dat`. */
export interface FeffPhaseFile {
  readonly ipot: number;
  readonly lmax: number;
  /** Energies (eV, FEFF internal scale: E_F = Mu). */
  readonly energy: Float64Array;
  readonly erefRe: Float64Array;
  readonly erefIm: Float64Array;
  /**
   * Complex interstitial momentum as FEFF writes it (label "eV/c"): in units where p²/2 is in eV, i.e.
   * p(bohr⁻¹) = p / √(Hartree in eV) (checked: E − E_ref = p²/2 eV on the real axis).
   */
  readonly pRe: Float64Array;
  readonly pIm: Float64Array;
  /** deltaRe[l][ie], deltaIm[l][ie] (rad). */
  readonly deltaRe: Float64Array[];
  readonly deltaIm: Float64Array[];
  /** Header scalars: Mu (eV), kf, Vint (eV), Rs_int (bohr). */
  readonly mu: number;
  readonly vint: number;
  readonly rsInt: number;
  /** Header radii per ipot (Å as written by FEFF), index = ipot. */
  readonly rmt: number[];
  readonly rnorman: number[];
}

export function parseFeffPhaseFile(text: string, file = 'phase0N.dat'): FeffPhaseFile {
  const lines = splitLines(text);
  let ipot = -1;
  let lmax = -1;
  let ne = -1;
  let mu = Number.NaN;
  let vint = Number.NaN;
  let rsInt = Number.NaN;
  const rmt: number[] = [];
  const rnorman: number[] = [];
  const tokens: { v: number; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (t.startsWith('#')) {
      const m = /Mu=\s*(\S+)eV kf=\s*(\S+) Vint=\s*(\S+)eV Rs_int=\s*(\S+)/.exec(t);
      if (m) {
        mu = parseFortranNumber(m[1]!);
        vint = parseFortranNumber(m[3]!);
        rsInt = parseFortranNumber(m[4]!);
      }
      const r = /(Abs|Pot\s*(\d+))\s+Z=\s*\d+\s+Rmt=\s*(\S+)\s+Rnm=\s*(\S+)/.exec(t);
      if (r) {
        const k = r[1] === 'Abs' ? 0 : Number(r[2]);
        rmt[k] = Number(r[3]);
        rnorman[k] = Number(r[4]);
      }
      const h = /^#\s+(\d+)\s+(\d+)\s+(\d+)\s+unique pot/.exec(t);
      if (h) [ipot, lmax, ne] = [Number(h[1]), Number(h[2]), Number(h[3])];
      continue;
    }
    if (t === '') continue;
    for (const v of nums(t, file, i + 1)) tokens.push({ v, line: i + 1 });
  }
  if (lmax < 0) throw new SpecfuseError('parse', 'no "unique pot, lmax, ne" header', { file, line: 1 });
  const per = 6 + 2 * (lmax + 1);
  if (tokens.length !== per * ne)
    throw new SpecfuseError(
      'truncated',
      `expected ${ne} energies × ${per} numbers, got ${tokens.length} numbers`,
      {
        file,
        line: lines.length,
      },
    );
  const energy = new Float64Array(ne);
  const erefRe = new Float64Array(ne);
  const erefIm = new Float64Array(ne);
  const pRe = new Float64Array(ne);
  const pIm = new Float64Array(ne);
  const deltaRe = Array.from({ length: lmax + 1 }, () => new Float64Array(ne));
  const deltaIm = Array.from({ length: lmax + 1 }, () => new Float64Array(ne));
  for (let e = 0; e < ne; e++) {
    const o = e * per;
    if (tokens[o]!.v !== e + 1)
      throw new SpecfuseError('parse', `expected energy index ${e + 1}`, { file, line: tokens[o]!.line });
    energy[e] = tokens[o + 1]!.v;
    erefRe[e] = tokens[o + 2]!.v;
    erefIm[e] = tokens[o + 3]!.v;
    pRe[e] = tokens[o + 4]!.v;
    pIm[e] = tokens[o + 5]!.v;
    for (let l = 0; l <= lmax; l++) {
      deltaRe[l]![e] = tokens[o + 6 + 2 * l]!.v;
      deltaIm[l]![e] = tokens[o + 7 + 2 * l]!.v;
    }
  }
  return { ipot, lmax, energy, erefRe, erefIm, pRe, pIm, deltaRe, deltaIm, mu, vint, rsInt, rmt, rnorman };
}

/** `log1.dat`: Norman radius, muffin-tin radius and overlap factor per ipot (values are in Å), and mu (eV). */
export interface FeffLog1 {
  readonly potentials: { ipot: number; rNorman: number; rMt: number; folp: number }[];
  readonly fermiLevel: number;
}

export function parseFeffLog1(text: string, file = 'log1.dat'): FeffLog1 {
  const potentials: FeffLog1['potentials'] = [];
  let fermi = Number.NaN;
  splitLines(text).forEach((line, i) => {
    const m = /mu=\s*(\S+)\s*eV/.exec(line);
    if (m) fermi = Number(m[1]);
    if (/^\s*\d+\s+[-\d.]+E[-+]\d+\s+[-\d.]+E/.test(line)) {
      const v = nums(line, file, i + 1);
      potentials.push({ ipot: v[0]!, rNorman: v[1]!, rMt: v[2]!, folp: v[3]! });
    }
  });
  if (potentials.length === 0) throw new SpecfuseError('parse', 'no radius table', { file, line: 1 });
  return { potentials, fermiLevel: fermi };
}

/** FEFF's relativistic orbital order (n, l, 2j) of the 40 occupation slots in `config.dat`. */
export const FEFF_ORBITALS: readonly { n: number; l: number }[] = (() => {
  const spec = '1s 2s 2p 2p 3s 3p 3p 3d 3d 4s 4p 4p 4d 4d 4f 4f 5s 5p 5p 5d 5d 5f 5f 6s 6p 6p 6d 6d 7s 7p 7p';
  return spec.split(' ').map((s) => ({ n: Number(s[0]), l: 'spdf'.indexOf(s[1]!) }));
})();

/** `config.dat`: occupations per ipot, merged over j (n, l shells). */
export interface FeffConfig {
  readonly ipot: number;
  readonly Z: number;
  readonly symbol: string;
  readonly shells: { n: number; l: number; occupation: number }[];
}

export function parseFeffConfig(text: string, file = 'config.dat'): FeffConfig[] {
  const out: FeffConfig[] = [];
  splitLines(text).forEach((line, i) => {
    const m = /^\s*(\d+)\s+(\d+)\s+([A-Z][a-z]?)\s+(.*)$/.exec(line);
    if (!m) return;
    const occ = nums(m[4]!, file, i + 1);
    const merged = new Map<string, { n: number; l: number; occupation: number }>();
    occ.forEach((f, k) => {
      const o = FEFF_ORBITALS[k];
      if (!o || f === 0) return;
      const key = `${o.n}${o.l}`;
      const cur = merged.get(key) ?? { n: o.n, l: o.l, occupation: 0 };
      cur.occupation += f;
      merged.set(key, cur);
    });
    out.push({ ipot: Number(m[1]), Z: Number(m[2]), symbol: m[3]!, shells: [...merged.values()] });
  });
  if (out.length === 0) throw new SpecfuseError('parse', 'no configuration rows', { file, line: 1 });
  return out;
}

/** `mpse.dat`: Hedin–Lundqvist self-energy at the interstitial density. */
export interface FeffMpse {
  readonly rs: number;
  /** Plasma frequency (eV). */
  readonly wp: number;
  /** E − μ (eV), Re Σ, Im Σ (eV), inelastic mean free path (Å). */
  readonly energy: Float64Array;
  readonly reSigma: Float64Array;
  readonly imSigma: Float64Array;
  readonly imfp: Float64Array;
}

export function parseFeffMpse(text: string, file = 'mpse.dat'): FeffMpse {
  const lines = splitLines(text);
  let rs = Number.NaN;
  let wp = Number.NaN;
  const rows: number[][] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#HD#')) {
      [rs, wp] = nums(line.slice(4), file, i + 1) as [number, number];
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const v = nums(line, file, i + 1);
    if (v.length < 8)
      throw new SpecfuseError('parse', `expected 8 columns, got ${v.length}`, { file, line: i + 1 });
    rows.push(v);
  });
  const c = (j: number) => Float64Array.from(rows, (r) => r[j]!);
  return { rs, wp, energy: c(0), reSigma: c(1), imSigma: c(2), imfp: c(7) };
}

/** `xsect.dat`: the embedded-atom cross-section μ0 on FEFF's energy grid. */
export interface FeffXsect {
  readonly energy: Float64Array;
  readonly imEnergy: Float64Array;
  readonly xsnorm: Float64Array;
  readonly reXsec: Float64Array;
  readonly imXsec: Float64Array;
}

export function parseFeffXsect(text: string, file = 'xsect.dat'): FeffXsect {
  const rows: number[][] = [];
  splitLines(text).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const v = nums(t, file, i + 1);
    if (v.length < 5)
      throw new SpecfuseError('parse', `expected 5 columns, got ${v.length}`, { file, line: i + 1 });
    rows.push(v);
  });
  const c = (j: number) => Float64Array.from(rows, (r) => r[j]!);
  return { energy: c(0), imEnergy: c(1), xsnorm: c(2), reXsec: c(3), imXsec: c(4) };
}

/** POTENTIALS and ATOMS blocks of a `feff.inp`. Coordinates in Å. */
export interface FeffInpCluster {
  readonly potentials: { ipot: number; Z: number; tag: string; stoichiometry: number }[];
  readonly atoms: { x: number; y: number; z: number; ipot: number }[];
}

export function parseFeffInpCluster(text: string, file = 'feff.inp'): FeffInpCluster {
  const potentials: FeffInpCluster['potentials'] = [];
  const atoms: FeffInpCluster['atoms'] = [];
  let block: 'none' | 'pot' | 'atoms' = 'none';
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.replace(/[*!].*$/, '').trim();
    if (line === '') continue;
    const kw = line.split(/\s+/)[0]!.toUpperCase();
    if (kw === 'POTENTIALS') {
      block = 'pot';
      continue;
    }
    if (kw === 'ATOMS') {
      block = 'atoms';
      continue;
    }
    if (kw === 'END') {
      block = 'none';
      continue;
    }
    if (/^[A-Z]/i.test(kw)) {
      block = 'none';
      continue;
    }
    const t = line.split(/\s+/);
    if (block === 'pot') {
      const ipot = Number(t[0]);
      const Z = Number(t[1]);
      if (!Number.isInteger(ipot) || !Number.isInteger(Z))
        throw new SpecfuseError('parse', `bad POTENTIALS row '${line}'`, { file, line: i + 1 });
      potentials.push({ ipot, Z, tag: t[2] ?? '', stoichiometry: t[5] !== undefined ? Number(t[5]) : 1 });
    } else if (block === 'atoms') {
      const [x, y, z, ip] = [Number(t[0]), Number(t[1]), Number(t[2]), Number(t[3])];
      if (![x, y, z, ip].every(Number.isFinite))
        throw new SpecfuseError('parse', `bad ATOMS row '${line}'`, { file, line: i + 1 });
      atoms.push({ x, y, z, ipot: ip });
    }
  }
  if (atoms.length === 0) throw new SpecfuseError('parse', 'no ATOMS block', { file });
  return { potentials, atoms };
}
