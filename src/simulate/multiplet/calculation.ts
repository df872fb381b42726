/**
 * The ion-level L2,3 calculation: Hamiltonians of the initial (2p⁶3dⁿ …) and final (2p⁵3dⁿ⁺¹ …) configurations,
 * Boltzmann-weighted initial states, and the dipole 2p → 3d stick spectrum
 *   I(ω) = Σ_i w_i Σ_f |⟨f|T|i⟩|² δ(ω − E_f + E_i)          (de Groot & Kotani 2008 eq. 4.1; Cowan 1981 eq. 14.x)
 * from dense diagonalisation (small spaces) or the Lanczos tridiagonal of T|i⟩ (large spaces; its eigenvalues and
 * first-component weights are the Gauss-quadrature poles of the continued fraction, Dagotto 1994 eq. 2.9).
 *
 * Charge transfer (Anderson-impurity / cluster model; Haverkort et al. 2012 eqs. 9–14; de Groot & Kotani §6.2):
 * configurations 3dⁿ⁺ᵐ L̲ᵐ, m = 0…maxLigandHoles. With ε_d = 0 the ligand level is chosen so that the
 * configuration averages obey E(3dⁿ⁺¹L̲) − E(3dⁿ) = Δ, and in the final state
 * E(2p⁵3dⁿ⁺²L̲) − E(2p⁵3dⁿ⁺¹) = Δ + Udd − Upd:
 *   initial ε_L = n·Udd − Δ (no 2p–3d terms in H_i, closed 2p⁶ only adds a constant per d electron, 6·Upd),
 *   final   ε_L = n·Udd + 6·Upd − Δ (H_f contains the 2p⁵–3d interaction, 5·Upd per d electron on average).
 */
import { hermitianEigen, tridiagonalGauss } from '../../math/eigen.js';
import { csrOperator, lanczosLowest, lanczosTridiagonal } from '../../math/lanczos.js';
import { type ComplexCsr, csrMatVec, csrToDense } from '../../math/sparse.js';
import { DEFAULT_SLATER_SCALE, ION_TABLE, type IonData } from './atomic-data.js';
import {
  type RadialKind,
  addCrystalField,
  addHybridisation,
  addShellEnergy,
  addSpinOrbit,
  coulombOperator,
  dipoleOperator,
  dipolePolarized,
  f0dd,
  f0pd,
} from './hamiltonian.js';
import {
  type Basis,
  type OneBody,
  applyRect,
  csrCombine,
  makeBasis,
  oneBodyMatrix,
  twoBodyMatrix,
  zeroOneBody,
} from './manybody.js';

/** Boltzmann constant (eV/K), CODATA 2018. */
export const K_B_EV = 8.617333262e-5;

export interface ChargeTransfer {
  /** Charge-transfer energy Δ (eV); may be negative. */
  readonly delta: number;
  readonly udd: number;
  readonly upd: number;
  /** Hybridisation d ↔ L as a real 5×5 matrix in the real-orbital basis (z², xz, yz, x²−y², xy), eV. */
  readonly hopping: Float64Array;
  /** Highest number of ligand holes (1 or 2). */
  readonly maxLigandHoles: number;
}

export interface MultipletModel {
  /** 'Ni2+', 'Co3+', … (see ION_TABLE). */
  readonly ion: string;
  /** Scale of the Hartree–Fock Slater integrals (default 0.8). */
  readonly slaterScale?: number;
  /** Override individual (already scaled) radial parameters / spin–orbit constants, for tests and studies. */
  readonly overrides?: Partial<
    Record<'F2dd' | 'F4dd' | 'F2pd' | 'G1pd' | 'G3pd' | 'zeta3d' | 'zeta2p', number>
  >;
  /** Crystal field, real 5×5 (real-orbital basis), eV. */
  readonly crystalField: Float64Array;
  readonly chargeTransfer?: ChargeTransfer;
  /** Temperature (K) for the Boltzmann-weighted initial states; 0 = ground level only. Default 300. */
  readonly temperature?: number;
  /** 'isotropic' (default) or a linear polarisation vector in the crystal-field frame. */
  readonly polarization?: 'isotropic' | readonly [number, number, number];
  /** Lanczos steps for large final spaces (default 80: broadened spectra then agree with 250 steps to ~1e-3). */
  readonly lanczosSteps?: number;
}

