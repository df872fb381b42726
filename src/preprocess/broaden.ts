import { fail } from '../core/errors.js';
import { checkIncreasing, checkSameLength, trapezoidWeights } from './checks.js';

/**
 * Lifetime / instrumental broadening on arbitrary (non-uniform) energy grids.
 *
 * out(E_i) = Σ_j w_j y(E_j) K(E_i − E_j; Γ_j) / Σ_j w_j K(E_i − E_j; Γ_j)
 *
 * with trapezoid quadrature weights w_j, so the discrete sum is the convolution integral ∫ y(E′) K(E − E′) dE′ on
 * any grid. Dividing by the kernel's own quadrature (the same sum with y ≡ 1) makes a constant stay constant up to
 * the ends of the data (no artificial fall-off where the kernel leaves the grid) and cancels the quadrature error of
 * kernels narrow compared with the step. Widths are FWHM in eV. Written here because `ml-convolution` and
 * ml-spectra-processing convolve on uniform grids only, with a fixed kernel.
 */
export type LineShape = 'gaussian' | 'lorentzian';

/** Kernel value for a FWHM Γ (eV): unit-area Gaussian or Lorentzian. */
export function lineShape(shape: LineShape, x: number, fwhm: number): number {
  if (shape === 'gaussian') {
    const s = fwhm / (2 * Math.sqrt(2 * Math.LN2));
    return Math.exp(-0.5 * (x / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  }
  const g = fwhm / 2;
  return g / (Math.PI * (x * x + g * g));
}

/** Broadening with a constant width (Gaussian: instrumental resolution; Lorentzian: core-hole lifetime). */
export function broaden(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  fwhm: number,
  shape: LineShape = 'gaussian',
): Float64Array {
  if (!(fwhm >= 0)) fail('invalid-argument', `fwhm must be ≥ 0 eV, got ${fwhm}`, { field: 'fwhm' });
  return broadenVariable(energy, y, () => fwhm, shape);
}

export function gaussianBroaden(energy: ArrayLike<number>, y: ArrayLike<number>, fwhm: number): Float64Array {
  return broaden(energy, y, fwhm, 'gaussian');
}

export function lorentzianBroaden(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  fwhm: number,
): Float64Array {
  return broaden(energy, y, fwhm, 'lorentzian');
}

/**
 * Voigt broadening: the convolution of a Lorentzian (FWHM `lorentzFwhm`, lifetime) with a Gaussian (FWHM
 * `gaussFwhm`, instrument). Computed as two successive convolutions (the Voigt profile *is* L ⊗ G, so this is
 * exact up to quadrature), Lorentzian first.
 */
export function voigtBroaden(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  lorentzFwhm: number,
  gaussFwhm: number,
): Float64Array {
  return broaden(energy, broaden(energy, y, lorentzFwhm, 'lorentzian'), gaussFwhm, 'gaussian');
}

/**
 * Energy-dependent broadening: each source point E′ is spread with its own width Γ(E′) (eV FWHM), as for a final
 * state of energy E′ whose lifetime sets Γ (the convention of FDMNES and of G. Bunău and Y. Joly, J. Phys.:
 * Condens. Matter 21, 345501 (2009)). The kernel tails are cut at ±`cut`·Γ (default 50, 0.64 % of the Lorentzian
 * area lost, renormalised away) for speed.
 */
export function broadenVariable(
  energy: ArrayLike<number>,
  y: ArrayLike<number>,
  width: (e: number) => number,
  shape: LineShape = 'lorentzian',
  cut = 50,
): Float64Array {
  checkSameLength(energy, y);
  checkIncreasing(energy);
  const n = energy.length;
  const w = trapezoidWeights(energy);
  const gam = new Float64Array(n);
  let maxG = 0;
  for (let j = 0; j < n; j++) {
    const g = width(energy[j]!);
    if (!(g >= 0 && Number.isFinite(g)))
      fail('invalid-argument', `width at ${energy[j]} eV is ${g}; must be finite and ≥ 0`, {
        field: 'width',
      });
    gam[j] = g;
    maxG = Math.max(maxG, g);
  }
  if (maxG === 0) return Float64Array.from(y);
  const reach = (shape === 'gaussian' ? 5 : cut) * maxG;
  const out = new Float64Array(n);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const e = energy[i]!;
    while (energy[lo]! < e - reach) lo++;
    while (hi < n && energy[hi]! <= e + reach) hi++;
    let num = 0;
    let den = 0;
    for (let j = lo; j < hi; j++) {
      const g = gam[j]!;
      // A zero width is a delta function: it contributes only at its own point.
      const k = g > 0 ? w[j]! * lineShape(shape, e - energy[j]!, g) : j === i ? 1e300 : 0;
      num += k * y[j]!;
      den += k;
    }
    out[i] = den > 0 ? num / den : y[i]!;
  }
  return out;
}

/**
 * Arctangent energy-dependent width (eV FWHM) used for XANES (G. Bunău and Y. Joly, J. Phys.: Condens. Matter 21,
 * 345501 (2009), Eq. 9; FDMNES manual "Convolution"): Γ(E) = Γ_hole + Γ_max·[1/2 + (1/π)·arctan((π/3)(Γ_max/E_larg)
 * (e − 1/e²))], e = (E − E_F)/E_cent, and Γ_hole alone below E_F. Defaults are FDMNES's: Γ_max = 15 eV, E_cent =
 * 30 eV, E_larg = 30 eV; Γ_hole is the core-hole width (e.g. `coreHoleWidth('Ni','K')` = 1.44 eV, Keski-Rahkonen
 * & Krause 1974) and E_F the Fermi level (absolute eV on the spectrum's axis).
 */
export function arctanWidth(opts: {
  gammaHole: number;
  eFermi: number;
  gammaMax?: number;
  eCent?: number;
  eLarg?: number;
}): (e: number) => number {
  const gm = opts.gammaMax ?? 15;
  const ec = opts.eCent ?? 30;
  const el = opts.eLarg ?? 30;
  return (e: number): number => {
    const x = (e - opts.eFermi) / ec;
    if (x <= 0) return opts.gammaHole;
    return opts.gammaHole + gm * (0.5 + Math.atan((Math.PI / 3) * (gm / el) * (x - 1 / (x * x))) / Math.PI);
  };
}

/**
 * Seah–Dench width (eV FWHM): the core-hole width plus the inelastic loss rate of the photoelectron,
 * Γ(E) = Γ_hole + ħ·v/λ(E) with v = √(2E_k/m_e) and the universal inelastic mean free path for elements
 * λ_m(E_k) = 538/E_k² + 0.41·√(a·E_k) monolayers, λ = a·λ_m nm, with a the monolayer thickness in nm
 * (M. P. Seah and W. A. Dench, Surf. Interface Anal. 1, 2 (1979), Eq. 5, elements). E_k = E − E_F (eV).
 * Below E_F only Γ_hole. Default a = 0.25 nm (typical oxide/metal monolayer).
 */
export function seahDenchWidth(opts: {
  gammaHole: number;
  eFermi: number;
  monolayerNm?: number;
}): (e: number) => number {
  const a = opts.monolayerNm ?? 0.25;
  const HBAR = 6.582119569e-16; // eV·s (CODATA 2018)
  const ME_C2 = 510998.95; // eV
  const C = 299792458; // m/s
  return (e: number): number => {
    const ek = e - opts.eFermi;
    if (ek <= 0) return opts.gammaHole;
    const lambdaNm = (538 / (ek * ek) + 0.41 * Math.sqrt(a * ek)) * a; // monolayers × nm per monolayer
    const v = C * Math.sqrt((2 * ek) / ME_C2); // non-relativistic, fine below ~10 keV
    return opts.gammaHole + (HBAR * v) / (lambdaNm * 1e-9);
  };
}
