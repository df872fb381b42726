import { SpecfuseError } from '../core/errors.js';
import { fitPowerLaw } from '../preprocess/eels-background.js';
import type { EnergyCalibration } from '../preprocess/energy-calibration.js';
import {
  L23_SPIN_ORBIT_SPLITTING,
  l23StepAt,
  removeL23ContinuumStep,
  tailFraction,
} from '../preprocess/l23-continuum-step.js';
import { normalizeXas } from '../preprocess/xas-normalize.js';
import type { Technique } from '../spectrum/types.js';

/**
 * Measured spectrum → one model mode on the model's grid, the way the training spectra look.
 *
 * EELS (`prepareEelsMode`):
 * 1. Power-law background A·E^−r fitted over a pre-edge window and subtracted (Egerton, *EELS in the Electron
 *    Microscope*, 3rd ed. 2011, §4.4.2). Window default: from 30 eV to 3 eV below the model grid's first energy —
 *    the training grids start a few eV below the edge onset (default-study.ts), so this window holds only the
 *    pre-edge tail of lower-lying edges, never the edge itself. The fit is 'log-lsq' (least squares in log–log)
 *    or Egerton's 'two-area' method (Eq. 4.64), or 'auto': both are fitted on the first two thirds of the window
 *    and the one that extrapolates better onto the last third (the part nearest the edge, where the tail of a
 *    lower edge — e.g. the Mn L2,3 continuum under Co L3 — bends the background away from a pure power law) is
 *    refitted on the whole window. The fit quality is reported: the residual RMS in the window relative to the
 *    background level, and the reduced χ² for Poisson counts (meaningful when the data are raw counts).
 * 2. Rigid energy alignment: cross-correlation against the training-mean spectrum of the mode (stored in the
 *    model file), searched within ±`maxShift` eV (default 5 eV: larger offsets mean a wrong calibration or a wrong
 *    edge, which is reported, not silently absorbed); see `gridShift`.
 * 3. Resampling onto the model grid (linear interpolation of the shifted axis).
 * 4. L2,3 modes of a model trained without a continuum step (multiplet spectra: discrete 2p → 3d lines only, the
 *    training mean falls below 5 % of its maximum over the last 10 % of the grid) when the measured edge has one
 *    (≥ 15 % there): the 2p → continuum step is removed as a 2:1 double arctan at the L3 and L2 maxima, height
 *    matched to the post-edge excess over the training mean's own level (Pearson et al., PRB 47, 8471 (1993);
 *    `removeL23ContinuumStep`), and the mode is aligned again on the step-free signal, so measured and simulated
 *    shapes are compared alike. Reported per mode (`continuumStep`); `PrepareOptions.continuumStep` forces it on
 *    or off.
 *
 * XAS (`prepareXasMode`): edge-step normalisation (`normalizeXas`, Athena/Larch convention) with the pre-edge line
 * fitted over the same window below the grid and the post-edge over the last quarter of the grid, then the same
 * alignment and resampling. `prepareMode` dispatches on the technique.
 *
 * The model's own feature recipe (normalisation, CDF…) is applied afterwards by the model itself.
 */
export type BackgroundMethod = 'log-lsq' | 'two-area' | 'auto';

