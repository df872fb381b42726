import { SpecfuseError } from '../core/errors.js';

/**
 * Removal of the L2,3 continuum step of a 3d transition-metal edge (2p → continuum transitions under and above the
 * 2p → 3d white lines), the standard first step of white-line analysis before the lines are compared with atomic /
 * multiplet spectra, which hold the discrete 2p → 3d transitions only:
 * - Pearson, Fultz, Ahn & Colliex, Phys. Rev. B 47, 8471 (1993), §II ("white-line intensities"): the continuum is
 *   modelled by two steps at the energies of the L3 and L2 white-line maxima, heights in the 2:1 ratio of the 2p3/2
 *   and 2p1/2 occupancies (4:2 electrons), the total height matched to the intensity just above the L2 edge.
 * - Kurata & Colliex, Phys. Rev. B 48, 2102 (1993) and Egerton, *EELS in the Electron Microscope*, 3rd ed. (2011),
 *   §5.6.3: the same double step, drawn as arctangents.
 *
 * Step model (units: energy in eV, intensity in the input's units):
 *   s(E) = H·[ (2/3)·a(E − E_L3) + (1/3)·a(E − E_L2) ],   a(x) = 1/2 + (1/π)·arctan(2x/Γ).
 * a(x) is the integral of a unit-area Lorentzian of FWHM Γ: a continuum onset (an ideal Heaviside step at the
 * threshold) broadened like a white line by the core-hole lifetime and, in practice, the instrument resolution.
 *
 * Defaults and how they are derived:
 * - E_L3 = the position of the largest intensity (the L3 white-line maximum, Pearson et al.);
 *   E_L2 = the largest intensity within ±`l2Search` eV (default 2.5 eV, about the spread of the L2 multiplet and
 *   of the chemical shift between valences) of E_L3 + Δ_so, Δ_so the 2p spin–orbit splitting of the element
 *   (`L23_SPIN_ORBIT_SPLITTING`); if that window lies beyond the axis, E_L2 = E_L3 + Δ_so.
 * - Γ ('auto'): twice the half width at half maximum of the L3 line on its low-energy side, measured on the data —
 *   the lifetime and the instrument broadening together, which the continuum onset shares with the line. The low
 *   side is used because the high side of L3 holds the unresolved multiplet and the step. For a Lorentzian line of
 *   FWHM Γ on an arctan step of the same Γ at the same position the half maximum of the sum falls exactly at
 *   E_L3 − Γ/2 (line A/2, step h/4, half of A + h/2), so the estimate is unbiased there. Clamped to [0.2, 3] eV.
 * - H: the mean intensity over the last `tailFraction` (default 10 %) of the axis, less `residualTail` × the
 *   maximum (default 0), divided by the mean of the unit double step there (≈ 1, slightly less when the axis ends
 *   a few Γ above L2) — "matched to the post-edge intensity". A negative excess (over-subtracted background, or a
 *   post-edge no higher than the references') gives H = 0: nothing is removed.
 *
 * No clamping of the result: between L3 and L2, or in the post-edge, the step-free signal may dip slightly below
 * zero where noise or the tail of the step exceeds the data. Clamping would rectify the noise — bias the areas and
 * the L3/L2 ratio upward by a noise-dependent amount — and the background-subtracted pre-edge already carries
 * zero-mean negative excursions that downstream code handles; so the values are kept as they are.
 */

/**
 * 2p1/2 − 2p3/2 binding-energy difference (eV) of the 3d metals, from the electron binding energies of the X-ray
 * Data Booklet (Thompson et al., LBNL 2009, Table 1-1; values from Bearden & Burr, Rev. Mod. Phys. 39, 125 (1967)
 * and Fuggle & Mårtensson, J. Electron Spectrosc. 21, 275 (1980)): Ti 460.2 − 453.8, V 519.8 − 512.1,
 * Cr 583.8 − 574.1, Mn 649.9 − 638.7, Fe 719.9 − 706.8, Co 793.2 − 778.1, Ni 870.0 − 852.7, Cu 952.3 − 932.7.
 * The L3–L2 distance of a measured edge differs from this by the multiplet (≲ 1–2 eV), hence the search window.
 */
