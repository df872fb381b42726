/**
 * K-edge XANES of one absorbing site by real-space full multiple scattering (see propagator.ts for the equations).
 *
 * Chain: cluster of radius R around the site → non-SCF overlapped-atom muffin tins with a final-state-rule core hole
 * (part 1, `buildScatteringPotentials`) → on each energy, complex phase shifts with the Hedin–Lundqvist self-energy
 * (`phaseShiftsAll`) and half the core-hole lifetime as Im E = Γ_ch/4 → FMS χ(E) and the embedded-atom μ0(E) →
 * μ(E) = μ0(E)·[1 + χ(E)] (Rehr & Albers RMP 72, 621 (2000), Eq. 45) on the states above E_F, then the Fermi-level
 * cut-off and the other half of the lifetime: μ = L_{Γ/2} ⊗ [θ(E − E_F) μ] (`fermiConvolve`). Evaluating the Green's
 * function at E + iγ is exactly its convolution with a Lorentzian of half width γ (analyticity in the upper half
 * plane), so the result is the fully broadened spectrum above E_F with the proper Lorentzian tail below it; it is exact
 * in the limit where the first half of the width goes to zero (FEFF integrates the same convolution on a complex
 * contour). `fermiCutoff: 'step'` keeps the earlier product μ_Γ(E)·(1/2 + arctan(2(E − E_F)/Γ)/π).
 *
 * Energy axis: photon energy ω = E_edge(tab) + ΔE_cal(Z) + (E − E_F) + E_F − ΔV_c, where E_F is the Fermi level of
 * the non-SCF potential on its vacuum-zero scale (so chemical shifts from the interstitial level and the Fermi
 * level carry into the edge position), ΔV_c the shift of the absorber's core level by the neighbours' overlapped
 * potential (Coulomb potential at the nucleus, overlapped minus free atom), and ΔE_cal a per-element calibration
 * constant (`FMS_CALIBRATION_EV`).
 */
import { coreHoleWidth, edge, element } from '../../core/elements.js';
import { FMS_K_CALIBRATION_EV } from '../../core/physical-tables.js';
import { SpecfuseError } from '../../core/errors.js';
import type { TaskContext } from '../../core/progress.js';
import { checkAborted } from '../../core/progress.js';
import { HARTREE_EV, BOHR_ANGSTROM, HBAR2_OVER_2M_EV_A2 } from '../../core/units.js';
import type { Complex } from '../../math/complex.js';
import type { Structure } from '../../structure/types.js';
import { atomicBackground, lorentzianEdgeStep } from '../scattering/mu0.js';
import {
  buildScatteringPotentials,
  opticalMuffinTin,
  phaseShiftsAll,
  setupFromStructure,
} from '../scattering/pipeline.js';
import type { SolverKind } from './propagator.js';
import {
  buildFmsSystem,
  chiFromBlock,
  defaultSolver,
  prepareCluster,
  solveAbsorberBlock,
  tFromPhases,
} from './propagator.js';

/**
 * Per-element calibration ΔE_cal (eV) added to the absolute axis: `FMS_K_CALIBRATION_EV` (src/core/physical-tables.ts,
 * derived there from measured oxide spectra in ../shared/data). Elements without an entry get 0: their axis is the
 * tabulated edge plus the photoelectron energy on the potential's vacuum-zero scale. Edge *differences* between
 * compounds of one element do not depend on it.
 */
export const FMS_CALIBRATION_EV: Readonly<Record<string, number>> = FMS_K_CALIBRATION_EV;