export interface PrepareOptions {
  /** Pre-edge fit window relative to the grid start, eV (default [-30, -3]). */
  readonly backgroundWindow?: readonly [number, number];
  /** Per-mode override of the window (relative to that mode's grid start, eV). */
  readonly backgroundWindows?: Readonly<Record<string, readonly [number, number]>>;
  /** Power-law fit method (default 'log-lsq'). */
  readonly backgroundMethod?: BackgroundMethod;
  /** Largest rigid shift searched, eV (default 5). */
  readonly maxShift?: number;
  /** Skip alignment (use the energy axis as calibrated). */
  readonly noAlign?: boolean;
  /** Force the technique instead of reading it from the spectrum metadata (default EELS when unknown). */
  readonly technique?: Technique;
  /**
   * Scale the prepared mode to the training mean's area on its own (default true). Multi-mode callers pass false
   * and apply one common factor to all modes cut from the same acquisition (`commonScale`), which keeps the
   * measured ratios between edges — they carry the composition.
   */
  readonly scaleEach?: boolean;
  /**
   * Absolute energy calibration of EELS inputs before the per-mode alignment (predict.ts `calibrateInput`):
   * 'auto' (default) locates the reference features of the acquisition's own edges and corrects offset and
   * dispersion (preprocess/energy-calibration.ts); 'off' uses the axis as recorded; an `EnergyCalibration` applies
   * that one (e.g. found once on the sum of a spectrum image and applied to every pixel).
   */
  readonly energyCalibration?: 'auto' | 'off' | EnergyCalibration;
  /**
   * Removal of the L2,3 continuum step (modes `El:L23` of an element with a tabulated spin–orbit splitting):
   * 'auto' (default) when the training mean of the mode has no step (its last 10 % below 5 % of its maximum) and
   * the measured edge has one (last 10 % at least 15 % of the maximum and 3× the training mean's level); 'on'
   * always; 'off' never. Applied on the model grid after alignment, before any scaling, for EELS and XAS alike.
   */
  readonly continuumStep?: 'auto' | 'on' | 'off';
}

/** What the continuum-step stage did for an L2,3 mode. */
export interface ContinuumStepReport {
  readonly applied: boolean;
  /** Why (applied or not), e.g. "training mean tail 0.4 % < 5 %: simulations have no continuum step". */
  readonly reason: string;
  /** Total step height H = h_L3 + h_L2 (2:1), in the prepared input's units before scaling (0 when not applied). */
  readonly height: number;
  /** H relative to the maximum of the measured edge on the grid. */
  readonly relHeight: number;
  /** Step positions and FWHM (eV, model grid axis; NaN when not applied). */
  readonly l3: number;
  readonly l2: number;
  readonly width: number;
  /** Level of the last 10 % of the grid relative to the maximum: training mean, measured before and after. */
  readonly trainingTail: number;
  readonly measuredTail: number;
  readonly measuredTailAfter: number;
}

export interface BackgroundFit {
  readonly kind: 'power-law' | 'xas-edge-step';
  /** Power law A·E^−r (EELS); for XAS A = edge step, r = 0. */
  readonly A: number;
  readonly r: number;
  readonly method: 'log-lsq' | 'two-area' | 'athena';
  /** Absolute energies of the fit window (eV). */
  readonly window: readonly [number, number];
  /** RMS of (data − background) over the window divided by the mean background there (EELS), or by the edge step (XAS). */
  readonly relResidual: number;
  /** Reduced χ² assuming Poisson counts (EELS only; NaN for XAS). */
  readonly chi2nu: number;
}

export interface PreparedMode {
  readonly mode: string;
  readonly technique: Technique;
  /** Background-subtracted (EELS) or edge-normalised (XAS), aligned intensity on the model grid. */
  readonly intensity: Float64Array;
  /** Shift added to the measured energy axis (eV). */
  readonly shift: number;
  /** True when the best shift hit the ±maxShift cap (alignment unreliable). */
  readonly shiftAtCap: boolean;
  readonly background: BackgroundFit;
  /**
   * Signal-to-noise ratio of the edge. EELS: integrated background-subtracted signal over the grid divided by the
   * noise expected for it, estimated from the scatter of the fit residual in the pre-edge window (σ·√n_grid).
   * XAS: edge step over the pre-edge residual scatter.
   */
  readonly snr: number;
  /** Scatter of the fit residual in the background window, on the output (scaled) intensity scale. */
  readonly noiseSigma: number;
  /** Factor applied to put the prepared intensity on the training mean's area (1 without a reference). */
  readonly scale: number;
  /** Residual scatter in the background window in the input's units, and the Poisson gain σ²/mean there (EELS). */
  readonly rawNoiseSigma: number;
  readonly gain: number;
  /** L2,3 modes only: the continuum-step removal (see `PrepareOptions.continuumStep`). */
  readonly continuumStep?: ContinuumStepReport;
}

/** Element of an L2,3 mode with a tabulated spin–orbit splitting ('Mn:L23' → 'Mn'), else undefined. */
export function l23Element(mode: string): string | undefined {
  const m = /^([A-Z][a-z]?):L2,?3$/.exec(mode);
  return m && L23_SPIN_ORBIT_SPLITTING[m[1]!] !== undefined ? m[1] : undefined;
}

