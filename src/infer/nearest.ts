import { SpecfuseError } from '../core/errors.js';
import { resample } from '../preprocess/resample.js';

/**
 * The simulated spectra nearest to a measured one, in the space the model sees: the measured mode prepared onto
 * the model's grid and training scale (`prepareInputs`), every simulated candidate linearly interpolated onto the
 * same grid, and the relative Euclidean distance
 *
 *   d = ‖m − s‖₂ / ‖m‖₂   (sums over grid points where both are finite),
 *
 * i.e. the RMS misfit in units of the measured RMS (0 = identical; 1 = as far as a zero spectrum). No amplitude is
 * fitted: the model's features see absolute intensities on the training scale, so a candidate that needs rescaling
 * to match is genuinely farther away for the model. Candidates covering fewer than half the grid are skipped.
 */
export interface NearestCandidate {
  /** Energies (eV, increasing) and intensities of the simulated spectrum. */
  readonly energy: ArrayLike<number>;
  readonly intensity: ArrayLike<number>;
}

export interface NearestMatch<C extends NearestCandidate> {
  readonly candidate: C;
  readonly distance: number;
  /** The candidate on the model grid (NaN outside its range). */
  readonly intensity: Float64Array;
}

/** Relative Euclidean distance ‖m − s‖/‖m‖ over the points where both are finite (NaN if under half overlap). */
export function relativeDistance(measured: ArrayLike<number>, sim: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  let n = 0;
  for (let i = 0; i < measured.length; i++) {
    const m = measured[i]!;
    const s = sim[i]!;
    if (!Number.isFinite(m) || !Number.isFinite(s)) continue;
    num += (m - s) ** 2;
    den += m * m;
    n++;
  }
  if (n * 2 < measured.length || !(den > 0)) return Number.NaN;
  return Math.sqrt(num / den);
}

/** The k candidates nearest to `measured` (given on `grid`), closest first; ties keep the candidates' order. */
export function nearestSpectra<C extends NearestCandidate>(
  measured: ArrayLike<number>,
  grid: ArrayLike<number>,
  candidates: readonly C[],
  k = 3,
): NearestMatch<C>[] {
  if (measured.length !== grid.length)
    throw new SpecfuseError(
      'invalid-argument',
      `measured spectrum has ${measured.length} points but the grid has ${grid.length}`,
      { field: 'measured' },
    );
  if (!(Number.isInteger(k) && k >= 0))
    throw new SpecfuseError('invalid-argument', `k must be a non-negative integer, got ${k}`, { field: 'k' });
  const scored: NearestMatch<C>[] = [];
  for (const c of candidates) {
    if (c.energy.length < 2 || c.energy.length !== c.intensity.length) continue;
    const y = sameGrid(c.energy, grid)
      ? Float64Array.from(c.intensity)
      : resample(c.energy, c.intensity, grid);
    const d = relativeDistance(measured, y);
    if (Number.isFinite(d)) scored.push({ candidate: c, distance: d, intensity: y });
  }
  // stable sort: equal distances keep input order
  return scored
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.distance - b.s.distance || a.i - b.i)
    .slice(0, k)
    .map((x) => x.s);
}

/** Whether two energy axes agree point by point (within 1e-6 eV). */
function sameGrid(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-6) return false;
  return true;
}

/**
 * Occlusion attributions of the windows of one mode turned into an importance per grid energy: for each target,
 * |contribution| of every window normalised by the target's total over all windows of all modes (so targets in
 * different units weigh alike), and the per-energy value is that of the window holding the energy, averaged over
 * targets. Non-negative; over all modes' windows it sums to 1 per target with any non-zero contribution.
 */
export function importanceOverEnergy(
  grid: ArrayLike<number>,
  mode: string,
  targets: readonly {
    readonly target: string;
    readonly topWindows: readonly {
      readonly mode: string;
      readonly lo: number;
      readonly hi: number;
      readonly contribution: number;
    }[];
  }[],
): { total: Float64Array; byTarget: Record<string, Float64Array> } {
  const total = new Float64Array(grid.length);
  const byTarget: Record<string, Float64Array> = {};
  let counted = 0;
  for (const t of targets) {
    const sum = t.topWindows.reduce(
      (a, w) => a + (Number.isFinite(w.contribution) ? Math.abs(w.contribution) : 0),
      0,
    );
    const per = new Float64Array(grid.length);
    if (sum > 0) {
      for (const w of t.topWindows) {
        if (w.mode !== mode || !Number.isFinite(w.contribution)) continue;
        const v = Math.abs(w.contribution) / sum;
        for (let i = 0; i < grid.length; i++) {
          const e = grid[i]!;
          if (e >= w.lo - 1e-9 && e <= w.hi + 1e-9) per[i] = v;
        }
      }
      counted++;
    }
    byTarget[t.target] = per;
    for (let i = 0; i < grid.length; i++) total[i]! += per[i]!;
  }
  if (counted > 0) for (let i = 0; i < total.length; i++) total[i]! /= counted;
  return { total, byTarget };
}