export interface Sticks {
  /** Transition energies E_f − E_i (eV, relative scale of the model). */
  readonly energy: Float64Array;
  readonly weight: Float64Array;
  /** Intensity-weighted mean transition energy of the j = 3/2 and j = 1/2 core-hole channels. */
  readonly centroidL3: number;
  readonly centroidL2: number;
  /** Integrated L3 and L2 channel intensities (Σ ‖T_{j} ψ‖²). */
  readonly intensityL3: number;
  readonly intensityL2: number;
  /** Initial-state energies and weights actually used. */
  readonly initialEnergies: Float64Array;
  readonly initialWeights: Float64Array;
  readonly dims: { readonly initial: number; readonly final: number };
  readonly solver: 'dense' | 'lanczos';
}

/** Dense diagonalisation below these dimensions, Lanczos above (initial states: only the lowest few are needed). */
const DENSE_MAX = 400;
const DENSE_MAX_INITIAL = 120;
const DENSE_MAX_FINAL = 160;

interface RadialSet {
  F2dd: number;
  F4dd: number;
  F2pd: number;
  G1pd: number;
  G3pd: number;
  zeta3d: number;
  zeta2p: number;
}

function radial(data: IonData, which: 'initial' | 'final', model: MultipletModel): RadialSet {
  const s = model.slaterScale ?? DEFAULT_SLATER_SCALE;
  const src = which === 'initial' ? data.initial : data.final;
  const fin = data.final;
  const o = model.overrides ?? {};
  return {
    F2dd: o.F2dd ?? s * src.F2dd,
    F4dd: o.F4dd ?? s * src.F4dd,
    F2pd: o.F2pd ?? s * fin.F2pd,
    G1pd: o.G1pd ?? s * fin.G1pd,
    G3pd: o.G3pd ?? s * fin.G3pd,
    zeta3d: o.zeta3d ?? src.zeta3d,
    zeta2p: o.zeta2p ?? fin.zeta2p,
  };
}

/** Unit Coulomb matrices per basis, cached (they depend only on the basis). */
const coulombCache = new Map<string, ComplexCsr>();
function coulombUnit(kind: RadialKind, basis: Basis): ComplexCsr {
  const key = `${kind}|${basis.key}`;
  let m = coulombCache.get(key);
  if (!m) {
    m = twoBodyMatrix(coulombOperator(kind), basis);
    coulombCache.set(key, m);
  }
  return m;
}

export function ionData(ion: string): IonData {
  const d = ION_TABLE[ion];
  if (!d)
    throw new RangeError(`no atomic data for ion '${ion}' (known: ${Object.keys(ION_TABLE).join(', ')})`);
  return d;
}

/** Build the many-body Hamiltonian of the initial (coreHole = 0) or final (1) state. */
export function buildHamiltonian(model: MultipletModel, coreHole: 0 | 1): { basis: Basis; h: ComplexCsr } {
  const data = ionData(model.ion);
  const ct = model.chargeTransfer;
  const mlh = ct ? ct.maxLigandHoles : 0;
  const basis = makeBasis(data.nd + coreHole, coreHole, mlh);
  const r = radial(data, coreHole ? 'final' : 'initial', model);
  const terms: { coef: number; m: ComplexCsr }[] = [];
  terms.push({ coef: r.F2dd, m: coulombUnit('F2dd', basis) });
  terms.push({ coef: r.F4dd, m: coulombUnit('F4dd', basis) });
  if (ct) terms.push({ coef: f0dd(ct.udd, r.F2dd, r.F4dd), m: coulombUnit('F0dd', basis) });
  if (coreHole) {
    terms.push({ coef: r.F2pd, m: coulombUnit('F2pd', basis) });
    terms.push({ coef: r.G1pd, m: coulombUnit('G1pd', basis) });
    terms.push({ coef: r.G3pd, m: coulombUnit('G3pd', basis) });
    if (ct) terms.push({ coef: f0pd(ct.upd, r.G1pd, r.G3pd), m: coulombUnit('F0pd', basis) });
  }
  const one = zeroOneBody();
  addSpinOrbit(one, 2, r.zeta3d);
  if (coreHole) addSpinOrbit(one, 1, r.zeta2p);
  addCrystalField(one, model.crystalField);
  if (ct) {
    const n = data.nd;
    const epsL = coreHole ? n * ct.udd + 6 * ct.upd - ct.delta : n * ct.udd - ct.delta;
    addShellEnergy(one, 'L', epsL);
    addHybridisation(one, ct.hopping);
  }
  terms.push({ coef: 1, m: oneBodyMatrix(one, basis, basis) });
  return { basis, h: csrCombine(terms) };
}

interface InitialStates {
  energies: Float64Array;
  weights: Float64Array;
  re: Float64Array[];
  im: Float64Array[];
}

