/**
 * Full-multiple-scattering χ(E) of an absorber from phase shifts tabulated elsewhere — another code's, or ours saved
 * earlier — on that table's own energy points. Only the multiple-scattering step is ours (propagator.ts); the
 * potentials, self-energy, and the complex interstitial momentum p come with the table. Its use: checking the FMS
 * solver against a reference code with identical scattering input (FEFF10's `phase0N.dat`, see
 * tabulated-phases.test.ts), which separates the errors of part 2 (propagation, matrix solution, χ) from those of
 * part 1 (potentials and phase shifts), and running convergence studies with that code's own physics.
 *
 * χ is the polarization-averaged (or ε-projected) K-edge fine structure Re[e^{2iδ_1^c} ε·B·ε] of propagator.ts,
 * with δ_1^c the absorber's p-wave phase from the same table.
 */
import { SpecfuseError } from '../../core/errors.js';
import { BOHR_ANGSTROM, HARTREE_EV } from '../../core/units.js';
import type { FeffInpCluster, FeffPhaseFile } from '../../io/feff-internals/index.js';
import type { SolverKind } from './propagator.js';
import { defaultLmax } from './site.js';
import {
  buildFmsSystem,
  chiFromBlock,
  defaultSolver,
  prepareCluster,
  solveAbsorberBlock,
  tFromPhases,
} from './propagator.js';

/** Phase shifts of one unique potential: deltaRe[l][ie], deltaIm[l][ie] (rad), l = 0 … at least its lmax. */
export interface PhaseTable {
  readonly deltaRe: readonly ArrayLike<number>[];
  readonly deltaIm: readonly ArrayLike<number>[];
}

export interface TabulatedFmsInput {
  /** Cluster atoms (Å, absorber first or at the origin) with their unique-potential index (0 = absorber). */
  readonly atoms: readonly { readonly position: readonly [number, number, number]; readonly ipot: number }[];
  /** FMS radius (Å) about the absorber. */
  readonly radius: number;
  /** Phase tables indexed by ipot. */
  readonly phases: readonly PhaseTable[];
  /** Complex interstitial momentum p (bohr⁻¹) at every tabulated energy. */
  readonly pRe: ArrayLike<number>;
  readonly pIm: ArrayLike<number>;
  /** Angular-momentum cut-off of each ipot. */
  readonly lmax: readonly number[];
  /** Energy indices to compute (default all). */
  readonly indices?: readonly number[];
  readonly polarization?: readonly [number, number, number];
  readonly solver?: SolverKind;
}

/** χ at the requested energy indices (NaN elsewhere) and the number of atoms in the FMS cluster. */
export function fmsChiFromTabulatedPhases(inp: TabulatedFmsInput): { chi: Float64Array; atoms: number } {
  const n = inp.pRe.length;
  const abs = inp.atoms.find((a) => a.ipot === 0);
  if (!abs)
    throw new SpecfuseError('invalid-argument', 'no absorber (ipot 0) in the cluster', { field: 'atoms' });
  for (const [ip, t] of inp.phases.entries()) {
    const l = inp.lmax[ip];
    if (l === undefined || t.deltaRe.length <= l || t.deltaIm.length <= l)
      throw new SpecfuseError('invalid-argument', `phase table of ipot ${ip} stops below its lmax`, {
        field: 'phases',
      });
  }
  const o = abs.position;
  // the absorber first, then every atom within the radius
  const inside = [
    abs,
    ...inp.atoms.filter(
      (a) =>
        a !== abs &&
        Math.hypot(a.position[0] - o[0], a.position[1] - o[1], a.position[2] - o[2]) <= inp.radius + 1e-6,
    ),
  ];
  const cluster = prepareCluster(
    inside.map(
      (a) =>
        [
          (a.position[0] - o[0]) / BOHR_ANGSTROM,
          (a.position[1] - o[1]) / BOHR_ANGSTROM,
          (a.position[2] - o[2]) / BOHR_ANGSTROM,
        ] as [number, number, number],
    ),
    inside.map((a) => {
      const l = inp.lmax[a.ipot];
      if (l === undefined)
        throw new SpecfuseError('invalid-argument', `no lmax for ipot ${a.ipot}`, { field: 'lmax' });
      return l;
    }),
  );
  const solver = inp.solver ?? defaultSolver();
  const chi = new Float64Array(n).fill(Number.NaN);
  for (const ie of inp.indices ?? Array.from({ length: n }, (_, i) => i)) {
    const t = inside.map((a) => {
      const tab = inp.phases[a.ipot];
      if (!tab)
        throw new SpecfuseError('invalid-argument', `no phase table for ipot ${a.ipot}`, { field: 'phases' });
      const L = inp.lmax[a.ipot]!;
      return tFromPhases(
        Float64Array.from({ length: L + 1 }, (_, l) => tab.deltaRe[l]![ie]!),
        Float64Array.from({ length: L + 1 }, (_, l) => tab.deltaIm[l]![ie]!),
        L,
      );
    });
    const { M, R } = buildFmsSystem(cluster, { re: inp.pRe[ie]!, im: inp.pIm[ie]! }, t);
    const B = solveAbsorberBlock(cluster, M, R, solver);
    const p0 = inp.phases[0]!;
    chi[ie] = chiFromBlock(B, { re: p0.deltaRe[1]![ie]!, im: p0.deltaIm[1]![ie]! }, inp.polarization);
  }
  return { chi, atoms: inside.length };
}

/**
 * Input for `fmsChiFromTabulatedPhases` from a FEFF run: its cluster (feff.inp), its phase0N.dat files indexed by
 * ipot, and the energy indices to compute. FEFF writes the momentum in units where p²/2 is in eV, converted here to
 * bohr⁻¹; the angular-momentum cut-offs are our defaults (`defaultLmax`), which are also those of the golden runs.
 */
export function feffTabulatedInput(
  cluster: FeffInpCluster,
  phases: readonly FeffPhaseFile[],
  radius: number,
  indices?: readonly number[],
): TabulatedFmsInput {
  const p0 = phases[0];
  if (!p0)
    throw new SpecfuseError('invalid-argument', 'no phase file for the absorber (ipot 0)', {
      field: 'phases',
    });
  const scale = Math.sqrt(HARTREE_EV);
  return {
    atoms: cluster.atoms.map((a) => ({
      position: [a.x, a.y, a.z] as [number, number, number],
      ipot: a.ipot,
    })),
    radius,
    phases,
    pRe: Array.from(p0.pRe, (v) => v / scale),
    pIm: Array.from(p0.pIm, (v) => v / scale),
    lmax: cluster.potentials.map((p) => defaultLmax(p.Z)),
    ...(indices ? { indices } : {}),
  };
}
