import { describe, expect, it } from 'vitest';
import { cdiv, cexp, clog, cmul, csqrt } from './complex.js';
import {
  legendreP,
  legendrePDerivative,
  sphericalBesselJ,
  sphericalBesselY,
  sphericalDerivatives,
  sphericalHankel1,
} from './special.js';

describe('complex helpers', () => {
  it('sqrt, exp/log and division round-trip', () => {
    const z = { re: -3, im: 4 };
    const s = csqrt(z);
    const back = cmul(s, s);
    expect(back.re).toBeCloseTo(-3, 12);
    expect(back.im).toBeCloseTo(4, 12);
    expect(s.re).toBeGreaterThanOrEqual(0);
    const e = cexp(clog(z));
    expect(e.re).toBeCloseTo(-3, 12);
    const q = cdiv(z, { re: 0, im: 2 });
    expect(q).toEqual({ re: 2, im: 1.5 });
  });
});

describe('spherical Bessel functions', () => {
  it('closed forms at real argument: j0 = sin x/x, y0 = −cos x/x, j1, y1', () => {
    const x = 1.7;
    const j = sphericalBesselJ(3, { re: x, im: 0 });
    const y = sphericalBesselY(3, { re: x, im: 0 });
    expect(j[0]!.re).toBeCloseTo(Math.sin(x) / x, 14);
    expect(y[0]!.re).toBeCloseTo(-Math.cos(x) / x, 14);
    expect(j[1]!.re).toBeCloseTo(Math.sin(x) / x ** 2 - Math.cos(x) / x, 13);
    expect(y[1]!.re).toBeCloseTo(-Math.cos(x) / x ** 2 - Math.sin(x) / x, 13);
  });
  it('Wronskian j_l n_l′ − j_l′ n_l = 1/z² at complex z, l ≤ 8, across series/recurrence branches', () => {
    for (const z of [
      { re: 0.3, im: 0.05 },
      { re: 2.5, im: 0.2 },
      { re: 9, im: -0.4 },
    ]) {
      const j = sphericalBesselJ(9, z);
      const n = sphericalBesselY(9, z);
      const dj = sphericalDerivatives(j, z);
      const dn = sphericalDerivatives(n, z);
      const inv = cdiv({ re: 1, im: 0 }, cmul(z, z));
      for (let l = 0; l <= 8; l++) {
        const w = cmul(j[l]!, dn[l]!);
        const w2 = cmul(dj[l]!, n[l]!);
        const scale = Math.hypot(inv.re, inv.im);
        expect(Math.abs(w.re - w2.re - inv.re) / scale).toBeLessThan(1e-9);
        expect(Math.abs(w.im - w2.im - inv.im) / scale).toBeLessThan(1e-9);
      }
    }
  });
  it('h_0^(+)(z) = −i e^{iz}/z', () => {
    const z = { re: 1.3, im: 0.4 };
    const h = sphericalHankel1(0, z)[0]!;
    const ref = cdiv(cmul({ re: 0, im: -1 }, cexp({ re: -z.im, im: z.re })), z);
    expect(h.re).toBeCloseTo(ref.re, 13);
    expect(h.im).toBeCloseTo(ref.im, 13);
  });
});

describe('Legendre polynomials', () => {
  it('P_2(0.5) = −0.125, P_3(0.5) = −0.4375, P_l(1) = 1, P_l′(1) = l(l+1)/2', () => {
    const p = legendreP(5, 0.5);
    expect(p[2]).toBeCloseTo(-0.125, 14);
    expect(p[3]).toBeCloseTo(-0.4375, 14);
    expect(legendreP(6, 1)[6]).toBeCloseTo(1, 14);
    expect(legendrePDerivative(4, 1)[4]).toBe(10);
    expect(legendrePDerivative(2, 0.3)[2]).toBeCloseTo(0.9, 12); // P_2′ = 3x
  });
});
