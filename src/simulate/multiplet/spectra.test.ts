import { describe, expect, it } from 'vitest';
import { ionSpectrum } from './ion.js';
import { aomCrystalField, aomHopping } from './structure-params.js';

/** Intensity-weighted L3 centroid on the absolute axis (first moment of the j = 3/2 channel). */
const l3Centroid = (ion: string) => {
  const s = ionSpectrum({ ion });
  return s.sticks.centroidL3 + s.offset;
};

describe('L2,3 spectra', () => {
  it('L3–L2 separation (j-resolved centroids): Mn 11 ± 1, Co 15 ± 1, Ni 17.3 ± 1 eV', () => {
    for (const [ion, sep] of [
      ['Mn2+', 11],
      ['Co2+', 15],
      ['Ni2+', 17.3],
    ] as const) {
      const s = ionSpectrum({ ion });
      const d = s.sticks.centroidL2 - s.sticks.centroidL3;
      expect(Math.abs(d - sep)).toBeLessThan(1);
      // the broadened spectrum has its L2 maximum above the L3 maximum by about the same amount
      expect(Math.abs(s.l2Peak - s.l3Peak - sep)).toBeLessThan(1.5);
    }
  });
  it('L3 centroid rises with valence: Mn²⁺ < Mn³⁺ < Mn⁴⁺, Ni²⁺ < Ni³⁺', () => {
    const mn = ['Mn2+', 'Mn3+', 'Mn4+'].map(l3Centroid);
    expect(mn[1]).toBeGreaterThan(mn[0] + 0.5);
    expect(mn[2]).toBeGreaterThan(mn[1] + 0.5);
    const ni = ['Ni2+', 'Ni3+'].map(l3Centroid);
    expect(ni[1]).toBeGreaterThan(ni[0] + 0.5);
  });
  it('L2 lines are broader than L3 lines (Coster–Kronig) and the output is non-negative', () => {
    const s = ionSpectrum({ ion: 'Ni2+', gaussianFwhm: 0 });
    const p = s.parameters as { gammaL3: number; gammaL2: number };
    expect(p.gammaL2).toBeGreaterThan(p.gammaL3);
    for (const y of s.intensity) expect(y).toBeGreaterThanOrEqual(0);
    // area ≈ Σ stick weights (Lorentzian tails outside the window aside)
    const h = s.energy[1] - s.energy[0];
    const area = s.intensity.reduce((a, b) => a + b, 0) * h;
    const sticks = s.sticks.weight.reduce((a, b) => a + b, 0);
    expect(area / sticks).toBeGreaterThan(0.95);
    expect(area / sticks).toBeLessThan(1.0001);
  });
  it('polarised spectra average to the isotropic one (Ni²⁺ Oh, x, y, z)', () => {
    const iso = ionSpectrum({ ion: 'Ni2+', ct: false, calibration: 'none' });
    const pol = (['x', 'y', 'z'] as const).map((d) =>
      ionSpectrum({
        ion: 'Ni2+',
        ct: false,
        calibration: 'none',
        grid: iso.energy,
        polarization: d === 'x' ? [1, 0, 0] : d === 'y' ? [0, 1, 0] : [0, 0, 1],
      }),
    );
    for (let i = 0; i < iso.energy.length; i += 7) {
      const avg = (pol[0].intensity[i] + pol[1].intensity[i] + pol[2].intensity[i]) / 3;
      expect(avg).toBeCloseTo(iso.intensity[i], 8);
    }
  });
});

describe('rotation invariance of the isotropic spectrum (complex crystal-field path)', () => {
  const rot = (d: readonly [number, number, number]): [number, number, number] => {
    // rotation by 0.7 rad about (1, 2, 3)/√14 (Rodrigues): the AOM matrix becomes complex in the m basis
    const k = [1, 2, 3].map((x) => x / Math.sqrt(14));
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    const kd = k[0] * d[0] + k[1] * d[1] + k[2] * d[2];
    const kx = [k[1] * d[2] - k[2] * d[1], k[2] * d[0] - k[0] * d[2], k[0] * d[1] - k[1] * d[0]];
    return [0, 1, 2].map((i) => d[i] * c + kx[i] * s + k[i] * kd * (1 - c)) as [number, number, number];
  };
  const octa: [number, number, number][] = [
    [2, 0, 0],
    [-2, 0, 0],
    [0, 2, 0],
    [0, -2, 0],
    [0, 0, 2],
    [0, 0, -2],
  ];
  for (const ct of [false, true]) {
    it(`Ni²⁺ ${ct ? 'with charge transfer' : 'ligand field'}: rotated octahedron = Oh`, () => {
      const lig = (v: [number, number, number][]) => v.map((x) => ({ vector: x, distance: 2 }));
      const ref = ionSpectrum({
        ion: 'Ni2+',
        crystalField: aomCrystalField(lig(octa), 1.1, 2),
        ct: ct ? { hopping: aomHopping(lig(octa), 2.1, 1.05, 2) } : false,
        calibration: 'none',
      });
      const r = ionSpectrum({
        ion: 'Ni2+',
        crystalField: aomCrystalField(lig(octa.map(rot)), 1.1, 2),
        ct: ct ? { hopping: aomHopping(lig(octa.map(rot)), 2.1, 1.05, 2) } : false,
        calibration: 'none',
        grid: ref.energy,
      });
      const mx = Math.max(...ref.intensity);
      for (let i = 0; i < ref.energy.length; i += 5)
        expect(Math.abs(r.intensity[i] - ref.intensity[i]) / mx).toBeLessThan(1e-6);
    });
  }
});
