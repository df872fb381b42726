/**
 * Hedin–Lundqvist plasmon-pole self-energy of the homogeneous electron gas, used locally (density ρ(r)) for the
 * photoelectron's optical potential.
 *
 * Hedin & Lundqvist, Solid State Phys. 23, 1 (1969) and J. Phys. C 4, 2064 (1971); Lundqvist's single-plasmon-pole
 * dielectric function Im ε⁻¹(q,ω) = −(π ω_p²/2ω_q) δ(ω − ω_q), ω_q² = ω_p² + v_F² q²/3 + q⁴/4 (Hartree a.u.,
 * ω_p² = 4πρ, v_F = k_F). In the GW approximation Σ = Σ_x + Σ_c with the bare exchange of the gas
 *   Σ_x(k) = −(k_F/π)[1 + (k_F² − k²)/(2k k_F) ln|(k + k_F)/(k − k_F)|]
 * and the plasmon (correlation) part
 *   Σ_c(k,E) = (1/π) ∫_0^∞ dq (ω_p²/2ω_q)(1/kq) [ ∫_{u>E_F} du/(E − ω_q − u + i0) + ∫_{u<E_F} du/(E + ω_q − u − i0) ],
 * u = |k − q|²/2 running over [(k−q)²/2, (k+q)²/2] (the angular integral done analytically).
 * Following Rehr & Albers RMP 72, 621 (2000), Sec. II.C (and Mustre de Leon et al. PRB 44, 4146 (1991)), Σ is
 * evaluated on shell, E = k²/2, at the local momentum k² = k_F(r)² + 2(E − μ), and the energy-dependent part of the
 * optical potential is Σ(k) − Σ(k_F) added to the ground-state V_tot (so that Σ(E = μ) reproduces the LDA).
 * The pole cannot be excited below its plasmon frequency, so within ≈ ω_p of the Fermi level the pole model leaves
 * the photoelectron undamped; there the imaginary part is the particle–hole damping of the RPA continuum
 * (`particleHoleDamping`, Quinn 1962): Im ΔΣ = min(Im Σ_pole, Im Σ_ph), the larger of the two losses, so that neither
 * is counted twice where both exist (above ≈ 40 eV the pole's, which carries the f-sum weight of the continuum too).
 * The real part stays the pole model's.
 * Fallback (`constantImaginary`): a real ground-state potential with a constant −iΓ/2.
 */
import { gaussLegendre } from '../../math/quadrature.js';
import type { Complex } from '../../math/complex.js';

const GL = gaussLegendre(8);

/** Bare exchange of the electron gas Σ_x(k) (Ha). */
export function exchangeSelfEnergy(k: number, kF: number): number {
  const x = k / kF;
  if (Math.abs(x - 1) < 1e-12) return -kF / Math.PI;
  return -(kF / Math.PI) * (1 + ((1 - x * x) / (2 * x)) * Math.log(Math.abs((1 + x) / (1 - x))));
}

/** Plasmon-pole correlation self-energy Σ_c(k, E) (Ha) for density parameter r_s (bohr). */
export function plasmonSelfEnergy(rs: number, k: number, E: number): Complex {
  const n = 3 / (4 * Math.PI * rs ** 3);
  const kF = (3 * Math.PI * Math.PI * n) ** (1 / 3);
  const EF = (kF * kF) / 2;
  const wp2 = 4 * Math.PI * n;
  const wq = (q: number) => Math.sqrt(wp2 + (kF * kF * q * q) / 3 + (q * q * q * q) / 4);
  // integrand pieces
  const re = (q: number): number => {
    const w = wq(q);
    const ulo = ((k - q) * (k - q)) / 2;
    const uhi = ((k + q) * (k + q)) / 2;
    let t = 0;
    // unoccupied final states u ∈ [max(ulo, EF), uhi]
    const a1 = Math.max(ulo, EF);
    if (uhi > a1) {
      const s = E - w;
      t += Math.log(Math.abs(s - a1) + 1e-300) - Math.log(Math.abs(s - uhi) + 1e-300);
    }
    // occupied u ∈ [ulo, min(uhi, EF)]
    const b2 = Math.min(uhi, EF);
    if (b2 > ulo) {
      const s = E + w;
      t += Math.log(Math.abs(s - ulo) + 1e-300) - Math.log(Math.abs(s - b2) + 1e-300);
    }
    return (wp2 / (2 * w)) * (t / (k * q));
  };
  // q-panels: fine near the scale k, k_F and the singular points, then geometric to q_max
  const qmax = 40 * (k + kF) + 20 * Math.sqrt(Math.abs(E) + wp2 ** 0.5);
  const edges: number[] = [0];
  const base = (k + kF) / 48;
  let q = base;
  while (q < qmax) {
    edges.push(q);
    q = q < 4 * (k + kF) ? q + base : q * 1.08;
  }
  edges.push(qmax);
  let sRe = 0;
  let sIm = 0;
  for (let p = 0; p + 1 < edges.length; p++) {
    const a = edges[p]!;
    const b = edges[p + 1]!;
    const hm = (b - a) / 2;
    const c = (a + b) / 2;
    for (let i = 0; i < GL.x.length; i++) {
      const qq = c + hm * GL.x[i]!;
      const wgt = hm * GL.w[i]!;
      sRe += wgt * re(qq);
      // imaginary part: −π per unit u-interval when E − ω_q falls among unoccupied u
      const w = wq(qq);
      const s = E - w;
      const ulo = Math.max(((k - qq) * (k - qq)) / 2, EF);
      const uhi = ((k + qq) * (k + qq)) / 2;
      if (s > ulo && s < uhi) sIm -= wgt * Math.PI * (wp2 / (2 * w)) * (1 / (k * qq));
    }
  }
  return { re: sRe / Math.PI, im: sIm / Math.PI };
}