export const L23_SPIN_ORBIT_SPLITTING: Readonly<Record<string, number>> = {
  Ti: 460.2 - 453.8,
  V: 519.8 - 512.1,
  Cr: 583.8 - 574.1,
  Mn: 649.9 - 638.7,
  Fe: 719.9 - 706.8,
  Co: 793.2 - 778.1,
  Ni: 870.0 - 852.7,
  Cu: 952.3 - 932.7,
};

export interface ContinuumStepOptions {
  /** Element symbol: selects the spin–orbit splitting (required unless `splitting` is given). */
  readonly element?: string;
  /** L3–L2 splitting (eV), overriding the element's tabulated value. */
  readonly splitting?: number;
  /** Step FWHM Γ (eV) or 'auto' (default): see the module notes. */
  readonly width?: number | 'auto';
  /** Half width of the window searched for the L2 maximum around E_L3 + Δ_so (eV, default 2.5). */
  readonly l2Search?: number;
  /** Fraction of the axis at its high-energy end over which the step height is matched (default 0.1). */
  readonly tailFraction?: number;
  /**
   * Post-edge level to leave, as a fraction of the maximum (default 0): when the result is compared with reference
   * spectra whose discrete lines keep a small tail there (the Lorentzian/Gaussian wings of broadened multiplet
   * lines: the training mean's own `tailFraction`), only the excess over that level is taken for the step, so a
   * spectrum shaped like the references is left as it is.
   */
  readonly residualTail?: number;
}

export interface ContinuumStepResult {
  /** Input minus the step (fresh array, same length). */
  readonly intensity: Float64Array;
  /** The subtracted double step s(E). */
  readonly step: Float64Array;
  /** Total step height H = h_L3 + h_L2 (input units); h_L3 = 2H/3, h_L2 = H/3. */
  readonly height: number;
  /** Step positions (eV). */
  readonly l3: number;
  readonly l2: number;
  /** Step FWHM Γ used (eV). */
  readonly width: number;
  /** Post-edge level (mean of the last `tailFraction`) relative to the maximum, before and after the removal. */
  readonly tailBefore: number;
  readonly tailAfter: number;
}

/** Mean of the last `fraction` of a spectrum (at least one point) relative to its maximum (0 if max ≤ 0). */
export function tailFraction(x: ArrayLike<number>, fraction = 0.1): number {
  let mx = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) if (x[i]! > mx) mx = x[i]!;
  const k0 = Math.min(x.length - 1, Math.floor((1 - fraction) * x.length));
  let s = 0;
  for (let i = k0; i < x.length; i++) s += x[i]!;
  return mx > 0 ? s / (x.length - k0) / mx : 0;
}

/**
 * True when a spectrum (e.g. a model's training mean of an L2,3 mode) has a continuum step: its post-edge level
 * (last 10 % of the grid) is at least `threshold` (default 5 %) of its maximum. Multiplet spectra with discrete
 * 2p → 3d lines only fall to ≈ 0–1.5 % there; measured edges keep ≈ 20–35 %.
 */
export function hasContinuumStep(x: ArrayLike<number>, threshold = 0.05): boolean {
  return tailFraction(x) >= threshold;
}

/** a(x) = 1/2 + arctan(2x/Γ)/π: unit step broadened by a Lorentzian of FWHM Γ. */
function arctanStep(x: number, gamma: number): number {
  return 0.5 + Math.atan((2 * x) / gamma) / Math.PI;
}

/**
 * The double step s(E) of a result (or any {height, l3, l2, width}) at energy e (eV):
 * H·[(2/3)·a(e − E_L3) + (1/3)·a(e − E_L2)].
 */
export function l23StepAt(
  e: number,
  s: { readonly height: number; readonly l3: number; readonly l2: number; readonly width: number },
): number {
  return s.height * ((2 / 3) * arctanStep(e - s.l3, s.width) + (1 / 3) * arctanStep(e - s.l2, s.width));
}

