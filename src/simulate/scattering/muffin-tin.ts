/**
 * Overlapped-atom (Mattheiss) muffin-tin potentials for a cluster.
 *
 * Mattheiss, Phys. Rev. 133, A1399 (1964): the crystal density and Coulomb potential near atom a are the free-atom
 * ones plus the spherical averages of every neighbour's, taken about a. For a spherically symmetric f centred at
 * distance d, the average over the sphere of radius r about a is (Löwdin α-expansion, l = 0 term)
 *   f̄(r) = 1/(2 r d) ∫_{|d−r|}^{d+r} f(t) t dt.
 * Ankudinov, Ravel, Rehr & Conradson, PRB 58, 7565 (1998), Sec. II.A (FEFF8's non-self-consistent potentials):
 * - Norman radius R_N: the sphere about the atom holding its Z electrons of the overlapped density.
 * - Muffin-tin radii from the Norman radii: neighbouring spheres touch in the ratio of their Norman radii,
 *   R_t,a = min_b d_ab R_N,a / (R_N,a + R_N,b), then are enlarged by the overlap factor folp (FEFF's documented
 *   default 1.15) and kept inside the Norman sphere (`NORMAN_CAP`).
 * - Interstitial potential V_int and density ρ_int: volume averages over the shells R_mt < r < R_N of every unique
 *   potential, weighted by its stoichiometry; ρ_int also counts the overlap lenses (see `buildMuffinTin`).
 * - Ground-state exchange–correlation in V_tot: von Barth–Hedin LDA (see xc.ts) of the density outside the
 *   neighbours' muffin tins.
 * - Fermi level (non-self-consistent, electron-gas value at the interstitial density): μ = V_int + k_F²/2,
 *   k_F = (3π² ρ_int)^{1/3}.
 *
 * Four choices below are not described in the papers or manuals we could read and were fixed by comparing with
 * FEFF10's own non-SCF numbers (muffin-tin.test.ts, FEFF's free atoms fed to our recipe): the Norman cap 0.96 (FEFF's
 * automatic overlap AFOLP lands at R_mt/R_N = 0.94–0.97; radii then agree within 1.6 %), the exchange–correlation
 * density near R_mt (FEFF's V_tot is up to 1.6 eV shallower than V_C + v_xc(ρ̄) over the last grid points inside
 * R_mt; dropping the neighbours' density inside their own spheres reproduces that to 0.25 eV for the metal sites,
 * but leaves the O site of layered LiMO2 0.6 eV deeper than FEFF's), and the lens weighting of ρ_int (FEFF's r_s,int
 * within 1 % in every oxide run; the shells alone give 6–8 % larger r_s and Fermi levels 2–4 eV too low), and the
 * weights of the V_int average (each potential by its Norman-sphere volume rather than its shell volume,
 * `cellWeightedPotential`: layered LiMO2 V_int within 0.5 eV of FEFF's, was 0.9 eV).
 */
import { SpecfuseError } from '../../core/errors.js';
import { BOHR_ANGSTROM } from '../../core/units.js';
import type { RadialGrid } from '../../math/radial-grid.js';
import { cumulativeIntegral, interpolateRadial } from '../../math/radial-grid.js';
import { gaussLegendre } from '../../math/quadrature.js';
import type { CorrelationModel } from './xc.js';
import { ldaXc } from './xc.js';

export interface ScatteringAtom {
  /** Cartesian position (Å). */
  readonly position: readonly [number, number, number];
  /** Unique-potential index (0 = absorber). */
  readonly ipot: number;
}

/** Free-atom input for one unique potential, tabulated on the common grid. */
export interface FreeAtomData {
  readonly ipot: number;
  readonly Z: number;
  /** Electron density n(r) (electrons/bohr³). */
  readonly density: Float64Array;
  /** Electrostatic potential −Z/r + V_H (Ha). */
  readonly coulomb: Float64Array;
  /** Relative abundance used to weight interstitial averages (default 1; FEFF's absorber convention 0.01). */
  readonly stoichiometry?: number;
}