/**
 * Lindhard (RPA, T = 0) dielectric function of the electron gas, Hartree atomic units (Lindhard, K. Dan. Vidensk.
 * Selsk. Mat. Fys. Medd. 28, 8 (1954); the closed forms as in Giuliani & Vignale, Quantum Theory of the Electron
 * Liquid (2005), Sec. 4.4). With z = q/2k_F, u = ω/(q k_F) and k_TF² = 4k_F/π:
 *   Re ε = 1 + (k_TF²/q²)·{1/2 + [g(z − u) + g(z + u)]/(8z)},  g(a) = (1 − a²) ln|(a + 1)/(a − 1)|;
 *   Im ε = 2ω/q³ for z + u < 1, (k_F² − (ω/q − q/2)²)/q³ for |z − u| < 1 < z + u, 0 otherwise (ω ≥ 0).
 */
export function lindhardDielectric(kF: number, q: number, w: number): Complex {
  const z = q / (2 * kF);
  const u = w / (q * kF);
  const g = (a: number) =>
    Math.abs(Math.abs(a) - 1) < 1e-14 ? 0 : (1 - a * a) * Math.log(Math.abs((a + 1) / (a - 1)));
  const re = 1 + ((4 * kF) / (Math.PI * q * q)) * (0.5 + (g(z - u) + g(z + u)) / (8 * z));
  let im = 0;
  if (z + u < 1) im = (2 * w) / q ** 3;
  else if (Math.abs(z - u) < 1) im = (kF * kF - (w / q - q / 2) ** 2) / q ** 3;
  return { re, im };
}

const GL_EH = gaussLegendre(8);

/**
 * Damping of a photoelectron by particle–hole excitations of the electron gas, Im Σ_ph (Ha, ≤ 0), at density
 * parameter r_s and energy E − μ above the Fermi level: the GW imaginary part with the RPA loss function restricted
 * to the particle–hole continuum (Quinn, Phys. Rev. 126, 1453 (1962); for E − μ ≪ E_F it reduces to the
 * Quinn–Ferrell (E − μ)² law, Phys. Rev. 112, 812 (1958)). On shell, E = k²/2, with ω the energy lost:
 *   Im Σ_ph(k) = −(1/πk) ∫ dq/q ∫ dω Im[−1/ε(q, ω)],  0 < ω < min(kq − q²/2, E − μ), (q, ω) in the continuum
 * (the angular integral done analytically, dω = kq d cos θ). The single-plasmon-pole model has no loss below its
 * plasmon frequency, so below the plasmon-emission threshold (≈ ω_p above E_F) it leaves the photoelectron undamped;
 * this term supplies the loss it misses. Quadrature: 24 q panels × 8 points, ω split at the continuum's inner
 * boundary ω = q k_F − q²/2, 8 points per piece (0.1 % of a 64 × 16 × 16-point reference over 0–100 eV at r_s 1.6).
 */