function initialStates(h: ComplexCsr, temperature: number): InitialStates {
  const n = h.n;
  const kT = K_B_EV * temperature;
  // keep states with Boltzmann factor ≥ 1e-3 (window kT·ln 1000), degenerate partners always
  const window = temperature > 0 ? kT * Math.log(1000) : 1e-6;
  let E: number[] = [];
  let R: Float64Array[] = [];
  let I: Float64Array[] = [];
  if (n <= DENSE_MAX_INITIAL) {
    const d = csrToDense(h);
    const eig = hermitianEigen(d.re, d.im, n);
    const e0 = eig.values[0];
    for (let k = 0; k < n && eig.values[k] <= e0 + window + 1e-6; k++) {
      E.push(eig.values[k]);
      const vr = new Float64Array(n);
      const vi = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        vr[i] = eig.vecRe[i * n + k];
        vi[i] = eig.vecIm[i * n + k];
      }
      R.push(vr);
      I.push(vi);
    }
  } else {
    const low = lanczosLowest(csrOperator(h), n, { window, maxPairs: 48, tol: 1e-5 });
    E = Array.from(low.values);
    R = low.re;
    I = low.im;
  }
  const e0 = E[0];
  const w = E.map((e) => (temperature > 0 ? Math.exp(-(e - e0) / kT) : 1));
  const z = w.reduce((s, x) => s + x, 0);
  return {
    energies: Float64Array.from(E),
    weights: Float64Array.from(w.map((x) => x / z)),
    re: R,
    im: I,
  };
}

function dot(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): number {
  let s = 0;
  for (let i = 0; i < ar.length; i++) s += ar[i] * br[i] + ai[i] * bi[i];
  return s;
}

/** Transition operators with their weights in the spectrum (isotropic: the three Cartesian components, ⅓ each). */
function transitionOperators(model: MultipletModel, coreJ?: 0.5 | 1.5): { op: OneBody; w: number }[] {
  const pol = model.polarization ?? 'isotropic';
  if (pol === 'isotropic')
    return ([-1, 0, 1] as const).map((q) => ({ op: dipoleOperator(q, coreJ), w: 1 / 3 }));
  return [{ op: dipolePolarized(pol, coreJ), w: 1 }];
}

/** Compute the stick spectrum of a model. */
export function computeSticks(model: MultipletModel): Sticks {
  const temperature = model.temperature ?? 300;
  const ini = buildHamiltonian(model, 0);
  const fin = buildHamiltonian(model, 1);
  const states = initialStates(ini.h, temperature);
  const nf = fin.basis.dets.length;
  const ops = transitionOperators(model).map((t) => ({
    m: oneBodyMatrix(t.op, ini.basis, fin.basis),
    w: t.w,
  }));
  const opsJ = ([1.5, 0.5] as const).map((j) =>
    transitionOperators(model, j).map((t) => ({ m: oneBodyMatrix(t.op, ini.basis, fin.basis), w: t.w })),
  );
  const energies: number[] = [];
  const weights: number[] = [];
  const solver = nf <= DENSE_MAX_FINAL ? 'dense' : 'lanczos';
  let dense: ReturnType<typeof hermitianEigen> | null = null;
  if (solver === 'dense') {
    const d = csrToDense(fin.h);
    dense = hermitianEigen(d.re, d.im, nf);
  }
  const op = csrOperator(fin.h);
  const hr = new Float64Array(nf);
  const hi = new Float64Array(nf);
  const cent = [0, 0];
  const inten = [0, 0];
  for (let s = 0; s < states.energies.length; s++) {
    const ws = states.weights[s];
    const ei = states.energies[s];
    const psiR = states.re[s];
    const psiI = states.im[s];
    for (const t of ops) {
      const phi = applyRect(t.m, psiR, psiI);
      if (dense) {
        for (let k = 0; k < nf; k++) {
          let ar = 0;
          let ai = 0;
          for (let i = 0; i < nf; i++) {
            const vr = dense.vecRe[i * nf + k];
            const vi = dense.vecIm[i * nf + k];
            // conj(v)·phi
            ar += vr * phi.re[i] + vi * phi.im[i];
            ai += vr * phi.im[i] - vi * phi.re[i];
          }
          const x = (ar * ar + ai * ai) * ws * t.w;
          if (x > 1e-12) {
            energies.push(dense.values[k] - ei);
            weights.push(x);
          }
        }
      } else {
        const steps = model.lanczosSteps ?? 80;
        const c = lanczosTridiagonal(op, phi.re, phi.im, steps);
        if (c.a.length === 0) continue;
        const g = tridiagonalGauss(c.a, c.b);
        for (let p = 0; p < g.values.length; p++) {
          const x = c.norm2 * g.weights[p] * ws * t.w;
          if (x > 1e-12) {
            energies.push(g.values[p] - ei);
            weights.push(x);
          }
        }
      }
    }
    // j-resolved first moments ⟨φ_j|H_f|φ_j⟩ (one matrix–vector product each)
    for (let j = 0; j < 2; j++) {
      for (const t of opsJ[j]) {
        const phi = applyRect(t.m, psiR, psiI);
        const nn = dot(phi.re, phi.im, phi.re, phi.im);
        if (nn === 0) continue;
        csrMatVec(fin.h, phi.re, phi.im, hr, hi);
        const e = dot(phi.re, phi.im, hr, hi);
        cent[j] += ws * t.w * (e - ei * nn);
        inten[j] += ws * t.w * nn;
      }
    }
  }
  return {
    energy: Float64Array.from(energies),
    weight: Float64Array.from(weights),
    centroidL3: cent[0] / inten[0],
    centroidL2: cent[1] / inten[1],
    intensityL3: inten[0],
    intensityL2: inten[1],
    initialEnergies: states.energies,
    initialWeights: states.weights,
    dims: { initial: ini.basis.dets.length, final: nf },
    solver,
  };
}

