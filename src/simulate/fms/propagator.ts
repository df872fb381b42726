/**
 * Real-space full multiple scattering (FMS) in the angular-momentum basis.
 *
 * Free propagator (Rehr & Albers RMP 72, 621 (2000), Eqs. 33–35; PRB 41, 8139 (1990), Eq. 2): an outgoing wave
 * h_{l'}(p|r − R_j|) Y_{L'}(r − R_j) leaving site j, re-expanded about site i (|r − R_i| < |R_i − R_j|), is
 *   Σ_L j_l(p|r − R_i|) Y_L(r − R_i) g^{ij}_{LL'},
 *   g^{ij}_{LL'}(p) = 4π Σ_{L''} i^{l + l'' − l'} C(L', L, L'') h_{l''}(p d_ij) Y_{L''}(D̂_ij),  D = R_i − R_j,
 * the two-centre addition theorem for real harmonics (C = real Gaunt coefficient; the derivation projects the
 * plane-wave expansion e^{ip·r} = 4π Σ_L i^l j_l Y_L(p̂) Y_L(r̂) of e^{ip·(a+D)} = e^{ip·a} e^{ip·D}; the irregular
 * form follows for |a| < |D|). This dimensionless g is the Green's function G⁰ of RMP Eq. 33 divided by −2p.
 *
 * With the dimensionless t-matrix t_l = (e^{2iδ_l} − 1)/2 (R_l = j_l + t_l h_l outside the sphere), the wave
 * incident on every site, b, for a unit outgoing p wave from the absorber (site 0) obeys b = g e₀ + g t b, so
 *   b = (1 − g t)⁻¹ g e₀     (RMP Eq. 40: G = (1 − G⁰T)⁻¹ G⁰),
 * and the part returning to the absorber in the p channel, B_{mm'} = b_{0,1m}[source 1m'], gives the K-edge fine
 * structure χ = Re[e^{2iδ_1^c} ε·B·ε] (polarization ε in the real p basis; average = Re[e^{2iδ_1^c} tr B / 3]),
 * which reduces to the curved-wave single-scattering formula of `singleScatteringK` at first order in t (RMP
 * Eq. 45, μ = μ0(1 + χ)). Only the three absorber columns are solved for (LU + 3 right-hand sides), never the inverse.
 */
import { SpecfuseError } from '../../core/errors.js';
import type { Complex } from '../../math/complex.js';
import { complexLuFactor, complexLuSolve } from '../../math/complex-lu.js';
import { lapackAvailable, lapackSolve } from '../../math/lapack.js';
import { gauntTable, realHarmonics } from './harmonics.js';

/** h_l^(+)(z), l = 0…lmax, by upward recurrence from h_{−1} = e^{iz}/z, h_0 = −i e^{iz}/z (interleaved re, im). */
export function hankelUp(lmax: number, zRe: number, zIm: number, out: Float64Array): Float64Array {
  // e^{iz} = e^{−Im z}(cos Re z + i sin Re z)
  const ex = Math.exp(-zIm);
  const eRe = ex * Math.cos(zRe);
  const eIm = ex * Math.sin(zRe);
  const den = zRe * zRe + zIm * zIm;
  const izRe = zRe / den; // 1/z
  const izIm = -zIm / den;
  // h_{−1} = e^{iz}/z
  let pRe = eRe * izRe - eIm * izIm;
  let pIm = eRe * izIm + eIm * izRe;
  // h_0 = −i h_{−1}
  let cRe = pIm;
  let cIm = -pRe;
  out[0] = cRe;
  out[1] = cIm;
  for (let l = 0; l < lmax; l++) {
    const f = 2 * l + 1;
    const nRe = f * (izRe * cRe - izIm * cIm) - pRe;
    const nIm = f * (izRe * cIm + izIm * cRe) - pIm;
    pRe = cRe;
    pIm = cIm;
    cRe = nRe;
    cIm = nIm;
    out[2 * (l + 1)] = cRe;
    out[2 * (l + 1) + 1] = cIm;
  }
  return out;
}

export interface FmsCluster {
  readonly nAtoms: number;
  /** Positions (bohr), xyz interleaved; atom 0 is the absorber at the origin. */
  readonly positions: Float64Array;
  readonly lmax: Int32Array;
  /** Row/column offset of each atom's block; `size` = total basis size Σ (l_i + 1)². */
  readonly offsets: Int32Array;
  readonly size: number;
  readonly lmaxAll: number;
  /** Per ordered pair (i·N + j): distance (bohr) and Y_{L''}(D̂), L'' < (2·lmaxAll + 1)². */
  readonly dist: Float64Array;
  readonly ylm: Float64Array;
}

