import { describe, expect, it } from 'vitest';
import { sphericalBesselJ, sphericalHankel1 } from '../../math/special.js';
import { singleScatteringK } from '../scattering/single-scattering.js';
import { gauntTable, realHarmonics } from './harmonics.js';
import {
  buildFmsSystem,
  chiFromBlock,
  hankelUp,
  prepareCluster,
  solveAbsorberBlock,
  tFromPhases,
} from './propagator.js';

describe('angular-momentum basis', () => {
  it('real harmonics are orthonormal and Y_00 = 1/√(4π); Gaunt C(00,L,L) = 1/√(4π)', () => {
    expect(realHarmonics(2, 0, 0, 1)[0]).toBeCloseTo(1 / Math.sqrt(4 * Math.PI), 14);
    // Y_10 at the north pole = √(3/4π)
    expect(realHarmonics(2, 0, 0, 1)[2]).toBeCloseTo(Math.sqrt(3 / (4 * Math.PI)), 14);
    const g = gauntTable(2);
    for (let L = 0; L < 9; L++) {
      const t = g[0 * 9 + L]!.find((x) => x.L3 === L)!;
      expect(t.c).toBeCloseTo(1 / Math.sqrt(4 * Math.PI), 12);
    }
  });
  it('h_l by upward recurrence matches j_l + i n_l at complex argument', () => {
    const z = { re: 3.7, im: 0.2 };
    const ref = sphericalHankel1(6, z);
    const h = hankelUp(6, z.re, z.im, new Float64Array(14));
    for (let l = 0; l <= 6; l++) {
      expect(h[2 * l]).toBeCloseTo(ref[l]!.re, 10);
      expect(h[2 * l + 1]).toBeCloseTo(ref[l]!.im, 10);
    }
  });
  it('two-centre expansion: h_{l′}Y_{L′} about site j equals Σ_L j_l Y_L g^{ij}_{LL′} near site i', () => {
    const p = { re: 1.3, im: 0.05 };
    const Rj: [number, number, number] = [0.4, -1.1, 2.3];
    const Ri: [number, number, number] = [0, 0, 0];
    const c = prepareCluster([Ri, Rj], [3, 3]);
    // t = 1 on every channel of site j, 0 on i: M = 1 − g t → −M[(i, L), (j, L′)] = g^{ij}_{LL′}
    const t = [new Float64Array(8), Float64Array.from([1, 0, 1, 0, 1, 0, 1, 0])];
    const { M } = buildFmsSystem(c, p, t);
    const n = c.size;
    const a: [number, number, number] = [0.21, 0.13, -0.17]; // point near site i
    const v = [a[0] - Rj[0], a[1] - Rj[1], a[2] - Rj[2]];
    const dv = Math.hypot(...v);
    const hv = sphericalHankel1(3, { re: p.re * dv, im: p.im * dv });
    const Yv = realHarmonics(3, v[0]! / dv, v[1]! / dv, v[2]! / dv);
    const da = Math.hypot(...a);
    const ja = sphericalBesselJ(12, { re: p.re * da, im: p.im * da });
    const Ya = realHarmonics(3, a[0] / da, a[1] / da, a[2] / da);
    for (const L2 of [0, 2, 5, 11]) {
      const l2 = Math.floor(Math.sqrt(L2));
      const lhs = { re: hv[l2]!.re * Yv[L2]!, im: hv[l2]!.im * Yv[L2]! };
      let sRe = 0;
      let sIm = 0;
      for (let L1 = 0; L1 < 16; L1++) {
        const l1 = Math.floor(Math.sqrt(L1));
        const idx = 2 * (c.offsets[0]! + L1 + (c.offsets[1]! + L2) * n);
        const gRe = -M[idx]!;
        const gIm = -M[idx + 1]!;
        sRe += Ya[L1]! * (ja[l1]!.re * gRe - ja[l1]!.im * gIm);
        sIm += Ya[L1]! * (ja[l1]!.re * gIm + ja[l1]!.im * gRe);
      }
      // truncation at l = 3 about site i: a small |a| keeps the neglected l ≥ 4 terms below ~1e-3
      expect(Math.abs(sRe - lhs.re)).toBeLessThan(3e-3 * Math.hypot(lhs.re, lhs.im) + 1e-4);
      expect(Math.abs(sIm - lhs.im)).toBeLessThan(3e-3 * Math.hypot(lhs.re, lhs.im) + 1e-4);
    }
  });
  it('weak scatterer: FMS χ equals the curved-wave single-scattering χ of part 1 (first order in t)', () => {
    const p = { re: 1.6, im: 0.04 };
    const R = 3.9; // bohr
    const dRe = Float64Array.from([0.002, 0.0015, 0.001, 0.0005]);
    const dIm = Float64Array.from([0.0001, 0.0001, 0.0001, 0.0001]);
    const dc = { re: 0.4, im: 0.02 };
    for (const dir of [
      [0, 0, 1],
      [0.6, 0, 0.8],
      [0.36, 0.48, 0.8],
    ] as const) {
      const c = prepareCluster(
        [
          [0, 0, 0],
          [R * dir[0], R * dir[1], R * dir[2]],
        ],
        [3, 3],
      );
      const t = [new Float64Array(8), tFromPhases(dRe, dIm, 3)];
      const { M, R: rhs } = buildFmsSystem(c, p, t);
      const B = solveAbsorberBlock(c, M, rhs, 'typescript');
      const chi = chiFromBlock(B, dc);
      const ss = singleScatteringK(
        p,
        R,
        dc,
        Array.from(dRe, (re, l) => ({ re, im: dIm[l]! })),
        p.re,
      );
      expect(Math.abs(chi - ss.chi)).toBeLessThan(1e-3 * Math.abs(ss.chi) + 1e-9);
      // polarization average = mean over x, y, z
      const px = chiFromBlock(B, dc, [1, 0, 0]);
      const py = chiFromBlock(B, dc, [0, 1, 0]);
      const pz = chiFromBlock(B, dc, [0, 0, 1]);
      expect((px + py + pz) / 3).toBeCloseTo(chi, 12);
    }
  });
});
