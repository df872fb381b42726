/**
 * Bound-state radial Schrödinger / scalar-relativistic equation on a logarithmic grid.
 *
 * Equation (Hartree a.u.), Koelling & Harmon, J. Phys. C 10, 3107 (1977), Eq. 9 without the spin–orbit term:
 *   −(1/r²) d/dr( r²/(2M) dR/dr ) + [V + l(l+1)/(2M r²)] R = E R,   M(r) = 1 + α²(E − V)/2,
 * with α = 1/c (α = 0 gives the non-relativistic Schrödinger equation). As a first-order system in x = ln r with
 * S = r² R'/(2M):  dR/dx = (2M/r) S,  dS/dx = [r³(V − E) + l(l+1) r/(2M)] R.
 * It is integrated with the implicit 4th-order Adams–Moulton formula, solved exactly per step since the system is
 * linear. The small component of Koelling–Harmon is Q = α R'/(2M) = α S/r² and is included in norms/densities.
 *
 * Eigenvalues: shooting from both ends to the outer classical turning point, node counting to bracket the
 * eigenvalue (Sturm), and the Newton/perturbative correction δE = [S/R]_out−in · R(m)² / ∫ r² R² dr (from the
 * Wronskian identity d/dr(R₁S₂ − R₂S₁) = (E₁ − E₂) r² R₁R₂).
 */
import type { RadialGrid } from '../../math/radial-grid.js';
import { SpecfuseError } from '../../core/errors.js';

/** Speed of light in Hartree units (1986 CODATA value used by the NIST atomic reference data). */
export const SPEED_OF_LIGHT_AU = 137.0359895;

export interface RadialSolution {
  /** Eigenvalue (Ha). */
  readonly energy: number;
  /** Large component R(r), normalised with the small one: ∫ (R² + Q²) r² dr = 1. */
  readonly R: Float64Array;
  /** Small component Q(r) (zero when non-relativistic). */
  readonly Q: Float64Array;
  readonly nodes: number;
}

const AM = 9 / 24;

/** Integrate outward from the origin to index `iEnd` (inclusive). Returns R, S and node count. */
export function integrateOutward(
  g: RadialGrid,
  V: Float64Array,
  l: number,
  E: number,
  alpha: number,
  iEnd: number,
  Z: number,
  R: Float64Array,
  S: Float64Array,
): number {
  const r = g.r;
  const h = g.h;
  const ll = l * (l + 1);
  const a2 = alpha * alpha;
  // power-law start: R = r^s (1 − Z r/(l+1)) non-relativistic; r^s with s = √(l(l+1)+1−α²Z²) − 1 scalar-relativistic
  const s = alpha > 0 ? Math.sqrt(ll + 1 - a2 * Z * Z) - 1 : l;
  const coef = (i: number) => {
    const M = 1 + (a2 * (E - V[i]!)) / 2;
    return { a: (2 * M) / r[i]!, b: r[i]! ** 3 * (V[i]! - E) + (ll * r[i]!) / (2 * M), M };
  };
  for (let i = 0; i < 3 && i <= iEnd; i++) {
    const ri = r[i]!;
    const { M } = coef(i);
    const rs = ri ** s;
    if (alpha > 0) {
      R[i] = rs;
      S[i] = (s * rs * ri) / (2 * M);
    } else {
      R[i] = rs * (1 - (Z * ri) / (l + 1));
      S[i] = (ri ** (l + 1) * (l - Z * ri)) / 2;
    }
  }
  // history of f = A y at i−2, i−1, i
  const fR = [0, 0, 0];
  const fS = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const c = coef(k);
    fR[k] = c.a * S[k]!;
    fS[k] = c.b * R[k]!;
  }
  let nodes = 0;
  for (let i = 1; i < 3 && i <= iEnd; i++) if (R[i]! * R[i - 1]! < 0) nodes++;
  for (let i = 2; i < iEnd; i++) {
    const c = coef(i + 1);
    const rhsR = R[i]! + (h / 24) * (19 * fR[2]! - 5 * fR[1]! + fR[0]!);
    const rhsS = S[i]! + (h / 24) * (19 * fS[2]! - 5 * fS[1]! + fS[0]!);
    const ca = h * AM * c.a;
    const cb = h * AM * c.b;
    const det = 1 - ca * cb;
    const Rn = (rhsR + ca * rhsS) / det;
    const Sn = (rhsS + cb * rhsR) / det;
    R[i + 1] = Rn;
    S[i + 1] = Sn;
    if (Rn * R[i]! < 0) nodes++;
    fR[0] = fR[1]!;
    fR[1] = fR[2]!;
    fR[2] = c.a * Sn;
    fS[0] = fS[1]!;
    fS[1] = fS[2]!;
    fS[2] = c.b * Rn;
  }
  return nodes;
}

