/**
 * Pieces of the charge-transfer multiplet Hamiltonian (de Groot & Kotani 2008, ch. 3–4; de Groot et al.,
 * PRB 42, 5459 (1990); Haverkort et al., PRB 85, 165113 (2012), eqs. 1–9):
 *
 *   H = Σ_k F^k_dd Ĉ^k_dd + Σ_k F^k_pd Ĉ^k_pd + Σ_k G^k_pd Ĝ^k_pd + ζ3d l·s(3d) + ζ2p l·s(2p)
 *       + Σ d†_m (V_CF)_{mm'} d_m' + ε_L n̂_L + Σ (T_{mm'} d†_m L_m' + h.c.)
 *
 * Two-electron matrix elements (Slater 1960; Cowan 1981 eq. 12.20; de Groot & Kotani eq. 3.9):
 *   ⟨ab|1/r₁₂|cd⟩ = δ(s_a,s_c) δ(s_b,s_d) δ(m_a+m_b, m_c+m_d) Σ_k c^k(l_a m_a, l_c m_c) c^k(l_d m_d, l_b m_b) R^k,
 * with R^k = F^k for direct (a,c in the same shell) and G^k for exchange (a,c in different shells) integrals.
 * Units: eV throughout.
 */
import { symmetricEigen } from '../../math/eigen.js';
import { gaunt } from './angular.js';
import { type OneBody, type TwoBody, dIndex, lIndex, pIndex, zeroOneBody } from './manybody.js';

export type RadialKind = 'F0dd' | 'F2dd' | 'F4dd' | 'F0pd' | 'F2pd' | 'G1pd' | 'G3pd';

interface SpinOrbital {
  l: number;
  m: number;
  s: number;
}
function spinOrbital(bit: number): SpinOrbital {
  const o = bit >> 1;
  const s = bit & 1;
  if (o < 3) return { l: 1, m: o - 1, s };
  return { l: 2, m: o - 5, s };
}

/** ⟨ij|1/r|kl⟩ restricted to one radial integral kind (unit strength). */
function coulombU(kind: RadialKind, i: number, j: number, k: number, l: number): number {
  const a = spinOrbital(i);
  const b = spinOrbital(j);
  const c = spinOrbital(k);
  const d = spinOrbital(l);
  if (a.s !== c.s || b.s !== d.s || a.m + b.m !== c.m + d.m) return 0;
  const order = Number(kind[1]);
  const dd = a.l === 2 && b.l === 2 && c.l === 2 && d.l === 2;
  const direct = a.l === c.l && b.l === d.l && a.l !== b.l;
  const exchange = a.l === d.l && b.l === c.l && a.l !== b.l;
  if (kind.endsWith('dd')) {
    if (!dd) return 0;
  } else if (kind[0] === 'F') {
    if (!direct) return 0;
  } else if (!exchange) return 0;
  return gaunt(order, a.l, a.m, c.l, c.m) * gaunt(order, d.l, d.m, b.l, b.m);
}

const twoBodyCache = new Map<RadialKind, TwoBody>();

/** Antisymmetrised unit two-body operator for one radial integral (cached; it depends on nothing else). */
export function coulombOperator(kind: RadialKind): TwoBody {
  const hit = twoBodyCache.get(kind);
  if (hit) return hit;
  const ij: Int32Array[] = [];
  const v: Float64Array[] = [];
  for (let k = 0; k < 16; k++) {
    for (let l = k + 1; l < 16; l++) {
      const list: number[] = [];
      const vals: number[] = [];
      for (let i = 0; i < 16; i++) {
        for (let j = i + 1; j < 16; j++) {
          const x = coulombU(kind, i, j, k, l) - coulombU(kind, i, j, l, k);
          if (Math.abs(x) > 1e-14) {
            list.push(i, j);
            vals.push(x);
          }
        }
      }
      ij[k * 26 + l] = Int32Array.from(list);
      v[k * 26 + l] = Float64Array.from(vals);
    }
  }
  const op = { ij, v };
  twoBodyCache.set(kind, op);
  return op;
}

