/**
 * Second quantisation on Slater determinants stored as bit strings (one bit per spin-orbital).
 *
 * Spin-orbital numbering (26 bits): orbital index o, spin s (0 = up, 1 = down), bit = 2·o + s, with
 *   o = 0…2   2p, m = −1, 0, 1
 *   o = 3…7   3d, m = −2…2
 *   o = 8…12  ligand orbitals L (one per 3d orbital, same angular label: the 3d-symmetry combination of
 *             O 2p orbitals that each 3d orbital hybridises with; Haverkort et al., PRB 85, 165113 (2012), sec. III).
 * A determinant |S⟩ = ∏_{i∈S, ascending} a†_i |0⟩, so a_j|S⟩ carries the sign (−1)^{#occupied bits below j}
 * (Szabo & Ostlund, *Modern Quantum Chemistry*, §2.3; de Groot & Kotani 2008, §3.3).
 */
import { CooBuilder, type ComplexCsr } from '../../math/sparse.js';

export const N_SPIN_ORBITALS = 26;
export const P_BITS = 0x3f; // bits 0..5
export const D_BITS = 0x3ff << 6; // bits 6..15
export const L_BITS = 0x3ff << 16; // bits 16..25

export function pIndex(m: number, s: number): number {
  return 2 * (m + 1) + s;
}
export function dIndex(m: number, s: number): number {
  return 2 * (m + 5) + s;
}
export function lIndex(m: number, s: number): number {
  return 2 * (m + 10) + s;
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** (−1)^{number of occupied bits strictly below bit j}. */
function signBelow(s: number, j: number): number {
  return popcount(s & ((1 << j) - 1)) & 1 ? -1 : 1;
}

export interface Configuration {
  /** 3d electrons. */
  readonly nd: number;
  /** Ligand holes. */
  readonly ligandHoles: number;
  /** 2p holes (0 or 1). */
  readonly coreHoles: number;
  /** First index and count of its determinants in the basis. */
  readonly start: number;
  readonly count: number;
}

export interface Basis {
  readonly dets: Int32Array;
  readonly index: Map<number, number>;
  readonly configs: readonly Configuration[];
  readonly key: string;
}

function combinations(bits: number[], k: number): number[] {
  const out: number[] = [];
  const rec = (start: number, left: number, acc: number) => {
    if (left === 0) {
      out.push(acc);
      return;
    }
    for (let i = start; i <= bits.length - left; i++) rec(i + 1, left - 1, acc | (1 << bits[i]));
  };
  rec(0, k, 0);
  return out;
}

const P_LIST = [0, 1, 2, 3, 4, 5];
const D_LIST = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const L_LIST = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25];

const basisCache = new Map<string, Basis>();

/**
 * Determinant basis for 2p^{6−coreHoles} 3d^{nd+m} L^{10−m}, m = 0…maxLigandHoles (configurations with more than
 * 10 d electrons are skipped). Without charge transfer (maxLigandHoles = 0) the ligand bits are left empty.
 */
export function makeBasis(nd: number, coreHoles: 0 | 1, maxLigandHoles: number): Basis {
  const key = `${nd}|${coreHoles}|${maxLigandHoles}`;
  const hit = basisCache.get(key);
  if (hit) return hit;
  const dets: number[] = [];
  const configs: Configuration[] = [];
  const pSets = combinations(P_LIST, 6 - coreHoles);
  for (let m = 0; m <= maxLigandHoles; m++) {
    const n = nd + m;
    if (n > 10 || n < 0) continue;
    const start = dets.length;
    const dSets = combinations(D_LIST, n);
    const lSets = maxLigandHoles === 0 ? [0] : combinations(L_LIST, 10 - m);
    for (const p of pSets) for (const d of dSets) for (const l of lSets) dets.push(p | d | l);
    configs.push({ nd: n, ligandHoles: m, coreHoles, start, count: dets.length - start });
  }
  const arr = Int32Array.from(dets);
  const index = new Map<number, number>();
  for (let i = 0; i < arr.length; i++) index.set(arr[i], i);
  const b: Basis = { dets: arr, index, configs, key };
  basisCache.set(key, b);
  return b;
}