/** Integrate inward from index `iStart` down to `iEnd`, starting from the decaying WKB form exp(−κ r). */
function integrateInward(
  g: RadialGrid,
  V: Float64Array,
  l: number,
  E: number,
  alpha: number,
  iStart: number,
  iEnd: number,
  R: Float64Array,
  S: Float64Array,
): void {
  const r = g.r;
  const h = g.h;
  const ll = l * (l + 1);
  const a2 = alpha * alpha;
  const coef = (i: number) => {
    const M = 1 + (a2 * (E - V[i]!)) / 2;
    return { a: (2 * M) / r[i]!, b: r[i]! ** 3 * (V[i]! - E) + (ll * r[i]!) / (2 * M), M };
  };
  const fR = [0, 0, 0];
  const fS = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const i = iStart - k;
    const c = coef(i);
    const kap = Math.sqrt(Math.max(2 * c.M * (V[i]! - E) + ll / (r[i]! * r[i]!), 1e-8));
    R[i] = Math.exp(-kap * (r[i]! - r[iStart]!));
    S[i] = (-kap * r[i]! * r[i]! * R[i]!) / (2 * c.M);
    fR[2 - k] = c.a * S[i]!;
    fS[2 - k] = c.b * R[i]!;
  }
  // stepping toward smaller x: y_{i−1} = y_i − h/24 (9 f_{i−1} + 19 f_i − 5 f_{i+1} + f_{i+2})
  for (let i = iStart - 2; i > iEnd; i--) {
    const c = coef(i - 1);
    const rhsR = R[i]! - (h / 24) * (19 * fR[0]! - 5 * fR[1]! + fR[2]!);
    const rhsS = S[i]! - (h / 24) * (19 * fS[0]! - 5 * fS[1]! + fS[2]!);
    const ca = -h * AM * c.a;
    const cb = -h * AM * c.b;
    const det = 1 - ca * cb;
    const Rn = (rhsR + ca * rhsS) / det;
    const Sn = (rhsS + cb * rhsR) / det;
    R[i - 1] = Rn;
    S[i - 1] = Sn;
    fR[2] = fR[1]!;
    fR[1] = fR[0]!;
    fR[0] = c.a * Sn;
    fS[2] = fS[1]!;
    fS[1] = fS[0]!;
    fS[0] = c.b * Rn;
  }
}

export interface BoundStateOptions {
  /** 1/c; 0 for non-relativistic (default). */
  readonly alpha?: number;
  /** Nuclear charge, for the series start at the origin. */
  readonly Z: number;
  /** Starting guess (Ha). */
  readonly guess?: number;
  /** Eigenvalue tolerance (Ha), default 1e−11 relative-ish. */
  readonly tolerance?: number;
}

/**
 * Bound state with principal number n and angular momentum l (n − l − 1 nodes) in the total potential V(r)
 * (Ha, tabulated on g, including −Z/r).
 */
