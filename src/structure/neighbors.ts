import { fail } from '../core/errors.js';
import { cellVolume, fracToCart, perpendicularWidths, wrap01 } from './lattice.js';
import type { Structure, Vec3 } from './types.js';

/**
 * Periodic neighbour search with cell lists (linked cells; Allen & Tildesley, Computer Simulation of Liquids,
 * 2nd ed. 2017, §5.3). Work is linear in the number of atoms for a fixed cutoff and density.
 *
 * The cell is cut into nᵢ = max(1, ⌊dᵢ / r_c⌋) bins along each axis, where dᵢ is the perpendicular width of the
 * cell (distance between opposite faces), so every bin is at least r_c thick. Two atoms closer than r_c differ in
 * fractional coordinate i by less than r_c / dᵢ, i.e. lie within ±⌈r_c nᵢ / dᵢ⌉ bins. Walking that bin range
 * with periodic wrap enumerates every periodic image exactly once (bin offset ↔ (bin, image) is a bijection),
 * so cutoffs larger than the cell work too: an atom then sees its own images and several images of each other atom.
 */

export interface Neighbor {
  /** Index of the neighbouring site. */
  readonly index: number;
  /** Distance, Å. */
  readonly distance: number;
  /** Cartesian vector (Å) from site i to this neighbour's image. */
  readonly vector: Vec3;
  /** Lattice translation of the image, in cell units (relative to the site's wrapped position). */
  readonly image: Vec3;
}

export interface NeighborList {
  readonly cutoff: number;
  readonly size: number;
  /** Neighbours of site i, sorted by distance (ties by index). */
  neighbors(i: number): readonly Neighbor[];
  /** Number of neighbours of site i (no allocation). */
  count(i: number): number;
  /** Total number of (directed) neighbour entries. */
  readonly totalPairs: number;
}

/** Pair storage: neighbour index, image (3 × int32) and vector (3 × float64), grown by doubling. */
class PairBuffer {
  index: Int32Array;
  image: Int32Array;
  vector: Float64Array;
  length = 0;
  constructor(cap: number) {
    const c = Math.max(64, cap);
    this.index = new Int32Array(c);
    this.image = new Int32Array(3 * c);
    this.vector = new Float64Array(3 * c);
  }
  grow(): void {
    const c = this.index.length * 2;
    const index = new Int32Array(c);
    index.set(this.index);
    const image = new Int32Array(3 * c);
    image.set(this.image);
    const vector = new Float64Array(3 * c);
    vector.set(this.vector);
    this.index = index;
    this.image = image;
    this.vector = vector;
  }
}

/**
 * All neighbours within `cutoff` Å of every site (a site is not its own neighbour, but its periodic images are
 * when the cutoff exceeds a cell width). Vectors are measured from the site's position wrapped into [0, 1).
 */
