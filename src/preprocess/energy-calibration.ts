import { SpecfuseError } from '../core/errors.js';
import { fitPowerLaw } from './eels-background.js';

/**
 * Absolute energy-loss calibration of an EELS acquisition from reference features of its own edges.
 *
 * A spectrometer's energy axis is E_file = E0 + k·δ (channel k, nominal dispersion δ). Two independent errors make it
 * wrong: the drift-tube / prism offset (a rigid shift) and a dispersion error (the true eV per channel differs from
 * δ by a factor), so the error grows across the channels: E_true = a + b·E_file (Egerton, *EELS in the Electron
 * Microscope*, 3rd ed. 2011, §2.2 and §4.1: the loss axis is set from the zero-loss peak and a known edge, and the
 * dispersion is checked with two features far apart). Two features of known energy, located in the same
 * acquisition, fix both a and b — the two-point calibration; with more, (a, b) is the weighted least-squares line
 * (weights 1/u², u = the literature spread of the feature, chiefly its chemical shift) and the residuals tell how
 * well a straight line describes the axis.
 *
 * Reference features (`EELS_REFERENCE_FEATURES`) — the same literature energies the multiplet engine places its
 * L3 maxima on (simulate/multiplet/defaults.ts), so a calibrated measurement and the simulations share one scale:
 *  - O K first (pre-)peak, TM 3d–O 2p hybrid states of layered LiMO2 oxides: 530.0 ± 1.0 eV (de Groot et al.,
 *    PRB 40, 5715 (1989), Fig. 1: first O 1s peak of the 3d oxides at 529–532 eV; Saitoh et al., PCCP 20, 25052
 *    (2018): O K peaks of Li-ion electrodes between 530 and 540 eV, the sharp first peak of LiCoO2 at ≈ 530 eV).
 *  - Mn L3 maximum 643.0 ± 1.5 eV (Mn⁴⁺, MnO2; Mn³⁺ 641.7, Mn²⁺ 640.1 — Tan et al., Ultramicroscopy 116, 24 (2012)).
 *  - Co L3 maximum 779.8 ± 1.0 eV (Co³⁺, LiCoO2; Co²⁺ 777.9 — van Elp et al., PRB 44, 6090 (1991)).
 *  - Ni L3 maximum 853.2 ± 1.0 eV (Ni²⁺, NiO; Ni³⁺ 855.0 — Koyama et al., J. Phys. Chem. B 109, 10749 (2005)); in
 *    NMC the main L3 peak is the Ni²⁺-like one, Ni³⁺ adding a shoulder above it.
 * The EELS atlas onsets (exspy `eels_binding_energies.json`: O K 532, Mn L3 640, Co L3 779, Ni L3 855 eV) agree with
 * these within their spreads.
 *
 * Locating a feature (`locateFeature`): a power law is fitted over `bgWidth` eV just below the search window
 * [E_ref − w, E_ref + w] and subtracted (Egerton §4.4.2); the residual is smoothed by a boxcar of ≈ 1.5 eV (the
 * features are 2–4 eV wide, so this removes channel noise without moving them); a 'maximum' is the largest value
 * in the window (an L3 white line is the strongest feature of its edge); a 'first-peak' is the first local maximum
 * after the signal crosses 30 % of the window maximum that is followed by a dip of ≥ 10 % of that maximum (the O K
 * pre-peak; without a pre-peak this returns the main peak). The position is refined by the vertex of the parabola
 * through the peak channel and its neighbours. A feature must stand `minSnr` (default 5) times above the noise of
 * the smoothed residual (σ of the background-fit residual / √boxcar) and must not sit at the window edge.
 */
export interface ReferenceFeature {
  readonly name: string;
  readonly element: string;
  readonly edge: string;
  readonly kind: 'maximum' | 'first-peak';
  /** Literature energy, eV. */
  readonly energy: number;
  /** Spread of the literature energy (chemical shift between oxidation states, instruments), eV. */
  readonly uncertainty: number;
  readonly reference: string;
}