export interface MuffinTinOptions {
  readonly grid: RadialGrid;
  /** Overlap factor(s): one number for all, or per ipot. Default 1.15. */
  readonly folp?: number | readonly number[];
  /**
   * Upper bound on R_mt as a fraction of the Norman radius (default `NORMAN_CAP` = 0.96; `Infinity` switches it
   * off, e.g. to reproduce another code's radii from its overlap factors).
   */
  readonly normanCap?: number;
  /**
   * Density fed to the ground-state exchange–correlation potential (default 'outside-neighbour-spheres'):
   * 'overlapped' is the plain Mattheiss sum; 'outside-neighbour-spheres' drops each neighbour's density inside that
   * neighbour's own muffin tin (see `xcDensityOutsideNeighbours`).
   */
  readonly xcDensity?: 'overlapped' | 'outside-neighbour-spheres';
  /**
   * Interstitial density ρ_int (default 'lenses'). 'shells': the volume average of the overlapped density over
   * R_mt < r < R_N of every unique potential (Ankudinov et al. 1998). With overlapping muffin tins the
   * electrons and volume of the lens-shaped overlaps between neighbouring spheres are left out of that average;
   * 'union' adds each lens once (half to each of its two atoms: the interstitial is then exactly the complement of
   * the union of the spheres), 'lenses' adds each lens in full to each of its two atoms (see `buildMuffinTin`).
   */
  readonly interstitialDensity?: 'shells' | 'union' | 'lenses';
  /**
   * How the shell averages of the potential are combined into V_int (default 'cell'): 'cell' weights each unique
   * potential's shell average of V_tot by its abundance times its Norman-sphere volume (its share of the crystal);
   * 'shells' by its abundance times the shell volume (R_N³ − R_mt³), the literal volume average of
   * `interstitialAverages` (see `buildMuffinTin`, stage 4).
   */
  readonly interstitialPotential?: 'cell' | 'shells';
  /** Ground-state xc in V_tot (default von Barth–Hedin, as FEFF). */
  readonly correlation?: CorrelationModel;
  /** Neighbours farther than this from the representative atom are ignored (bohr, default 20). */
  readonly overlapRange?: number;
}

export interface UniquePotential {
  readonly ipot: number;
  readonly Z: number;
  /**
   * Index in the cluster of the atom that represents this potential: the one nearest the absorber (first listed
   * among equals). The potential itself is the average over all its atoms at that distance (`representatives`).
   */
  readonly representative: number;
  readonly representatives: readonly number[];
  /** Norman and muffin-tin radii (bohr) and the overlap factor used. */
  readonly rNorman: number;
  readonly rMt: number;
  readonly folp: number;
  /** Overlapped density (electrons/bohr³), Coulomb potential and total (Coulomb + ground-state xc) potential (Ha). */
  readonly density: Float64Array;
  readonly coulomb: Float64Array;
  readonly vtot: Float64Array;
  /** The density used in the exchange–correlation part of vtot (electrons/bohr³). */
  readonly xcDensity: Float64Array;
  /** Norman-ratio touching radius (bohr): R_mt before the overlap factor and the Norman cap. */
  readonly rTouch: number;
}

export interface MuffinTinResult {
  readonly grid: RadialGrid;
  readonly potentials: UniquePotential[];
  /** Interstitial (muffin-tin zero) potential (Ha). */
  readonly vInt: number;
  /** Interstitial density (electrons/bohr³) and its r_s (bohr). */
  readonly rhoInt: number;
  readonly rsInt: number;
  /** Fermi momentum (bohr⁻¹) and Fermi level μ = V_int + k_F²/2 (Ha). */
  readonly kF: number;
  readonly fermiLevel: number;
}

