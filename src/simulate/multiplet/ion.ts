/**
 * Ion-level API: from physical parameters (ion, crystal field, charge transfer, temperature, widths) to an
 * L2,3 spectrum on the absolute energy axis.
 */
import { coreHoleWidth } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import { ION_TABLE } from './atomic-data.js';
import { type BroadeningOptions, broadenSticks } from './broaden.js';
import { type ChargeTransfer, type MultipletModel, type Sticks, computeSticks } from './calculation.js';
import { ION_DEFAULTS, type IonDefaults } from './defaults.js';
import { crystalFieldD4h } from './hamiltonian.js';

export interface CtOptions {
  readonly delta?: number;
  readonly udd?: number;
  readonly upd?: number;
  readonly veg?: number;
  readonly vt2g?: number;
  readonly maxLigandHoles?: number;
  /** Full hopping matrix (real 5×5, real-orbital basis) instead of V_eg/V_t2g. */
  readonly hopping?: Float64Array;
}

export interface IonSpectrumOptions {
  readonly ion: string;
  /** Octahedral splitting (eV); default per ion (ionic value when charge transfer is on). */
  readonly tenDq?: number;
  readonly ds?: number;
  readonly dt?: number;
  /** A full crystal-field matrix (real 5×5, eV) replaces tenDq/ds/dt. */
  readonly crystalField?: Float64Array;
  /** Charge transfer: true = per-ion defaults, false = ligand-field only; undefined = the ion's default. */
  readonly ct?: boolean | CtOptions;
  readonly temperature?: number;
  readonly polarization?: 'isotropic' | readonly [number, number, number];
  readonly slaterScale?: number;
  readonly overrides?: MultipletModel['overrides'];
  /** Lorentzian HWHM (eV); defaults: half the Keski-Rahkonen & Krause L3/L2 level widths of the element. */
  readonly gammaL3?: number;
  readonly gammaL2?: number;
  /** Instrumental Gaussian FWHM (eV), default 0.3. */
  readonly gaussianFwhm?: number;
  /** Output grid (absolute eV); default from L3 − 8 eV to L2 + 12 eV in 0.05 eV steps. */
  readonly grid?: Float64Array;
  readonly step?: number;
  /** Absolute calibration: 'reference' (default, see defaults.ts) or 'none' (relative model energies). */
  readonly calibration?: 'reference' | 'none';
}

export interface IonSpectrum {
  readonly energy: Float64Array;
  readonly intensity: Float64Array;
  readonly sticks: Sticks;
  /** Shift added to the model's relative transition energies. */
  readonly offset: number;
  /** L3 / L2 boundary and peak positions on the absolute axis. */
  readonly boundary: number;
  readonly l3Peak: number;
  readonly l2Peak: number;
  /** The complete parameter set (provenance). */
  readonly parameters: Record<string, unknown>;
}

export function ionDefaults(ion: string): IonDefaults {
  const d = ION_DEFAULTS[ion];
  if (!d || !ION_TABLE[ion])
    throw new SpecfuseError(
      'invalid-argument',
      `no multiplet data for ion '${ion}' (known: ${Object.keys(ION_DEFAULTS).join(', ')})`,
      {
        field: 'ion',
      },
    );
  return d;
}

/** Parse 'Ni2+', 'ni2', 'Mn4+' → canonical key. */
export function parseIon(s: string): string {
  const m = /^([A-Za-z]{1,2})\s*(\d)\+?$/.exec(s.trim());
  if (!m)
    throw new SpecfuseError('invalid-argument', `ion must look like 'Ni2+', got '${s}'`, { field: 'ion' });
  const el = m[1][0].toUpperCase() + m[1].slice(1).toLowerCase();
  const key = `${el}${m[2]}+`;
  ionDefaults(key);
  return key;
}

/** Diagonal hopping V_eg on eg, V_t2g on t2g (real-orbital basis). */
export function octahedralHopping(veg: number, vt2g: number): Float64Array {
  const t = new Float64Array(25);
  t[0] = veg; // z²
  t[18] = veg; // x²−y²
  t[6] = vt2g;
  t[12] = vt2g;
  t[24] = vt2g;
  return t;
}