export const EELS_REFERENCE_FEATURES: readonly ReferenceFeature[] = [
  {
    name: 'O K pre-peak',
    element: 'O',
    edge: 'K',
    kind: 'first-peak',
    energy: 530.0,
    uncertainty: 1.0,
    reference: 'de Groot et al., PRB 40, 5715 (1989); Saitoh et al., PCCP 20, 25052 (2018)',
  },
  {
    name: 'Mn L3 maximum',
    element: 'Mn',
    edge: 'L3',
    kind: 'maximum',
    energy: 643.0,
    uncertainty: 1.5,
    reference: 'Tan et al., Ultramicroscopy 116, 24 (2012) (Mn4+, MnO2)',
  },
  {
    name: 'Co L3 maximum',
    element: 'Co',
    edge: 'L3',
    kind: 'maximum',
    energy: 779.8,
    uncertainty: 1.0,
    reference: 'van Elp et al., PRB 44, 6090 (1991) (Co3+, LiCoO2)',
  },
  {
    name: 'Ni L3 maximum',
    element: 'Ni',
    edge: 'L3',
    kind: 'maximum',
    energy: 853.2,
    uncertainty: 1.0,
    reference: 'Koyama et al., J. Phys. Chem. B 109, 10749 (2005) (Ni2+, NiO)',
  },
];

export interface LocateOptions {
  /** Half-width of the search window around the literature energy, eV (default 25: axis errors of ≲ 20 eV). */
  readonly searchHalfWidth?: number;
  /** Width of the power-law window below the search window, eV (default 25). */
  readonly bgWidth?: number;
  /** Smallest peak signal-to-noise ratio accepted (default 5). */
  readonly minSnr?: number;
}

export interface LocatedFeature {
  readonly name: string;
  /** Literature energy and its spread, eV. */
  readonly reference: number;
  readonly uncertainty: number;
  /** Position on the input (uncalibrated) axis, eV. */
  readonly measured: number;
  readonly snr: number;
  readonly citation: string;
}

export type LocateResult =
  | { readonly found: true; readonly feature: LocatedFeature }
  | { readonly found: false; readonly name: string; readonly reason: string };

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

/** Find one reference feature on the (uncalibrated) axis of a raw EELS spectrum (counts, background included). */
export function locateFeature(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  f: ReferenceFeature,
  o: LocateOptions = {},
): LocateResult {
  const w = o.searchHalfWidth ?? 25;
  const bw = o.bgWidth ?? 25;
  const minSnr = o.minSnr ?? 5;
  const lo = f.energy - w;
  const hi = f.energy + w;
  const n = energy.length;
  if (n < 8 || lo - bw < energy[0]! || hi > energy[n - 1]!)
    return {
      found: false,
      name: f.name,
      reason: `search range ${(lo - bw).toFixed(0)}–${hi.toFixed(0)} eV is outside the acquisition`,
    };
  let fit: { A: number; r: number };
  try {
    fit = fitPowerLaw(energy, y, { from: lo - bw, to: lo, method: 'log-lsq' });
  } catch (e) {
    if (!(e instanceof SpecfuseError)) throw e;
    return { found: false, name: f.name, reason: `pre-edge power law failed (${e.message})` };
  }
  const b0 = lowerIndex(energy, lo - bw);
  const i0 = lowerIndex(energy, lo);
  const i1 = lowerIndex(energy, hi);
  // noise: residual scatter of the power law over its own window
  let ss = 0;
  for (let i = b0; i < i0; i++) ss += (y[i]! - fit.A * energy[i]! ** -fit.r) ** 2;
  const sigma = Math.sqrt(ss / Math.max(1, i0 - b0 - 2));
  const de = (energy[n - 1]! - energy[0]!) / (n - 1);
  const half = Math.max(1, Math.round(0.75 / de)); // boxcar of 2·half + 1 channels ≈ 1.5 eV
  const m = i1 - i0;
  const raw = new Float64Array(m);
  for (let k = 0; k < m; k++) raw[k] = y[i0 + k]! - fit.A * energy[i0 + k]! ** -fit.r;
  const s = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let acc = 0;
    let c = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(m - 1, k + half); j++) {
      acc += raw[j]!;
      c++;
    }
    s[k] = acc / c;
  }
  let kMax = 0;
  for (let k = 1; k < m; k++) if (s[k]! > s[kMax]!) kMax = k;
  const M = s[kMax]!;
  let kPeak = kMax;
  if (f.kind === 'first-peak' && M > 0) {
    let k = 0;
    while (k < kMax && s[k]! < 0.3 * M) k++;
    let c = k;
    for (; k <= kMax; k++) {
      if (s[k]! > s[c]!) c = k;
      else if (s[k]! < s[c]! - 0.1 * M) break;
    }
    kPeak = c;
  }
  const noise = sigma / Math.sqrt(2 * half + 1);
  const snr = noise > 0 ? s[kPeak]! / noise : Number.POSITIVE_INFINITY;
  if (!(snr >= minSnr))
    return {
      found: false,
      name: f.name,
      reason: `no peak above ${minSnr}× the noise (S/N ${snr.toFixed(1)})`,
    };
  if (kPeak < half + 1 || kPeak > m - half - 2)
    return {
      found: false,
      name: f.name,
      reason: `the strongest signal lies at the edge of the ±${w} eV search window (${energy[i0 + kPeak]!.toFixed(1)} eV)`,
    };
  const a = s[kPeak - 1]!;
  const b = s[kPeak]!;
  const c = s[kPeak + 1]!;
  const den = a - 2 * b + c;
  const frac = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
  const e0 = energy[i0 + kPeak]!;
  const step = energy[i0 + kPeak + 1]! - e0;
  return {
    found: true,
    feature: {
      name: f.name,
      reference: f.energy,
      uncertainty: f.uncertainty,
      measured: e0 + frac * step,
      snr,
      citation: f.reference,
    },
  };
}

