import { describe, expect, it } from 'vitest';
import { ldaXc, relativisticExchangeCorrection, wignerSeitzRadius } from './xc.js';

const nOf = (rs: number) => 3 / (4 * Math.PI * rs ** 3);

describe('LDA exchange-correlation', () => {
  it('exchange alone: ε_x = −0.458165/r_s Ha', () => {
    expect(ldaXc(nOf(2), 'none').exc).toBeCloseTo(-0.458165 / 2, 6);
    expect(wignerSeitzRadius(nOf(3.3))).toBeCloseTo(3.3, 12);
  });
  for (const model of ['vwn', 'pz', 'hedin-lundqvist', 'von-barth-hedin'] as const) {
    it(`${model}: v_xc = d(n ε_xc)/dn (finite difference)`, () => {
      for (const rs of [0.1, 0.8, 2, 5]) {
        const n = nOf(rs);
        const d = n * 1e-5;
        const e = (m: number) => m * ldaXc(m, model).exc;
        expect(ldaXc(n, model).vxc).toBeCloseTo((e(n + d) - e(n - d)) / (2 * d), 6);
      }
    });
  }
  it('VWN and PZ correlation agree within 1.5 mHa (both fit Ceperley–Alder)', () => {
    for (const rs of [0.5, 1, 2, 4]) {
      const n = nOf(rs);
      expect(Math.abs(ldaXc(n, 'vwn').exc - ldaXc(n, 'pz').exc)).toBeLessThan(1.5e-3);
    }
  });
  it('VWN correlation at r_s = 1 is −0.0600 Ha (Ceperley–Alder)', () => {
    const n = nOf(1);
    expect(ldaXc(n, 'vwn').exc - ldaXc(n, 'none').exc).toBeCloseTo(-0.06, 3);
  });
  it('MacDonald–Vosko relativistic exchange: v = d(nε)/dn, → 0 for c → ∞, Φ ≈ 1 − (2/3)β² at small β', () => {
    const c = 137.0359895;
    for (const rs of [0.005, 0.02, 0.3, 2]) {
      const n = nOf(rs);
      const d = n * 1e-5;
      const e = (m: number) => m * (ldaXc(m, 'none').exc + relativisticExchangeCorrection(m, c).exc);
      const v = ldaXc(n, 'none').vxc + relativisticExchangeCorrection(n, c).vxc;
      expect(v).toBeCloseTo((e(n + d) - e(n - d)) / (2 * d), 6);
      expect(Math.abs(relativisticExchangeCorrection(n, 1e9).vxc)).toBeLessThan(1e-9);
    }
    // small-β limit at r_s = 2 (β = 0.007): ε_x^R/ε_x − 1 = −(2/3)β² + (2/5)β⁴ + O(β⁶)
    const n2 = nOf(2);
    const beta = (3 * Math.PI * Math.PI * n2) ** (1 / 3) / c;
    expect(relativisticExchangeCorrection(n2, c).exc / ldaXc(n2, 'none').exc).toBeCloseTo(
      -(2 / 3) * beta ** 2 + 0.4 * beta ** 4,
      13,
    );
  });
});
