import { fail } from '../core/errors.js';
import type { Mat3, Vec3 } from './types.js';

/**
 * Lattice geometry. A lattice is a row-major 3×3 matrix whose rows are the cell vectors a, b, c in Cartesian Å;
 * Cartesian r = f·M = f₁a + f₂b + f₃c for fractional f.
 */

export interface LatticeParameters {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Angle between b and c, degrees. */
  readonly alpha: number;
  /** Angle between a and c, degrees. */
  readonly beta: number;
  /** Angle between a and b, degrees. */
  readonly gamma: number;
}

const DEG = Math.PI / 180;

/**
 * Cell vectors from a, b, c (Å) and α, β, γ (degrees) in the standard crystallographic orientation
 * (a along x, b in the xy plane, c completing a right-handed set; International Tables Vol. B, §1.1.1):
 * a = (a, 0, 0); b = (b cosγ, b sinγ, 0); c = (c cosβ, c (cosα − cosβ cosγ)/sinγ, V/(a b sinγ)).
 */
export function latticeFromParameters(
  a: number,
  b: number,
  c: number,
  alpha: number,
  beta: number,
  gamma: number,
): Mat3 {
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const)
    if (!(v > 0) || !Number.isFinite(v))
      fail('invalid-argument', `cell length ${name} must be > 0, got ${v}`, { field: name });
  for (const [name, v] of [
    ['alpha', alpha],
    ['beta', beta],
    ['gamma', gamma],
  ] as const)
    if (!(v > 0 && v < 180))
      fail('invalid-argument', `cell angle ${name} must be in (0, 180)°, got ${v}`, { field: name });
  const ca = Math.cos(alpha * DEG);
  const cb = Math.cos(beta * DEG);
  const cg = Math.cos(gamma * DEG);
  const sg = Math.sin(gamma * DEG);
  const cy = (ca - cb * cg) / sg;
  const cz2 = 1 - cb * cb - cy * cy;
  if (!(cz2 > 1e-12))
    fail('invalid-argument', `cell angles α=${alpha}, β=${beta}, γ=${gamma} do not form a cell`, {
      field: 'alpha',
    });
  return [
    [a, 0, 0],
    [b * cg, b * sg, 0],
    [c * cb, c * cy, c * Math.sqrt(cz2)],
  ];
}

export function vecNorm(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

export function vecDot(u: Vec3, v: Vec3): number {
  return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

export function vecCross(u: Vec3, v: Vec3): Vec3 {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

function angle(u: Vec3, v: Vec3): number {
  const c = vecDot(u, v) / (vecNorm(u) * vecNorm(v));
  return Math.acos(Math.max(-1, Math.min(1, c))) / DEG;
}

/** a, b, c (Å) and α, β, γ (degrees) of a lattice matrix. */
export function latticeParameters(m: Mat3): LatticeParameters {
  return {
    a: vecNorm(m[0]),
    b: vecNorm(m[1]),
    c: vecNorm(m[2]),
    alpha: angle(m[1], m[2]),
    beta: angle(m[0], m[2]),
    gamma: angle(m[0], m[1]),
  };
}

/** Signed volume a·(b×c), Å³. */
export function det3(m: Mat3): number {
  return vecDot(m[0], vecCross(m[1], m[2]));
}

/** Cell volume |a·(b×c)|, Å³. */
export function cellVolume(lattice: Mat3): number {
  return Math.abs(det3(lattice));
}

/** Inverse of a 3×3 matrix (adjugate / determinant). Throws for a singular lattice. */
export function invertMat3(m: Mat3): Mat3 {
  const det = det3(m);
  if (!(Math.abs(det) > 1e-12))
    fail('invalid-argument', 'lattice is singular (zero volume)', { field: 'lattice' });
  const [a, b, c] = m;
  const r0 = vecCross(b, c);
  const r1 = vecCross(c, a);
  const r2 = vecCross(a, b);
  // inverse columns are the reciprocal vectors / det
  return [
    [r0[0] / det, r1[0] / det, r2[0] / det],
    [r0[1] / det, r1[1] / det, r2[1] / det],
    [r0[2] / det, r1[2] / det, r2[2] / det],
  ];
}

/** Cartesian position (Å) of fractional coordinates: r = f·M. */
export function fracToCart(lattice: Mat3, frac: Vec3): Vec3 {
  const [a, b, c] = lattice;
  return [
    frac[0] * a[0] + frac[1] * b[0] + frac[2] * c[0],
    frac[0] * a[1] + frac[1] * b[1] + frac[2] * c[1],
    frac[0] * a[2] + frac[1] * b[2] + frac[2] * c[2],
  ];
}

/** Fractional coordinates of a Cartesian position (Å): f = r·M⁻¹. */
export function cartToFrac(lattice: Mat3, cart: Vec3): Vec3 {
  const inv = invertMat3(lattice);
  return [
    cart[0] * inv[0][0] + cart[1] * inv[1][0] + cart[2] * inv[2][0],
    cart[0] * inv[0][1] + cart[1] * inv[1][1] + cart[2] * inv[2][1],
    cart[0] * inv[0][2] + cart[1] * inv[1][2] + cart[2] * inv[2][2],
  ];
}

/**
 * Perpendicular widths of the cell (Å): the distance between opposite faces, d_i = V / |a_j × a_k|.
 * A sphere of radius r fits in the cell without touching its own images iff r < min(d)/2.
 */
export function perpendicularWidths(lattice: Mat3): Vec3 {
  const v = cellVolume(lattice);
  const [a, b, c] = lattice;
  return [v / vecNorm(vecCross(b, c)), v / vecNorm(vecCross(c, a)), v / vecNorm(vecCross(a, b))];
}

/** Wrap one fractional coordinate into [0, 1). */
export function wrap01(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w;
}

/** Wrap fractional coordinates into [0, 1). */
export function wrapFrac(f: Vec3): Vec3 {
  return [wrap01(f[0]), wrap01(f[1]), wrap01(f[2])];
}

/** Matrix product A·B of two 3×3 matrices. */
export function matMul3(A: Mat3, B: Mat3): Mat3 {
  const r = (i: number, j: number): number => A[i]![0] * B[0][j] + A[i]![1] * B[1][j] + A[i]![2] * B[2][j];
  return [
    [r(0, 0), r(0, 1), r(0, 2)],
    [r(1, 0), r(1, 1), r(1, 2)],
    [r(2, 0), r(2, 1), r(2, 2)],
  ];
}
