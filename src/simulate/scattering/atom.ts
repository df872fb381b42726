/**
 * Free-atom self-consistent Kohn–Sham solver (spherical, spin-unpolarised, fractional shell occupations): LDA, or
 * exact (Hartree–Fock) exchange through the local KLI potential (`exchange: 'kli'`, exact-exchange.ts).
 *
 * Kohn & Sham, Phys. Rev. 140, A1133 (1965); central-field conventions of the NIST atomic reference data
 * (Kotochigova, Levine, Shirley, Stiles & Clark, PRA 55, 191 (1997)): every (n,l) shell is spherically averaged.
 * - Non-relativistic (`relativistic: 'none'`) or scalar-relativistic (Koelling & Harmon 1977, see radial.ts).
 * - Potential V(r) = −Z/r + V_H(r) + v_xc(n(r)) (or + v_x^KLI[orbitals] + optional LDA correlation), V_H from the
 *   radial Poisson integral
 *   V_H(r) = (1/r)∫_0^r 4πr'²n dr' + ∫_r^∞ 4πr' n dr'.
 * - Total energy E = T + E_ne + E_H + E_xc with T = Σ f_i ε_i − ∫ n V_in d³r (eigenvalues of the input potential).
 * - Mixing: Anderson (1965) one-step mixing of the electronic part of the potential.
 * Configurations: ground states by Madelung filling with the 3d exceptions Cr (3d⁵4s¹) and Cu (3d¹⁰4s¹) used by
 * NIST; `finalStateRuleConfiguration` makes a core hole and puts the electron in the lowest unfilled valence shell.
 */
import { SpecfuseError } from '../../core/errors.js';
import type { RadialGrid } from '../../math/radial-grid.js';
import { cumulativeIntegral, logGridSpan } from '../../math/radial-grid.js';
import { SPEED_OF_LIGHT_AU, solveBoundState } from './radial.js';
import type { CorrelationModel } from './xc.js';
import { kliExchange } from './exact-exchange.js';
import { ldaXc, relativisticExchangeCorrection } from './xc.js';

export interface Shell {
  readonly n: number;
  readonly l: number;
  /** Electrons in the shell (fractional allowed), at most 2(2l+1). */
  readonly occupation: number;
}

export type Relativity = 'none' | 'scalar';

export interface AtomOptions {
  readonly relativistic?: Relativity;
  readonly correlation?: CorrelationModel;
  /**
   * Add the MacDonald–Vosko relativistic correction to LDA exchange (xc.ts `relativisticExchangeCorrection`).
   * NIST's RLDA/ScRLDA tables include it (Kotochigova et al. 1997): with it and `relativistic: 'scalar'` the solver
   * reproduces NIST ScRLDA Mg/Mg⁺ total energies to 1 µHa (atom.test.ts). Default false: the free atoms of the
   * scattering potentials stand in for FEFF's Dirac–Fock atoms, which have no local relativistic-exchange term, and
   * the correction moves the TM d-wave phase shifts further from FEFF10's (NiO Ni: 0.073 → 0.080 rad worst case).
   */
  readonly relativisticExchange?: boolean;
  /**
   * Exchange: 'lda' (default; Kohn–Sham LDA, with `correlation`) or 'kli' — exact Hartree–Fock exchange of the shell
   * configuration through its local KLI potential (exact-exchange.ts), with no correlation unless `correlation` is
   * given. 'kli' atoms stand in for FEFF's Dirac–Fock atoms: Hartree–Fock-like 3d and 4s/4p radii.
   */
  readonly exchange?: 'lda' | 'kli';
  /** Radial grid; default logGridSpan(1e−6/Z… , 60 bohr, h = 0.008). */
  readonly grid?: RadialGrid;
  readonly maxIterations?: number;
  /** Convergence threshold on the total energy change and eigenvalue changes (Ha). */
  readonly tolerance?: number;
  readonly mixing?: number;
}

export interface AtomOrbital extends Shell {
  /** Kohn–Sham eigenvalue (Ha). */
  readonly energy: number;
  /** Large component R(r) (bohr^−3/2), ∫(R² + Q²) r² dr = 1. */
  readonly R: Float64Array;
  /** Small (Koelling–Harmon) component; zeros when non-relativistic. */
  readonly Q: Float64Array;
}

export interface AtomResult {
  readonly Z: number;
  readonly grid: RadialGrid;
  readonly orbitals: readonly AtomOrbital[];
  /** Electron density n(r) (electrons/bohr³). */
  readonly density: Float64Array;
  /** Electrostatic potential −Z/r + V_H(r) (Ha). */
  readonly coulomb: Float64Array;
  /** Total Kohn–Sham potential (Ha). */
  readonly potential: Float64Array;
  readonly totalEnergy: number;
  readonly energies: {
    readonly kinetic: number;
    readonly hartree: number;
    readonly nuclear: number;
    readonly xc: number;
  };
  readonly iterations: number;
}

