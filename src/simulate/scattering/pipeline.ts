/**
 * The scattering-potential chain as typed stages, for the XANES/EXAFS engines:
 *   free atoms (LDA, final-state-rule core hole on ipot 0) → Mattheiss muffin tins → optical potential
 *   (local Hedin–Lundqvist) → phase shifts δ_l(E) of every unique potential, and the absorber's core orbital
 *   for the dipole matrix elements.
 * Energies are in Hartree on the absolute scale of the potentials (the Fermi level is `muffinTin.fermiLevel`).
 */
import { element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import type { Complex } from '../../math/complex.js';
import type { RadialGrid } from '../../math/radial-grid.js';
import { clusterAround } from '../../structure/neighbors.js';
import type { Structure } from '../../structure/types.js';
import { feffGrid, logGridSpan, regrid } from '../../math/radial-grid.js';
import type { Shell } from './atom.js';
import {
  finalStateRuleConfiguration,
  groundStateConfiguration,
  parseConfiguration,
  solidStateConfiguration,
  solveAtom,
} from './atom.js';
import type { FreeAtomOnGrid } from './free-atom.js';
import { freeAtomOnGrid } from './free-atom.js';
import type { ScatteringAtom, MuffinTinResult, UniquePotential } from './muffin-tin.js';
import { buildMuffinTin } from './muffin-tin.js';
import type { ComplexMuffinTin } from './phase-shifts.js';
import { phaseShifts } from './phase-shifts.js';
import { hedinLundqvistTable, opticalPotential } from './self-energy.js';

export interface PotentialSpec {
  readonly ipot: number;
  readonly Z: number;
  /** Relative abundance for interstitial averages (default 1; FEFF uses 0.01 for the absorber). */
  readonly stoichiometry?: number;
  /** Shell occupations; default: the solid-state configuration (`solidStateConfiguration`), and for ipot 0 the
   * final-state-rule core hole. */
  readonly shells?: readonly Shell[];
}

export interface ScatteringSetup {
  readonly atoms: readonly ScatteringAtom[];
  readonly potentials: readonly PotentialSpec[];
  /** Core level of the absorber ('1s' for K, '2p' for L2,3). */
  readonly coreLevel: string;
  /** 'fsr' (final-state rule, default) or 'none' (ground-state absorber). */
  readonly coreHole?: 'fsr' | 'none';
  /** Overlap factor(s) for the muffin-tin radii (default 1.15). */
  readonly folp?: number | readonly number[];
  readonly grid?: RadialGrid;
}

export interface ScatteringPotentials {
  readonly setup: ScatteringSetup;
  readonly freeAtoms: readonly FreeAtomOnGrid[];
  readonly muffinTin: MuffinTinResult;
  /** Initial-state core orbital of the absorber on the muffin-tin grid, its energy (Ha) and l. */
  readonly core: { readonly R: Float64Array; readonly energy: number; readonly l: number };
}

/** Stages 1–2: atoms and overlapped muffin-tin potentials for a cluster. */
export function buildScatteringPotentials(setup: ScatteringSetup): ScatteringPotentials {
  const grid = setup.grid ?? feffGrid(251);
  if (!setup.potentials.some((p) => p.ipot === 0))
    throw new SpecfuseError('invalid-argument', 'ipot 0 (the absorber) is required', { field: 'potentials' });
  const freeAtoms = setup.potentials.map((p) => {
    let shells = p.shells ?? solidStateConfiguration(p.Z);
    if (p.ipot === 0 && p.shells === undefined && (setup.coreHole ?? 'fsr') === 'fsr')
      shells = finalStateRuleConfiguration(shells, setup.coreLevel);
    return freeAtomOnGrid(
      p.ipot,
      p.Z,
      shells,
      grid,
      p.stoichiometry !== undefined ? { stoichiometry: p.stoichiometry } : {},
    );
  });
  const muffinTin = buildMuffinTin(setup.atoms, freeAtoms, {
    grid,
    ...(setup.folp !== undefined ? { folp: setup.folp } : {}),
  });
  const abs = setup.potentials.find((p) => p.ipot === 0)!;
  const ground = solveAtom(abs.Z, groundStateConfiguration(abs.Z), {
    relativistic: 'scalar',
    grid: logGridSpan(1e-7, 60, 0.02),
  });
  const c = parseConfiguration(`${setup.coreLevel}1`)[0]!;
  const orb = ground.orbitals.find((o) => o.n === c.n && o.l === c.l);
  if (!orb)
    throw new SpecfuseError('invalid-argument', `absorber has no ${setup.coreLevel} level`, {
      field: 'coreLevel',
    });
  return {
    setup,
    freeAtoms,
    muffinTin,
    core: { R: regrid(ground.grid, orb.R, grid), energy: orb.energy, l: c.l },
  };
}

export interface SelfEnergyChoice {
  /** 'hedin-lundqvist' (default) or a constant imaginary part Γ/2 (Ha) on the ground-state potential. */
  readonly model?: 'hedin-lundqvist' | 'constant';
  readonly constantImaginary?: number;
}

/** Interstitial level E_ref(E) = V_int + ΔΣ(r_s,int, E − μ) (Ha). */
export function interstitialLevel(mt: MuffinTinResult, E: number, se: SelfEnergyChoice = {}): Complex {
  if (se.model === 'constant') return { re: mt.vInt, im: -(se.constantImaginary ?? 0) };
  const s = hedinLundqvistTable().shift(mt.rsInt, E - mt.fermiLevel);
  return { re: mt.vInt + s.re, im: s.im };
}

/** The complex muffin tin of one unique potential at energy E (stage 3). */
export function opticalMuffinTin(
  mt: MuffinTinResult,
  pot: UniquePotential,
  E: number,
  se: SelfEnergyChoice = {},
): ComplexMuffinTin {
  const v =
    se.model === 'constant'
      ? opticalPotential(pot.vtot, pot.density, 0, { constantImaginary: se.constantImaginary ?? 0 })
      : opticalPotential(pot.vtot, pot.density, E - mt.fermiLevel, {
          upTo: Math.min(pot.vtot.length, Math.ceil((Math.log(pot.rMt) - mt.grid.x0) / mt.grid.h) + 6),
        });
  return { grid: mt.grid, Z: pot.Z, rMt: pot.rMt, vRe: v.vRe, vIm: v.vIm };
}

export interface PhaseShiftSet {
  readonly energy: Complex;
  readonly eref: Complex;
  /** Interstitial momentum (bohr⁻¹). */
  readonly p: Complex;
  /** Per ipot (index = position in muffinTin.potentials): δ_l, l = 0…lmax. */
  readonly re: Float64Array[];
  readonly im: Float64Array[];
}

/** Stage 4: phase shifts of all unique potentials at complex energy E (Ha). */
export function phaseShiftsAll(
  mt: MuffinTinResult,
  E: Complex,
  lmax: number,
  se: SelfEnergyChoice = {},
): PhaseShiftSet {
  const eref = interstitialLevel(mt, E.re, se);
  const re: Float64Array[] = [];
  const im: Float64Array[] = [];
  let p: Complex = { re: 0, im: 0 };
  for (const pot of mt.potentials) {
    const r = phaseShifts(opticalMuffinTin(mt, pot, E.re, se), E, eref, lmax);
    re.push(r.re);
    im.push(r.im);
    p = r.p;
  }
  return { energy: E, eref, p, re, im };
}

/**
 * Scattering setup for the site `siteIndex` of a structure: the cluster of radius `radius` Å (clusterAround),
 * unique potentials by element with the absorber separate (ipot 0), stoichiometry from the structure's
 * composition (absorber 0.01, FEFF's convention).
 */
export function setupFromStructure(
  structure: Structure,
  siteIndex: number,
  radius: number,
  coreLevel: string,
  opts: { folp?: number | readonly number[]; coreHole?: 'fsr' | 'none' } = {},
): ScatteringSetup {
  const cluster = clusterAround(structure, siteIndex, radius);
  const ipotOf = new Map<string, number>();
  const potentials: PotentialSpec[] = [{ ipot: 0, Z: element(cluster[0]!.element).z, stoichiometry: 0.01 }];
  const counts = new Map<string, number>();
  for (const s of structure.sites) counts.set(s.element, (counts.get(s.element) ?? 0) + (s.occupancy ?? 1));
  const atoms: ScatteringAtom[] = cluster.map((a, i) => {
    if (i === 0) return { position: a.position, ipot: 0 };
    let ip = ipotOf.get(a.element);
    if (ip === undefined) {
      ip = potentials.length;
      ipotOf.set(a.element, ip);
      potentials.push({ ipot: ip, Z: element(a.element).z, stoichiometry: counts.get(a.element) ?? 1 });
    }
    return { position: a.position, ipot: ip };
  });
  return { atoms, potentials, coreLevel, ...opts };
}
