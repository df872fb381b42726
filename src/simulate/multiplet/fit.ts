/**
 * Valence from a measured L2,3 edge: least-squares comparison of the measured white lines with the multiplet
 * spectrum of each candidate ion.
 *
 * Model for the background-free signal on the measured axis E (Egerton, *EELS in the Electron Microscope*, 3rd ed.,
 * §4.4–4.5: white lines on a continuum step):
 *   y(E) ≈ A·S_ion(E′) + B·step(E′) + C,   E′ = E_L3,model + c·(E − E_L3,measured) + d,
 * with the continuum as a 2:1 double arctan step at the model's L3 and L2 maxima (width 1 eV), A, B, C by
 * linear least squares, and a grid search over the dispersion factor c (EELS energy scales are often off by a few
 * per cent), the residual shift d and the instrumental Gaussian width. Because the energy axis is refitted, the
 * valence is judged on the shape (multiplet structure, L3:L2 ratio, widths), not on the absolute position.
 * Residual R = Σ(y − ŷ)² / Σ(y − ȳ)² over the window (0 = perfect, 1 = no better than a constant).
 */
import { removePowerLawBackground } from '../../preprocess/eels-background.js';
import { interpolate, ionSpectrum } from './ion.js';

export interface EdgeFitOptions {
  /** Measured-axis window holding the L3 and L2 lines (eV). */
  readonly window: readonly [number, number];
  /**
   * Pre-edge window (measured axis, eV): a power law is fitted there and subtracted (Egerton §4.4.2); if the
   * window is not all positive (input already background-subtracted) its mean is subtracted instead.
   */
  readonly background?: readonly [number, number];
  readonly candidates: readonly string[];
  /** Dispersion factors tried (default 0.92…1.12 in 0.01 steps). */
  readonly scales?: readonly number[];
  /** Gaussian FWHM values tried (eV, default 0.6, 1.0, 1.5, 2.0, 2.5, 3.0). */
  readonly gaussians?: readonly number[];
  /** Range of the residual shift d (eV, default ±4 in 0.1 steps). */
  readonly shiftRange?: number;
}

export interface EdgeFitResult {
  readonly ion: string;
  readonly residual: number;
  readonly scale: number;
  readonly shift: number;
  readonly gaussian: number;
  readonly amplitude: number;
  readonly step: number;
  /** Best residual at each tried dispersion factor (same order as `scales`). */
  readonly byScale: Float64Array;
  readonly scales: readonly number[];
}

function lstsq3(cols: Float64Array[], y: Float64Array): { coef: number[]; sse: number } {
  const k = cols.length;
  const ata = new Float64Array(k * k);
  const aty = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += cols[a][i] * cols[b][i];
      ata[a * k + b] = s;
      ata[b * k + a] = s;
    }
    let s = 0;
    for (let i = 0; i < y.length; i++) s += cols[a][i] * y[i];
    aty[a] = s;
  }
  // Gaussian elimination with partial pivoting (k ≤ 3)
  const m = Array.from({ length: k }, (_, r) => [...Array.from(ata.slice(r * k, r * k + k)), aty[r]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    if (Math.abs(m[c][c]) < 1e-300) return { coef: new Array(k).fill(0), sse: Number.POSITIVE_INFINITY };
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= k; j++) m[r][j] -= f * m[c][j];
    }
  }
  const coef = m.map((row, r) => row[k] / row[r]);
  let sse = 0;
  for (let i = 0; i < y.length; i++) {
    let f = 0;
    for (let a = 0; a < k; a++) f += coef[a] * cols[a][i];
    sse += (y[i] - f) ** 2;
  }
  return { coef, sse };
}

