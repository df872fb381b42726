import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { BOHR_ANGSTROM } from '../../core/units.js';
import {
  parseFeffInpCluster,
  parseFeffLog1,
  parseFeffPhaseFile,
  parseFeffPotFile,
} from '../../io/feff-internals/index.js';
import { feffGrid, logGridSpan } from '../../math/radial-grid.js';
import { buildMuffinTin, chargeRadius, interstitialAverages, sphericalAverage } from './muffin-tin.js';
import { ldaXc } from './xc.js';

describe('Mattheiss spherical average', () => {
  it('reproduces the closed form for f(t) = e^{−t}', () => {
    const g = logGridSpan(1e-4, 60, 0.02);
    const f = g.r.map((t) => Math.exp(-t));
    const d = 3.2;
    const avg = sphericalAverage(g, f, d);
    const F = (t: number) => -(t + 1) * Math.exp(-t); // ∫ t e^{−t} dt
    for (const i of [10, 200, 400, 500, 600]) {
      const r = g.r[i]!;
      const exact = (F(d + r) - F(Math.abs(d - r))) / (2 * r * d);
      expect(avg[i]! / exact).toBeCloseTo(1, 4);
    }
  });
  it('charge radius of a uniform sphere of density n: (3Q/4πn)^{1/3}', () => {
    const g = logGridSpan(1e-4, 20, 0.01);
    const n = g.r.map(() => 0.01);
    expect(chargeRadius(g, n, 2)).toBeCloseTo(((3 * 2) / (4 * Math.PI * 0.01)) ** (1 / 3), 3);
  });
});

const cases = [
  { name: 'NiO_NiK', npot: 3 },
  { name: 'LiCoO2_CoK', npot: 4 },
] as const;

describe.skipIf(!hasShared())('muffin-tin construction vs FEFF10 (non-SCF golden runs)', () => {
  for (const c of cases) {
    const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
    const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
    const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
    const atoms = inp.atoms.map((a) => ({
      position: [a.x, a.y, a.z] as [number, number, number],
      ipot: a.ipot,
    }));
    const g = feffGrid(251);

    it(`${c.name}: overlap of FEFF's own free atoms reproduces FEFF's overlapped density (0.2 %) and Norman radii (0.2 %)`, () => {
      const pots = Array.from({ length: c.npot }, (_, i) =>
        parseFeffPotFile(readFileSync(dir(`pot0${i}.dat`), 'utf8')),
      );
      const free = pots.map((p, i) => ({
        ipot: i,
        Z: inp.potentials[i]!.Z,
        density: p.rho,
        coulomb: p.vcoul,
      }));
      const mt = buildMuffinTin(atoms, free, { grid: g, folp: log.potentials.map((p) => p.folp) });
      for (const p of mt.potentials) {
        const fp = pots[p.ipot]!;
        for (let i = 120; i < fp.iMt - 3; i++)
          expect(Math.abs(p.density[i]! / fp.ovlRho[i]! - 1)).toBeLessThan(2e-3);
        const ref = log.potentials[p.ipot]!;
        expect(Math.abs((p.rNorman * BOHR_ANGSTROM) / ref.rNorman - 1)).toBeLessThan(2e-3);
      }
    });
  }
});

/**
 * Where our interstitial level and Fermi level differ from FEFF10's (issue 4, items "V_int and E_F within 1 eV").
 * These tests feed FEFF's *own* overlapped potentials and densities (pot0N.dat) and FEFF's radii (log1.dat, Å) into
 * our interstitial averaging, so the atoms and the radii are FEFF's and only the documented recipe is ours.
 */