/**
 * F⁰ from the configuration-averaged repulsions U (Haverkort et al. 2012, eqs. 12–13; de Groot & Kotani §4.3):
 *   F⁰dd = Udd + (2/63)(F²dd + F⁴dd),   F⁰pd = Upd + (1/15) G¹pd + (3/70) G³pd,
 * so that U is the average energy of a d–d (p–d) pair over all states of the configuration.
 */
export function f0dd(udd: number, f2: number, f4: number): number {
  return udd + (2 / 63) * (f2 + f4);
}
export function f0pd(upd: number, g1: number, g3: number): number {
  return upd + g1 / 15 + (3 * g3) / 70;
}

/** Add ζ l·s for a shell (l = 1: 2p; l = 2: 3d) to a one-body operator. */
export function addSpinOrbit(h: OneBody, l: 1 | 2, zeta: number): void {
  const idx = l === 1 ? pIndex : dIndex;
  for (let m = -l; m <= l; m++) {
    // l_z s_z
    h.re[idx(m, 0) * 26 + idx(m, 0)] += zeta * m * 0.5;
    h.re[idx(m, 1) * 26 + idx(m, 1)] -= zeta * m * 0.5;
    // ½(l₊s₋ + l₋s₊): |m,↑⟩ → |m+1,↓⟩ with √(l(l+1) − m(m+1))
    if (m < l) {
      const x = 0.5 * zeta * Math.sqrt(l * (l + 1) - m * (m + 1));
      h.re[idx(m + 1, 1) * 26 + idx(m, 0)] += x;
      h.re[idx(m, 0) * 26 + idx(m + 1, 1)] += x;
    }
  }
}

/**
 * Real 3d orbitals in terms of complex spherical harmonics (Condon–Shortley): d_r = Σ_m C[r][m] Y_2m,
 * order r = z², xz, yz, x²−y², xy (the order used for every 5×5 real matrix in this module).
 */
const S = Math.SQRT1_2;
const C_RE = [
  [0, 0, 1, 0, 0],
  [0, S, 0, -S, 0],
  [0, 0, 0, 0, 0],
  [S, 0, 0, 0, S],
  [0, 0, 0, 0, 0],
];
const C_IM = [
  [0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0],
  [0, S, 0, S, 0],
  [0, 0, 0, 0, 0],
  [S, 0, 0, 0, -S],
];
export const REAL_D_ORBITALS = ['z2', 'xz', 'yz', 'x2-y2', 'xy'] as const;

/** 5×5 real symmetric matrix in the real-orbital basis → complex Hermitian matrix in the m basis. */
export function realToComplex(o: Float64Array): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(25);
  const im = new Float64Array(25);
  for (let m = 0; m < 5; m++) {
    for (let mp = 0; mp < 5; mp++) {
      let sr = 0;
      let si = 0;
      for (let r = 0; r < 5; r++) {
        for (let rp = 0; rp < 5; rp++) {
          const x = o[r * 5 + rp];
          if (x === 0) continue;
          // C[r][m] · x · conj(C[rp][mp])
          const ar = C_RE[r][m];
          const ai = C_IM[r][m];
          const br = C_RE[rp][mp];
          const bi = -C_IM[rp][mp];
          sr += x * (ar * br - ai * bi);
          si += x * (ar * bi + ai * br);
        }
      }
      re[m * 5 + mp] = sr;
      im[m * 5 + mp] = si;
    }
  }
  return { re, im };
}

/**
 * Crystal field of tetragonal D4h symmetry in the real basis (Ballhausen, *Introduction to Ligand Field Theory*
 * (1962); de Groot & Kotani 2008 Table 4.x): x²−y² 6Dq+2Ds−Dt, z² 6Dq−2Ds−6Dt, xy −4Dq+2Ds−Dt, xz/yz −4Dq−Ds+4Dt.
 * Oh is Ds = Dt = 0. Input 10Dq, Ds, Dt in eV.
 */
export function crystalFieldD4h(tenDq: number, ds = 0, dt = 0): Float64Array {
  const dq = tenDq / 10;
  const m = new Float64Array(25);
  m[0] = 6 * dq - 2 * ds - 6 * dt; // z²
  m[6] = -4 * dq - ds + 4 * dt; // xz
  m[12] = -4 * dq - ds + 4 * dt; // yz
  m[18] = 6 * dq + 2 * ds - dt; // x²−y²
  m[24] = -4 * dq + 2 * ds - dt; // xy
  return m;
}

