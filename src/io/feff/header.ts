import { parseFortranNumber } from './table.js';

/**
 * The header FEFF writes at the top of xmu.dat, chi.dat and feffNNNN.dat (FEFF 8.5 / 9 / 10 documentation,
 * "output files"): user TITLE lines, a program/version tag, the potential summary (`POT …`, `Abs Z= Rmt= Rnm=`,
 * `Pot n Z= …`), `Gam_ch=`, `Mu= kf= Vint= Rs_int=`, and for path-expansion runs the path list.
 * All quantities are as FEFF prints them: radii in bohr, energies in eV (FEFF 8.5 prints Mu in eV without a unit).
 */
export interface FeffPotentialSummary {
  /** 0 is the absorber. */
  readonly ipot: number;
  readonly z: number;
  /** Muffin-tin radius (bohr). */
  readonly rmt: number;
  /** Norman radius (bohr). */
  readonly rnm: number;
}

export interface FeffPathSummary {
  readonly index: number;
  readonly sig2: number;
  /** Curved-wave amplitude ratio (%) of the path relative to the strongest. */
  readonly ampRatio: number;
  readonly degeneracy: number;
  readonly nlegs: number;
  /** Half path length (Å). */
  readonly reff: number;
}

export interface FeffHeader {
  /** Free title lines (user TITLE cards) with leading '#' and spaces removed. */
  readonly titles: readonly string[];
  /** e.g. 'Feff8L (EXAFS) 0.1' or 'FEFF 10.0.0', when the first line carries one. */
  readonly program?: string;
  /** 'SCF' or 'Non-SCF' from the `POT` line. */
  readonly potentialMode?: string;
  readonly potentials: readonly FeffPotentialSummary[];
  /** Core shell of the absorber from the `Abs … K  shell` line ('K', 'L3', …). */
  readonly shell?: string;
  /** Core-hole lifetime width Γ_ch (eV). */
  readonly gamCh?: number;
  /** Fermi level μ (eV, FEFF's internal scale). */
  readonly mu?: number;
  /** Fermi momentum, as printed (bohr⁻¹). */
  readonly kf?: number;
  /** Interstitial potential (eV). */
  readonly vint?: number;
  readonly rsInt?: number;
  readonly s02?: number;
  /** FMS radius (Å) if the run used FMS. */
  readonly rfms?: number;
  /** Path-expansion cut-off Rmax (Å). */
  readonly rmax?: number;
  /** Normalisation value of mu (xsedge+50, Å²) from xmu.dat. */
  readonly edgeNormalization?: number;
  readonly paths: readonly FeffPathSummary[];
  /** Every raw header line, for provenance. */
  readonly lines: readonly string[];
}

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const x = parseFortranNumber(s);
  return Number.isNaN(x) ? undefined : x;
}

const PROGRAM_RE = /(Feff\s*\d[\w.]*(?:\s*\([^)]*\))?(?:\s+[\d.]+)?|FEFF\s+\d+\.\d+(?:\.\d+)?)\s*$/i;