const L_LETTERS = 'spdfghi';

/** Madelung (n + l, then n) order up to 7p. */
const MADELUNG: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [4, 0],
  [3, 2],
  [4, 1],
  [5, 0],
  [4, 2],
  [5, 1],
  [6, 0],
  [4, 3],
  [5, 2],
  [6, 1],
  [7, 0],
  [5, 3],
  [6, 2],
  [7, 1],
];

/** Ground-state configuration of the neutral atom (or ion of charge `ion`, electrons removed from the last shells). */
export function groundStateConfiguration(Z: number, ion = 0): Shell[] {
  let left = Z - ion;
  if (!(Z >= 1 && Z <= 103) || left < 0)
    throw new SpecfuseError('invalid-argument', `bad atom Z=${Z} ion=${ion}`);
  const occ = new Map<string, number>();
  for (const [n, l] of MADELUNG) {
    if (left <= 0) break;
    const f = Math.min(left, 2 * (2 * l + 1));
    occ.set(`${n},${l}`, f);
    left -= f;
  }
  if (ion === 0 && (Z === 24 || Z === 29)) {
    occ.set('4,0', 1);
    occ.set('3,2', Z === 24 ? 5 : 10);
  }
  const shells = [...occ.entries()].map(([k, f]) => {
    const [n, l] = k.split(',').map(Number) as [number, number];
    return { n, l, occupation: f };
  });
  return shells.filter((s) => s.occupation > 0);
}

/**
 * Valence configuration of a neutral atom as it sits in a solid, for the overlapped-atom scattering potentials: the
 * free-atom ground state, except that a 3d transition metal (Z = 21–30) with a filled 4s² shell has one 4s electron
 * moved to 4p (3dⁿ 4s¹ 4p¹). In oxides and metals the 4s and 4p bands are both partly occupied (FEFF 8.5L's
 * self-consistent NiO run in ../shared/data/feff-golden/NiO-feff8l-paths/feff8l.log finds ≈ 0.45 s and 0.62 p
 * electrons on Ni, 8.7 d), and FEFF10 uses exactly this 4s¹4p¹ occupation for every transition metal of its golden
 * runs (config.dat). It changes the overlapped interstitial potential of NiO by ≈ 3 eV relative to 4s².
 */
export function solidStateConfiguration(Z: number): Shell[] {
  const g = groundStateConfiguration(Z);
  if (Z < 21 || Z > 30) return g;
  const s4 = g.find((s) => s.n === 4 && s.l === 0);
  if (!s4 || s4.occupation < 2 || g.some((s) => s.n === 4 && s.l === 1)) return g;
  return [...g.map((s) => (s === s4 ? { ...s, occupation: 1 } : s)), { n: 4, l: 1, occupation: 1 }];
}

/** Parse "1s2 2s2 2p4" or "[Ar] 3d8 4s2" style configurations. */
export function parseConfiguration(text: string): Shell[] {
  const nobles: Record<string, number> = { He: 2, Ne: 10, Ar: 18, Kr: 36, Xe: 54 };
  const out: Shell[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    const core = /^\[(\w+)\]$/.exec(tok);
    if (core) {
      const z = nobles[core[1]!];
      if (z === undefined)
        throw new SpecfuseError('parse', `unknown core ${tok}`, { field: 'configuration' });
      out.push(...groundStateConfiguration(z));
      continue;
    }
    const m = /^(\d)([spdf])([\d.]+)$/.exec(tok);
    if (!m) throw new SpecfuseError('parse', `bad shell '${tok}'`, { field: 'configuration' });
    out.push({ n: Number(m[1]), l: L_LETTERS.indexOf(m[2]!), occupation: Number(m[3]) });
  }
  return out;
}

export function shellLabel(s: { n: number; l: number }): string {
  return `${s.n}${L_LETTERS[s.l]}`;
}

/**
 * Final-state-rule core-hole configuration (Rehr & Albers RMP 72, 621, Sec. II.E): one electron removed from the
 * `hole` shell ('1s' K edge, '2p' L₂,₃) and added to the lowest (Madelung order) valence shell that is not full,
 * so the excited atom stays neutral and screened.
 */
