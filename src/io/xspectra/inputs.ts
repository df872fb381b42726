import { SpecfuseError } from '../../core/errors.js';
import type { Mat3, Vec3 } from '../../structure/types.js';
import { splitLines } from '../feff/table.js';

/**
 * Quantum ESPRESSO inputs for XSpectra K-edge XANES (QE 6.x user guides: PWscf `INPUT_PW`, XSpectra `INPUT_XSPECTRA`;
 * Gougoussis, Calandra, Seitsonen, Mauri, Phys. Rev. B 80, 075102 (2009); Taillefumier et al., PRB 66, 195107 (2002)).
 * Fortran namelists (`&name … /`) then cards. Values are written as Fortran literals: strings quoted, logicals .true./.false.
 */
export type NamelistValue = string | number | boolean;
export type Namelist = Readonly<Record<string, NamelistValue>>;

function literal(v: NamelistValue): string {
  if (typeof v === 'boolean') return v ? '.true.' : '.false.';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SpecfuseError('invalid-argument', `non-finite namelist value ${v}`);
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
  }
  return `'${v.replace(/'/g, "''")}'`;
}

export function writeNamelist(name: string, values: Namelist): string {
  const lines = [`&${name}`];
  for (const [k, v] of Object.entries(values)) lines.push(`  ${k} = ${literal(v)}`);
  lines.push('/');
  return lines.join('\n');
}