/** Resolve the full MultipletModel (every default filled in). */
export function resolveModel(o: IonSpectrumOptions): MultipletModel {
  const def = ionDefaults(o.ion);
  const useCt = o.ct === undefined ? def.defaultCt : o.ct !== false;
  const cto: CtOptions = typeof o.ct === 'object' ? o.ct : {};
  const tenDq = o.tenDq ?? (useCt ? def.ct.tenDqIonic : def.tenDq);
  const cf = o.crystalField ?? crystalFieldD4h(tenDq, o.ds ?? 0, o.dt ?? 0);
  let chargeTransfer: ChargeTransfer | undefined;
  if (useCt) {
    const veg = cto.veg ?? def.ct.veg;
    chargeTransfer = {
      delta: cto.delta ?? def.ct.delta,
      udd: cto.udd ?? def.ct.udd,
      upd: cto.upd ?? def.ct.upd,
      hopping:
        cto.hopping ?? octahedralHopping(veg, cto.vt2g ?? (cto.veg !== undefined ? veg / 2 : def.ct.vt2g)),
      maxLigandHoles: cto.maxLigandHoles ?? def.ct.maxLigandHoles,
    };
  }
  return {
    ion: o.ion,
    crystalField: cf,
    ...(chargeTransfer ? { chargeTransfer } : {}),
    ...(o.slaterScale !== undefined ? { slaterScale: o.slaterScale } : {}),
    ...(o.overrides ? { overrides: o.overrides } : {}),
    temperature: o.temperature ?? 300,
    polarization: o.polarization ?? 'isotropic',
  };
}

const DEFAULT_GAUSS = 0.3;

function widths(o: IonSpectrumOptions): { g3: number; g2: number } {
  const el = ION_TABLE[o.ion].element;
  return {
    g3: o.gammaL3 ?? coreHoleWidth(el, 'L3') / 2,
    g2: o.gammaL2 ?? coreHoleWidth(el, 'L2') / 2,
  };
}

/** Boundary between L3 and L2 features on the model axis: one third of the way down from the L2 centroid. */
function boundaryOf(s: Sticks): number {
  return (s.centroidL3 + 2 * s.centroidL2) / 3;
}

function peakIn(e: Float64Array, y: Float64Array, lo: number, hi: number): number {
  let best = -1;
  let at = Number.NaN;
  for (let i = 0; i < e.length; i++) if (e[i] >= lo && e[i] <= hi && y[i] > best) [best, at] = [y[i], e[i]];
  return at;
}

function relativeSpectrum(model: MultipletModel, o: IonSpectrumOptions, sticks: Sticks, step: number) {
  const { g3, g2 } = widths(o);
  const b = boundaryOf(sticks);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let wmax = 0;
  for (let i = 0; i < sticks.weight.length; i++) wmax = Math.max(wmax, sticks.weight[i]);
  for (let i = 0; i < sticks.energy.length; i++) {
    if (sticks.weight[i] < 1e-4 * wmax) continue;
    lo = Math.min(lo, sticks.energy[i]);
    hi = Math.max(hi, sticks.energy[i]);
  }
  lo = Math.floor((lo - 8) / step) * step;
  hi = hi + 12;
  const n = Math.ceil((hi - lo) / step) + 1;
  const grid = new Float64Array(n);
  for (let i = 0; i < n; i++) grid[i] = lo + i * step;
  const opts = { gammaL3: g3, gammaL2: g2, boundary: b, gaussianFwhm: o.gaussianFwhm ?? DEFAULT_GAUSS };
  void model;
  return { grid, y: broadenPadded(sticks, grid, opts), opts };
}

/** Stick spectra per resolved model (the calibration model is usually also the requested one). */
const sticksCache = new Map<string, Sticks>();
const STICKS_CACHE_MAX = 500;

function modelKey(m: MultipletModel): string {
  const r = (a: ArrayLike<number>) => Array.from(a, (x) => Math.round(x * 1e6) / 1e6);
  const ct = m.chargeTransfer;
  return JSON.stringify([
    m.ion,
    m.slaterScale ?? null,
    m.overrides ?? null,
    r(m.crystalField),
    ct ? [ct.delta, ct.udd, ct.upd, r(ct.hopping), ct.maxLigandHoles] : null,
    m.temperature ?? null,
    m.polarization ?? null,
    m.lanczosSteps ?? null,
  ]);
}

/** computeSticks with a per-process cache keyed by every model parameter. */
export function cachedSticks(model: MultipletModel): Sticks {
  const key = modelKey(model);
  const hit = sticksCache.get(key);
  if (hit) return hit;
  const s = computeSticks(model);
  if (sticksCache.size >= STICKS_CACHE_MAX) sticksCache.delete(sticksCache.keys().next().value as string);
  sticksCache.set(key, s);
  return s;
}

