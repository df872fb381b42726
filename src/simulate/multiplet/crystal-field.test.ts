import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../math/eigen.js';
import { groundLevels, initialLevels, type MultipletModel } from './calculation.js';
import { aomMatrix, crystalFieldD4h, realToComplex, sqrtPsd, traceless } from './hamiltonian.js';

const OCTAHEDRON: [number, number, number][] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];

describe('crystal-field matrices', () => {
  it('Oh in the m basis: ⟨±2|V|±2⟩ = Dq, ⟨±1|V|±1⟩ = −4Dq, ⟨0|V|0⟩ = 6Dq, ⟨2|V|−2⟩ = 5Dq', () => {
    const c = realToComplex(crystalFieldD4h(1));
    const dq = 0.1;
    expect(c.re[4 * 5 + 4]).toBeCloseTo(dq, 12);
    expect(c.re[0]).toBeCloseTo(dq, 12);
    expect(c.re[3 * 5 + 3]).toBeCloseTo(-4 * dq, 12);
    expect(c.re[2 * 5 + 2]).toBeCloseTo(6 * dq, 12);
    expect(c.re[4 * 5 + 0]).toBeCloseTo(5 * dq, 12);
    for (const x of c.im) expect(Math.abs(x)).toBeLessThan(1e-14);
  });
  it('AOM octahedron = Oh with 10Dq = 3e_σ − 4e_π', () => {
    const v = traceless(aomMatrix(OCTAHEDRON.map((d) => ({ direction: d, eSigma: 0.7, ePi: 0.15 }))));
    const ref = crystalFieldD4h(3 * 0.7 - 4 * 0.15);
    for (let i = 0; i < 25; i++) expect(v[i]).toBeCloseTo(ref[i], 12);
  });
  it('AOM is rotation invariant in its eigenvalues and a square pyramid lowers z²', () => {
    const rot = (d: [number, number, number]): [number, number, number] => {
      // rotation by 30° about (1,1,1)/√3 (Rodrigues)
      const k = [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
      const c = Math.cos(Math.PI / 6);
      const s = Math.sin(Math.PI / 6);
      const kd = k[0] * d[0] + k[1] * d[1] + k[2] * d[2];
      const kx = [k[1] * d[2] - k[2] * d[1], k[2] * d[0] - k[0] * d[2], k[0] * d[1] - k[1] * d[0]];
      return [0, 1, 2].map((i) => d[i] * c + kx[i] * s + k[i] * kd * (1 - c)) as [number, number, number];
    };
    const a = traceless(aomMatrix(OCTAHEDRON.map((d) => ({ direction: rot(d), eSigma: 0.7, ePi: 0.15 }))));
    const ev = symmetricEigen(a, 5).values;
    const e0 = [-0.4, -0.4, -0.4, 0.6, 0.6].map((x) => x * (3 * 0.7 - 4 * 0.15));
    for (let i = 0; i < 5; i++) expect(ev[i]).toBeCloseTo(e0[i], 12);
    const pyr = aomMatrix(OCTAHEDRON.slice(0, 5).map((d) => ({ direction: d, eSigma: 0.7, ePi: 0.15 })));
    // z²: σ overlaps 1 (axial) and (−½)² (each of 4 equatorial): octahedron 3e_σ, pyramid 2e_σ
    expect(pyr[0]).toBeCloseTo(2 * 0.7, 12);
    // x²−y²: 4·(√3/2)² e_σ, unchanged; xz: π overlap 1 with ±x, ±z → 3e_π in the pyramid
    expect(pyr[18]).toBeCloseTo(3 * 0.7, 12);
    expect(pyr[6]).toBeCloseTo(0.15 * 3, 12);
  });
  it('matrix square root of a PSD matrix squares back', () => {
    const m = aomMatrix(OCTAHEDRON.slice(0, 5).map((d) => ({ direction: d, eSigma: 1.3, ePi: 0.4 })));
    const r = sqrtPsd(m);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 5; k++) s += r[i * 5 + k] * r[k * 5 + j];
        expect(s).toBeCloseTo(m[i * 5 + j], 10);
      }
  });
});

const oh = (ion: string, tenDq: number, extra: Partial<MultipletModel> = {}): MultipletModel => ({
  ion,
  crystalField: crystalFieldD4h(tenDq),
  temperature: 0,
  ...extra,
});

describe('crystal-field physics', () => {
  it('Ni²⁺ Oh ground state is ³A2g (threefold, S = 1) and ³T2g lies exactly 10Dq above', () => {
    const g = groundLevels(oh('Ni2+', 1.3, { overrides: { zeta3d: 0 } }), 6);
    expect(g.degeneracy).toBe(3);
    expect(g.spin2[0]).toBeCloseTo(2, 8);
    // d⁸ in Oh: E(³T2g) − E(³A2g) = 10Dq exactly (Tanabe & Sugano, J. Phys. Soc. Jpn. 9, 753 (1954))
    expect(g.energies[3] - g.energies[0]).toBeCloseTo(1.3, 8);
  });
  it('d⁶ (Co³⁺) is high spin at 10Dq = 1.5 eV and low spin at 2.5 eV (default parameters)', () => {
    const hs = groundLevels(oh('Co3+', 1.5), 1);
    const ls = groundLevels(oh('Co3+', 2.5), 1);
    expect(hs.spin2[0]).toBeGreaterThan(5); // S = 2 → 6 (reduced slightly by spin–orbit mixing)
    expect(ls.spin2[0]).toBeLessThan(0.2); // S = 0
  });
  it('Mn²⁺ Oh stays high spin (S = 5/2) at 10Dq = 1.5 eV', () => {
    const g = groundLevels(oh('Mn2+', 1.5), 1);
    expect(g.spin2[0]).toBeGreaterThan(8.5);
  });
  it('the crystal field splits the Ni²⁺ ³F free-ion ground term', () => {
    const free = initialLevels(oh('Ni2+', 0, { overrides: { zeta3d: 0 } }), 21).energies;
    const cf = initialLevels(oh('Ni2+', 1.3, { overrides: { zeta3d: 0 } }), 21).energies;
    expect(free[20] - free[0]).toBeLessThan(1e-8);
    expect(cf[20] - cf[0]).toBeGreaterThan(1);
  });
});