/** Quadratic forms of the real d orbitals, scaled so that the σ overlap along a lobe is 1. */
const H3 = Math.sqrt(3) / 2;
const Q: number[][] = [
  [-0.5, 0, 0, 0, -0.5, 0, 0, 0, 1], // z²
  [0, 0, H3, 0, 0, 0, H3, 0, 0], // xz
  [0, 0, 0, 0, 0, H3, 0, H3, 0], // yz
  [H3, 0, 0, 0, -H3, 0, 0, 0, 0], // x²−y²
  [0, H3, 0, H3, 0, 0, 0, 0, 0], // xy
];

export interface AomLigand {
  /** Unit (or any length) vector from the metal to the ligand. */
  readonly direction: readonly [number, number, number];
  readonly eSigma: number;
  readonly ePi: number;
}

/**
 * Angular-overlap-model matrices (Schäffer & Jørgensen, Mol. Phys. 9, 401 (1965); Larsen & La Mar,
 * J. Chem. Educ. 51, 633 (1974)):  V_rr' = Σ_L e_σ(L) F_σ,r F_σ,r' + e_π(L) Σ_{π⊥} F_π,r F_π,r'.
 * With the d orbitals written as quadratic forms d_r(n) = nᵀQ_r n, F_σ,r = nᵀQ_r n and
 * Σ_{p⊥n} F_π,r F_π,r' = (4/3) (Q_r n)ᵀ (1 − n nᵀ) (Q_r' n). Octahedron: 10Dq = 3e_σ − 4e_π.
 */
export function aomMatrix(ligands: readonly AomLigand[]): Float64Array {
  const v = new Float64Array(25);
  const qn = [
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
  ];
  const fs = new Float64Array(5);
  const pq = [
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
    new Float64Array(3),
  ];
  for (const L of ligands) {
    const len = Math.hypot(L.direction[0], L.direction[1], L.direction[2]);
    const n = [L.direction[0] / len, L.direction[1] / len, L.direction[2] / len];
    for (let r = 0; r < 5; r++) {
      const q = Q[r];
      for (let a = 0; a < 3; a++) qn[r][a] = q[a * 3] * n[0] + q[a * 3 + 1] * n[1] + q[a * 3 + 2] * n[2];
      fs[r] = n[0] * qn[r][0] + n[1] * qn[r][1] + n[2] * qn[r][2];
      // (1 − n nᵀ) Q_r n = Q_r n − n F_σ
      for (let a = 0; a < 3; a++) pq[r][a] = qn[r][a] - n[a] * fs[r];
    }
    for (let r = 0; r < 5; r++) {
      for (let rp = 0; rp < 5; rp++) {
        const pi = (4 / 3) * (pq[r][0] * pq[rp][0] + pq[r][1] * pq[rp][1] + pq[r][2] * pq[rp][2]);
        v[r * 5 + rp] += L.eSigma * fs[r] * fs[rp] + L.ePi * pi;
      }
    }
  }
  return v;
}

/** Remove the trace: V ← V − (tr V/5)·1 (the spherical part only shifts the configuration energy). */
export function traceless(v: Float64Array): Float64Array {
  const out = v.slice();
  const t = (v[0] + v[6] + v[12] + v[18] + v[24]) / 5;
  for (let r = 0; r < 5; r++) out[r * 6] -= t;
  return out;
}

/** Matrix square root of a positive-semidefinite real symmetric 5×5 matrix. */
export function sqrtPsd(m: Float64Array): Float64Array {
  const e = symmetricEigen(m, 5);
  const out = new Float64Array(25);
  for (let k = 0; k < 5; k++) {
    const s = Math.sqrt(Math.max(0, e.values[k]));
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 5; c++) out[r * 5 + c] += s * e.vectors[r * 5 + k] * e.vectors[c * 5 + k];
  }
  return out;
}

/** Add Σ_σ d†_m V_mm' d_m' for a real-basis 5×5 matrix V. */
export function addCrystalField(h: OneBody, vReal: Float64Array): void {
  const c = realToComplex(vReal);
  for (let m = 0; m < 5; m++)
    for (let mp = 0; mp < 5; mp++)
      for (let s = 0; s < 2; s++) {
        const i = dIndex(m - 2, s);
        const j = dIndex(mp - 2, s);
        h.re[i * 26 + j] += c.re[m * 5 + mp];
        h.im[i * 26 + j] += c.im[m * 5 + mp];
      }
}