/** Spherical average about the origin, at radii g.r, of a radial function centred at distance d (bohr). */
export function sphericalAverage(g: RadialGrid, f: Float64Array, d: number, tailCharge = 0): Float64Array {
  const N = g.r.length;
  // G(t) = ∫_0^t f(t') t' dt' on the source grid
  const G = cumulativeIntegral(
    g,
    f.map((v, i) => v * g.r[i]!),
  );
  const rmax = g.r[N - 1]!;
  const Gat = (t: number): number => {
    if (t <= 0) return 0;
    if (t >= rmax) return G[N - 1]! - tailCharge * (t - rmax); // f = −q/t beyond the grid
    return interpolateRadial(g, G, t);
  };
  return lowdinAverage(g, d, Gat, d < rmax ? interpolateRadial(g, f, d) : -tailCharge / d);
}

/**
 * The Löwdin l = 0 average (G(d + r) − G(|d − r|))/(2rd) at every grid radius, from the primitive G(t) = ∫^t f t' dt'
 * of the neighbour's function; `atCentre` is the r → 0 limit f(d).
 */
function lowdinAverage(g: RadialGrid, d: number, Gat: (t: number) => number, atCentre: number): Float64Array {
  const out = new Float64Array(g.r.length);
  for (let i = 0; i < out.length; i++) {
    const r = g.r[i]!;
    out[i] = r < 1e-3 * d ? atCentre : (Gat(d + r) - Gat(Math.abs(d - r))) / (2 * r * d);
  }
  return out;
}

