/**
 * Exact (Hartree–Fock) exchange of a spherical free atom with fractional shell occupations, and its local
 * Krieger–Li–Iafrate (KLI) potential, so that the free atoms of the scattering potentials can stand in for FEFF's
 * Dirac–Fock atoms without a non-local solver.
 *
 * Exchange energy, average of configuration (Slater, *Quantum Theory of Atomic Structure* I (1960), ch. 14;
 * Cowan, *The Theory of Atomic Structure and Spectra* (1981), Eq. 6.39), written as E_ee − E_H[n] with the Hartree
 * energy of the total density:
 *   E_x = Σ_a [ −(q_a/2) F⁰(aa) − (q_a(q_a − 1)/2) (2l_a + 1)/(4l_a + 1) Σ_{k>0} A_k(l_a l_a) F^k(aa) ]
 *         − Σ_{a<b} (q_a q_b / 2) Σ_k A_k(l_a l_b) G^k(ab),
 * A_k(l, l') = (l k l'; 0 0 0)², radial Slater integrals F^k(aa) = ∫ P_a² Y^k[P_a²], G^k(ab) = ∫ P_a P_b Y^k[P_a P_b],
 * Y^k[f](r) = ∫ f(r') r<^k / r>^{k+1} dr', P = r R (∫ P² dr = 1). For closed shells this is the textbook HF exchange;
 * a single electron in a shell has no self-interaction (E_x = −E_H for hydrogen).
 *
 * Orbital-dependent potentials u_a = (1/(2 q_a P_a)) δE_x/δP_a:
 *   u_a P_a = −Y⁰[P_a²] P_a − (q_a − 1) c_a Σ_{k>0} A_k Y^k[P_a²] P_a − ½ Σ_{b≠a} q_b Σ_k A_k Y^k[P_a P_b] P_b.
 * KLI local potential (Krieger, Li & Iafrate, PRA 46, 5453 (1992), Eqs. 46–48):
 *   v_x(r) = Σ_a w_a(r) [u_a(r) + C_a],  w_a = q_a P_a² / Σ_b q_b P_b²,
 *   C_a = ⟨a|v_x|a⟩ − ⟨a|u_a|a⟩, with C = 0 for the highest occupied shell (so v_x → −1/r far out);
 * a linear system for the other C_a. KLI densities and total energies are within ~1–3 mHa of Hartree–Fock for light
 * atoms (KLI 1992, Table I: Ne −128.5454 vs HF −128.5471 Ha).
 */
import { SpecfuseError } from '../../core/errors.js';
import type { RadialGrid } from '../../math/radial-grid.js';
import { solveDense } from '../../math/dense-solve.js';
import { cumulativeIntegral, integrate } from '../../math/radial-grid.js';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** (l1 l2 l3; 0 0 0)²: zero unless l1 + l2 + l3 is even and the triangle holds (Edmonds 1957, Eq. 3.7.17). */
export function threeJ000Squared(l1: number, l2: number, l3: number): number {
  const J = l1 + l2 + l3;
  if (J % 2 !== 0 || l3 < Math.abs(l1 - l2) || l3 > l1 + l2) return 0;
  const g = J / 2;
  const v =
    ((factorial(J - 2 * l1) * factorial(J - 2 * l2) * factorial(J - 2 * l3)) / factorial(J + 1)) *
    (factorial(g) / (factorial(g - l1) * factorial(g - l2) * factorial(g - l3))) ** 2;
  return v;
}

// r^k and r^−(k+1) per grid, computed once (the SCF loop asks for them thousands of times)
const powers = new WeakMap<RadialGrid, Map<number, { up: Float64Array; down: Float64Array }>>();
function gridPowers(g: RadialGrid, k: number): { up: Float64Array; down: Float64Array } {
  let m = powers.get(g);
  if (!m) {
    m = new Map();
    powers.set(g, m);
  }
  let p = m.get(k);
  if (!p) {
    p = { up: g.r.map((r) => r ** k), down: g.r.map((r) => r ** -(k + 1)) };
    m.set(k, p);
  }
  return p;
}

/** Y^k[f](r) = ∫_0^∞ f(r') r<^k / r>^{k+1} dr' on the grid (f given per point, measure dr). */
export function slaterY(g: RadialGrid, f: ArrayLike<number>, k: number): Float64Array {
  const N = g.r.length;
  const { up, down } = gridPowers(g, k);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    a[i] = f[i]! * up[i]!;
    b[i] = f[i]! * down[i]!;
  }
  const A = cumulativeIntegral(g, a);
  const Bc = cumulativeIntegral(g, b);
  const Bt = Bc[N - 1]!;
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = A[i]! * down[i]! + up[i]! * (Bt - Bc[i]!);
  return out;
}

export interface ExchangeShell {
  readonly l: number;
  readonly occupation: number;
  /** Orbital energy (Ha), used only to pick the highest occupied shell. */
  readonly energy: number;
  /** P(r) = r R(r) on the grid, ∫ P² dr = 1. */
  readonly P: Float64Array;
}

export interface KliResult {
  /** Local exchange potential v_x(r) (Ha). */
  readonly vx: Float64Array;
  /** Exact exchange energy E_x (Ha). */
  readonly energy: number;
}

