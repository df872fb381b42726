import { SpecfuseError } from '../core/errors.js';
import { removePowerLawBackground } from '../preprocess/eels-background.js';
import { resample } from '../preprocess/resample.js';
import { shiftByCrossCorrelation } from '../preprocess/align.js';

/**
 * Measured EELS spectrum → one model mode on the model's grid, the way the training spectra look:
 *
 * 1. Power-law background A·E^−r fitted over a pre-edge window and subtracted (Egerton, *EELS in the Electron
 *    Microscope*, 3rd ed. 2011, §4.4.2). Window default: from 30 eV to 3 eV below the model grid's first energy —
 *    the training grids start a few eV below the edge onset (default-study.ts), so this window holds only the
 *    pre-edge tail of lower-lying edges, never the edge itself.
 * 2. Rigid energy alignment: cross-correlation against the training-mean spectrum of the mode (stored in the
 *    model file), searched within ±`maxShift` eV (default 5 eV: larger offsets mean a wrong calibration or a wrong
 *    edge, which is reported, not silently absorbed). Both spectra are scaled to unit area first.
 * 3. Resampling onto the model grid (linear interpolation of the shifted axis).
 *
 * The model's own feature recipe (normalisation, CDF…) is applied afterwards by the model itself.
 */
export interface PrepareOptions {
  /** Pre-edge fit window relative to the grid start, eV (default [-30, -3]). */
  readonly backgroundWindow?: readonly [number, number];
  /** Largest rigid shift searched, eV (default 5). */
  readonly maxShift?: number;
  /** Skip alignment (use the energy axis as calibrated). */
  readonly noAlign?: boolean;
}

export interface PreparedMode {
  readonly mode: string;
  /** Background-subtracted, aligned intensity on the model grid. */
  readonly intensity: Float64Array;
  /** Shift added to the measured energy axis (eV). */
  readonly shift: number;
  /** True when the best shift hit the ±maxShift cap (alignment unreliable). */
  readonly shiftAtCap: boolean;
  readonly background: { readonly A: number; readonly r: number; readonly window: readonly [number, number] };
  /**
   * Signal-to-noise ratio of the edge: integrated background-subtracted signal over the grid divided by the noise
   * expected for it, estimated from the scatter of the fit residual in the pre-edge window (σ·√n_grid).
   */
  readonly snr: number;
}

export function gridOf(triple: readonly [number, number, number]): Float64Array {
  const [e0, de, n] = triple;
  return Float64Array.from({ length: n }, (_, i) => e0 + i * de);
}

function areaNormalized(y: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  const out = Float64Array.from(y as ArrayLike<number>);
  if (s !== 0 && Number.isFinite(s)) for (let i = 0; i < out.length; i++) out[i]! /= s;
  return out;
}

export function prepareEelsMode(
  energy: Float64Array,
  intensity: ArrayLike<number>,
  mode: string,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions = {},
): PreparedMode {
  const grid = gridOf(gridTriple);
  const gStart = grid[0]!;
  const gEnd = grid[grid.length - 1]!;
  const [w0, w1] = opts.backgroundWindow ?? [-30, -3];
  const maxShift = opts.maxShift ?? 5;
  const from = gStart + w0 - maxShift;
  const to = gStart + w1 - maxShift;
  const eMin = energy[0]!;
  const eMax = energy[energy.length - 1]!;
  if (from < eMin || gEnd + maxShift > eMax)
    throw new SpecfuseError(
      'invalid-argument',
      `mode ${mode} needs energies ${from.toFixed(1)}–${(gEnd + maxShift).toFixed(1)} eV (pre-edge window and grid), the spectrum covers ${eMin.toFixed(1)}–${eMax.toFixed(1)} eV`,
      { field: mode },
    );
  const bg = removePowerLawBackground(energy, intensity, { from, to });
  // noise: scatter of the residual in the fit window
  let n = 0;
  let ss = 0;
  for (let i = 0; i < energy.length; i++) {
    const e = energy[i]!;
    if (e < from || e > to) continue;
    ss += bg.signal[i]! ** 2;
    n++;
  }
  const sigma = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const onGrid0 = resample(energy, bg.signal, grid);
  let integrated = 0;
  for (const v of onGrid0) integrated += v;
  const snr = sigma > 0 ? integrated / (sigma * Math.sqrt(grid.length)) : Number.POSITIVE_INFINITY;

  let shift = 0;
  if (!opts.noAlign && reference && reference.length === grid.length) {
    // cut the measured signal to the grid ± maxShift before correlating, so other edges do not pull the shift
    const lo = energy.findIndex((e) => e >= gStart - maxShift);
    let hi = energy.length - 1;
    while (hi > 0 && energy[hi]! > gEnd + maxShift) hi--;
    const e = energy.subarray(lo, hi + 1);
    const y = areaNormalized(bg.signal.subarray(lo, hi + 1));
    shift = shiftByCrossCorrelation(grid, areaNormalized(reference), e, y, { maxShift, step: gridTriple[1] });
  }
  const shiftAtCap = Math.abs(Math.abs(shift) - maxShift) < gridTriple[1];
  const shifted = Float64Array.from(energy, (e) => e + shift);
  const out = resample(shifted, bg.signal, grid);
  return {
    mode,
    intensity: out,
    shift,
    shiftAtCap,
    background: { A: bg.fit.A, r: bg.fit.r, window: [from, to] },
    snr,
  };
}