export interface LinearCalibration {
  /** E_calibrated = a + b·E_input. */
  readonly a: number;
  readonly b: number;
  /** Calibrated minus literature energy of every feature, eV. */
  readonly residuals: readonly number[];
}

/**
 * Weighted least-squares line through (measured, reference) pairs, weights 1/u²: with two pairs, the exact
 * two-point solution b = (R2 − R1)/(M2 − M1), a = R1 − b·M1; with one pair, a pure offset (b = 1).
 */
export function solveLinearCalibration(
  pairs: readonly { readonly measured: number; readonly reference: number; readonly uncertainty: number }[],
): LinearCalibration {
  if (pairs.length === 0)
    throw new SpecfuseError('invalid-argument', 'an energy calibration needs at least one feature', {});
  let a: number;
  let b: number;
  if (pairs.length === 1) {
    b = 1;
    a = pairs[0]!.reference - pairs[0]!.measured;
  } else {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (const p of pairs) {
      const w = 1 / p.uncertainty ** 2;
      sw += w;
      sx += w * p.measured;
      sy += w * p.reference;
    }
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0;
    let sxy = 0;
    for (const p of pairs) {
      const w = 1 / p.uncertainty ** 2;
      sxx += w * (p.measured - mx) ** 2;
      sxy += w * (p.measured - mx) * (p.reference - my);
    }
    if (!(sxx > 0))
      throw new SpecfuseError(
        'invalid-argument',
        'calibration features coincide: the dispersion is undefined',
        {},
      );
    b = sxy / sxx;
    a = my - b * mx;
  }
  return { a, b, residuals: pairs.map((p) => a + b * p.measured - p.reference) };
}

export interface EnergyCalibration {
  /** Shift added at the first channel of the input axis, eV: E_cal(E0) − E0. */
  readonly offset: number;
  /** Dispersion factor b: true eV per channel = b × nominal. */
  readonly dispersion: number;
  /** First energy of the input axis (the pivot of `offset`), eV. */
  readonly pivot: number;
  /** 'two-point' (2 features), 'least-squares' (> 2) or 'offset-only' (1 feature: dispersion kept at 1). */
  readonly method: 'two-point' | 'least-squares' | 'offset-only';
  readonly features: readonly (LocatedFeature & { readonly residual: number; readonly shift: number })[];
  /** Features looked for and not used, with the reason. */
  readonly rejected: readonly { readonly name: string; readonly reason: string }[];
}