export function finalStateRuleConfiguration(config: readonly Shell[], hole: string): Shell[] {
  const h = parseConfiguration(`${hole}1`)[0]!;
  const out = config.map((s) => ({ ...s }));
  const hi = out.findIndex((s) => s.n === h.n && s.l === h.l);
  if (hi < 0 || out[hi]!.occupation < 1)
    throw new SpecfuseError('invalid-argument', `no electron in ${hole} to excite`);
  out[hi]!.occupation -= 1;
  // highest occupied shell in Madelung order defines the valence region
  const rank = (s: { n: number; l: number }) => MADELUNG.findIndex(([n, l]) => n === s.n && l === s.l);
  const valenceStart = Math.max(...out.filter((s) => s.occupation > 0).map(rank));
  for (const [n, l] of MADELUNG) {
    const k = MADELUNG.findIndex(([a, b]) => a === n && b === l);
    if (k < valenceStart - 1) continue;
    const cur = out.find((s) => s.n === n && s.l === l);
    const cap = 2 * (2 * l + 1);
    if (cur === undefined) {
      out.push({ n, l, occupation: 1 });
      break;
    }
    if (cur.occupation < cap && !(cur.n === h.n && cur.l === h.l)) {
      cur.occupation += 1;
      break;
    }
  }
  return out;
}

/** Latter–Tietz fit to the Thomas–Fermi screening function φ(x) (starting potential only). */
function thomasFermiPhi(x: number): number {
  const s = Math.sqrt(x);
  return (
    1 /
    (1 +
      0.02747 * s +
      1.243 * x -
      0.1486 * x * s +
      0.2302 * x * x +
      0.007298 * x * x * s +
      0.006944 * x * x * x)
  );
}

/** Hartree potential of density n (electrons/bohr³) on grid g. Also returns ∫ n d³r. */
export function hartreePotential(g: RadialGrid, n: ArrayLike<number>): { vh: Float64Array; charge: number } {
  const N = g.r.length;
  const r = g.r;
  const f1 = new Float64Array(N);
  const f2 = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    f1[i] = 4 * Math.PI * r[i]! * r[i]! * n[i]!;
    f2[i] = 4 * Math.PI * r[i]! * n[i]!;
  }
  const q = cumulativeIntegral(g, f1);
  const p = cumulativeIntegral(g, f2);
  const vh = new Float64Array(N);
  const pt = p[N - 1]!;
  for (let i = 0; i < N; i++) vh[i] = q[i]! / r[i]! + pt - p[i]!;
  return { vh, charge: q[N - 1]! };
}

function defaultGrid(Z: number): RadialGrid {
  return logGridSpan(1e-6 / Math.max(1, Z) ** 0.5, 60, 0.008);
}