export interface FmsOptions {
  /** Cluster radius (Å) for the FMS matrix; default 6 (FEFF golden runs). */
  readonly radius?: number;
  /** Angular-momentum cut-off: one number for every atom, or default 3 for Z > 10 and 2 for Z ≤ 10 (golden runs). */
  readonly lmax?: number;
  /** Highest photoelectron energy above E_F (eV); default 60 (the comparison window ends at E0 + 50 eV). */
  readonly maxEnergy?: number;
  /** Lowest energy relative to E_F (eV, negative); default −8. */
  readonly minEnergy?: number;
  /** Step (eV) of the uniform-energy part (minEnergy … uniformUpTo); default 0.5. */
  readonly dE?: number;
  /** Step (Å⁻¹) of the uniform-k part above uniformUpTo; default 0.07 (FEFF's XANES grid, as the golden runs). */
  readonly dk?: number;
  /** End (eV above E_F, ≥ 0) of the uniform-energy part of the grid; default 0 (uniform in k from E_F on). */
  readonly uniformUpTo?: number;
  /** Unit polarization vector (Cartesian); omitted → polarization average. */
  readonly polarization?: readonly [number, number, number];
  /** 'hedin-lundqvist' (default) or 'constant' (Im part only: constantImaginary eV). */
  readonly selfEnergy?: 'hedin-lundqvist' | 'constant';
  readonly constantImaginary?: number;
  /** Core-hole width override (eV FWHM); default Keski-Rahkonen & Krause via coreHoleWidth. */
  readonly coreHoleWidth?: number;
  readonly solver?: SolverKind;
  /**
   * How the occupied states are cut off at E_F (default 'convolution'): the spectrum above E_F, computed with half
   * the core-hole width, is convolved with a Lorentzian of the other half (`fermiConvolve`), so the white line's
   * Lorentzian tail extends below E_F as in FEFF's Fermi-function convolution; 'step' multiplies the fully broadened
   * spectrum by the broadened step instead (the earlier approximation).
   */
  readonly fermiCutoff?: 'convolution' | 'step';
  /** Absorber core hole: final-state rule (default) or none. */
  readonly coreHole?: 'fsr' | 'none';
  /**
   * Added to the muffin-tin Fermi level (eV) before the energy grid and Fermi cut-off are placed (default 0: part
   * 1's electron-gas E_F unchanged). For sensitivity studies only.
   */
  readonly fermiShift?: number;
}

export interface FmsSiteResult {
  /** E − E_F (eV) of every computed point. */
  readonly eRel: Float64Array;
  /** Absolute photon energy (eV). */
  readonly omega: Float64Array;
  readonly mu: Float64Array;
  readonly mu0: Float64Array;
  readonly chi: Float64Array;
  readonly info: {
    readonly site: number;
    readonly atoms: number;
    readonly basisSize: number;
    readonly fermiLevelEv: number;
    readonly vIntEv: number;
    readonly coreShiftEv: number;
    readonly gammaEv: number;
    readonly solver: SolverKind;
  };
}

/**
 * Energies relative to E_F (eV): uniform steps dE from minEnergy up to `uniformUpTo` (default 0 = E_F), then uniform
 * in k (E = ħ²k²/2m, step dk, default 0.07 Å⁻¹) up to maxEnergy. The default is FEFF's XANES grid (card
 * `XANES 6.0 0.07`, the golden runs' setting: ../shared/data/feff-golden/README.md), which is fine at the Fermi level
 * (0.07 Å⁻¹ is 0.02–0.5 eV in the first 3 eV) where an O K edge (Γ = 0.16 eV) rises, and ≈ 2 eV wide at 60 eV.
 * Measured on NiO O K vs FEFF10 (6 Å): the previous default (0.5 eV to +16 eV, then 0.12 Å⁻¹) under-resolved the
 * edge jump (r_deriv 0.815); this grid gives 0.851 (dE 0.25 below E_F: 0.895). TM K edges are unaffected (Γ ≈ 1.5 eV).
 */
export function fmsEnergyGrid(o: FmsOptions = {}): Float64Array {
  const e0 = o.minEnergy ?? -8;
  const e1 = o.maxEnergy ?? 60;
  const dE = o.dE ?? 0.5;
  const dk = o.dk ?? 0.07;
  const split = Math.max(0, Math.min(o.uniformUpTo ?? 0, e1));
  const out: number[] = [];
  for (let i = 0; e0 + i * dE <= split + 1e-9; i++) out.push(e0 + i * dE);
  const k0 = Math.sqrt(split / HBAR2_OVER_2M_EV_A2);
  for (let i = 1; HBAR2_OVER_2M_EV_A2 * (k0 + i * dk) ** 2 <= e1 + 1e-9; i++)
    out.push(HBAR2_OVER_2M_EV_A2 * (k0 + i * dk) ** 2);
  if (out[out.length - 1]! < e1 - 1e-6) out.push(e1);
  return Float64Array.from(out);
}

/**
 * Lorentzian convolution of a spectrum that is zero below E_F: out(E) = ∫_0^∞ L_γ(E − x) f(x) dx, L_γ(u) =
 * (γ/π)/(u² + γ²) (half width γ, eV), with f piecewise linear on the points xs (eV relative to E_F, starting at 0,
 * increasing) and constant beyond the last one. Each segment is integrated exactly:
 *   ∫ (a + b x) L_γ(E − x) dx = (a + bE)/π · atan((x − E)/γ) + (bγ/2π) · ln((x − E)² + γ²).
 * Convolving the half-broadened spectrum (Γ/2) again with the other half (Γ/2) gives the fully broadened one above E_F
 * (Lorentzians add their widths) and the proper tail below it (Rehr & Albers, RMP 72, 621 (2000), Sec. III.D: the
 * absorption is the Fermi-function-weighted spectral function convolved with the core-hole Lorentzian).
 */