/** Parse header lines (with or without FEFF 8.2+'s leading '#'). Unknown lines are kept in `lines` only. */
export function parseFeffHeader(lines: readonly string[]): FeffHeader {
  const titles: string[] = [];
  const potentials: FeffPotentialSummary[] = [];
  const paths: FeffPathSummary[] = [];
  let program: string | undefined;
  let potentialMode: string | undefined;
  let shell: string | undefined;
  let gamCh: number | undefined;
  let mu: number | undefined;
  let kf: number | undefined;
  let vint: number | undefined;
  let rsInt: number | undefined;
  let s02: number | undefined;
  let rfms: number | undefined;
  let rmax: number | undefined;
  let edgeNormalization: number | undefined;
  let inPathList = false;
  let seenPot = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const l = raw
      .replace(/^\s*(#\s*)+/, '')
      .replace(/@#\s*$/, '')
      .trim();
    if (l === '') continue;
    if (i === 0) {
      const m = PROGRAM_RE.exec(l);
      if (m) {
        program = (m[1] as string).replace(/\s+/g, ' ').trim();
        const t = l.slice(0, m.index).trim();
        if (t !== '') titles.push(t);
        continue;
      }
    }
    let m: RegExpExecArray | null;
    if ((m = /^POT\s+(Non-SCF|SCF)/i.exec(l))) {
      potentialMode = m[1] as string;
      seenPot = true;
      continue;
    }
    if ((m = /^Abs\s+Z=\s*(\d+)\s+Rmt=\s*(\S+)\s+Rnm=\s*(\S+)/.exec(l))) {
      shell = /(\w+)\s+shell/.exec(l)?.[1];
      potentials.push({
        ipot: 0,
        z: Number(m[1]),
        rmt: num(m[2]) ?? Number.NaN,
        rnm: num(m[3]) ?? Number.NaN,
      });
      continue;
    }
    if ((m = /^Pot\s+(\d+)\s+Z=\s*(\d+)\s+Rmt=\s*(\S+)\s+Rnm=\s*(\S+)/.exec(l))) {
      potentials.push({
        ipot: Number(m[1]),
        z: Number(m[2]),
        rmt: num(m[3]) ?? Number.NaN,
        rnm: num(m[4]) ?? Number.NaN,
      });
      continue;
    }
    if ((m = /Gam_ch=\s*(\S+)/.exec(l))) {
      gamCh = num(m[1]);
      continue;
    }
    if (/^Mu=/.test(l)) {
      mu = num(/Mu=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l)?.[1]);
      kf = num(/kf=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l)?.[1]);
      vint = num(/Vint=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l)?.[1]);
      rsInt = num(/Rs_int=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l)?.[1]);
      continue;
    }
    if ((m = /^FMS\s+rfms=\s*(\S+)/.exec(l))) {
      rfms = num(m[1]);
      continue;
    }
    if ((m = /^PATH\s+Rmax=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l))) {
      rmax = num(m[1]);
      continue;
    }
    if ((m = /S02=\s*([-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?)/.exec(l))) {
      s02 = num(m[1]);
      continue;
    }
    if ((m = /xsedge\+\s*50.*?([-+]?\d+\.\d+[EeDd][-+]\d+)\s*$/.exec(l))) {
      edgeNormalization = num(m[1]);
      continue;
    }
    if (/^file\s+sig2/.test(l)) {
      inPathList = true;
      continue;
    }
    if (inPathList) {
      const t = l.split(/\s+/);
      if (t.length >= 6 && /^\d+$/.test(t[0] as string)) {
        paths.push({
          index: Number(t[0]),
          sig2: num(t[1]) ?? Number.NaN,
          ampRatio: num(t[2]) ?? Number.NaN,
          degeneracy: num(t[3]) ?? Number.NaN,
          nlegs: Number(t[4]),
          reff: num(t[5]) ?? Number.NaN,
        });
        continue;
      }
      inPathList = false;
    }
    if (!seenPot && !/^(Curved wave|Energy zero|-{5,}|\d+\/\s*\d+ paths used)/.test(l)) titles.push(l);
  }
  return {
    titles,
    ...(program !== undefined ? { program } : {}),
    ...(potentialMode !== undefined ? { potentialMode } : {}),
    potentials,
    ...(shell !== undefined ? { shell } : {}),
    ...(gamCh !== undefined ? { gamCh } : {}),
    ...(mu !== undefined ? { mu } : {}),
    ...(kf !== undefined ? { kf } : {}),
    ...(vint !== undefined ? { vint } : {}),
    ...(rsInt !== undefined ? { rsInt } : {}),
    ...(s02 !== undefined ? { s02 } : {}),
    ...(rfms !== undefined ? { rfms } : {}),
    ...(rmax !== undefined ? { rmax } : {}),
    ...(edgeNormalization !== undefined ? { edgeNormalization } : {}),
    paths,
    lines,
  };
}