function dist(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

/** Radius (bohr) at which ∫_0^R 4πr² n dr reaches q (linear interpolation of the cumulative charge). */
export function chargeRadius(g: RadialGrid, n: Float64Array, q: number): number {
  const c = cumulativeIntegral(
    g,
    n.map((v, i) => 4 * Math.PI * g.r[i]! * g.r[i]! * v),
  );
  for (let i = 1; i < c.length; i++) {
    if (c[i]! >= q) {
      const t = (q - c[i - 1]!) / (c[i]! - c[i - 1]!);
      return Math.exp(Math.log(g.r[i - 1]!) + t * g.h);
    }
  }
  throw new SpecfuseError('invalid-argument', `density holds only ${c[c.length - 1]} < ${q} electrons`);
}

/** One unique potential's contribution to the interstitial averages. */
export interface InterstitialShell {
  /** Muffin-tin and Norman radii (bohr). */
  readonly rMt: number;
  readonly rNorman: number;
  /** Total potential (Ha) and density (electrons/bohr³) on the grid. */
  readonly vtot: Float64Array;
  readonly density: Float64Array;
  /** Relative abundance (stoichiometry; FEFF's xnatph). */
  readonly weight: number;
}

/**
 * Interstitial potential and density as volume averages over the shells between the muffin-tin and Norman
 * radii of every unique potential, weighted by its abundance (Ankudinov, Ravel, Rehr & Conradson, PRB 58, 7565
 * (1998), Sec. II.A; the Norman spheres are neutral and approximately fill space, so the shells R_mt < r < R_N
 * stand for the region between the muffin tins):
 *   V_int = Σ_i w_i ∫_{R_mt,i}^{R_N,i} V_i(r) 4πr² dr / Σ_i w_i (4π/3)(R_N,i³ − R_mt,i³),  ρ_int likewise.
 * If R_mt > R_N the shell R_N < r < R_mt is used. Midpoint rule with 64 points per shell (the shells are thin:
 * R_N/R_mt ≈ 1.03–1.08). Returns Hartree and electrons/bohr³.
 */
export function interstitialAverages(
  g: RadialGrid,
  shells: readonly InterstitialShell[],
): { vInt: number; rhoInt: number; volume: number } {
  let vol = 0;
  let vsum = 0;
  let nsum = 0;
  for (const p of shells) {
    const a = Math.min(p.rMt, p.rNorman);
    const b = Math.max(p.rMt, p.rNorman);
    const M = 64;
    for (let k = 0; k < M; k++) {
      const r = a + ((b - a) * (k + 0.5)) / M;
      const dV = (4 * Math.PI * r * r * (b - a)) / M;
      vol += p.weight * dV;
      vsum += p.weight * dV * interpolateRadial(g, p.vtot, r);
      nsum += p.weight * dV * interpolateRadial(g, p.density, r);
    }
  }
  if (!(vol > 0))
    throw new SpecfuseError(
      'invalid-argument',
      'interstitial volume is zero (R_mt = R_N for every potential)',
      {
        field: 'shells',
      },
    );
  return { vInt: vsum / vol, rhoInt: nsum / vol, volume: vol };
}

/**
 * Interstitial potential as the average of each unique potential's shell mean, weighted by abundance × Norman-sphere
 * volume: V_int = Σ_i w_i R_N,i³ V̄_i / Σ_i w_i R_N,i³, with V̄_i the volume average of V_tot over R_mt,i < r < R_N,i
 * (`interstitialAverages` of that potential alone). The shell-volume weights of the literal average make an atom count
 * by how far its muffin tin stops short of its Norman sphere, which is decided by the radius rule, not by the space
 * the atom occupies: Li in LiMO2, whose muffin tin is capped at 0.96–0.97 R_N, then counts for 15 % of V_int though
 * its neutral sphere is 30 % of the volume. Weighting by the Norman (≈ Wigner–Seitz) volume gives each atom its
 * share of the crystal. This is a choice, fixed against FEFF10's non-SCF V_int of the eight golden runs of
 * ../shared/data/feff-golden (muffin-tin.test.ts): rock salt and Cu unchanged (within 0.4 eV), layered LiCoO2/LiNiO2
 * −0.3…−0.5 eV where shell weights give −0.6…−0.9 eV. ρ_int keeps the shell-plus-lens average, which reproduces
 * FEFF's r_s,int within 1.3 % (with cell weights the layered oxides' r_s drifts to 2 %).
 */
export function cellWeightedPotential(g: RadialGrid, shells: readonly InterstitialShell[]): number {
  let num = 0;
  let den = 0;
  for (const p of shells) {
    const w = p.weight * p.rNorman ** 3;
    num += w * interstitialAverages(g, [{ ...p, weight: 1 }]).vInt;
    den += w;
  }
  if (!(den > 0))
    throw new SpecfuseError('invalid-argument', 'interstitial weights are all zero', { field: 'shells' });
  return num / den;
}

/**
 * Default cap on R_mt / R_N. With the documented overlap factor 1.15 alone, an atom whose nearest neighbour has a much
 * larger Norman sphere (Li next to O, a core-hole absorber in a metal) gets a muffin tin close to or beyond its own
 * Norman sphere, and its interstitial shell R_mt < r < R_N — the region that defines V_int and ρ_int — vanishes. The
 * cap keeps every muffin tin inside its neutral sphere. 0.96 is where FEFF10's automatic overlap (AFOLP, whose rule
 * is not documented) puts R_mt in every golden run of ../shared/data/feff-golden (R_mt/R_N = 0.94–0.97 unless
 * the 1.15 limit binds first); with it our radii are within 1.6 % of FEFF10's log1.dat in all eight runs.
 */
export const NORMAN_CAP = 0.96;

/** Atoms of one potential within this distance (bohr) of the nearest one to the absorber are its representatives. */
const REPRESENTATIVE_TOLERANCE = 0.1;

/**
 * Spherical average about the origin of f·H(t − R): the part of a neighbour's function (centred at distance d)
 * that lies outside the sphere of radius R about that neighbour. Same Löwdin l = 0 formula as `sphericalAverage`,
 * with G(t) = ∫_R^t f t' dt' (zero for t < R), computed from the cumulative integral so the step at R costs
 * no accuracy.
 */
export function sphericalAverageOutside(g: RadialGrid, f: Float64Array, d: number, R: number): Float64Array {
  const N = g.r.length;
  const G = cumulativeIntegral(
    g,
    f.map((v, i) => v * g.r[i]!),
  );
  const rmax = g.r[N - 1]!;
  const GR = R >= rmax ? G[N - 1]! : interpolateRadial(g, G, R);
  const Gat = (t: number): number => {
    if (t <= R) return 0;
    return (t >= rmax ? G[N - 1]! : interpolateRadial(g, G, t)) - GR;
  };
  return lowdinAverage(g, d, Gat, d > R && d < rmax ? interpolateRadial(g, f, d) : 0);
}

/**
 * Volume (bohr³) of the lens in which two spheres of radii a and b, centres d apart, overlap (0 if they do not):
 * V = π (a + b − d)² (d² + 2d(a + b) − 3(a − b)²) / (12 d).
 */
export function lensVolume(a: number, b: number, d: number): number {
  if (d >= a + b) return 0;
  if (d <= Math.abs(a - b)) return (4 * Math.PI * Math.min(a, b) ** 3) / 3;
  return (Math.PI * (a + b - d) ** 2 * (d * d + 2 * d * (a + b) - 3 * (a - b) ** 2)) / (12 * d);
}

/**
 * Electrons in the lens where the muffin tin of radius Ra about `centre` overlaps that of radius Rb about `other`,
 * for the superposed 3-D density ρ(p) = Σ_j n_j(|p − R_j|) of the cluster's free atoms (Mattheiss's crystal density
 * before spherical averaging). Quadrature in spherical coordinates about `centre` with the lens axis as pole:
 * r ∈ (d − Rb, Ra), cos θ ∈ (c_min(r), 1) with c_min = (r² + d² − Rb²)/(2rd), φ ∈ [0, 2π); Gauss–Legendre 8 × 8,
 * 12 φ points, atoms within 10 bohr (measured on the NiO and LiCoO2 golden clusters: r_s,int within 0.001 bohr and
 * μ within 0.01 eV of 24 × 24 × 32 points with a 14-bohr cut-off, at 1/30 of the cost).
 */
export function lensCharge(
  g: RadialGrid,
  centre: readonly [number, number, number],
  Ra: number,
  other: readonly [number, number, number],
  Rb: number,
  atoms: readonly { readonly position: readonly [number, number, number]; readonly density: Float64Array }[],
): number {
  const ax = [other[0] - centre[0], other[1] - centre[1], other[2] - centre[2]];
  const d = Math.hypot(ax[0]!, ax[1]!, ax[2]!);
  if (d >= Ra + Rb) return 0;
  const u = ax.map((v) => v / d);
  // an orthonormal frame (u, e1, e2)
  const t0 = Math.abs(u[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const e1 = [
    u[1]! * t0[2]! - u[2]! * t0[1]!,
    u[2]! * t0[0]! - u[0]! * t0[2]!,
    u[0]! * t0[1]! - u[1]! * t0[0]!,
  ];
  const n1 = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
  for (let k = 0; k < 3; k++) e1[k] = e1[k]! / n1;
  const e2 = [
    u[1]! * e1[2]! - u[2]! * e1[1]!,
    u[2]! * e1[0]! - u[0]! * e1[2]!,
    u[0]! * e1[1]! - u[1]! * e1[0]!,
  ];
  // atoms that can contribute: within 10 bohr of the lens centre (free-atom densities there are < 1e-5 e/bohr³)
  const mid = centre.map((c, k) => c + u[k]! * ((d * d + Ra * Ra - Rb * Rb) / (2 * d))) as number[];
  const near = atoms.filter(
    (a) => Math.hypot(a.position[0] - mid[0]!, a.position[1] - mid[1]!, a.position[2] - mid[2]!) < 10,
  );
  const gl = gaussLegendre(8);
  const nphi = 12;
  const rLo = Math.max(0, d - Rb);
  const rHi = Ra;
  let q = 0;
  for (let i = 0; i < gl.x.length; i++) {
    const r = rLo + ((rHi - rLo) * (gl.x[i]! + 1)) / 2;
    const wr = ((rHi - rLo) / 2) * gl.w[i]!;
    const cmin = Math.max(-1, (r * r + d * d - Rb * Rb) / (2 * r * d));
    if (cmin >= 1) continue;
    for (let j = 0; j < gl.x.length; j++) {
      const c = cmin + ((1 - cmin) * (gl.x[j]! + 1)) / 2;
      const wc = ((1 - cmin) / 2) * gl.w[j]!;
      const sn = Math.sqrt(Math.max(0, 1 - c * c));
      for (let k = 0; k < nphi; k++) {
        const ph = (2 * Math.PI * (k + 0.5)) / nphi;
        const cp = sn * Math.cos(ph);
        const sp = sn * Math.sin(ph);
        const px = centre[0] + r * (c * u[0]! + cp * e1[0]! + sp * e2[0]!);
        const py = centre[1] + r * (c * u[1]! + cp * e1[1]! + sp * e2[1]!);
        const pz = centre[2] + r * (c * u[2]! + cp * e1[2]! + sp * e2[2]!);
        let rho = 0;
        for (const a of near) {
          const t = Math.hypot(px - a.position[0], py - a.position[1], pz - a.position[2]);
          if (t < g.r[g.r.length - 1]!) rho += Math.max(0, interpolateRadial(g, a.density, t));
        }
        q += rho * r * r * wr * wc * ((2 * Math.PI) / nphi);
      }
    }
  }
  return q;
}

/**
 * Build the overlapped-atom muffin-tin potentials of every unique potential of a cluster.
 *
 * Stages (each unique potential is represented by its atoms nearest the absorber; several equidistant ones — the
 * six Ni around a Ni absorber — are averaged, so that a defect next to some of them counts with its weight instead
 * of being seen or missed through the atom order):
 * 1. Mattheiss overlap of the free-atom densities and Coulomb potentials; Norman radius R_N of the result.
 * 2. Touching radius R_t = min_b d_ab R_N,a/(R_N,a + R_N,b) (averaged over the representatives);
 *    R_mt = min(folp·R_t, NORMAN_CAP·R_N).
 * 3. V_tot = V_C + v_xc^vBH(ρ_xc). With the default `xcDensity`, ρ_xc is the free atom's own density plus each
 *    neighbour's density *outside that neighbour's muffin tin*: deep inside R_mt the two agree, but where the
 *    sphere of radius r about atom a enters a neighbour's muffin tin the plain spherical average would feed the
 *    neighbour's own core and valence shells (which that neighbour's potential already describes) into a's
 *    exchange–correlation potential as if they were a homogeneous gas around a. Checked against FEFF10's V_tot
 *    (muffin-tin.test.ts): LiCoO2 Co within 0.15 eV up to R_mt where the plain overlap is 1.6 eV too deep.
 * 4. V_int: V_tot averaged over the shells R_mt < r < R_N (Ankudinov et al. PRB 58, 7565 (1998)), each potential's
 *    shell mean weighted by its abundance × Norman-sphere volume (`cellWeightedPotential`; 'shells' for the literal
 *    volume average).
 *    ρ_int: the same shells plus the overlap lenses of each potential's muffin tin with its neighbours' (electrons
 *    of the 3-D superposed density in the lens, `lensCharge`, and its volume, `lensVolume`). The overlap regions
 *    lie between bonded atoms, where the density is 40–60 % above the shell average, and the plain shell average
 *    leaves them out although the overlapped spheres do not describe them better than the interstitial. Counting
 *    each lens in full for each of its two atoms ('lenses', the default) is a weighting choice, not a conservation
 *    law (that would be 'union', half per atom); it is the one that reproduces FEFF10's non-SCF interstitial r_s in
 *    all eight golden runs of ../shared/data/feff-golden within 1 % (Cu 1.0 %, the oxides ≤ 0.7 %), where
 *    'union' gives 1.5–3 % and 'shells' 4–7 % larger r_s, i.e. Fermi levels 1–2.5 eV lower (muffin-tin.test.ts).
 * 5. Fermi level (non-self-consistent electron-gas estimate): μ = V_int + k_F²/2, k_F = (3π² ρ_int)^{1/3}.
 */
export function buildMuffinTin(
  atoms: readonly ScatteringAtom[],
  free: readonly FreeAtomData[],
  opts: MuffinTinOptions,
): MuffinTinResult {
  const g = opts.grid;
  const N = g.r.length;
  const corr = opts.correlation ?? 'von-barth-hedin';
  const range = opts.overlapRange ?? 20;
  const cap = opts.normanCap ?? NORMAN_CAP;
  const xcMode = opts.xcDensity ?? 'outside-neighbour-spheres';
  const rhoMode = opts.interstitialDensity ?? 'lenses';
  const lw = rhoMode === 'union' ? 0.5 : 1;
  const byIpot = new Map(free.map((f) => [f.ipot, f]));
  const pos = atoms.map((a) => a.position.map((x) => x / BOHR_ANGSTROM) as [number, number, number]);
  const ipots = [...new Set(atoms.map((a) => a.ipot))].sort((a, b) => a - b);
  const centre = Math.max(
    0,
    atoms.findIndex((a) => a.ipot === 0),
  );
  const freeOf = (ip: number) => {
    const f = byIpot.get(ip);
    if (!f)
      throw new SpecfuseError('invalid-argument', `no free-atom data for ipot ${ip}`, { field: 'free' });
    return f;
  };
  const overlapped = ipots.map((ip) => {
    const f = freeOf(ip);
    // representatives: the atoms of this potential nearest to the absorber (ipot 0: the absorber itself). In a
    // perfect crystal they are equivalent; near a defect they are not, and their overlapped densities and
    // potentials are averaged rather than one of them picked by list order.
    let best = Number.POSITIVE_INFINITY;
    atoms.forEach((a, j) => {
      if (a.ipot === ip) best = Math.min(best, dist(pos[j]!, pos[centre]!));
    });
    const members: number[] = [];
    atoms.forEach((a, j) => {
      if (a.ipot === ip && dist(pos[j]!, pos[centre]!) <= best + REPRESENTATIVE_TOLERANCE) members.push(j);
    });
    const rep = members[0]!;
    const density = Float64Array.from(f.density);
    const coulomb = Float64Array.from(f.coulomb);
    const perMember = members.map((m) => {
      const list: { d: number; ipot: number; j: number }[] = [];
      atoms.forEach((b, j) => {
        if (j === m) return;
        const d = dist(pos[m]!, pos[j]!);
        if (d < 1e-6) throw new SpecfuseError('invalid-argument', `atoms ${m} and ${j} coincide`);
        if (d <= range) list.push({ d, ipot: b.ipot, j });
      });
      return { atom: m, neighbours: list };
    });
    // group equal (distance, ipot) shells so each average is computed once; counts are per representative
    const shells = new Map<string, { d: number; ipot: number; count: number }>();
    for (const pm of perMember)
      for (const nb of pm.neighbours) {
        const key = `${nb.ipot}:${nb.d.toFixed(6)}`;
        const s = shells.get(key);
        if (s) s.count += 1 / members.length;
        else shells.set(key, { d: nb.d, ipot: nb.ipot, count: 1 / members.length });
      }
    for (const s of shells.values()) {
      const fb = freeOf(s.ipot);
      const dn = sphericalAverage(g, fb.density, s.d);
      const dv = sphericalAverage(g, fb.coulomb, s.d);
      for (let i = 0; i < N; i++) {
        density[i] = density[i]! + s.count * dn[i]!;
        coulomb[i] = coulomb[i]! + s.count * dv[i]!;
      }
    }
    const rNorman = chargeRadius(g, density, f.Z);
    return { ip, f, rep, members: perMember, density, coulomb, rNorman, shells: [...shells.values()] };
  });
  const rN = new Map(overlapped.map((o) => [o.ip, o.rNorman]));
  const folpOf = (ip: number) => {
    const fo = opts.folp ?? 1.15;
    if (typeof fo === 'number') return fo;
    const v = fo[ip];
    if (v === undefined)
      throw new SpecfuseError('invalid-argument', `no overlap factor for ipot ${ip}`, { field: 'folp' });
    return v;
  };
  const radii = overlapped.map((o) => {
    // touching radius of each representative, averaged over them
    let touch = 0;
    for (const pm of o.members) {
      let t = Number.POSITIVE_INFINITY;
      for (const nb of pm.neighbours) {
        const rb = rN.get(nb.ipot)!;
        t = Math.min(t, (nb.d * o.rNorman) / (o.rNorman + rb));
      }
      touch += t / o.members.length;
    }
    const folp = folpOf(o.ip);
    return { touch, folp, rMt: Math.min(folp * touch, cap * o.rNorman) };
  });
  const rMtOf = new Map(overlapped.map((o, k) => [o.ip, radii[k]!.rMt]));
  const potentials: UniquePotential[] = overlapped.map((o, k) => {
    const { touch, folp, rMt } = radii[k]!;
    let xcDensity = o.density;
    if (xcMode === 'outside-neighbour-spheres') {
      xcDensity = Float64Array.from(o.f.density);
      for (const s of o.shells) {
        const dn = sphericalAverageOutside(g, freeOf(s.ipot).density, s.d, rMtOf.get(s.ipot)!);
        for (let i = 0; i < N; i++) xcDensity[i] = xcDensity[i]! + s.count * dn[i]!;
      }
    }
    const vtot = new Float64Array(N);
    for (let i = 0; i < N; i++) vtot[i] = o.coulomb[i]! + ldaXc(xcDensity[i]!, corr).vxc;
    return {
      ipot: o.ip,
      Z: o.f.Z,
      representative: o.rep,
      representatives: o.members.map((m) => m.atom),
      rNorman: o.rNorman,
      rMt,
      rTouch: touch,
      folp,
      density: o.density,
      coulomb: o.coulomb,
      vtot,
      xcDensity,
    };
  });
  const shellInput = potentials.map((p) => ({ ...p, weight: freeOf(p.ipot).stoichiometry ?? 1 }));
  const sh = interstitialAverages(g, shellInput);
  const vInt =
    (opts.interstitialPotential ?? 'cell') === 'cell' ? cellWeightedPotential(g, shellInput) : sh.vInt;
  let rhoInt = sh.rhoInt;
  if (rhoMode !== 'shells') {
    const cloud = atoms.map((a, j) => ({ position: pos[j]!, density: freeOf(a.ipot).density }));
    let qLens = 0;
    let vLens = 0;
    overlapped.forEach((o, k) => {
      const w = shellInput[k]!.weight;
      const Ra = potentials[k]!.rMt;
      const wm = w / o.members.length;
      for (const pm of o.members)
        for (const nb of pm.neighbours) {
          const Rb = rMtOf.get(nb.ipot)!;
          if (nb.d >= Ra + Rb) continue;
          qLens += lw * wm * lensCharge(g, pos[pm.atom]!, Ra, pos[nb.j]!, Rb, cloud);
          vLens += lw * wm * lensVolume(Ra, Rb, nb.d);
        }
    });
    rhoInt = (sh.rhoInt * sh.volume + qLens) / (sh.volume + vLens);
  }
  const kF = (3 * Math.PI * Math.PI * rhoInt) ** (1 / 3);
  return {
    grid: g,
    potentials,
    vInt,
    rhoInt,
    rsInt: (3 / (4 * Math.PI * rhoInt)) ** (1 / 3),
    kF,
    fermiLevel: vInt + (kF * kF) / 2,
  };
}