/** Background-free, windowed measured signal (normalised to its maximum). */
export function prepareMeasured(
  energy: Float64Array,
  intensity: Float64Array,
  opts: Pick<EdgeFitOptions, 'window' | 'background'>,
): { energy: Float64Array; signal: Float64Array } {
  let sig: Float64Array = intensity;
  if (opts.background) {
    const [from, to] = opts.background;
    // A power law needs a positive, falling pre-edge; spectra that arrive background-subtracted already (pre-edge
    // ≈ 0, noise of both signs) only get their pre-edge mean removed.
    let pos = 0;
    let cnt = 0;
    let mean = 0;
    for (let i = 0; i < energy.length; i++)
      if (energy[i] >= from && energy[i] <= to) {
        cnt++;
        mean += intensity[i];
        if (intensity[i] > 0) pos++;
      }
    mean /= Math.max(1, cnt);
    let done = false;
    if (cnt >= 3 && pos === cnt) {
      const r = removePowerLawBackground(energy, intensity, { from, to }).signal;
      if (r.every((v) => Number.isFinite(v))) {
        sig = r;
        done = true;
      }
    }
    if (!done) sig = intensity.map((v) => v - mean);
  }
  const idx: number[] = [];
  for (let i = 0; i < energy.length; i++)
    if (energy[i] >= opts.window[0] && energy[i] <= opts.window[1]) idx.push(i);
  const e = Float64Array.from(idx.map((i) => energy[i]));
  const y = Float64Array.from(idx.map((i) => sig[i]));
  let mx = 0;
  for (const v of y) mx = Math.max(mx, v);
  return { energy: e, signal: y.map((v) => v / (mx || 1)) };
}

/** Fit every candidate ion; results sorted by residual (best first). */
export function fitEdgeValence(
  energy: Float64Array,
  intensity: Float64Array,
  opts: EdgeFitOptions,
): EdgeFitResult[] {
  const m = prepareMeasured(energy, intensity, opts);
  const y = m.signal;
  const n = y.length;
  let ymean = 0;
  for (const v of y) ymean += v / n;
  let sst = 0;
  for (const v of y) sst += (v - ymean) ** 2;
  let kmax = 0;
  for (let i = 0; i < n; i++) if (y[i] > y[kmax]) kmax = i;
  const l3Meas = m.energy[kmax];
  const scales = opts.scales ?? Array.from({ length: 21 }, (_, i) => 0.92 + 0.01 * i);
  const gaussians = opts.gaussians ?? [0.6, 1.0, 1.5, 2.0, 2.5, 3.0];
  const range = opts.shiftRange ?? 4;
  const ones = new Float64Array(n).fill(1);
  const results: EdgeFitResult[] = [];
  for (const ion of opts.candidates) {
    let best: Omit<EdgeFitResult, 'byScale' | 'scales'> | null = null;
    const byScale = new Float64Array(scales.length).fill(Number.POSITIVE_INFINITY);
    for (const g of gaussians) {
      const s = ionSpectrum({ ion, gaussianFwhm: g, step: 0.05 });
      for (let ci = 0; ci < scales.length; ci++) {
        const c = scales[ci];
        for (let d = -range; d <= range + 1e-9; d += 0.1) {
          const ep = m.energy.map((e) => s.l3Peak + c * (e - l3Meas) + d);
          const model = interpolate(s.energy, s.intensity, ep);
          const step = ep.map(
            (e) =>
              (2 / 3) * (0.5 + Math.atan(e - s.l3Peak) / Math.PI) +
              (1 / 3) * (0.5 + Math.atan(e - s.l2Peak) / Math.PI),
          );
          let fit = lstsq3([model, step, ones], y);
          let coef = fit.coef;
          if (coef[1] < 0) {
            fit = lstsq3([model, ones], y);
            coef = [fit.coef[0], 0, fit.coef[1]];
          }
          if (!(coef[0] > 0)) continue;
          const r = fit.sse / sst;
          if (r < byScale[ci]) byScale[ci] = r;
          if (!best || r < best.residual)
            best = { ion, residual: r, scale: c, shift: d, gaussian: g, amplitude: coef[0], step: coef[1] };
        }
      }
    }
    if (best) results.push({ ...best, byScale, scales });
  }
  return results.sort((a, b) => a.residual - b.residual);
}

/**
 * Edges measured in one spectrum share one energy dispersion: choose the factor c that minimises the sum over
 * edges of the best (over candidate ions) residual, and report every edge's ranking at that common c.
 */
export function commonDispersion(edges: readonly EdgeFitResult[][]): {
  scale: number;
  ranking: { ion: string; residual: number }[][];
} {
  const scales = edges[0][0].scales;
  let bestC = 0;
  let bestTotal = Number.POSITIVE_INFINITY;
  for (let ci = 0; ci < scales.length; ci++) {
    let total = 0;
    for (const e of edges) total += Math.min(...e.map((r) => r.byScale[ci]));
    if (total < bestTotal) {
      bestTotal = total;
      bestC = ci;
    }
  }
  return {
    scale: scales[bestC],
    ranking: edges.map((e) =>
      e.map((r) => ({ ion: r.ion, residual: r.byScale[bestC] })).sort((a, b) => a.residual - b.residual),
    ),
  };
}