export function fermiConvolve(
  xs: ArrayLike<number>,
  f: ArrayLike<number>,
  at: ArrayLike<number>,
  gammaHalf: number,
): Float64Array {
  const m = xs.length;
  const out = new Float64Array(at.length);
  const g = gammaHalf;
  for (let k = 0; k < at.length; k++) {
    const E = at[k]!;
    let s = 0;
    for (let j = 0; j + 1 < m; j++) {
      const x0 = xs[j]!;
      const x1 = xs[j + 1]!;
      const b = (f[j + 1]! - f[j]!) / (x1 - x0);
      const a = f[j]! - b * x0;
      const u0 = x0 - E;
      const u1 = x1 - E;
      s +=
        ((a + b * E) / Math.PI) * (Math.atan(u1 / g) - Math.atan(u0 / g)) +
        ((b * g) / (2 * Math.PI)) * Math.log((u1 * u1 + g * g) / (u0 * u0 + g * g));
    }
    s += f[m - 1]! * (0.5 - Math.atan((xs[m - 1]! - E) / g) / Math.PI);
    out[k] = s;
  }
  return out;
}

/**
 * Radius (Å) of the cluster from which the muffin-tin potentials, V_int and E_F are built, whatever the FMS radius:
 * 9 Å, as the clusters of the FEFF10 golden runs (../shared/data/feff-golden/NOTES.md). Building them from the FMS
 * cluster itself made the potentials depend on R (NiO E_F −0.70 / −2.71 / −2.81 / −2.86 eV at 5 / 6 / 7 / 8 Å: the
 * atoms nearest the absorber lose overlap partners at the cluster edge), so a convergence study in R mixed a change
 * of potential into the change of multiple scattering. At 9 Å E_F is converged to 0.01 eV (LiCoO2 O site, 8 → 9 Å).
 */
export const POTENTIAL_CLUSTER_RADIUS = 9;

/** Default angular-momentum cut-off by atomic number (golden runs: transition metals 3, O and Li 2). */
export function defaultLmax(Z: number): number {
  return Z > 10 ? 3 : 2;
}