/** Geometry that does not depend on energy: basis offsets, pair distances and harmonics. */
export function prepareCluster(
  positionsBohr: readonly (readonly [number, number, number])[],
  lmax: readonly number[],
): FmsCluster {
  const N = positionsBohr.length;
  if (N === 0 || lmax.length !== N)
    throw new SpecfuseError('invalid-argument', 'cluster needs ≥ 1 atom and one lmax per atom', {
      field: 'lmax',
    });
  const lmaxArr = Int32Array.from(lmax);
  const offsets = new Int32Array(N);
  let size = 0;
  let lmaxAll = 0;
  for (let i = 0; i < N; i++) {
    offsets[i] = size;
    size += (lmaxArr[i]! + 1) ** 2;
    lmaxAll = Math.max(lmaxAll, lmaxArr[i]!);
  }
  const nY = (2 * lmaxAll + 1) ** 2;
  const dist = new Float64Array(N * N);
  const ylm = new Float64Array(N * N * nY);
  const pos = new Float64Array(3 * N);
  positionsBohr.forEach((p, i) => {
    pos.set(p, 3 * i);
  });
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      if (i === j) continue;
      const dx = pos[3 * i]! - pos[3 * j]!;
      const dy = pos[3 * i + 1]! - pos[3 * j + 1]!;
      const dz = pos[3 * i + 2]! - pos[3 * j + 2]!;
      const d = Math.hypot(dx, dy, dz);
      if (!(d > 1e-6))
        throw new SpecfuseError('invalid-argument', `atoms ${i} and ${j} coincide`, { field: 'positions' });
      dist[i * N + j] = d;
      ylm.set(realHarmonics(2 * lmaxAll, dx / d, dy / d, dz / d), (i * N + j) * nY);
    }
  return { nAtoms: N, positions: pos, lmax: lmaxArr, offsets, size, lmaxAll, dist, ylm };
}

/**
 * Fill the FMS system at complex momentum p (bohr⁻¹): M = 1 − g t (size² interleaved column-major) and the three
 * right-hand sides R = g e₀ for the absorber's p channel (size × 3). `t[i]` holds t_l of atom i, interleaved.
 */
export function buildFmsSystem(
  c: FmsCluster,
  p: Complex,
  t: readonly Float64Array[],
): { M: Float64Array; R: Float64Array } {
  const n = c.size;
  const N = c.nAtoms;
  const M = new Float64Array(2 * n * n);
  const R = new Float64Array(2 * n * 3);
  for (let k = 0; k < n; k++) M[2 * (k + k * n)] = 1;
  const gt = flatGaunt(c.lmaxAll);
  const nL = (c.lmaxAll + 1) ** 2;
  const nY = (2 * c.lmaxAll + 1) ** 2;
  const h = new Float64Array(2 * (2 * c.lmaxAll + 1));
  const q = new Float64Array(2 * nY); // 4π h_{l''} Y_{L''}
  const FOURPI = 4 * Math.PI;
  const lOf = gt.lOf;
  for (let i = 0; i < N; i++) {
    const li = c.lmax[i]!;
    const nLi = (li + 1) ** 2;
    const oi = c.offsets[i]!;
    for (let j = 0; j < N; j++) {
      if (i === j) continue;
      const lj = c.lmax[j]!;
      const nLj = (lj + 1) ** 2;
      const oj = c.offsets[j]!;
      const d = c.dist[i * N + j]!;
      const l3max = li + lj;
      hankelUp(l3max, p.re * d, p.im * d, h);
      const yo = (i * N + j) * nY;
      const n3 = (l3max + 1) ** 2;
      for (let L3 = 0; L3 < n3; L3++) {
        const l3 = lOf[L3]!;
        const y = FOURPI * c.ylm[yo + L3]!;
        q[2 * L3] = h[2 * l3]! * y;
        q[2 * L3 + 1] = h[2 * l3 + 1]! * y;
      }
      const tj = t[j]!;
      for (let L2 = 0; L2 < nLj; L2++) {
        const l2 = lOf[L2]!;
        const tRe = tj[2 * l2]!;
        const tIm = tj[2 * l2 + 1]!;
        const col = oj + L2;
        const colBase = 2 * (oi + col * n);
        const isRhs = j === 0 && l2 === 1;
        const rBase = 2 * (oi + (L2 - 1) * n);
        for (let L1 = 0; L1 < nLi; L1++) {
          const pair = L2 * nL + L1;
          let gRe = 0;
          let gIm = 0;
          for (let k = gt.start[pair]!, e = gt.start[pair + 1]!; k < e; k++) {
            const L3 = gt.L3[k]!;
            const cc = gt.coef[k]!;
            gRe += cc * q[2 * L3]!;
            gIm += cc * q[2 * L3 + 1]!;
          }
          const idx = colBase + 2 * L1;
          M[idx] = M[idx]! - (gRe * tRe - gIm * tIm);
          M[idx + 1] = M[idx + 1]! - (gRe * tIm + gIm * tRe);
          if (isRhs) {
            R[rBase + 2 * L1] = gRe;
            R[rBase + 2 * L1 + 1] = gIm;
          }
        }
      }
    }
  }
  return { M, R };
}

