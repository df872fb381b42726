/**
 * Real spherical harmonics and their Gaunt coefficients for the angular-momentum basis of full multiple scattering.
 *
 * Y_lm real (m > 0: √2 N_lm P_l^m cos mφ; m < 0: √2 N_l|m| P_l^|m| sin |m|φ; m = 0: N_l0 P_l), orthonormal on the
 * unit sphere, with N_lm = √((2l+1)/(4π) (l−m)!/(l+m)!) and P_l^m without the Condon–Shortley phase (any consistent
 * choice works because every quantity below is built from the same function). Index L = l² + l + m.
 * Gaunt coefficients C(L1, L2, L3) = ∫ Y_L1 Y_L2 Y_L3 dΩ are evaluated by product quadrature (Gauss–Legendre in cos θ,
 * uniform in φ), exact for the polynomial degree l1 + l2 + l3 used here.
 */
import { gaussLegendre } from '../../math/quadrature.js';

/** Real Y_lm for l ≤ lmax at the unit vector (x, y, z); index l² + l + m. */
export function realHarmonics(lmax: number, x: number, y: number, z: number): Float64Array {
  const out = new Float64Array((lmax + 1) * (lmax + 1));
  const ct = Math.max(-1, Math.min(1, z));
  const st = Math.sqrt(Math.max(0, 1 - ct * ct));
  const phi = Math.atan2(y, x);
  for (let m = 0; m <= lmax; m++) {
    // P_m^m = (2m−1)!! sinθ^m (no Condon–Shortley phase), then upward in l (A&S 8.5.3)
    let pmm = 1;
    for (let k = 1; k <= m; k++) pmm *= (2 * k - 1) * st;
    let pPrev = 0;
    let p = pmm;
    for (let l = m; l <= lmax; l++) {
      if (l > m) {
        const next =
          l === m + 1 ? ct * (2 * m + 1) * pmm : ((2 * l - 1) * ct * p - (l + m - 1) * pPrev) / (l - m);
        pPrev = p;
        p = next;
      }
      let ratio = 1;
      for (let k = l - m + 1; k <= l + m; k++) ratio /= k;
      const N = Math.sqrt(((2 * l + 1) / (4 * Math.PI)) * ratio);
      const base = l * l + l;
      if (m === 0) out[base] = N * p;
      else {
        out[base + m] = Math.SQRT2 * N * p * Math.cos(m * phi);
        out[base - m] = Math.SQRT2 * N * p * Math.sin(m * phi);
      }
    }
  }
  return out;
}

export interface GauntTerm {
  /** Index L3 = l3² + l3 + m3 of the third harmonic. */
  readonly L3: number;
  readonly l3: number;
  /** C(L1, L2, L3). */
  readonly c: number;
}

const gauntCache = new Map<number, GauntTerm[][]>();

/**
 * Nonzero Gaunt coefficients for l1, l2 ≤ lmax: table[L1·n + L2] lists (L3, C) with |l1 − l2| ≤ l3 ≤ l1 + l2 and
 * l1 + l2 + l3 even (n = (lmax+1)²).
 */
export function gauntTable(lmax: number): GauntTerm[][] {
  const cached = gauntCache.get(lmax);
  if (cached) return cached;
  const l3max = 2 * lmax;
  const nT = lmax + l3max + 2; // GL nodes: exact for polynomial degree 2nT − 1 ≥ l1 + l2 + l3
  const nP = 2 * (2 * lmax + l3max) + 2;
  const { x, w } = gaussLegendre(nT);
  const n = (lmax + 1) ** 2;
  const n3 = (l3max + 1) ** 2;
  const Ys: Float64Array[] = [];
  const ws: number[] = [];
  for (let i = 0; i < nT; i++)
    for (let k = 0; k < nP; k++) {
      const phi = (2 * Math.PI * (k + 0.5)) / nP;
      const st = Math.sqrt(1 - x[i]! * x[i]!);
      Ys.push(realHarmonics(l3max, st * Math.cos(phi), st * Math.sin(phi), x[i]!));
      ws.push((w[i]! * 2 * Math.PI) / nP);
    }
  const table: GauntTerm[][] = [];
  for (let L1 = 0; L1 < n; L1++) {
    const l1 = Math.floor(Math.sqrt(L1));
    for (let L2 = 0; L2 < n; L2++) {
      const l2 = Math.floor(Math.sqrt(L2));
      const terms: GauntTerm[] = [];
      for (let L3 = 0; L3 < n3; L3++) {
        const l3 = Math.floor(Math.sqrt(L3));
        if (l3 < Math.abs(l1 - l2) || l3 > l1 + l2 || (l1 + l2 + l3) % 2 !== 0) continue;
        let s = 0;
        for (let q = 0; q < Ys.length; q++) s += ws[q]! * Ys[q]![L1]! * Ys[q]![L2]! * Ys[q]![L3]!;
        if (Math.abs(s) > 1e-12) terms.push({ L3, l3, c: s });
      }
      table.push(terms);
    }
  }
  gauntCache.set(lmax, table);
  return table;
}
