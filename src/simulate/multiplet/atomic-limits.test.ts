import { describe, expect, it } from 'vitest';
import {
  buildHamiltonian,
  computeSticks,
  groundLevels,
  initialLevels,
  type MultipletModel,
} from './calculation.js';
import { crystalFieldD4h } from './hamiltonian.js';

/** LS terms of dⁿ by the Slater (M_L, M_S) counting method (Cowan 1981 §4-8), independent of the Hamiltonian. */
function termDegeneracies(n: number): number[] {
  const count = new Map<string, number>();
  const orbs: [number, number][] = [];
  for (let m = -2; m <= 2; m++) for (const s of [1, -1]) orbs.push([m, s]);
  const rec = (start: number, left: number, ml: number, ms: number) => {
    if (left === 0) {
      const k = `${ml},${ms}`;
      count.set(k, (count.get(k) ?? 0) + 1);
      return;
    }
    for (let i = start; i <= 10 - left; i++) rec(i + 1, left - 1, ml + orbs[i][0], ms + orbs[i][1]);
  };
  rec(0, n, 0, 0);
  const N = (l: number, s2: number) => count.get(`${l},${s2}`) ?? 0;
  const out: number[] = [];
  for (let L = 0; L <= 12; L++)
    for (let S2 = n % 2; S2 <= n; S2 += 2) {
      const t = N(L, S2) - N(L + 1, S2) - N(L, S2 + 2) + N(L + 1, S2 + 2);
      for (let k = 0; k < t; k++) out.push((2 * L + 1) * (S2 + 1));
    }
  return out.sort((a, b) => a - b);
}

function levelDegeneracies(e: Float64Array, tol = 1e-6): number[] {
  const out: number[] = [];
  let run = 1;
  for (let i = 1; i <= e.length; i++) {
    if (i < e.length && e[i] - e[i - 1] < tol) run++;
    else {
      out.push(run);
      run = 1;
    }
  }
  return out.sort((a, b) => a - b);
}

const free = (ion: string): MultipletModel => ({
  ion,
  crystalField: new Float64Array(25),
  overrides: { zeta3d: 0 },
  temperature: 0,
});

describe('atomic limits (no spin–orbit, no crystal field)', () => {
  it('the counting method gives the textbook terms of d² (¹S ³P ¹D ³F ¹G)', () => {
    expect(termDegeneracies(2)).toEqual([1, 5, 9, 9, 21]);
  });
  for (const [ion, n] of [
    ['Ni2+', 8],
    ['Ni3+', 7],
    ['Mn4+', 3],
    ['Mn2+', 5],
  ] as const) {
    it(`level degeneracies of ${ion} (d${n}) are the LS-term multiplicities`, () => {
      const lv = initialLevels(free(ion), 400);
      let terms = termDegeneracies(n);
      expect(lv.energies.length).toBe(terms.reduce((s, x) => s + x, 0));
      if (n === 3 || n === 7) {
        // ²P and ²H of d³ (and d⁷) have identical Slater–Condon energies, 3F₀ − 6F₂ − 12F₄
        // (Condon & Shortley, *Theory of Atomic Spectra* (1935), Table 2⁶): they form one 28-fold level.
        terms = [...terms.filter((x) => x !== 6 && x !== 22), 28].sort((a, b) => a - b);
      }
      expect(levelDegeneracies(lv.energies)).toEqual(terms);
    });
  }
  it('d² term energies of Ni²⁺ (two 3d holes) follow Condon–Shortley: ³F, ¹D, ³P, ¹G, ¹S', () => {
    // E(term) − E(³F) with F₂ = F²/49, F₄ = F⁴/441 (Condon & Shortley Table 1⁶; Slater 1960 vol. I)
    const F2 = (0.8 * 12.234) / 49;
    const F4 = (0.8 * 7.598) / 441;
    const base = -8 * F2 - 9 * F4;
    const expected = [
      [21, 0],
      [5, -3 * F2 + 36 * F4 - base],
      [9, 7 * F2 - 84 * F4 - base],
      [9, 4 * F2 + F4 - base],
      [1, 14 * F2 + 126 * F4 - base],
    ].sort((a, b) => a[1] - b[1]);
    const lv = initialLevels(free('Ni2+'), 45);
    let k = 0;
    for (const [deg, e] of expected) {
      for (let j = 0; j < deg; j++) expect(lv.energies[k + j] - lv.energies[0]).toBeCloseTo(e, 8);
      k += deg;
    }
  });
  it("Hund's rules: Mn²⁺ ⁶S, Ni²⁺ ³F, Co²⁺ ⁴F ground terms", () => {
    const mn = groundLevels(free('Mn2+'), 8);
    expect(mn.degeneracy).toBe(6); // ⁶S: (2L+1)(2S+1) = 1·6
    expect(mn.spin2[0]).toBeCloseTo(2.5 * 3.5, 6);
    const ni = groundLevels(free('Ni2+'), 22);
    expect(ni.degeneracy).toBe(21); // ³F: 7·3
    expect(ni.spin2[0]).toBeCloseTo(2, 6);
    const co = groundLevels(free('Co2+'), 30);
    expect(co.degeneracy).toBe(28); // ⁴F: 7·4
    expect(co.spin2[0]).toBeCloseTo(1.5 * 2.5, 6);
  });
});