/** Per-ion calibration offsets, computed once per (ion, mode) from the default octahedral model. */
const offsetCache = new Map<string, number>();

export function calibrationOffset(ion: string, ct: boolean): number {
  const key = `${ion}|${ct}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const o: IonSpectrumOptions = { ion, ct };
  const model = resolveModel(o);
  const sticks = cachedSticks(model);
  const { grid, y } = relativeSpectrum(model, o, sticks, 0.02);
  const peak = peakIn(grid, y, -1e9, boundaryOf(sticks));
  const off = ionDefaults(ion).l3Peak - peak;
  offsetCache.set(key, off);
  return off;
}

/** Compute an L2,3 spectrum. */
export function ionSpectrum(o: IonSpectrumOptions): IonSpectrum {
  const model = resolveModel(o);
  const sticks = cachedSticks(model);
  const step = o.step ?? 0.05;
  const offset = o.calibration === 'none' ? 0 : calibrationOffset(o.ion, model.chargeTransfer !== undefined);
  const rel = relativeSpectrum(model, o, sticks, step);
  const b = boundaryOf(sticks);
  let energy: Float64Array;
  let intensity: Float64Array;
  if (o.grid) {
    energy = o.grid.slice();
    const shifted = energy.map((x) => x - offset);
    if (isUniform(shifted)) intensity = broadenPadded(sticks, shifted, rel.opts);
    else intensity = interpolate(rel.grid, rel.y, shifted); // non-uniform: resample the model's own grid
  } else {
    energy = rel.grid.map((x) => Math.round((x + offset) * 1e6) / 1e6);
    intensity = rel.y;
  }
  const l3 = peakIn(rel.grid, rel.y, -1e9, b) + offset;
  const l2 = peakIn(rel.grid, rel.y, b, 1e9) + offset;
  const ct = model.chargeTransfer;
  const parameters: Record<string, unknown> = {
    ion: o.ion,
    slaterScale: model.slaterScale ?? 0.8,
    overrides: model.overrides ?? {},
    crystalField: Array.from(model.crystalField),
    chargeTransfer: ct
      ? {
          delta: ct.delta,
          udd: ct.udd,
          upd: ct.upd,
          hopping: Array.from(ct.hopping),
          maxLigandHoles: ct.maxLigandHoles,
        }
      : null,
    temperature: model.temperature,
    polarization: model.polarization,
    gammaL3: rel.opts.gammaL3,
    gammaL2: rel.opts.gammaL2,
    gaussianFwhm: rel.opts.gaussianFwhm,
    calibrationOffset: offset,
    solver: sticks.solver,
    dims: sticks.dims,
  };
  return { energy, intensity, sticks, offset, boundary: b + offset, l3Peak: l3, l2Peak: l2, parameters };
}

/** Broaden on a uniform grid padded by 5 Gaussian widths, so the convolution sees the Lorentzian tails. */
function broadenPadded(sticks: Sticks, grid: Float64Array, opts: BroadeningOptions): Float64Array {
  const h = grid[1] - grid[0];
  const pad = opts.gaussianFwhm > 0 ? Math.ceil((5 * opts.gaussianFwhm) / h) + 1 : 0;
  const ext = Float64Array.from({ length: grid.length + 2 * pad }, (_, i) => grid[0] + (i - pad) * h);
  return broadenSticks(sticks.energy, sticks.weight, ext, opts).slice(pad, pad + grid.length);
}

function isUniform(x: Float64Array): boolean {
  if (x.length < 3) return false;
  const h = x[1] - x[0];
  if (!(h > 0)) return false;
  for (let i = 2; i < x.length; i++) if (Math.abs(x[i] - x[i - 1] - h) > 1e-6 * h) return false;
  return true;
}

/** Linear interpolation of (x, y) at xs (0 outside). */
export function interpolate(x: Float64Array, y: Float64Array, xs: Float64Array): Float64Array {
  const out = new Float64Array(xs.length);
  const n = x.length;
  for (let k = 0; k < xs.length; k++) {
    const e = xs[k];
    if (e < x[0] || e > x[n - 1]) continue;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= e) lo = mid;
      else hi = mid;
    }
    const t = x[hi] === x[lo] ? 0 : (e - x[lo]) / (x[hi] - x[lo]);
    out[k] = y[lo] * (1 - t) + y[hi] * t;
  }
  return out;
}
