import { describe, expect, it } from 'vitest';
import { finalStateRuleConfiguration, groundStateConfiguration } from './atom.js';
import { freeAtomOnGrid } from './free-atom.js';
import { feffGrid } from '../../math/radial-grid.js';

describe('free atoms on the potential grid', () => {
  it('solves the Li 1s-hole (final-state-rule) configuration: 1s¹2s², bound and deeper than the ground state', () => {
    const lda = { exchange: 'lda' } as const;
    const gs = freeAtomOnGrid(1, 3, groundStateConfiguration(3), feffGrid(251), lda);
    const fsr = freeAtomOnGrid(
      0,
      3,
      finalStateRuleConfiguration(groundStateConfiguration(3), '1s'),
      feffGrid(251),
      lda,
    );
    const e1s = (a: typeof gs) => a.atom.orbitals.find((o) => o.n === 1 && o.l === 0)!.energy;
    // the core hole is less screened: the 1s level drops (ground-state LDA −1.8787 Ha; 1s¹2s² −2.7340 Ha)
    expect(e1s(gs)).toBeCloseTo(-1.8786, 3);
    expect(e1s(fsr)).toBeCloseTo(-2.734, 2);
    // neutral: the density integrates to 3 electrons in both
    for (const a of [gs, fsr]) {
      let q = 0;
      const r = a.atom.grid.r;
      for (let i = 1; i < r.length; i++)
        q +=
          0.5 *
          (a.atom.density[i]! * r[i]! ** 2 + a.atom.density[i - 1]! * r[i - 1]! ** 2) *
          4 *
          Math.PI *
          (r[i]! - r[i - 1]!);
      expect(q).toBeCloseTo(3, 2);
    }
  });
  it('default (exact-exchange KLI) Li: 2s at the Hartree–Fock −0.1963 Ha (Koopmans), the 1s-hole atom bound and deeper', () => {
    const gs = freeAtomOnGrid(1, 3, groundStateConfiguration(3), feffGrid(251));
    const fsr = freeAtomOnGrid(
      0,
      3,
      finalStateRuleConfiguration(groundStateConfiguration(3), '1s'),
      feffGrid(251),
    );
    const e = (a: typeof gs, n: number) => a.atom.orbitals.find((o) => o.n === n && o.l === 0)!.energy;
    // HF Li 2s −0.19632 Ha (Clementi & Roetti 1974); KLI's highest level is within 1 mHa of it
    expect(e(gs, 2)).toBeCloseTo(-0.1963, 3);
    expect(e(fsr, 1)).toBeLessThan(e(gs, 1) - 0.5);
    expect(e(fsr, 2)).toBeLessThan(e(gs, 2));
  });
});