/** Spin expectation ⟨S²⟩ of a determinant-basis state (for high-/low-spin tests): S² = S_z² + S_z + S₋S₊. */
export function initialLevels(model: MultipletModel, count = 400): { energies: Float64Array; basis: Basis } {
  const ini = buildHamiltonian(model, 0);
  const n = ini.h.n;
  if (n > DENSE_MAX * 2) {
    const low = lanczosLowest(csrOperator(ini.h), n, { maxPairs: Math.min(count, 48), window: 1e9 });
    return { energies: low.values, basis: ini.basis };
  }
  const d = csrToDense(ini.h);
  const eig = hermitianEigen(d.re, d.im, n, false);
  return { energies: eig.values.slice(0, count), basis: ini.basis };
}

/**
 * Lowest levels of the initial-state Hamiltonian with ⟨S²⟩ of each (S² = S₋S₊ + S_z + S_z²; the total spin of
 * every shell, core, 3d and ligand). Used to classify high-/low-spin ground states.
 */
export function groundLevels(
  model: MultipletModel,
  count = 1,
): { energies: Float64Array; spin2: Float64Array; degeneracy: number } {
  const ini = buildHamiltonian(model, 0);
  const n = ini.h.n;
  let E: number[];
  let R: Float64Array[];
  let I: Float64Array[];
  if (n <= DENSE_MAX) {
    const d = csrToDense(ini.h);
    const eig = hermitianEigen(d.re, d.im, n);
    E = [];
    R = [];
    I = [];
    for (let k = 0; k < Math.min(count, n); k++) {
      E.push(eig.values[k]);
      const vr = new Float64Array(n);
      const vi = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        vr[i] = eig.vecRe[i * n + k];
        vi[i] = eig.vecIm[i * n + k];
      }
      R.push(vr);
      I.push(vi);
    }
  } else {
    const low = lanczosLowest(csrOperator(ini.h), n, { maxPairs: count, window: 1e9, tol: 1e-6 });
    E = Array.from(low.values);
    R = low.re;
    I = low.im;
  }
  const sPlus = zeroOneBody();
  for (let o = 0; o < 13; o++) sPlus.re[2 * o * 26 + 2 * o + 1] = 1; // a†_{o↑} a_{o↓}
  const sp = oneBodyMatrix(sPlus, ini.basis, ini.basis);
  const sz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = ini.basis.dets[i];
    let up = 0;
    let dn = 0;
    for (let b = 0; b < 26; b++) if (s & (1 << b)) b & 1 ? dn++ : up++;
    sz[i] = (up - dn) / 2;
  }
  const spin2 = E.map((_, k) => {
    const phi = applyRect(sp, R[k], I[k]);
    let v = dot(phi.re, phi.im, phi.re, phi.im);
    for (let i = 0; i < n; i++) {
      const p = R[k][i] ** 2 + I[k][i] ** 2;
      v += p * (sz[i] * sz[i] + sz[i]);
    }
    return v;
  });
  let degeneracy = 1;
  while (degeneracy < E.length && E[degeneracy] - E[0] < 1e-5) degeneracy++;
  return { energies: Float64Array.from(E), spin2: Float64Array.from(spin2), degeneracy };
}