describe('configuration averages (Slater 1960 vol. I eq. 14-27; Cowan 1981 eq. 6.38)', () => {
  it('2p⁵3d⁹ (Ni²⁺ final state): tr H / dim = −45(G¹/15 + 3G³/70) − 36·(2/63)(F² + F⁴) with F⁰ = 0', () => {
    // every p–d pair averages F⁰ − Σ_k (1 k 2; 0 0 0)² G^k / 2, every d–d pair F⁰ − (2/63)(F² + F⁴)
    const G1 = 3.1;
    const G3 = 1.7;
    const F2 = 9.0;
    const F4 = 5.5;
    const m: MultipletModel = {
      ion: 'Ni2+',
      crystalField: new Float64Array(25),
      overrides: { F2dd: F2, F4dd: F4, F2pd: 6.2, G1pd: G1, G3pd: G3, zeta2p: 0, zeta3d: 0 },
    };
    const { h } = buildHamiltonian(m, 1);
    let tr = 0;
    for (let i = 0; i < h.n; i++)
      for (let p = h.rowPtr[i]; p < h.rowPtr[i + 1]; p++) if (h.col[p] === i) tr += h.re[p];
    expect(h.n).toBe(60);
    expect(tr / h.n).toBeCloseTo(-45 * (G1 / 15 + (3 * G3) / 70) - 36 * (2 / 63) * (F2 + F4), 10);
  });
});

describe('dipole sum rules', () => {
  it('isotropic integrated intensity ∝ number of 3d holes (within 1 %)', () => {
    const perHole: number[] = [];
    for (const [ion, n] of [
      ['Ni2+', 8],
      ['Ni3+', 7],
      ['Co3+', 6],
      ['Mn4+', 3],
    ] as const) {
      const s = computeSticks({ ion, crystalField: crystalFieldD4h(1.5), temperature: 0, lanczosSteps: 60 });
      const total = s.weight.reduce((a, b) => a + b, 0);
      // the Gauss-quadrature / dense stick weights and the exact ⟨ψ|T†T|ψ⟩ agree
      expect(total).toBeCloseTo(s.intensityL3 + s.intensityL2, 8);
      perHole.push(total / (10 - n));
    }
    for (const x of perHole) expect(Math.abs(x / perHole[0] - 1)).toBeLessThan(0.01);
    // per hole: (1/3) Σ_q Σ_m |c¹(2 m, 1 m−q)|² … = 2/15 for our normalisation of C¹
    expect(perHole[0]).toBeCloseTo(2 / 15, 10);
  });
  it('with all Slater integrals and ζ3d = 0 the L3:L2 ratio is 2:1', () => {
    const s = computeSticks({
      ion: 'Ni3+',
      crystalField: new Float64Array(25),
      overrides: { F2dd: 0, F4dd: 0, F2pd: 0, G1pd: 0, G3pd: 0, zeta3d: 0 },
      temperature: 0,
    });
    const mid = (s.centroidL3 + s.centroidL2) / 2;
    let l3 = 0;
    let l2 = 0;
    for (let i = 0; i < s.energy.length; i++) {
      if (s.energy[i] < mid) l3 += s.weight[i];
      else l2 += s.weight[i];
    }
    expect(l3 / l2).toBeCloseTo(2, 8);
    // the two lines are 3/2·ζ2p apart
    expect(s.centroidL2 - s.centroidL3).toBeCloseTo(1.5 * 11.506, 8);
  });
});