/** Training-mean tail level, cached by array identity (the model's arrays do not change). */
const trainingTailCache = new WeakMap<ArrayLike<number>, number>();
function trainingTail(reference: ArrayLike<number>): number {
  let t = trainingTailCache.get(reference);
  if (t === undefined) {
    t = tailFraction(reference);
    trainingTailCache.set(reference, t);
  }
  return t;
}

/** Threshold on the training-mean tail level below which the model is taken to have no continuum step. */
const NO_STEP_TAIL = 0.05;
/**
 * Tail level at or above which a measured edge is taken to carry a continuum step (and at least 3× the training
 * mean's): measured Mn/Co/Ni L2,3 edges of the Si-doped NMC acquisition keep 28–32 %, while step-free simulated
 * edges after a power-law background subtraction and counting noise reach up to ≈ 12 % from the background
 * extrapolation error alone (held-out recovery test, src/infer/measured.test.ts) — removing a "step" there would
 * subtract that error as if it were physics. The same criterion `oodReason` uses to diagnose a missing step.
 */
const MEASURED_STEP_TAIL = 0.15;

/**
 * The continuum-step stage on a grid spectrum (modified in place when applied); undefined for non-L2,3 modes.
 */
function continuumStage(
  mode: string,
  intensity: Float64Array,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions,
): ContinuumStepReport | undefined {
  const element = l23Element(mode);
  if (!element) return undefined;
  const setting = opts.continuumStep ?? 'auto';
  const tTrain = reference && reference.length > 0 ? trainingTail(reference) : Number.NaN;
  const tMeas = tailFraction(intensity);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  let reason: string;
  let apply: boolean;
  if (setting === 'off') {
    apply = false;
    reason = 'off (option)';
  } else if (setting === 'on') {
    apply = true;
    reason = 'on (option)';
  } else if (!Number.isFinite(tTrain)) {
    apply = false;
    reason = 'auto: no training mean in the model to decide from';
  } else if (tTrain < NO_STEP_TAIL) {
    const noStep = `auto: training mean keeps ${pct(tTrain)} < ${pct(NO_STEP_TAIL)} of its maximum at the grid end (no continuum step in the simulations)`;
    apply = tMeas >= MEASURED_STEP_TAIL && tMeas >= 3 * tTrain;
    reason = apply
      ? `${noStep}, the measured edge ${pct(tMeas)} ≥ ${pct(MEASURED_STEP_TAIL)}`
      : `${noStep}, but the measured edge keeps only ${pct(tMeas)} < ${pct(MEASURED_STEP_TAIL)} (no step detected: kept as it is)`;
  } else {
    apply = false;
    reason = `auto: training mean keeps ${pct(tTrain)} ≥ ${pct(NO_STEP_TAIL)} of its maximum at the grid end (the simulations have a continuum step)`;
  }
  const none = {
    height: 0,
    relHeight: 0,
    l3: Number.NaN,
    l2: Number.NaN,
    width: Number.NaN,
    trainingTail: tTrain,
    measuredTail: tMeas,
    measuredTailAfter: tMeas,
  };
  if (!apply || intensity.some((v) => Number.isNaN(v))) {
    return {
      applied: false,
      reason: apply ? `${reason}; not applied: the spectrum does not cover the whole grid` : reason,
      ...none,
    };
  }
  // only the post-edge excess over the training mean's own tail level (wings of the broadened simulated lines)
  // is the continuum: a measured spectrum shaped like the simulations is left as it is
  const r = removeL23ContinuumStep(gridOf(gridTriple), intensity, {
    element,
    ...(Number.isFinite(tTrain) ? { residualTail: Math.max(0, tTrain) } : {}),
  });
  let mx = 0;
  for (let i = 0; i < intensity.length; i++) mx = Math.max(mx, intensity[i]!);
  intensity.set(r.intensity);
  return {
    applied: true,
    reason,
    height: r.height,
    relHeight: mx > 0 ? r.height / mx : 0,
    l3: r.l3,
    l2: r.l2,
    width: r.width,
    trainingTail: tTrain,
    measuredTail: r.tailBefore,
    measuredTailAfter: r.tailAfter,
  };
}