export function particleHoleDamping(rs: number, eMinusMu: number): number {
  if (!(eMinusMu > 0)) return 0;
  const kF = ((9 * Math.PI) / 4) ** (1 / 3) / rs;
  const k = Math.sqrt(kF * kF + 2 * eMinusMu);
  // beyond q = k_F + √(k_F² + 2(E − μ)) the continuum starts above the largest allowed loss
  const qmax = Math.min(2 * k, kF + Math.sqrt(kF * kF + 2 * eMinusMu));
  const nP = 24;
  let s = 0;
  for (let p = 0; p < nP; p++) {
    const a = (qmax * p) / nP;
    const b = (qmax * (p + 1)) / nP;
    for (let i = 0; i < GL_EH.x.length; i++) {
      const q = (a + b) / 2 + ((b - a) / 2) * GL_EH.x[i]!;
      const hi = Math.min(k * q - (q * q) / 2, eMinusMu, q * kF + (q * q) / 2);
      const lo = Math.max(0, (q * q) / 2 - q * kF);
      if (!(hi > lo)) continue;
      const wb = q * kF - (q * q) / 2;
      const cuts = wb > lo && wb < hi ? [lo, wb, hi] : [lo, hi];
      let inner = 0;
      for (let c = 0; c + 1 < cuts.length; c++) {
        const w0 = cuts[c]!;
        const w1 = cuts[c + 1]!;
        for (let j = 0; j < GL_EH.x.length; j++) {
          const w = (w0 + w1) / 2 + ((w1 - w0) / 2) * GL_EH.x[j]!;
          const e = lindhardDielectric(kF, q, w);
          inner += ((w1 - w0) / 2) * GL_EH.w[j]! * (e.im / (e.re * e.re + e.im * e.im));
        }
      }
      s += (((b - a) / 2) * GL_EH.w[i]! * inner) / q;
    }
  }
  return -s / (Math.PI * k);
}

/** Full on-shell HL self-energy Σ(k) = Σ_x(k) + Σ_c(k, k²/2) (Ha). */
export function hedinLundqvistOnShell(rs: number, k: number): Complex {
  const n = 3 / (4 * Math.PI * rs ** 3);
  const kF = (3 * Math.PI * Math.PI * n) ** (1 / 3);
  const c = plasmonSelfEnergy(rs, k, (k * k) / 2);
  return { re: exchangeSelfEnergy(k, kF) + c.re, im: c.im };
}

/**
 * Energy-dependent correction of the optical potential at density parameter r_s for a photoelectron at energy
 * E − μ (Ha) above the Fermi level: ΔΣ = Σ(k) − Σ(k_F), k² = k_F² + 2(E − μ). Below the Fermi level k = k_F.
 */
export function hedinLundqvistShift(rs: number, eMinusMu: number): Complex {
  const kF = ((9 * Math.PI) / 4) ** (1 / 3) / rs;
  const k = Math.sqrt(kF * kF + 2 * Math.max(eMinusMu, 0));
  const s = hedinLundqvistOnShell(rs, k);
  const s0 = hedinLundqvistOnShell(rs, kF * (1 + 1e-9));
  return { re: s.re - s0.re, im: s.im };
}

/**
 * Tabulated ΔΣ(r_s, E − μ) on a (ln r_s, ln(1 + (E − μ)/E_F)) mesh with bilinear interpolation: the local optical
 * potential needs Σ at every radial point and energy. Range r_s ∈ [0.01, 40] bohr, (E − μ)/E_F ∈ [0, 3000];
 * outside, the nearest edge is used (deep in the core |ΔΣ| ≪ |V|).
 */
export class HedinLundqvistTable {
  private readonly nr = 36;
  private readonly nu = 64;
  private readonly lrMin = Math.log(0.01);
  private readonly lrMax = Math.log(40);
  private readonly uMax = Math.log(1 + 3000);
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  /**
   * @param particleHole Im ΔΣ is the larger damping of the plasmon pole and the particle–hole continuum
   *   (`particleHoleDamping`), default true; false keeps the plasmon pole alone.
   */
  constructor(particleHole = true) {
    this.re = new Float64Array(this.nr * this.nu);
    this.im = new Float64Array(this.nr * this.nu);
    for (let i = 0; i < this.nr; i++) {
      const rs = Math.exp(this.lrMin + ((this.lrMax - this.lrMin) * i) / (this.nr - 1));
      const kF = ((9 * Math.PI) / 4) ** (1 / 3) / rs;
      const EF = (kF * kF) / 2;
      const s0 = hedinLundqvistOnShell(rs, kF * (1 + 1e-9));
      for (let j = 0; j < this.nu; j++) {
        const w = Math.expm1((this.uMax * j) / (this.nu - 1));
        const k = kF * Math.sqrt(1 + w);
        const s = j === 0 ? s0 : hedinLundqvistOnShell(rs, k);
        this.re[i * this.nu + j] = (s.re - s0.re) / EF;
        const ph = particleHole ? particleHoleDamping(rs, w * EF) : 0;
        this.im[i * this.nu + j] = Math.min(s.im, ph) / EF;
      }
    }
  }