/** Self-consistent LDA atom for nuclear charge Z and shell occupations `config`. */
export function solveAtom(Z: number, config: readonly Shell[], opts: AtomOptions = {}): AtomResult {
  const g = opts.grid ?? defaultGrid(Z);
  const N = g.r.length;
  const r = g.r;
  const kli = opts.exchange === 'kli';
  const corr = opts.correlation ?? (kli ? 'none' : 'vwn');
  const alpha = opts.relativistic === 'scalar' ? 1 / SPEED_OF_LIGHT_AU : 0;
  const relX = opts.relativisticExchange ?? false;
  const tol = opts.tolerance ?? 1e-8;
  const maxIt = opts.maxIterations ?? 200;
  const mix = opts.mixing ?? 0.4;
  const shells = config.filter((s) => s.occupation > 0);
  for (const s of shells)
    if (s.l >= s.n || s.occupation > 2 * (2 * s.l + 1) + 1e-12)
      throw new SpecfuseError('invalid-argument', `bad shell ${shellLabel(s)}${s.occupation}`, {
        field: 'config',
      });
  const nel = shells.reduce((a, s) => a + s.occupation, 0);
  // starting electronic potential from Thomas–Fermi screening: V = −Z/r + (Z − Z_eff(r))/r
  const b = 0.8853 * Z ** (-1 / 3);
  let vin = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const zeff = Z - nel + nel * thomasFermiPhi(r[i]! / b);
    vin[i] = (Z - Math.max(zeff, Z - nel + 1e-9)) / r[i]!;
  }
  let prevIn: Float64Array | null = null;
  let prevRes: Float64Array | null = null;
  const guesses = new Map<string, number>();
  let prevE = Number.NaN;
  let result: AtomResult | null = null;
  for (let it = 1; it <= maxIt; it++) {
    const V = new Float64Array(N);
    for (let i = 0; i < N; i++) V[i] = -Z / r[i]! + vin[i]!;
    const orbitals: AtomOrbital[] = [];
    const dens = new Float64Array(N);
    let eigSum = 0;
    let maxDeig = 0;
    for (const s of shells) {
      const key = shellLabel(s);
      const guess = guesses.get(key);
      const sol = solveBoundState(g, V, s.n, s.l, { Z, alpha, ...(guess !== undefined ? { guess } : {}) });
      if (guess !== undefined) maxDeig = Math.max(maxDeig, Math.abs(sol.energy - guess));
      else maxDeig = Number.POSITIVE_INFINITY;
      guesses.set(key, sol.energy);
      orbitals.push({ ...s, energy: sol.energy, R: sol.R, Q: sol.Q });
      eigSum += s.occupation * sol.energy;
      for (let i = 0; i < N; i++)
        dens[i] = dens[i]! + (s.occupation * (sol.R[i]! ** 2 + sol.Q[i]! ** 2)) / (4 * Math.PI);
    }
    // output potential and energies
    const { vh } = hartreePotential(g, dens);
    const vout = new Float64Array(N);
    const fT = new Float64Array(N);
    const fH = new Float64Array(N);
    const fN = new Float64Array(N);
    const fX = new Float64Array(N);
    const exx = kli
      ? kliExchange(
          g,
          orbitals.map((o) => ({
            l: o.l,
            occupation: o.occupation,
            energy: o.energy,
            // the density-weighted radial function: ∫ P² dr = 1 with the small component included
            P: Float64Array.from(o.R, (v, i) => Math.sign(v) * r[i]! * Math.hypot(v, o.Q[i]!)),
          })),
        )
      : null;
    for (let i = 0; i < N; i++) {
      // potential and energy density of the local part: LDA xc, or (KLI) the exchange potential plus, if asked for,
      // LDA correlation alone (xc minus its exchange part); the exact exchange energy is added below
      let vxc: number;
      let exc: number;
      if (exx) {
        vxc = exx.vx[i]!;
        exc = 0;
        if (corr !== 'none') {
          const c = ldaXc(dens[i]!, corr);
          const x = ldaXc(dens[i]!, 'none');
          vxc += c.vxc - x.vxc;
          exc = c.exc - x.exc;
        }
      } else {
        const xc0 = ldaXc(dens[i]!, corr);
        const xr = relX ? relativisticExchangeCorrection(dens[i]!, SPEED_OF_LIGHT_AU) : null;
        vxc = xc0.vxc + (xr ? xr.vxc : 0);
        exc = xc0.exc + (xr ? xr.exc : 0);
      }
      vout[i] = vh[i]! + vxc;
      const w = 4 * Math.PI * r[i]! * r[i]! * dens[i]!;
      fT[i] = w * V[i]!;
      fH[i] = 0.5 * w * vh[i]!;
      fN[i] = (-w * Z) / r[i]!;
      fX[i] = w * exc;
    }
    const I = (f: Float64Array) => cumulativeIntegral(g, f)[N - 1]!;
    const kinetic = eigSum - I(fT);
    const hartree = I(fH);
    const nuclear = I(fN);
    const xcE = I(fX) + (exx ? exx.energy : 0);
    const E = kinetic + hartree + nuclear + xcE;
    const coulomb = new Float64Array(N);
    for (let i = 0; i < N; i++) coulomb[i] = -Z / r[i]! + vh[i]!;
    result = {
      Z,
      grid: g,
      orbitals,
      density: dens,
      coulomb,
      potential: V,
      totalEnergy: E,
      energies: { kinetic, hartree, nuclear, xc: xcE },
      iterations: it,
    };
    if (Math.abs(E - prevE) < tol && maxDeig < tol) return result;
    prevE = E;
    // Anderson mixing (weights r² dr)
    const res = new Float64Array(N);
    for (let i = 0; i < N; i++) res[i] = vout[i]! - vin[i]!;
    let theta = 0;
    if (prevIn && prevRes) {
      let num = 0;
      let den = 0;
      for (let i = 0; i < N; i++) {
        const w = r[i]! ** 3;
        const d = res[i]! - prevRes[i]!;
        num += w * res[i]! * d;
        den += w * d * d;
      }
      theta = den > 0 ? num / den : 0;
      if (!(Math.abs(theta) < 2)) theta = 0;
    }
    const next = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const xin = vin[i]! - (prevIn ? theta * (vin[i]! - prevIn[i]!) : 0);
      const xr = res[i]! - (prevRes ? theta * (res[i]! - prevRes[i]!) : 0);
      next[i] = xin + mix * xr;
    }
    prevIn = vin;
    prevRes = res;
    vin = next;
  }
  if (result === null) throw new SpecfuseError('internal', 'atom solver made no iteration');
  throw new SpecfuseError(
    'internal',
    `atom Z=${Z} not converged in ${maxIt} iterations (E=${result.totalEnergy})`,
  );
}