export function buildNeighborList(structure: Structure, cutoff: number): NeighborList {
  if (!(cutoff > 0) || !Number.isFinite(cutoff))
    fail('invalid-argument', `cutoff must be > 0 Å, got ${cutoff}`, { field: 'cutoff' });
  const n = structure.sites.length;
  const L = structure.lattice;
  const widths = perpendicularWidths(L);
  const nb = widths.map((d) => Math.max(1, Math.floor(d / cutoff))) as unknown as [number, number, number];
  // keep the bin count bounded (≤ ~2 bins per atom) for very sparse cells
  while (nb[0] * nb[1] * nb[2] > Math.max(27, 2 * n)) {
    const k = nb[0] >= nb[1] && nb[0] >= nb[2] ? 0 : nb[1] >= nb[2] ? 1 : 2;
    nb[k] = Math.max(1, Math.floor(nb[k] / 2));
  }
  const reach = [0, 1, 2].map((k) => Math.ceil((cutoff * nb[k]!) / widths[k]!)) as [number, number, number];

  // wrapped fractional and Cartesian coordinates
  const fx = new Float64Array(n);
  const fy = new Float64Array(n);
  const fz = new Float64Array(n);
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  const cz = new Float64Array(n);
  const bin = new Int32Array(n);
  const nBins = nb[0] * nb[1] * nb[2];
  const head = new Int32Array(nBins).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const f = structure.sites[i]!.frac;
    const w: Vec3 = [wrap01(f[0]), wrap01(f[1]), wrap01(f[2])];
    fx[i] = w[0];
    fy[i] = w[1];
    fz[i] = w[2];
    const c = fracToCart(L, w);
    cx[i] = c[0];
    cy[i] = c[1];
    cz[i] = c[2];
    const bx = Math.min(nb[0] - 1, Math.floor(w[0] * nb[0]));
    const by = Math.min(nb[1] - 1, Math.floor(w[1] * nb[1]));
    const bz = Math.min(nb[2] - 1, Math.floor(w[2] * nb[2]));
    const b = (bx * nb[1] + by) * nb[2] + bz;
    bin[i] = b;
    next[i] = head[b]!;
    head[b] = i;
  }
  const [ax, ay, az] = L[0];
  const [bxv, byv, bzv] = L[1];
  const [cxv, cyv, czv] = L[2];
  const rc2 = cutoff * cutoff;

  const start = new Int32Array(n + 1);
  // capacity from the mean density: (4π/3) r_c³ · N / V pairs per atom, plus slack
  const perAtom = Math.ceil(((4 * Math.PI) / 3) * cutoff ** 3 * (n / cellVolume(L)) * 1.3) + 8;
  const buf = new PairBuffer(Math.min(n * perAtom, 1 << 26));
  for (let i = 0; i < n; i++) {
    start[i] = buf.length;
    const b = bin[i]!;
    const bz0 = b % nb[2];
    const by0 = Math.floor(b / nb[2]) % nb[1];
    const bx0 = Math.floor(b / (nb[1] * nb[2]));
    const xi = cx[i]!;
    const yi = cy[i]!;
    const zi = cz[i]!;
    for (let ox = -reach[0]; ox <= reach[0]; ox++) {
      const tx = bx0 + ox;
      const ix = Math.floor(tx / nb[0]);
      const wx = tx - ix * nb[0];
      for (let oy = -reach[1]; oy <= reach[1]; oy++) {
        const ty = by0 + oy;
        const iy = Math.floor(ty / nb[1]);
        const wy = ty - iy * nb[1];
        for (let oz = -reach[2]; oz <= reach[2]; oz++) {
          const tz = bz0 + oz;
          const iz = Math.floor(tz / nb[2]);
          const wz = tz - iz * nb[2];
          // Cartesian shift of this image
          const sx = ix * ax + iy * bxv + iz * cxv - xi;
          const sy = ix * ay + iy * byv + iz * cyv - yi;
          const sz = ix * az + iy * bzv + iz * czv - zi;
          let j = head[(wx * nb[1] + wy) * nb[2] + wz]!;
          while (j >= 0) {
            const dx = cx[j]! + sx;
            const dy = cy[j]! + sy;
            const dz = cz[j]! + sz;
            const d2 = dx * dx + dy * dy + dz * dz;
            if (d2 <= rc2 && (j !== i || ix !== 0 || iy !== 0 || iz !== 0)) {
              if (buf.length === buf.index.length) buf.grow();
              const p = buf.length++;
              buf.index[p] = j;
              buf.image[3 * p] = ix;
              buf.image[3 * p + 1] = iy;
              buf.image[3 * p + 2] = iz;
              buf.vector[3 * p] = dx;
              buf.vector[3 * p + 1] = dy;
              buf.vector[3 * p + 2] = dz;
            }
            j = next[j]!;
          }
        }
      }
    }
  }
  start[n] = buf.length;
  const index = buf.index;
  const images = buf.image;
  const vectors = buf.vector;
  const cache = new Map<number, readonly Neighbor[]>();
  return {
    cutoff,
    size: n,
    totalPairs: buf.length,
    count: (i) => start[i + 1]! - start[i]!,
    neighbors(i: number): readonly Neighbor[] {
      if (!Number.isInteger(i) || i < 0 || i >= n)
        fail('invalid-argument', `site index ${i} out of range`, { field: 'index' });
      const hit = cache.get(i);
      if (hit) return hit;
      const out: Neighbor[] = [];
      for (let p = start[i]!; p < start[i + 1]!; p++) {
        const v: Vec3 = [vectors[3 * p]!, vectors[3 * p + 1]!, vectors[3 * p + 2]!];
        out.push(
          Object.freeze({
            index: index[p]!,
            distance: Math.hypot(v[0], v[1], v[2]),
            vector: v,
            image: [images[3 * p]!, images[3 * p + 1]!, images[3 * p + 2]!] as Vec3,
          }),
        );
      }
      out.sort((a, b) => a.distance - b.distance || a.index - b.index);
      const frozen = Object.freeze(out);
      cache.set(i, frozen);
      return frozen;
    },
  };
}