export function simulateFmsSite(
  structure: Structure,
  siteIndex: number,
  o: FmsOptions = {},
  ctx?: TaskContext,
): FmsSiteResult {
  const site = structure.sites[siteIndex];
  if (!site) throw new SpecfuseError('invalid-argument', `no site ${siteIndex}`, { field: 'sites' });
  const radius = o.radius ?? 6;
  if (!(radius > 0 && radius <= 12))
    throw new SpecfuseError('invalid-argument', `radius must be in (0, 12] Å, got ${radius}`, {
      field: 'radius',
    });
  const setup = setupFromStructure(structure, siteIndex, Math.max(radius, POTENTIAL_CLUSTER_RADIUS), '1s', {
    ...(o.coreHole ? { coreHole: o.coreHole } : {}),
  });
  const sp = buildScatteringPotentials(setup);
  const mt = sp.muffinTin;
  const H = HARTREE_EV;
  const gamma = o.coreHoleWidth ?? coreHoleWidth(site.element, 'K');
  // FMS atoms: those within `radius`
  const fmsAtoms = setup.atoms.filter((a) => Math.hypot(...a.position) <= radius + 1e-6);
  const Zof = (ipot: number) => mt.potentials[ipot]!.Z;
  const lmaxOf = (ipot: number) => o.lmax ?? defaultLmax(Zof(ipot));
  const cluster = prepareCluster(
    fmsAtoms.map(
      (a) =>
        [a.position[0] / BOHR_ANGSTROM, a.position[1] / BOHR_ANGSTROM, a.position[2] / BOHR_ANGSTROM] as [
          number,
          number,
          number,
        ],
    ),
    fmsAtoms.map((a) => lmaxOf(a.ipot)),
  );
  const lmaxAll = cluster.lmaxAll;
  const se =
    o.selfEnergy === 'constant'
      ? { model: 'constant' as const, constantImaginary: (o.constantImaginary ?? 0) / H }
      : {};
  const solver = o.solver ?? defaultSolver();
  const eRel = fmsEnergyGrid(o);
  const n = eRel.length;
  const chi = new Float64Array(n);
  const mu0 = new Float64Array(n);
  const mu = new Float64Array(n);
  const pot0 = mt.potentials[0]!;
  const eF = mt.fermiLevel + (o.fermiShift ?? 0) / H;
  const cutoff = o.fermiCutoff ?? 'convolution';
  // 'convolution': the Green's function is evaluated at E + iΓ/4 (half the core-hole width) on the states above E_F
  // only, and the other half of the width is applied afterwards to θ(E − E_F)·μ (fermiConvolve); 'step': at E + iΓ/2
  // everywhere, times the broadened step.
  const gEval = cutoff === 'convolution' ? gamma / 2 : gamma;
  const evalIdx: number[] = [];
  for (let i = 0; i < n; i++) if (cutoff === 'step' || eRel[i]! >= -1e-9) evalIdx.push(i);
  const mSharp = new Float64Array(n);
  const m0Sharp = new Float64Array(n);
  evalIdx.forEach((i, done) => {
    checkAborted(ctx);
    const E: Complex = { re: eF + eRel[i]! / H, im: gEval / 2 / H };
    const ps = phaseShiftsAll(mt, E, lmaxAll, se);
    const t = fmsAtoms.map((a) =>
      tFromPhases(ps.re[a.ipot]!, ps.im[a.ipot]!, cluster.lmax[fmsAtoms.indexOf(a)]!),
    );
    const { M, R } = buildFmsSystem(cluster, ps.p, t);
    const B = solveAbsorberBlock(cluster, M, R, solver);
    const c = chiFromBlock(B, { re: ps.re[0]![1]!, im: ps.im[0]![1]! }, o.polarization);
    const m0 = atomicBackground(
      (e) => opticalMuffinTin(mt, pot0, e.re, se),
      sp.core.R,
      0,
      [E],
      [ps.eref],
      [E.re - sp.core.energy],
    )[0]!;
    m0Sharp[i] = m0;
    mSharp[i] = m0 * (1 + c);
    ctx?.report?.({
      done: done + 1,
      total: evalIdx.length,
      message: `fms energy ${done + 1}/${evalIdx.length}`,
    });
  });
  if (cutoff === 'convolution') {
    const xs = Float64Array.from(evalIdx, (i) => eRel[i]!);
    const conv = fermiConvolve(
      xs,
      Float64Array.from(evalIdx, (i) => mSharp[i]!),
      eRel,
      gamma / 2,
    );
    const conv0 = fermiConvolve(
      xs,
      Float64Array.from(evalIdx, (i) => m0Sharp[i]!),
      eRel,
      gamma / 2,
    );
    for (let i = 0; i < n; i++) {
      mu[i] = conv[i]!;
      // μ0 without the cut-off (the embedded-atom background, as FEFF's xmu.dat column), χ = μ/μ0 − 1 above E_F
      mu0[i] = eRel[i]! >= 0 ? m0Sharp[i]! : m0Sharp[evalIdx[0]!]!;
      chi[i] = eRel[i]! >= 0 ? mSharp[i]! / m0Sharp[i]! - 1 : conv[i]! / (conv0[i]! || 1) - 1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      mu0[i] = m0Sharp[i]!;
      chi[i] = mSharp[i]! / m0Sharp[i]! - 1;
      mu[i] = mSharp[i]! * lorentzianEdgeStep(eRel[i]!, gamma);
    }
  }
  // core-level shift: overlapped minus free-atom Coulomb potential at the nucleus (first grid point)
  const coreShift = (pot0.coulomb[0]! - sp.freeAtoms[0]!.coulomb[0]!) * H;
  const cal = FMS_CALIBRATION_EV[site.element] ?? 0;
  const base = edge(site.element, 'K').energy + cal + eF * H - coreShift;
  const omega = eRel.map((e) => base + e);
  // normalise μ0 and μ by μ0 at the last point (arbitrary units otherwise)
  const norm = mu0[n - 1]! || 1;
  for (let i = 0; i < n; i++) {
    mu[i] = mu[i]! / norm;
    mu0[i] = mu0[i]! / norm;
  }
  return {
    eRel,
    omega,
    mu,
    mu0,
    chi,
    info: {
      site: siteIndex,
      atoms: fmsAtoms.length,
      basisSize: cluster.size,
      fermiLevelEv: eF * H,
      vIntEv: mt.vInt * H,
      coreShiftEv: coreShift,
      gammaEv: gamma,
      solver,
    },
  };
}

/** Element symbol check used by the engine (throws a SpecfuseError for unknown symbols). */
export function absorberZ(symbol: string): number {
  return element(symbol).z;
}