export interface CalibrateOptions extends LocateOptions {
  readonly features?: readonly ReferenceFeature[];
  /** Accepted dispersion factors (default [0.95, 1.05]: a spectrometer is not off by more than a few %). */
  readonly dispersionRange?: readonly [number, number];
  /** A feature whose residual exceeds this many times its uncertainty is dropped and the line refitted (default 3). */
  readonly maxResidualSigmas?: number;
}

export interface CalibrationOutcome {
  /** null when no feature was found: the axis is left as it is. */
  readonly calibration: EnergyCalibration | null;
  readonly warnings: readonly string[];
}

/**
 * Calibrate an EELS axis from the reference features present in the acquisition (see the module comment).
 * Returns null with a warning when fewer than one feature is found or the solution is implausible.
 */
export function calibrateEelsAxis(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  o: CalibrateOptions = {},
): CalibrationOutcome {
  const refs = o.features ?? EELS_REFERENCE_FEATURES;
  const [dMin, dMax] = o.dispersionRange ?? [0.95, 1.05];
  const kSig = o.maxResidualSigmas ?? 3;
  const warnings: string[] = [];
  const rejected: { name: string; reason: string }[] = [];
  let found: LocatedFeature[] = [];
  for (const f of refs) {
    const r = locateFeature(energy, y, f, o);
    if (r.found) found.push(r.feature);
    else rejected.push({ name: r.name, reason: r.reason });
  }
  const E0 = energy[0]!;
  for (;;) {
    if (found.length === 0) {
      warnings.push(
        `energy calibration: no reference feature found (${rejected.map((r) => `${r.name}: ${r.reason}`).join('; ')}); the axis is used as recorded and only the rigid per-mode alignment applies`,
      );
      return { calibration: null, warnings };
    }
    const lin = solveLinearCalibration(found);
    const worst = lin.residuals.reduce(
      (w, r, i) =>
        Math.abs(r) / found[i]!.uncertainty > w.z ? { z: Math.abs(r) / found[i]!.uncertainty, i } : w,
      { z: 0, i: -1 },
    );
    if (found.length > 2 && worst.z > kSig) {
      const f = found[worst.i]!;
      rejected.push({
        name: f.name,
        reason: `residual ${lin.residuals[worst.i]!.toFixed(2)} eV > ${kSig}× its ${f.uncertainty} eV spread`,
      });
      found = found.filter((_, i) => i !== worst.i);
      continue;
    }
    if (!(lin.b >= dMin && lin.b <= dMax)) {
      warnings.push(
        `energy calibration: dispersion factor ${lin.b.toFixed(4)} from ${found.map((f) => f.name).join(', ')} is outside ${dMin}–${dMax} (a feature was probably misidentified); the axis is used as recorded`,
      );
      return { calibration: null, warnings };
    }
    const method = found.length === 1 ? 'offset-only' : found.length === 2 ? 'two-point' : 'least-squares';
    if (method === 'offset-only')
      warnings.push(
        `energy calibration: only ${found[0]!.name} found; offset corrected, dispersion left at the recorded value`,
      );
    return {
      calibration: {
        offset: lin.a + (lin.b - 1) * E0,
        dispersion: lin.b,
        pivot: E0,
        method,
        features: found.map((f, i) => ({
          ...f,
          residual: lin.residuals[i]!,
          shift: lin.a + (lin.b - 1) * f.measured,
        })),
        rejected,
      },
      warnings,
    };
  }
}

/** The calibrated axis: E0 + offset + dispersion·(E − E0) for every E (a fresh array). */
export function applyEnergyCalibration(energy: ArrayLike<number>, c: EnergyCalibration): Float64Array {
  const out = new Float64Array(energy.length);
  for (let i = 0; i < energy.length; i++) out[i] = c.pivot + c.offset + c.dispersion * (energy[i]! - c.pivot);
  return out;
}