/** A one-body operator Σ h_ij a†_i a_j as a dense 26×26 complex matrix (row i = created, column j = annihilated). */
export interface OneBody {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function zeroOneBody(): OneBody {
  return { re: new Float64Array(26 * 26), im: new Float64Array(26 * 26) };
}

interface TermList {
  /** For each annihilated orbital j: created orbitals and coefficients. */
  readonly i: Int32Array[];
  readonly re: Float64Array[];
  readonly im: Float64Array[];
}

function oneBodyTerms(h: OneBody, tol = 1e-14): TermList {
  const I: Int32Array[] = [];
  const R: Float64Array[] = [];
  const M: Float64Array[] = [];
  for (let j = 0; j < 26; j++) {
    const ii: number[] = [];
    const rr: number[] = [];
    const mm: number[] = [];
    for (let i = 0; i < 26; i++) {
      const a = h.re[i * 26 + j];
      const b = h.im[i * 26 + j];
      if (Math.abs(a) + Math.abs(b) > tol) {
        ii.push(i);
        rr.push(a);
        mm.push(b);
      }
    }
    I.push(Int32Array.from(ii));
    R.push(Float64Array.from(rr));
    M.push(Float64Array.from(mm));
  }
  return { i: I, re: R, im: M };
}

/**
 * Matrix of a one-body operator between two bases: rows in `to`, columns in `from` (targets outside `to` are
 * dropped — they belong to configurations the model leaves out).
 */
export function oneBodyMatrix(h: OneBody, from: Basis, to: Basis): ComplexCsr & { rows: number } {
  const t = oneBodyTerms(h);
  const coo = new CooBuilder(Math.max(to.dets.length, from.dets.length), from.dets.length * 8);
  for (let c = 0; c < from.dets.length; c++) {
    const s = from.dets[c];
    for (let j = 0; j < 26; j++) {
      if (!(s & (1 << j))) continue;
      const list = t.i[j];
      if (list.length === 0) continue;
      const s1 = s & ~(1 << j);
      const sj = signBelow(s, j);
      for (let q = 0; q < list.length; q++) {
        const i = list[q];
        if (s1 & (1 << i)) continue;
        const s2 = s1 | (1 << i);
        const r = to.index.get(s2);
        if (r === undefined) continue;
        const sg = sj * signBelow(s1, i);
        coo.add(r, c, sg * t.re[j][q], sg * t.im[j][q]);
      }
    }
  }
  const csr = coo.toCsr();
  return { ...csr, rows: to.dets.length };
}

/**
 * Two-body operator ½ Σ U_ijkl a†_i a†_j a_l a_k given in antisymmetrised form: for each annihilated pair k < l the
 * list of created pairs i < j with V = U_ijkl − U_ijlk (Szabo & Ostlund eq. 2.232 in second-quantised form).
 */
export interface TwoBody {
  /** pairs[k*26+l] (k < l): flat list [i0, j0, i1, j1, …] and values. */
  readonly ij: Int32Array[];
  readonly v: Float64Array[];
}

/** Matrix of a real two-body operator within one basis. */
export function twoBodyMatrix(op: TwoBody, basis: Basis): ComplexCsr {
  const n = basis.dets.length;
  const coo = new CooBuilder(n, n * 32);
  const occ = new Int32Array(26);
  for (let c = 0; c < n; c++) {
    const s = basis.dets[c];
    let no = 0;
    for (let b = 0; b < 16; b++) if (s & (1 << b)) occ[no++] = b; // Coulomb acts on 2p and 3d only
    for (let x = 0; x < no; x++) {
      const k = occ[x];
      const sk = signBelow(s, k);
      const s1 = s & ~(1 << k);
      for (let y = x + 1; y < no; y++) {
        const l = occ[y];
        const pair = k * 26 + l;
        const ij = op.ij[pair];
        if (!ij || ij.length === 0) continue;
        const vals = op.v[pair];
        const sl = sk * signBelow(s1, l);
        const s2 = s1 & ~(1 << l);
        for (let q = 0; q < vals.length; q++) {
          const j = ij[2 * q + 1];
          const i = ij[2 * q];
          if (s2 & ((1 << i) | (1 << j))) continue;
          const s3 = s2 | (1 << j);
          const sg = sl * signBelow(s2, j) * signBelow(s3, i);
          const r = basis.index.get(s3 | (1 << i));
          if (r === undefined) continue;
          coo.add(r, c, sg * vals[q]);
        }
      }
    }
  }
  return coo.toCsr();
}

/** Σ_k c_k A_k for sparse matrices of equal shape (row-wise scatter). */
export function csrCombine(terms: readonly { coef: number; m: ComplexCsr }[]): ComplexCsr {
  const n = terms[0].m.n;
  const coo = new CooBuilder(n, terms.reduce((s, t) => s + t.m.col.length, 0) + 1);
  for (const { coef, m } of terms) {
    if (coef === 0) continue;
    for (let i = 0; i < n; i++)
      for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++)
        coo.add(i, m.col[p], coef * m.re[p], coef * m.im[p]);
  }
  return coo.toCsr();
}

/** y = A x for a rectangular sparse matrix with `rows` rows (A stored with n ≥ rows). */
export function applyRect(
  a: ComplexCsr & { rows: number },
  xr: Float64Array,
  xi: Float64Array,
): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(a.rows);
  const im = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let sr = 0;
    let si = 0;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      const c = a.col[p];
      sr += a.re[p] * xr[c] - a.im[p] * xi[c];
      si += a.re[p] * xi[c] + a.im[p] * xr[c];
    }
    re[i] = sr;
    im[i] = si;
  }
  return { re, im };
}
