/**
 * Sticks → spectrum on a uniform grid: each transition is a normalised Lorentzian (core-hole lifetime) whose
 * half-width switches smoothly from Γ_L3 to Γ_L2 across the L3/L2 boundary (the L2 hole also decays by
 * L2→L3 Coster–Kronig transitions and is broader; Keski-Rahkonen & Krause, At. Data Nucl. Data Tables 14, 139
 * (1974); de Groot & Kotani 2008 §4.x), then convolved with a normalised instrumental Gaussian.
 */

export interface BroadeningOptions {
  /** Lorentzian half-widths (HWHM, eV). */
  readonly gammaL3: number;
  readonly gammaL2: number;
  /** Energy (same scale as the sticks) where the width switches from L3 to L2 (logistic, 0.5 eV scale). */
  readonly boundary: number;
  /** Instrumental Gaussian FWHM (eV); 0 = none. */
  readonly gaussianFwhm: number;
}

export function lorentzWidthAt(e: number, o: BroadeningOptions): number {
  const s = 1 / (1 + Math.exp(-(e - o.boundary) / 0.5));
  return o.gammaL3 + (o.gammaL2 - o.gammaL3) * s;
}

/** Intensity on `grid` (uniform, ascending) from sticks (energy, weight). Area ≈ Σ weight (inside the grid). */
export function broadenSticks(
  energy: Float64Array,
  weight: Float64Array,
  grid: Float64Array,
  o: BroadeningOptions,
): Float64Array {
  const n = grid.length;
  const out = new Float64Array(n);
  for (let s = 0; s < energy.length; s++) {
    const w = weight[s];
    if (w === 0) continue;
    const e = energy[s];
    const g = lorentzWidthAt(e, o);
    const c = (w * g) / Math.PI;
    const g2 = g * g;
    for (let i = 0; i < n; i++) {
      const d = grid[i] - e;
      out[i] += c / (d * d + g2);
    }
  }
  return gaussianConvolve(grid, out, o.gaussianFwhm);
}

/** Convolution with a normalised Gaussian of given FWHM on a uniform grid (edges: kernel renormalised). */
export function gaussianConvolve(grid: Float64Array, y: Float64Array, fwhm: number): Float64Array {
  const n = grid.length;
  if (fwhm <= 0 || n < 2) return y.slice();
  const h = grid[1] - grid[0];
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
  const half = Math.ceil((4 * sigma) / h);
  const k = new Float64Array(2 * half + 1);
  for (let j = -half; j <= half; j++) k[j + half] = Math.exp(-0.5 * ((j * h) / sigma) ** 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let ks = 0;
    const lo = Math.max(0, i - half);
    const hi = Math.min(n - 1, i + half);
    for (let j = lo; j <= hi; j++) {
      const kk = k[j - i + half];
      s += kk * y[j];
      ks += kk;
    }
    out[i] = s / ks;
  }
  return out;
}