const gridCache = new Map<string, Float64Array>();

/** The grid e0 + i·de, i < n (cached: callers must not modify it). */
export function gridOf(triple: readonly [number, number, number]): Float64Array {
  const key = triple.join(',');
  let g = gridCache.get(key);
  if (!g) {
    const [e0, de, n] = triple;
    g = Float64Array.from({ length: n }, (_, i) => e0 + i * de);
    if (gridCache.size > 64) gridCache.clear();
    gridCache.set(key, g);
  }
  return g;
}

/** Energy range [lo, hi] (eV) a spectrum must cover to be prepared for a mode. */
export function requiredRange(
  mode: string,
  gridTriple: readonly [number, number, number],
  opts: PrepareOptions = {},
): [number, number] {
  const gStart = gridTriple[0];
  const gEnd = gStart + gridTriple[1] * (gridTriple[2] - 1);
  const [w0] = opts.backgroundWindows?.[mode] ?? opts.backgroundWindow ?? [-30, -3];
  const ms = opts.maxShift ?? 5;
  return [gStart + w0 - ms, gEnd + ms];
}

/**
 * ln E of an energy axis, cached by array identity: a spectrum image shares one axis across all its pixels, so the
 * power law A·E^−r = A·exp(−r·ln E) costs one exp per channel instead of a pow.
 */
const logCache = new WeakMap<ArrayLike<number>, Float64Array>();
function logAxis(energy: Float64Array): Float64Array {
  let l = logCache.get(energy);
  if (!l) {
    l = Float64Array.from(energy, (e) => (e > 0 ? Math.log(e) : Number.NaN));
    logCache.set(energy, l);
  }
  return l;
}

/**
 * Per-thread scratch buffers of the per-pixel path (a map prepares tens of thousands of spectra: allocating the
 * temporaries afresh each time costs more than the arithmetic). A buffer is only used between two calls that do
 * not nest, and never returned: results are always fresh arrays.
 */
const scratchBuffers = new Map<string, Float64Array>();
function scratch(name: string, n: number): Float64Array {
  let b = scratchBuffers.get(name);
  if (!b || b.length < n) {
    b = new Float64Array(Math.max(n, 2 * (b?.length ?? 0), 256));
    scratchBuffers.set(name, b);
  }
  return b.subarray(0, n);
}

/** ln(E_{i+1}/E_i) of an energy axis (cached by array identity, like `logAxis`). */
const stepCache = new WeakMap<ArrayLike<number>, Float64Array>();
function logSteps(energy: Float64Array): Float64Array {
  let d = stepCache.get(energy);
  if (!d) {
    const l = logAxis(energy);
    d = new Float64Array(energy.length);
    for (let i = 0; i + 1 < energy.length; i++) d[i] = l[i + 1]! - l[i]!;
    stepCache.set(energy, d);
  }
  return d;
}