export function solveBoundState(
  g: RadialGrid,
  V: Float64Array,
  n: number,
  l: number,
  opts: BoundStateOptions,
): RadialSolution {
  const N = g.r.length;
  const r = g.r;
  const alpha = opts.alpha ?? 0;
  const target = n - l - 1;
  const tol = opts.tolerance ?? 1e-11;
  const R = new Float64Array(N);
  const S = new Float64Array(N);
  const Ri = new Float64Array(N);
  const Si = new Float64Array(N);
  let lower = Number.POSITIVE_INFINITY;
  for (let i = 0; i < N; i++) lower = Math.min(lower, V[i]! + (l * (l + 1)) / (2 * r[i]! * r[i]!));
  let upper = 0;
  let E = opts.guess ?? -(opts.Z * opts.Z) / (2 * n * n);
  if (!(E > lower && E < upper)) E = 0.5 * (lower + upper);
  for (let iter = 0; iter < 300; iter++) {
    // outer classical turning point
    let im = -1;
    for (let i = N - 1; i > 0; i--) {
      if (E > V[i]! + (l * (l + 1)) / (2 * r[i]! * r[i]!)) {
        im = i;
        break;
      }
    }
    const kappa = Math.sqrt(-2 * E);
    if (im < 10) {
      // no classically allowed region: the eigenvalue lies higher
      lower = Math.max(lower, E);
      E = 0.5 * (lower + upper);
      continue;
    }
    // start of the inward integration: ~60/κ beyond the turning point
    let iInf = Math.min(N - 1, Math.ceil((Math.log(r[im]! + 60 / kappa) - g.x0) / g.h));
    if (iInf < im + 8) iInf = Math.min(N - 1, im + 8);
    if (im > iInf - 6) im = iInf - 6;
    const nodes = integrateOutward(g, V, l, E, alpha, im, opts.Z, R, S);
    if (nodes !== target) {
      if (nodes > target) upper = Math.min(upper, E);
      else lower = Math.max(lower, E);
      E = 0.5 * (lower + upper);
      if (upper - lower < 1e-14 * Math.max(1, Math.abs(E))) break;
      continue;
    }
    integrateInward(g, V, l, E, alpha, iInf, im, Ri, Si);
    const scale = R[im]! / Ri[im]!;
    for (let i = im; i <= iInf; i++) {
      Ri[i] = Ri[i]! * scale;
      Si[i] = Si[i]! * scale;
    }
    const F = S[im]! / R[im]! - Si[im]! / Ri[im]!;
    // norm ∫ r² (R² + Q²) dr over the joined function
    const rho = new Float64Array(N);
    for (let i = 0; i <= iInf; i++) {
      const Rv = i <= im ? R[i]! : Ri[i]!;
      const Sv = i <= im ? S[i]! : Si[i]!;
      const q = (alpha * Sv) / (r[i]! * r[i]!);
      rho[i] = r[i]! * r[i]! * (Rv * Rv + q * q) * r[i]!;
    }
    let norm = 0;
    for (let i = 0; i <= iInf; i++) norm += rho[i]!;
    norm *= g.h;
    let dE = (F * R[im]! * R[im]!) / norm;
    if (Math.abs(dE) > 0.5 * Math.abs(E)) dE = 0.5 * Math.abs(E) * Math.sign(dE);
    if (F > 0) lower = Math.max(lower, E);
    else upper = Math.min(upper, E);
    const done = Math.abs(dE) < tol * Math.max(1, Math.abs(E));
    let En = E + dE;
    if (!done && !(En > lower && En < upper)) En = 0.5 * (lower + upper);
    E = En;
    if (done) {
      // final solution at the converged energy
      const nodes2 = integrateOutward(g, V, l, E, alpha, im, opts.Z, R, S);
      integrateInward(g, V, l, E, alpha, iInf, im, Ri, Si);
      const sc = R[im]! / Ri[im]!;
      const Rout = new Float64Array(N);
      const Qout = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const Rv = i <= im ? R[i]! : i <= iInf ? Ri[i]! * sc : 0;
        const Sv = i <= im ? S[i]! : i <= iInf ? Si[i]! * sc : 0;
        Rout[i] = Rv;
        Qout[i] = (alpha * Sv) / (r[i]! * r[i]!);
      }
      normalise(g, Rout, Qout);
      return { energy: E, R: Rout, Q: Qout, nodes: nodes2 };
    }
  }
  throw new SpecfuseError(
    'internal',
    `bound state n=${n} l=${l} did not converge (bracket ${lower}..${upper} Ha)`,
  );
}

function normalise(g: RadialGrid, R: Float64Array, Q: Float64Array): void {
  const r = g.r;
  const N = r.length;
  const f = new Float64Array(N);
  for (let i = 0; i < N; i++) f[i] = r[i]! * r[i]! * (R[i]! * R[i]! + Q[i]! * Q[i]!);
  // 4th-order closed quadrature (same weights as cumulativeIntegral's interior formula, summed)
  let s = 0;
  for (let i = 0; i < N; i++) s += f[i]! * r[i]!;
  s *= g.h;
  const c = 1 / Math.sqrt(s);
  // sign convention: positive at the origin
  const sign = R[0]! < 0 ? -1 : 1;
  for (let i = 0; i < N; i++) {
    R[i] = R[i]! * c * sign;
    Q[i] = Q[i]! * c * sign;
  }
}