/** Add hybridisation Σ_σ (T_mm' d†_m L_m' + h.c.) for a real-basis 5×5 matrix T (d orbital r ↔ ligand orbital r). */
export function addHybridisation(h: OneBody, tReal: Float64Array): void {
  const c = realToComplex(tReal);
  for (let m = 0; m < 5; m++)
    for (let mp = 0; mp < 5; mp++)
      for (let s = 0; s < 2; s++) {
        const i = dIndex(m - 2, s);
        const j = lIndex(mp - 2, s);
        h.re[i * 26 + j] += c.re[m * 5 + mp];
        h.im[i * 26 + j] += c.im[m * 5 + mp];
        h.re[j * 26 + i] += c.re[m * 5 + mp];
        h.im[j * 26 + i] -= c.im[m * 5 + mp];
      }
}

/** Add an on-site energy to every spin-orbital of the 3d or ligand shell. */
export function addShellEnergy(h: OneBody, shell: 'd' | 'L', e: number): void {
  const idx = shell === 'd' ? dIndex : lIndex;
  for (let m = -2; m <= 2; m++) for (let s = 0; s < 2; s++) h.re[idx(m, s) * 27] += e;
}

/**
 * Dipole transition operator T_q = Σ ⟨3d m_d|C¹_q|2p m_p⟩ d†_{m_d σ} p_{m_p σ}, q = m_d − m_p
 * (de Groot & Kotani 2008 eq. 3.x; Cowan 1981 ch. 14). Optional `coreProjector` restricts the 2p hole to j = 3/2
 * or j = 1/2 via P_{1/2} = (1 − 2 l·s)/3, P_{3/2} = 1 − P_{1/2} (l = 1).
 */
export function dipoleOperator(q: -1 | 0 | 1, coreJ?: 0.5 | 1.5): OneBody {
  const t = zeroOneBody();
  for (let mp = -1; mp <= 1; mp++) {
    const md = mp + q;
    if (md < -2 || md > 2) continue;
    const c = gaunt(1, 2, md, 1, mp);
    for (let s = 0; s < 2; s++) t.re[dIndex(md, s) * 26 + pIndex(mp, s)] = c;
  }
  if (coreJ === undefined) return t;
  // projector on the 2p shell
  const ls = zeroOneBody();
  addSpinOrbit(ls, 1, 1);
  const p = zeroOneBody();
  for (let a = 0; a < 6; a++)
    for (let b = 0; b < 6; b++) {
      const half = ((a === b ? 1 : 0) - 2 * ls.re[a * 26 + b]) / 3;
      p.re[a * 26 + b] = coreJ === 0.5 ? half : (a === b ? 1 : 0) - half;
    }
  const out = zeroOneBody();
  for (let i = 6; i < 16; i++)
    for (let b = 0; b < 6; b++) {
      let s = 0;
      for (let a = 0; a < 6; a++) s += t.re[i * 26 + a] * p.re[a * 26 + b];
      out.re[i * 26 + b] = s;
    }
  return out;
}

/** Linear polarisation ε (unit vector): T_ε = ε_x T_x + ε_y T_y + ε_z T_z with T_x = (T₋₁ − T₁)/√2,
 * T_y = i(T₋₁ + T₁)/√2, T_z = T₀ (spherical → Cartesian components of C¹). */
export function dipolePolarized(eps: readonly [number, number, number], coreJ?: 0.5 | 1.5): OneBody {
  const tm = dipoleOperator(-1, coreJ);
  const t0 = dipoleOperator(0, coreJ);
  const tp = dipoleOperator(1, coreJ);
  const n = Math.hypot(eps[0], eps[1], eps[2]);
  const [ex, ey, ez] = [eps[0] / n, eps[1] / n, eps[2] / n];
  const out = zeroOneBody();
  for (let k = 0; k < 26 * 26; k++) {
    out.re[k] = ex * S * (tm.re[k] - tp.re[k]) + ez * t0.re[k];
    out.im[k] = ey * S * (tm.re[k] + tp.re[k]);
  }
  return out;
}