function lowerIndex(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Residual statistics of a power law over channels [lo, hi) (y read at index i + yOffset). */
function residualStats(
  logE: ArrayLike<number>,
  y: ArrayLike<number>,
  A: number,
  r: number,
  lo: number,
  hi: number,
  yOffset = 0,
): { sigma: number; rel: number; chi2nu: number } {
  let ss = 0;
  let sb = 0;
  let chi = 0;
  let n = 0;
  for (let i = lo; i < hi; i++) {
    const b = A * Math.exp(-r * logE[i]!);
    const d = y[i + yOffset]! - b;
    ss += d * d;
    sb += b;
    if (b > 0) chi += (d * d) / b;
    n++;
  }
  const sigma = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  return { sigma, rel: sb > 0 ? sigma / (sb / n) : Number.NaN, chi2nu: n > 2 ? chi / (n - 2) : Number.NaN };
}

function fitBackground(
  energy: Float64Array,
  y: ArrayLike<number>,
  from: number,
  to: number,
  method: BackgroundMethod,
): { A: number; r: number; method: 'log-lsq' | 'two-area' } {
  if (method !== 'auto') {
    const f = fitPowerLaw(energy, y, { from, to, method });
    return { A: f.A, r: f.r, method };
  }
  // fit on the first two thirds, validate the extrapolation on the last third (nearest the edge)
  const split = from + ((to - from) * 2) / 3;
  const [vlo, vhi] = [lowerIndex(energy, split), lowerIndex(energy, to + 1e-9)];
  let best: 'log-lsq' | 'two-area' = 'log-lsq';
  let bestErr = Number.POSITIVE_INFINITY;
  for (const m of ['log-lsq', 'two-area'] as const) {
    try {
      const f = fitPowerLaw(energy, y, { from, to: split, method: m });
      const s = residualStats(logAxis(energy), y, f.A, f.r, vlo, vhi);
      if (Number.isFinite(s.sigma) && s.sigma < bestErr) {
        bestErr = s.sigma;
        best = m;
      }
    } catch (e) {
      if (!(e instanceof SpecfuseError)) throw e;
    }
  }
  const f = fitPowerLaw(energy, y, { from, to, method: best });
  return { A: f.A, r: f.r, method: best };
}

function checkCoverage(energy: Float64Array, mode: string, need: readonly [number, number]): void {
  const eMin = energy[0]!;
  const eMax = energy[energy.length - 1]!;
  if (need[0] < eMin || need[1] > eMax)
    throw new SpecfuseError(
      'invalid-argument',
      `mode ${mode} needs energies ${need[0].toFixed(1)}–${need[1].toFixed(1)} eV (pre-edge window and grid), the spectrum covers ${eMin.toFixed(1)}–${eMax.toFixed(1)} eV`,
      { field: mode },
    );
}

/** The training mean minus its own mean (cached by array identity: the model's arrays do not change). */
const refCache = new WeakMap<ArrayLike<number>, Float64Array>();
function demeanedReference(reference: ArrayLike<number>): Float64Array {
  let r = refCache.get(reference);
  if (!r) {
    let m = 0;
    for (let i = 0; i < reference.length; i++) m += reference[i]!;
    m /= reference.length;
    r = Float64Array.from(reference as ArrayLike<number>, (v) => v - m);
    refCache.set(reference, r);
  }
  return r;
}

/** y(x) at points x0 + k·dx, k < n, by linear interpolation (x increasing; NaN outside). */
function sampleUniform(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  x0: number,
  dx: number,
  n: number,
  into?: Float64Array,
): Float64Array {
  const out = into && into.length >= n ? into.subarray(0, n) : new Float64Array(n);
  let j = 0;
  const last = x.length - 1;
  const xa = x[0]!;
  const xb = x[last]!;
  for (let k = 0; k < n; k++) {
    const xi = x0 + k * dx;
    if (xi < xa || xi > xb) {
      out[k] = Number.NaN;
      continue;
    }
    while (j < last - 1 && x[j + 1]! < xi) j++;
    const xj = x[j]!;
    const yj = y[j]!;
    out[k] = yj + ((xi - xj) / (x[j + 1]! - xj)) * (y[j + 1]! - yj);
  }
  return out;
}

/**
 * Rigid shift s (eV, added to the measured axis) maximising the cross-correlation C(s) = Σ_i r̃(E_i)·y(E_i − s)
 * over the model grid E_i, s = k·ΔE for integer k within ±maxShift, refined to sub-step precision by the vertex of
 * the parabola through the maximum and its neighbours — the estimator of `shiftByCrossCorrelation`
 * (preprocess/align.ts), specialised to a fixed grid: y is sampled once on the grid extended by ±maxShift, and
 * since r̃ has zero mean, neither an offset nor a scale of y changes the maximiser (no normalisation needed).
 */
function gridShift(
  energy: Float64Array,
  signal: ArrayLike<number>,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number>,
  maxShift: number,
): number {
  const [g0, de, n] = gridTriple;
  const L = Math.max(1, Math.round(maxShift / de));
  const z = sampleUniform(energy, signal, g0 - L * de, de, n + 2 * L, scratch('z', n + 2 * L));
  for (let i = 0; i < z.length; i++) if (Number.isNaN(z[i]!)) z[i] = 0; // outside the data: contributes nothing
  const r = demeanedReference(reference);
  const cc = scratch('cc', 2 * L + 1).fill(0);
  let best = 0;
  const n4 = n - (n % 4);
  for (let k = -L; k <= L; k++) {
    // four independent partial sums: the adds of one sum would otherwise wait on each other
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    const o = L - k;
    for (let i = 0; i < n4; i += 4) {
      c0 += r[i]! * z[i + o]!;
      c1 += r[i + 1]! * z[i + o + 1]!;
      c2 += r[i + 2]! * z[i + o + 2]!;
      c3 += r[i + 3]! * z[i + o + 3]!;
    }
    for (let i = n4; i < n; i++) c0 += r[i]! * z[i + o]!;
    const c = c0 + c1 + (c2 + c3);
    cc[k + L] = c;
    if (c > cc[best]!) best = k + L;
  }
  let frac = 0;
  if (best > 0 && best < 2 * L) {
    const a = cc[best - 1]!;
    const b = cc[best]!;
    const c = cc[best + 1]!;
    const den = a - 2 * b + c;
    if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  }
  return (best - L + frac) * de;
}

/**
 * Align `signal` (on `energy`) to the training mean on the grid, resample, remove the L2,3 continuum step when
 * called for (`continuumStage`) and scale; returns the shift too.
 */
function alignAndResample(
  energy: Float64Array,
  signal: Float64Array,
  mode: string,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions,
): {
  intensity: Float64Array;
  shift: number;
  shiftAtCap: boolean;
  scale: number;
  continuumStep: ContinuumStepReport | undefined;
} {
  const grid = gridOf(gridTriple);
  const gStart = grid[0]!;
  const maxShift = opts.maxShift ?? 5;
  const align = !opts.noAlign && reference && reference.length === grid.length;
  let shift = align ? gridShift(energy, signal, gridTriple, reference, maxShift) : 0;
  // y on the shifted axis E + s, at the grid points: y(E_i − s)
  let intensity = sampleUniform(energy, signal, gStart - shift, gridTriple[1], grid.length);
  let continuumStep = continuumStage(mode, intensity, gridTriple, reference, opts);
  if (align && continuumStep?.applied) {
    // the step rises towards high energy and pulls the cross-correlation against a step-free training mean to
    // higher shifts (a 30 % step moves a 1.2 eV-wide line by ≈ 0.07 eV): align again on the step-free signal
    // (the step found, taken back to the measured axis: s(E + shift)), then resample and remove the step anew
    const free = new Float64Array(signal.length);
    for (let i = 0; i < signal.length; i++)
      free[i] = signal[i]! - l23StepAt(energy[i]! + shift, continuumStep);
    shift = gridShift(energy, free, gridTriple, reference, maxShift);
    intensity = sampleUniform(energy, signal, gStart - shift, gridTriple[1], grid.length);
    continuumStep = continuumStage(mode, intensity, gridTriple, reference, opts);
  }
  const shiftAtCap = Math.abs(Math.abs(shift) - maxShift) < gridTriple[1];
  // measured intensities are in arbitrary units: scale to the training mean's area on the grid (the model's
  // features and OOD score are computed on the simulated scale)
  let scale = 1;
  if (opts.scaleEach !== false && reference && reference.length === grid.length) {
    let sr = 0;
    let sm = 0;
    for (let i = 0; i < grid.length; i++) {
      sr += reference[i]!;
      sm += intensity[i]!;
    }
    if (sm > 0 && sr > 0) scale = sr / sm;
  }
  if (scale !== 1) for (let i = 0; i < intensity.length; i++) intensity[i]! *= scale;
  return { intensity, shift, shiftAtCap, scale, continuumStep };
}

export function prepareEelsMode(
  energy: Float64Array,
  intensity: ArrayLike<number>,
  mode: string,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions = {},
): PreparedMode {
  const gStart = gridTriple[0];
  const gEnd = gStart + gridTriple[1] * (gridTriple[2] - 1);
  const [w0, w1] = opts.backgroundWindows?.[mode] ?? opts.backgroundWindow ?? [-30, -3];
  const maxShift = opts.maxShift ?? 5;
  const from = gStart + w0 - maxShift;
  const to = gStart + w1 - maxShift;
  checkCoverage(energy, mode, requiredRange(mode, gridTriple, opts));
  let fit: ReturnType<typeof fitBackground>;
  try {
    fit = fitBackground(energy, intensity, from, to, opts.backgroundMethod ?? 'log-lsq');
  } catch (e) {
    if (!(e instanceof SpecfuseError)) throw e;
    throw new SpecfuseError(
      e.code,
      `mode ${mode}: power-law background over ${from.toFixed(1)}–${to.toFixed(1)} eV failed (${e.message}); the spectrum may already be background-subtracted or hold no counts there`,
      { field: mode },
    );
  }
  // only the part from the window to the grid end is needed downstream
  const c0 = lowerIndex(energy, from);
  const c1 = Math.min(energy.length, lowerIndex(energy, gEnd + maxShift + 1) + 2);
  const e = energy.subarray(c0, c1);
  const logE = logAxis(energy).subarray(c0, c1);
  const signal = scratch('signal', e.length); // every element written below
  const wEnd = lowerIndex(e, to + 1e-9);
  // residual statistics over the window, from the same background values (one exp per channel)
  let ss = 0;
  let sb = 0;
  let chi = 0;
  // A·E^−r channel by channel: b_{i+1} = b_i·exp(−x), x = r·ln(E_{i+1}/E_i) (≈ 2e-3 at 0.3 eV/channel near 500 eV),
  // exp(−x) by its cubic Taylor polynomial when |x| < 0.01 (relative error x⁴/24 < 5e-10 per channel, < 1e-7 over
  // a window of a few hundred channels) — one exp per spectrum instead of one per channel
  const dl = logSteps(energy).subarray(c0, c1);
  const rr = fit.r;
  let b = fit.A * Math.exp(-rr * logE[0]!);
  for (let i = 0; i < e.length; i++) {
    if (i > 0) {
      const x = rr * dl[i - 1]!;
      b *= x < 0.01 && x > -0.01 ? 1 - x * (1 - x * (0.5 - x / 6)) : Math.exp(-x);
    }
    const d = intensity[c0 + i]! - b;
    signal[i] = d;
    if (i < wEnd) {
      ss += d * d;
      sb += b;
      if (b > 0) chi += (d * d) / b;
    }
  }
  const sigma = wEnd > 1 ? Math.sqrt(ss / (wEnd - 1)) : Number.NaN;
  const stats = {
    sigma,
    rel: sb > 0 ? sigma / (sb / wEnd) : Number.NaN,
    chi2nu: wEnd > 2 ? chi / (wEnd - 2) : Number.NaN,
  };
  // integrated edge signal over the grid range (channel sum times grid/channel spacing ratio)
  const g0 = lowerIndex(e, gStart);
  const g1 = lowerIndex(e, gEnd + 1e-9);
  let integrated = 0;
  for (let i = g0; i < g1; i++) integrated += signal[i]!;
  const nch = Math.max(1, g1 - g0);
  const snr = sigma > 0 ? integrated / (sigma * Math.sqrt(nch)) : Number.POSITIVE_INFINITY;
  const a = alignAndResample(e, signal, mode, gridTriple, reference, opts);
  return {
    mode,
    technique: 'EELS',
    intensity: a.intensity,
    shift: a.shift,
    shiftAtCap: a.shiftAtCap,
    background: {
      kind: 'power-law',
      A: fit.A,
      r: fit.r,
      method: fit.method,
      window: [from, to],
      relResidual: stats.rel,
      chi2nu: stats.chi2nu,
    },
    snr,
    noiseSigma: sigma * a.scale,
    scale: a.scale,
    rawNoiseSigma: sigma,
    gain: sigma * stats.rel,
    ...(a.continuumStep ? { continuumStep: a.continuumStep } : {}),
  };
}

/**
 * XAS: edge-step normalisation (Ravel & Newville, J. Synchrotron Rad. 12, 537 (2005)) with E0 searched inside
 * the grid, the pre-edge line over the background window below the grid, the post-edge line (nnorm ≤ 1) over the
 * last quarter of the grid. The normalised μ (edge step 1) is aligned and resampled like EELS.
 */
export function prepareXasMode(
  energy: Float64Array,
  mu: ArrayLike<number>,
  mode: string,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions = {},
): PreparedMode {
  const gStart = gridTriple[0];
  const gEnd = gStart + gridTriple[1] * (gridTriple[2] - 1);
  const [w0, w1] = opts.backgroundWindows?.[mode] ?? opts.backgroundWindow ?? [-30, -3];
  const maxShift = opts.maxShift ?? 5;
  checkCoverage(energy, mode, requiredRange(mode, gridTriple, opts));
  const c0 = lowerIndex(energy, gStart + w0 - maxShift);
  const c1 = Math.min(energy.length, lowerIndex(energy, gEnd + maxShift + 1) + 2);
  const e = energy.subarray(c0, c1);
  const y = Float64Array.from({ length: e.length }, (_, i) => mu[c0 + i]!);
  const n = normalizeXas(e, y, {
    e0Search: { searchRange: [gStart, gStart + 0.6 * (gEnd - gStart)] },
  });
  const rel = (x: number) => x - n.e0;
  const from = gStart + w0 - maxShift;
  const to = gStart + w1;
  const norm = normalizeXas(e, y, {
    e0: n.e0,
    pre1: rel(from),
    pre2: Math.min(rel(to), -0.5),
    norm1: rel(gEnd - 0.25 * (gEnd - gStart)),
    norm2: rel(gEnd),
    nnorm: 1,
  });
  // residual of the pre-edge line
  let ss = 0;
  let cnt = 0;
  for (let i = 0; i < e.length; i++) {
    if (e[i]! < from || e[i]! > to) continue;
    ss += (y[i]! - norm.preEdge[i]!) ** 2;
    cnt++;
  }
  const sigma = cnt > 1 ? Math.sqrt(ss / (cnt - 1)) : Number.NaN;
  const snr = sigma > 0 ? Math.abs(norm.edgeStep) / sigma : Number.POSITIVE_INFINITY;
  const a = alignAndResample(e, norm.norm, mode, gridTriple, reference, opts);
  return {
    mode,
    technique: 'XAS',
    intensity: a.intensity,
    shift: a.shift,
    shiftAtCap: a.shiftAtCap,
    background: {
      kind: 'xas-edge-step',
      A: norm.edgeStep,
      r: 0,
      method: 'athena',
      window: [from, to],
      relResidual: norm.edgeStep !== 0 ? sigma / Math.abs(norm.edgeStep) : Number.NaN,
      chi2nu: Number.NaN,
    },
    snr,
    noiseSigma: (norm.edgeStep !== 0 ? sigma / Math.abs(norm.edgeStep) : sigma) * a.scale,
    scale: a.scale,
    rawNoiseSigma: sigma,
    gain: Number.NaN,
    ...(a.continuumStep ? { continuumStep: a.continuumStep } : {}),
  };
}

/** Prepare one mode from a measured spectrum of either technique. */
export function prepareMode(
  technique: Technique,
  energy: Float64Array,
  intensity: ArrayLike<number>,
  mode: string,
  gridTriple: readonly [number, number, number],
  reference: ArrayLike<number> | undefined,
  opts: PrepareOptions = {},
): PreparedMode {
  return technique === 'XAS'
    ? prepareXasMode(energy, intensity, mode, gridTriple, reference, opts)
    : prepareEelsMode(energy, intensity, mode, gridTriple, reference, opts);
}

/**
 * One factor for several modes cut from one acquisition: Σ area(training mean) / Σ area(measured) over the modes
 * (1 when undefined). Measured intensities are in arbitrary units, but the ratios between edges of one spectrum are
 * physical (edge areas ∝ atoms × cross-section), so they are kept.
 */
export function commonScale(
  modes: readonly {
    readonly intensity: ArrayLike<number>;
    readonly reference: ArrayLike<number> | undefined;
  }[],
): number {
  let sr = 0;
  let sm = 0;
  for (const m of modes) {
    if (!m.reference || m.reference.length !== m.intensity.length) return 1;
    for (let i = 0; i < m.intensity.length; i++) {
      sr += m.reference[i]!;
      sm += m.intensity[i]!;
    }
  }
  return sm > 0 && sr > 0 ? sr / sm : 1;
}