/** Read namelists and the free text after them (cards): a checker for written inputs and for user decks. */
export function parseNamelists(
  text: string,
  file = 'input',
): { namelists: Record<string, Record<string, NamelistValue>>; cards: string[] } {
  const namelists: Record<string, Record<string, NamelistValue>> = {};
  const cards: string[] = [];
  let cur: Record<string, NamelistValue> | undefined;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).replace(/!.*$/, '').trim();
    if (l === '') continue;
    if (!cur) {
      const m = /^&(\w+)/.exec(l);
      if (m) {
        cur = {};
        namelists[(m[1] as string).toLowerCase()] = cur;
        continue;
      }
      cards.push(l);
      continue;
    }
    if (l === '/') {
      cur = undefined;
      continue;
    }
    for (const part of l.split(/,(?=(?:[^']*'[^']*')*[^']*$)/)) {
      const p = part.trim();
      if (p === '' || p === '/') continue;
      const m = /^([\w()]+)\s*=\s*(.*)$/.exec(p);
      if (!m) throw new SpecfuseError('parse', `expected key = value, got '${p}'`, { file, line: i + 1 });
      const raw = (m[2] as string).trim();
      let v: NamelistValue;
      if (/^'.*'$|^".*"$/.test(raw)) v = raw.slice(1, -1);
      else if (/^\.(true|t)\.$/i.test(raw)) v = true;
      else if (/^\.(false|f)\.$/i.test(raw)) v = false;
      else if (raw !== '' && Number.isFinite(Number(raw.replace(/[dD]/, 'e'))))
        v = Number(raw.replace(/[dD]/, 'e'));
      else v = raw;
      cur[(m[1] as string).toLowerCase()] = v;
    }
    if (/\/\s*$/.test(l)) cur = undefined;
  }
  return { namelists, cards };
}

export interface PwSpecies {
  /** Species label, e.g. 'Ni', 'Nih' (core-hole absorber). */
  readonly label: string;
  /** Atomic mass (u). */
  readonly mass: number;
  /** Pseudopotential file name inside pseudoDir (user-supplied; specfuse never downloads one). */
  readonly pseudo: string;
}

export interface PwScfInput {
  readonly prefix: string;
  readonly outdir: string;
  readonly pseudoDir: string;
  /** Cell vectors (rows, Å). */
  readonly cell: Mat3;
  readonly species: readonly PwSpecies[];
  readonly atoms: readonly { readonly label: string; readonly frac: Vec3 }[];
  /** Plane-wave cut-off (Ry). */
  readonly ecutwfc: number;
  readonly ecutrho?: number;
  readonly kpoints: readonly [number, number, number];
  /** +1 for an unscreened full core hole (XSpectra examples), 0 when the hole's charge is compensated. */
  readonly totCharge?: number;
  readonly nbnd?: number;
  /** Extra &system entries (nspin, starting_magnetization(1), occupations, smearing, degauss, Hubbard_U(1), …). */
  readonly system?: Namelist;
  readonly electrons?: Namelist;
}

/** pw.x SCF input for a (core-hole) supercell: ibrav = 0 with CELL_PARAMETERS in Å, ATOMIC_POSITIONS crystal. */
export function writePwScfInput(p: PwScfInput): string {
  if (p.atoms.length === 0)
    throw new SpecfuseError('invalid-argument', 'pw.x input needs atoms', { field: 'atoms' });
  const known = new Set(p.species.map((s) => s.label));
  for (const a of p.atoms)
    if (!known.has(a.label))
      throw new SpecfuseError('invalid-argument', `atom label '${a.label}' has no species`, {
        field: 'species',
      });
  const system: Record<string, NamelistValue> = {
    ibrav: 0,
    nat: p.atoms.length,
    ntyp: p.species.length,
    ecutwfc: p.ecutwfc,
  };
  if (p.ecutrho !== undefined) system.ecutrho = p.ecutrho;
  if (p.totCharge !== undefined && p.totCharge !== 0) system.tot_charge = p.totCharge;
  if (p.nbnd !== undefined) system.nbnd = p.nbnd;
  Object.assign(system, p.system ?? {});
  const f = (x: number) => (Object.is(x, -0) ? 0 : x).toFixed(10).padStart(15);
  return [
    writeNamelist('control', {
      calculation: 'scf',
      prefix: p.prefix,
      outdir: p.outdir,
      pseudo_dir: p.pseudoDir,
    }),
    writeNamelist('system', system),
    writeNamelist('electrons', { mixing_beta: 0.3, ...(p.electrons ?? {}) }),
    'ATOMIC_SPECIES',
    ...p.species.map((s) => `  ${s.label.padEnd(4)} ${s.mass.toFixed(4)}  ${s.pseudo}`),
    'CELL_PARAMETERS angstrom',
    ...p.cell.map((r) => r.map(f).join('')),
    'ATOMIC_POSITIONS crystal',
    ...p.atoms.map((a) => `  ${a.label.padEnd(4)}${a.frac.map(f).join('')}`),
    'K_POINTS automatic',
    `  ${p.kpoints.join(' ')} 0 0 0`,
    '',
  ].join('\n');
}

export interface XspectraInput {
  readonly prefix: string;
  readonly outdir: string;
  /** 'xanes_dipole' (K edge, 1s → p) or 'xanes_quadrupole' (1s → d). */
  readonly calculation: 'xanes_dipole' | 'xanes_quadrupole';
  /** Polarisation vector (crystal axes unless xcoordcrys = false). */
  readonly xepsilon: Vec3;
  /** Wave vector for quadrupole. */
  readonly xkvec?: Vec3;
  /** Species index (1-based, ATOMIC_SPECIES order) of the absorber. */
  readonly xiabs: number;
  /** Core wavefunction file (r, φ_1s(r)); see `coreWavefunctionFromUpf`. */
  readonly filecore: string;
  /** PAW reconstruction radius (bohr). */
  readonly rPaw: number;
  /** Fermi level of the SCF run (Ry); omitted = XSpectra reads it from the SCF data. */
  readonly efR?: number;
  /** Lanczos iterations cap, convergence check interval and tolerance. Defaults 1000, 50, 0.001 (QE examples). */
  readonly xniter?: number;
  readonly xcheckConv?: number;
  readonly xerror?: number;
  /** Output energy grid (eV relative to E_F) and Lorentzian HWHM broadening xgamma (eV). */
  readonly xemin: number;
  readonly xemax: number;
  readonly xnepoint: number;
  readonly xgamma: number;
  readonly kpoints: readonly [number, number, number];
  readonly saveFile?: string;
  /** Spectrum file name (&plot xanes_file; XSpectra's default is xanes.dat). */
  readonly xanesFile?: string;
}

/** xspectra.x input (&input_xspectra, &plot, &pseudos, &cut_occ, k-point line). */
export function writeXspectraInput(x: XspectraInput): string {
  if (!(x.xemax > x.xemin) || !(x.xnepoint > 1))
    throw new SpecfuseError('invalid-argument', 'xspectra energy grid needs xemax > xemin and xnepoint > 1', {
      field: 'xemin',
    });
  const input: Record<string, NamelistValue> = {
    calculation: x.calculation,
    prefix: x.prefix,
    outdir: x.outdir,
    xniter: x.xniter ?? 1000,
    xcheck_conv: x.xcheckConv ?? 50,
    'xepsilon(1)': x.xepsilon[0],
    'xepsilon(2)': x.xepsilon[1],
    'xepsilon(3)': x.xepsilon[2],
    xiabs: x.xiabs,
    x_save_file: x.saveFile ?? `${x.prefix}.xspectra.sav`,
    xerror: x.xerror ?? 0.001,
  };
  if (x.xkvec) {
    input['xkvec(1)'] = x.xkvec[0];
    input['xkvec(2)'] = x.xkvec[1];
    input['xkvec(3)'] = x.xkvec[2];
  }
  if (x.efR !== undefined) input.ef_r = x.efR;
  return [
    writeNamelist('input_xspectra', input),
    writeNamelist('plot', {
      ...(x.xanesFile !== undefined ? { xanes_file: x.xanesFile } : {}),
      xnepoint: x.xnepoint,
      xgamma: x.xgamma,
      xemin: x.xemin,
      xemax: x.xemax,
      terminator: true,
      cut_occ_states: true,
    }),
    writeNamelist('pseudos', { filecore: x.filecore, 'r_paw(1)': x.rPaw }),
    writeNamelist('cut_occ', { cut_desmooth: 0.1 }),
    `${x.kpoints.join(' ')} 0 0 0`,
    '',
  ].join('\n');
}