  /**
   * ΔΣ on a whole radial array at once (densities n in electrons/bohr³, first `count` points): cheaper than
   * `shift` per point because the density-dependent part is cached per density array.
   */
  shiftArray(
    density: Float64Array,
    count: number,
    eMinusMu: number,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    let c = this.cache.get(density);
    if (!c || c.x.length < count) {
      const x = new Float64Array(count);
      const ef = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const n = density[i]!;
        if (!(n > 0)) {
          x[i] = Number.NaN;
          continue;
        }
        const rs = (3 / (4 * Math.PI * n)) ** (1 / 3);
        const kF = ((9 * Math.PI) / 4) ** (1 / 3) / rs;
        ef[i] = (kF * kF) / 2;
        const xi = ((Math.log(rs) - this.lrMin) / (this.lrMax - this.lrMin)) * (this.nr - 1);
        x[i] = Math.min(Math.max(xi, 0), this.nr - 1.000001);
      }
      c = { x, ef };
      this.cache.set(density, c);
    }
    const e = Math.max(eMinusMu, 0);
    const nu = this.nu;
    for (let k = 0; k < count; k++) {
      const xk = c.x[k]!;
      if (Number.isNaN(xk)) {
        outRe[k] = 0;
        outIm[k] = 0;
        continue;
      }
      const EF = c.ef[k]!;
      let y = (Math.log1p(e / EF) / this.uMax) * (nu - 1);
      y = Math.min(y, nu - 1.000001);
      const i = Math.floor(xk);
      const j = Math.floor(y);
      const fx = xk - i;
      const fy = y - j;
      const p00 = i * nu + j;
      const p10 = p00 + nu;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w10 = fx * (1 - fy);
      const w11 = fx * fy;
      outRe[k] =
        EF * (w00 * this.re[p00]! + w01 * this.re[p00 + 1]! + w10 * this.re[p10]! + w11 * this.re[p10 + 1]!);
      outIm[k] =
        EF * (w00 * this.im[p00]! + w01 * this.im[p00 + 1]! + w10 * this.im[p10]! + w11 * this.im[p10 + 1]!);
    }
  }

  private readonly cache = new WeakMap<Float64Array, { x: Float64Array; ef: Float64Array }>();

  /** ΔΣ = Σ(k) − Σ(k_F) (Ha) at density parameter r_s and energy E − μ (Ha). */
  shift(rs: number, eMinusMu: number): Complex {
    const kF = ((9 * Math.PI) / 4) ** (1 / 3) / rs;
    const EF = (kF * kF) / 2;
    let x = ((Math.log(rs) - this.lrMin) / (this.lrMax - this.lrMin)) * (this.nr - 1);
    x = Math.min(Math.max(x, 0), this.nr - 1.000001);
    let y = (Math.log1p(Math.max(eMinusMu, 0) / EF) / this.uMax) * (this.nu - 1);
    y = Math.min(Math.max(y, 0), this.nu - 1.000001);
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = x - i;
    const fy = y - j;
    const at = (a: Float64Array) =>
      (1 - fx) * ((1 - fy) * a[i * this.nu + j]! + fy * a[i * this.nu + j + 1]!) +
      fx * ((1 - fy) * a[(i + 1) * this.nu + j]! + fy * a[(i + 1) * this.nu + j + 1]!);
    const eF = EF;
    return { re: at(this.re) * eF, im: at(this.im) * eF };
  }
}

let table: HedinLundqvistTable | null = null;
/** The shared (lazily built, ≈ 2 s) HL table. */
export function hedinLundqvistTable(): HedinLundqvistTable {
  table ??= new HedinLundqvistTable();
  return table;
}

/**
 * Energy-dependent optical potential inside a muffin tin: V(r, E) = V_tot(r) + ΔΣ(r_s(r), E − μ)
 * (Rehr & Albers RMP 72, 621, Eq. 13 with the local-density HL Σ; ΔΣ = Σ(k) − Σ(k_F) keeps V(μ) = V_tot).
 * With `constantImaginary` (Ha, ≥ 0) the fallback V_tot − i·constantImaginary is returned instead.
 */
export function opticalPotential(
  vtot: Float64Array,
  density: Float64Array,
  eMinusMu: number,
  opts: { constantImaginary?: number; upTo?: number } = {},
): { vRe: Float64Array; vIm: Float64Array } {
  const n = Math.min(vtot.length, opts.upTo ?? vtot.length);
  const vRe = new Float64Array(vtot.length);
  const vIm = new Float64Array(vtot.length);
  if (opts.constantImaginary !== undefined) {
    vRe.set(vtot);
    vIm.fill(-opts.constantImaginary);
    return { vRe, vIm };
  }
  hedinLundqvistTable().shiftArray(density, n, eMinusMu, vRe, vIm);
  for (let i = 0; i < vtot.length; i++) vRe[i] = vtot[i]! + (i < n ? vRe[i]! : 0);
  return { vRe, vIm };
}