interface FlatGaunt {
  /** Terms of the pair (L′, L) = (L2, L1) at start[L2·nL + L1] … start[… + 1]. */
  readonly start: Int32Array;
  readonly L3: Int32Array;
  /** i^{l + l'' − l'} C(L′, L, L'') (real: the exponent is even). */
  readonly coef: Float64Array;
  readonly lOf: Int32Array;
}
const flatCache = new Map<number, FlatGaunt>();

function flatGaunt(lmax: number): FlatGaunt {
  const hit = flatCache.get(lmax);
  if (hit) return hit;
  const g = gauntTable(lmax);
  const nL = (lmax + 1) ** 2;
  const start = new Int32Array(nL * nL + 1);
  const L3: number[] = [];
  const coef: number[] = [];
  for (let L2 = 0; L2 < nL; L2++) {
    const l2 = Math.floor(Math.sqrt(L2));
    for (let L1 = 0; L1 < nL; L1++) {
      const l1 = Math.floor(Math.sqrt(L1));
      start[L2 * nL + L1] = L3.length;
      for (const term of g[L2 * nL + L1]!) {
        const e = (l1 + term.l3 - l2) / 2; // integer: l1 + l2 + l3 is even
        L3.push(term.L3);
        coef.push(((e % 2) + 2) % 2 === 0 ? term.c : -term.c);
      }
    }
  }
  start[nL * nL] = L3.length;
  const lOf = Int32Array.from({ length: (2 * lmax + 1) ** 2 }, (_, L) => Math.floor(Math.sqrt(L)));
  const f = { start, L3: Int32Array.from(L3), coef: Float64Array.from(coef), lOf };
  flatCache.set(lmax, f);
  return f;
}

export type SolverKind = 'lapack' | 'typescript';

/** Which solver `solveAbsorberBlock` uses by default: LAPACK when it loads, else TypeScript. */
export function defaultSolver(): SolverKind {
  return lapackAvailable() ? 'lapack' : 'typescript';
}

/**
 * Solve M X = R and return the absorber's p-channel return block B (3×3, interleaved, B[m][m'] at 2(3m + m')),
 * real-harmonic order (y, z, x).
 */
export function solveAbsorberBlock(
  c: FmsCluster,
  M: Float64Array,
  R: Float64Array,
  solver: SolverKind = defaultSolver(),
): Float64Array {
  const n = c.size;
  if (solver === 'lapack') lapackSolve(M, n, R, 3);
  else complexLuSolve(complexLuFactor(M, n), R, 3);
  const B = new Float64Array(18);
  const o = c.offsets[0]!;
  for (let m = 0; m < 3; m++)
    for (let mp = 0; mp < 3; mp++) {
      B[2 * (3 * m + mp)] = R[2 * (o + 1 + m + mp * n)]!;
      B[2 * (3 * m + mp) + 1] = R[2 * (o + 1 + m + mp * n) + 1]!;
    }
  return B;
}

/**
 * χ from the return block: Re[e^{2iδ_1^c} ε·B·ε] for a unit polarization ε = (x, y, z), or the average over
 * polarizations Re[e^{2iδ_1^c} tr B / 3] when ε is undefined.
 */
export function chiFromBlock(
  B: Float64Array,
  deltaC: Complex,
  polarization?: readonly [number, number, number],
): number {
  let sRe = 0;
  let sIm = 0;
  if (!polarization) {
    for (let m = 0; m < 3; m++) {
      sRe += B[2 * (4 * m)]! / 3;
      sIm += B[2 * (4 * m) + 1]! / 3;
    }
  } else {
    const nrm = Math.hypot(...polarization);
    const w = [polarization[1] / nrm, polarization[2] / nrm, polarization[0] / nrm];
    for (let m = 0; m < 3; m++)
      for (let mp = 0; mp < 3; mp++) {
        sRe += w[m]! * w[mp]! * B[2 * (3 * m + mp)]!;
        sIm += w[m]! * w[mp]! * B[2 * (3 * m + mp) + 1]!;
      }
  }
  // e^{2iδ} with complex δ
  const a = Math.exp(-2 * deltaC.im);
  const eRe = a * Math.cos(2 * deltaC.re);
  const eIm = a * Math.sin(2 * deltaC.re);
  return eRe * sRe - eIm * sIm;
}

/** t_l = (e^{2iδ_l} − 1)/2 for l = 0…lmax from phase-shift arrays (interleaved output). */
export function tFromPhases(re: Float64Array, im: Float64Array, lmax: number): Float64Array {
  const out = new Float64Array(2 * (lmax + 1));
  for (let l = 0; l <= lmax; l++) {
    const a = Math.exp(-2 * im[l]!);
    out[2 * l] = (a * Math.cos(2 * re[l]!) - 1) / 2;
    out[2 * l + 1] = (a * Math.sin(2 * re[l]!)) / 2;
  }
  return out;
}