/** KLI exchange potential and the exact exchange energy of the given shells (see the file header). */
export function kliExchange(g: RadialGrid, shells: readonly ExchangeShell[]): KliResult {
  const N = g.r.length;
  const S = shells.filter((s) => s.occupation > 0);
  if (S.length === 0) throw new SpecfuseError('invalid-argument', 'no occupied shell', { field: 'shells' });
  // u_a P_a for every shell
  const uP = S.map(() => new Float64Array(N));
  let ex = 0;
  for (let a = 0; a < S.length; a++) {
    const sa = S[a]!;
    const pa2 = Float64Array.from(sa.P, (v) => v * v);
    const ca = (2 * sa.l + 1) / (4 * sa.l + 1);
    // same shell: k = 0 (the self-Coulomb of E_H) and k > 0 (within-shell exchange)
    for (let k = 0; k <= 2 * sa.l; k += 2) {
      const Ak = threeJ000Squared(sa.l, k, sa.l);
      if (Ak === 0) continue;
      const coef = k === 0 ? 1 : (sa.occupation - 1) * ca * Ak;
      if (coef === 0) continue;
      const Y = slaterY(g, pa2, k);
      const t = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        uP[a]![i] = uP[a]![i]! - coef * Y[i]! * sa.P[i]!;
        t[i] = pa2[i]! * Y[i]!;
      }
      const Fk = integrate(g, t);
      ex += k === 0 ? (-sa.occupation / 2) * Fk : ((-sa.occupation * (sa.occupation - 1)) / 2) * ca * Ak * Fk;
    }
    // other shells
    for (let b = a + 1; b < S.length; b++) {
      const sb = S[b]!;
      const pab = Float64Array.from(sa.P, (v, i) => v * sb.P[i]!);
      for (let k = Math.abs(sa.l - sb.l); k <= sa.l + sb.l; k += 2) {
        const Ak = threeJ000Squared(sa.l, k, sb.l);
        if (Ak === 0) continue;
        const Y = slaterY(g, pab, k);
        const t = new Float64Array(N);
        for (let i = 0; i < N; i++) {
          uP[a]![i] = uP[a]![i]! - 0.5 * sb.occupation * Ak * Y[i]! * sb.P[i]!;
          uP[b]![i] = uP[b]![i]! - 0.5 * sa.occupation * Ak * Y[i]! * sa.P[i]!;
          t[i] = pab[i]! * Y[i]!;
        }
        ex -= ((sa.occupation * sb.occupation) / 2) * Ak * integrate(g, t);
      }
    }
  }
  // Slater potential and KLI weights
  const nr = new Float64Array(N);
  const num = new Float64Array(N);
  for (let a = 0; a < S.length; a++) {
    const s = S[a]!;
    for (let i = 0; i < N; i++) {
      nr[i] = nr[i]! + s.occupation * s.P[i]! * s.P[i]!;
      num[i] = num[i]! + s.occupation * s.P[i]! * uP[a]![i]!;
    }
  }
  const vS = new Float64Array(N);
  // where the density underflows (far tail), the Slater potential is −1/r (the exchange hole of one electron)
  for (let i = 0; i < N; i++) vS[i] = nr[i]! > 1e-200 ? num[i]! / nr[i]! : -1 / g.r[i]!;
  const w = S.map((s) =>
    Float64Array.from(s.P, (p, i) => (nr[i]! > 1e-200 ? (s.occupation * p * p) / nr[i]! : 0)),
  );
  const homo = S.reduce((best, s, i) => (s.energy > S[best]!.energy ? i : best), 0);
  const others = S.map((_, i) => i).filter((i) => i !== homo);
  const m = others.length;
  const C = new Float64Array(S.length);
  if (m > 0) {
    // (I − M) C = d over the non-HOMO shells; M_ab = ⟨a|w_b|a⟩, d_a = ⟨a|v_S|a⟩ − ū_a
    const Mx = new Float64Array(m * m);
    const d = new Float64Array(m);
    for (let ii = 0; ii < m; ii++) {
      const a = others[ii]!;
      const Pa = S[a]!.P;
      const f = Float64Array.from(Pa, (p, i) => p * p * vS[i]! - p * uP[a]![i]!);
      d[ii] = integrate(g, f);
      for (let jj = 0; jj < m; jj++) {
        const b = others[jj]!;
        const h = Float64Array.from(Pa, (p, i) => p * p * w[b]![i]!);
        Mx[ii * m + jj] = (ii === jj ? 1 : 0) - integrate(g, h);
      }
    }
    const sol = solveDense(Mx, d, m, 1e-14);
    if (!sol) throw new SpecfuseError('internal', 'singular KLI system');
    others.forEach((a, ii) => {
      C[a] = sol[ii]!;
    });
  }
  const vx = Float64Array.from(vS);
  for (let a = 0; a < S.length; a++) {
    if (C[a] === 0) continue;
    for (let i = 0; i < N; i++) vx[i] = vx[i]! + w[a]![i]! * C[a]!;
  }
  return { vx, energy: ex };
}