const HARTREE_EV = 27.211386245988;
describe.skipIf(!hasShared())(
  "interstitial level and Fermi level: the documented recipe on FEFF10's own potentials",
  () => {
    for (const c of cases) {
      const dir = (f: string) => sharedPath('data', 'feff-golden', c.name, f);
      const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
      const log = parseFeffLog1(readFileSync(dir('log1.dat'), 'utf8'));
      const head = parseFeffPhaseFile(readFileSync(dir('phase00.dat'), 'utf8'));
      const pots = Array.from({ length: c.npot }, (_, i) =>
        parseFeffPotFile(readFileSync(dir(`pot0${i}.dat`), 'utf8')),
      );
      const g = feffGrid(251);
      const shells = (v: (i: number) => Float64Array) =>
        pots.map((p, i) => ({
          rMt: log.potentials[i]!.rMt / BOHR_ANGSTROM,
          rNorman: log.potentials[i]!.rNorman / BOHR_ANGSTROM,
          vtot: v(i),
          density: p.ovlRho,
          weight: inp.potentials[i]!.stoichiometry,
        }));

      it(`${c.name}: FEFF's non-SCF Fermi level is the electron-gas value μ = V_int + k_F²/2 at its r_s,int (±0.03 eV)`, () => {
        // k_F = (9π/4)^{1/3} / r_s (bohr⁻¹); header values are printed to 3 decimals
        const kF = ((9 * Math.PI) / 4) ** (1 / 3) / head.rsInt;
        expect(Math.abs(head.vint + (kF * kF * HARTREE_EV) / 2 - head.mu)).toBeLessThan(0.03);
      });

      it(`${c.name}: volume average of FEFF's own V_tot over R_mt < r < R_N reproduces FEFF's V_int (±0.5 eV)`, () => {
        const a = interstitialAverages(
          g,
          shells((i) => pots[i]!.ovlVtot),
        );
        // measured: NiO −22.47 vs −22.36 eV, LiCoO2 −22.59 vs −22.19 eV — the averaging convention is FEFF's
        expect(Math.abs(a.vInt * HARTREE_EV - head.vint)).toBeLessThan(0.5);
      });

      it(`${c.name}: FEFF's V_tot near R_mt is not V_C + v_xc^vBH(ρ): the recipe with the LDA xc is 1–2.6 eV deeper`, () => {
        // Inside ~0.8 R_mt FEFF's V_tot − V_C equals von Barth–Hedin v_xc of the overlapped density to 0.01 eV; over
        // the last ~3–5 grid points up to I_mt FEFF's xc part becomes up to 1.6 eV (Co) shallower. That numerical treatment
        // is not described in the papers/manuals, so we keep V_C + v_xc(ρ) and measure the consequence here.
        const p1 = pots[1]!;
        // from r ≈ 0.7 bohr (grid index 167; nearer the nucleus the 5 printed digits of V_C ~ −10…−100 Ha limit
        // the check to ~0.03 eV) to 6 points before I_mt
        let worstInside = 0;
        for (let i = 166; i < p1.iMt - 6; i++) {
          const xc = p1.ovlVtot[i]! - p1.ovlVcoul[i]!;
          const d = Math.abs(xc - ldaXc(p1.ovlRho[i]!, 'von-barth-hedin').vxc) * HARTREE_EV;
          worstInside = Math.max(worstInside, d);
        }
        expect(worstInside).toBeLessThan(0.02);
        const im = p1.iMt - 1;
        const atMt =
          (ldaXc(p1.ovlRho[im]!, 'von-barth-hedin').vxc - (p1.ovlVtot[im]! - p1.ovlVcoul[im]!)) * HARTREE_EV;
        // measured at I_mt: NiO Ni −0.95 eV (O −0.45), LiCoO2 Co −1.57 eV (O −0.99, Li −0.27): FEFF is shallower
        expect(atMt).toBeLessThan(-0.5);
        const lda = interstitialAverages(
          g,
          shells((i) =>
            Float64Array.from(
              pots[i]!.ovlVcoul,
              (v, j) => v + ldaXc(pots[i]!.ovlRho[j]!, 'von-barth-hedin').vxc,
            ),
          ),
        );
        const dv = lda.vInt * HARTREE_EV - head.vint;
        // measured: NiO −1.09 eV, LiCoO2 −2.42 eV
        expect(dv).toBeLessThan(-0.8);
        expect(dv).toBeGreaterThan(-2.6);
      });

      it(`${c.name}: the volume-averaged density of FEFF's own atoms gives r_s 6–9 % above FEFF's r_s,int`, () => {
        // FEFF's ρ_int exceeds the overlapped density everywhere on the R_mt–R_N shells of NiO (0.0569 vs ≤ 0.052
        // e/bohr³), so it is not a volume average over them; no documented definition reproduces it (see report).
        // This fixes the size of the gap that carries into the Fermi level μ − V_int = k_F²/2.
        const a = interstitialAverages(
          g,
          shells((i) => pots[i]!.ovlVtot),
        );
        const rs = (3 / (4 * Math.PI * a.rhoInt)) ** (1 / 3);
        // measured: NiO 1.727/1.613 = 1.071, LiCoO2 1.673/1.565 = 1.069
        expect(rs / head.rsInt).toBeGreaterThan(1.06);
        expect(rs / head.rsInt).toBeLessThan(1.09);
      });
    }
  },
);