/** Neighbours of one site within `cutoff` (brute force over the needed images; O(N) per call). */
export function neighborsOfSite(structure: Structure, i: number, cutoff: number): Neighbor[] {
  const n = structure.sites.length;
  if (!Number.isInteger(i) || i < 0 || i >= n)
    fail('invalid-argument', `site index ${i} out of range 0…${n - 1}`, { field: 'index' });
  if (!(cutoff >= 0) || !Number.isFinite(cutoff))
    fail('invalid-argument', `radius must be ≥ 0 Å, got ${cutoff}`, { field: 'radius' });
  const L = structure.lattice;
  const widths = perpendicularWidths(L);
  const reach = widths.map((d) => Math.ceil(cutoff / d) + 1);
  const f0 = structure.sites[i]!.frac;
  const wi: Vec3 = [wrap01(f0[0]), wrap01(f0[1]), wrap01(f0[2])];
  const out: Neighbor[] = [];
  for (let j = 0; j < n; j++) {
    const fj = structure.sites[j]!.frac;
    const df: Vec3 = [wrap01(fj[0]) - wi[0], wrap01(fj[1]) - wi[1], wrap01(fj[2]) - wi[2]];
    for (let a = -reach[0]!; a <= reach[0]!; a++)
      for (let b = -reach[1]!; b <= reach[1]!; b++)
        for (let c = -reach[2]!; c <= reach[2]!; c++) {
          if (j === i && a === 0 && b === 0 && c === 0) continue;
          const v = fracToCart(L, [df[0] + a, df[1] + b, df[2] + c]);
          const d = Math.hypot(v[0], v[1], v[2]);
          if (d <= cutoff) out.push({ index: j, distance: d, vector: v, image: [a, b, c] });
        }
  }
  out.sort((x, y) => x.distance - y.distance || x.index - y.index);
  return out;
}

export interface ClusterAtom {
  readonly element: string;
  /** Index of the site in the structure this atom is an image of. */
  readonly site: number;
  /** Cartesian position, Å, absorber at the origin. */
  readonly position: Vec3;
  /** Distance from the absorber, Å. */
  readonly distance: number;
}

/**
 * The finite cluster of radius `radius` Å around a site (absorber first, at the origin), periodic images
 * included, sorted by distance — the input of real-space scattering codes (FEFF, FDMNES) and the K-edge engine.
 */
export function clusterAround(structure: Structure, siteIndex: number, radius: number): ClusterAtom[] {
  const nbrs = neighborsOfSite(structure, siteIndex, radius);
  const out: ClusterAtom[] = [
    { element: structure.sites[siteIndex]!.element, site: siteIndex, position: [0, 0, 0], distance: 0 },
  ];
  for (const nb of nbrs)
    out.push({
      element: structure.sites[nb.index]!.element,
      site: nb.index,
      position: nb.vector,
      distance: nb.distance,
    });
  return out;
}