/** Index of the maximum of y over [i0, i1) (i0 if empty). */
function argmax(y: ArrayLike<number>, i0: number, i1: number): number {
  let k = i0;
  for (let i = i0 + 1; i < i1; i++) if (y[i]! > y[k]!) k = i;
  return k;
}

/** Energy where y falls to `level` going down from index k towards lower energies (linear interpolation). */
function lowSideCrossing(energy: ArrayLike<number>, y: ArrayLike<number>, k: number, level: number): number {
  for (let i = k; i > 0; i--) {
    if (y[i - 1]! <= level) {
      const t = (y[i]! - level) / (y[i]! - y[i - 1]!);
      return energy[i]! - t * (energy[i]! - energy[i - 1]!);
    }
  }
  return Number.NaN;
}

/**
 * Remove the 2:1 double arctan continuum step of an L2,3 edge (see the module notes). `energy` increasing (eV),
 * `intensity` background-free (pre-edge ≈ 0). Returns fresh arrays.
 */
export function removeL23ContinuumStep(
  energy: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: ContinuumStepOptions = {},
): ContinuumStepResult {
  const n = energy.length;
  if (n < 4 || intensity.length !== n)
    throw new SpecfuseError(
      'invalid-argument',
      `continuum step: need ≥ 4 points and equal lengths (energy ${n}, intensity ${intensity.length})`,
      { field: 'intensity' },
    );
  const split =
    opts.splitting ?? (opts.element !== undefined ? L23_SPIN_ORBIT_SPLITTING[opts.element] : undefined);
  if (split === undefined || !(split > 0))
    throw new SpecfuseError(
      'invalid-argument',
      `continuum step: no L2,3 spin–orbit splitting for element '${opts.element ?? '?'}' (known: ${Object.keys(L23_SPIN_ORBIT_SPLITTING).join(', ')}; or give splitting)`,
      { field: 'element' },
    );
  const frac = opts.tailFraction ?? 0.1;
  const l2Search = opts.l2Search ?? 2.5;
  const eN = energy[n - 1]!;
  const lower = (v: number) => {
    let i = 0;
    while (i < n && energy[i]! < v) i++;
    return i;
  };
  // L3: the global maximum; L2: the maximum near E_L3 + Δ_so
  const k3 = argmax(intensity, 0, n);
  const l3 = energy[k3]!;
  const c2 = l3 + split;
  let l2 = c2;
  if (c2 - l2Search <= eN) {
    const a = lower(c2 - l2Search);
    const b = Math.min(n, lower(c2 + l2Search + 1e-9));
    if (b > a) l2 = energy[argmax(intensity, a, b)]!;
  }
  // width
  let width: number;
  if (opts.width === undefined || opts.width === 'auto') {
    const half = lowSideCrossing(energy, intensity, k3, 0.5 * intensity[k3]!);
    width = Number.isFinite(half) ? 2 * (l3 - half) : 1;
    width = Math.min(3, Math.max(0.2, width));
  } else {
    if (!(opts.width > 0))
      throw new SpecfuseError('invalid-argument', `continuum step: width must be > 0 eV, got ${opts.width}`, {
        field: 'width',
      });
    width = opts.width;
  }
  // unit double step and the height matched over the tail
  const unit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = energy[i]!;
    unit[i] = (2 / 3) * arctanStep(e - l3, width) + (1 / 3) * arctanStep(e - l2, width);
  }
  const t0 = Math.min(n - 1, Math.floor((1 - frac) * n));
  let sy = 0;
  let su = 0;
  for (let i = t0; i < n; i++) {
    sy += intensity[i]!;
    su += unit[i]!;
  }
  const keep = (opts.residualTail ?? 0) * Math.max(0, intensity[k3]!) * (n - t0);
  const height = su > 0 ? Math.max(0, (sy - keep) / su) : 0;
  const step = Float64Array.from(unit, (u) => u * height);
  const out = Float64Array.from({ length: n }, (_, i) => intensity[i]! - step[i]!);
  return {
    intensity: out,
    step,
    height,
    l3,
    l2,
    width,
    tailBefore: tailFraction(intensity, frac),
    tailAfter: tailFraction(out, frac),
  };
}
