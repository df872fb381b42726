import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../test/shared.js';
import { readStructureFile } from '../io/structure/file.js';
import { latticeFromParameters } from './lattice.js';
import { makeStructure, supercell } from './structure.js';
import { symmetryOrbits } from './symmetry.js';

describe('symmetryOrbits', () => {
  it('rock-salt NiO conventional cell: Fm-3m (225), two orbits of 4', () => {
    const a = 4.1684;
    const s = makeStructure(latticeFromParameters(a, a, a, 90, 90, 90), [
      { element: 'Ni', frac: [0, 0, 0] },
      { element: 'Ni', frac: [0, 0.5, 0.5] },
      { element: 'Ni', frac: [0.5, 0, 0.5] },
      { element: 'Ni', frac: [0.5, 0.5, 0] },
      { element: 'O', frac: [0.5, 0, 0] },
      { element: 'O', frac: [0.5, 0.5, 0.5] },
      { element: 'O', frac: [0, 0, 0.5] },
      { element: 'O', frac: [0, 0.5, 0] },
    ]);
    const r = symmetryOrbits(s);
    expect(r.spaceGroup).toBe(225);
    expect(r.orbits).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(r.multiplicities).toEqual([4, 4]);
    // a 2×2×2 supercell has the same two orbits, 32 sites each
    const big = symmetryOrbits(supercell(s, [2, 2, 2]));
    expect(big.multiplicities).toEqual([32, 32]);
  });
  it('distinguishes oxidation states as species', () => {
    const a = 4;
    const s = makeStructure(latticeFromParameters(a, a, a, 90, 90, 90), [
      { element: 'Ni', frac: [0, 0, 0], oxidation: 2 },
      { element: 'Ni', frac: [0.5, 0.5, 0.5], oxidation: 3 },
    ]);
    expect(symmetryOrbits(s).orbits).toHaveLength(2);
    expect(
      symmetryOrbits(
        makeStructure(
          s.lattice,
          s.sites.map((x) => ({ element: x.element, frac: x.frac })),
        ),
      ).orbits,
    ).toHaveLength(1);
  });
  it.runIf(hasShared())('LiCoO2_hex.cif → R-3m with Li, Co, O orbits of 3, 3, 6', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'LiCoO2_hex.cif')).value;
    const r = symmetryOrbits(s);
    expect(r.spaceGroup).toBe(166);
    expect(r.symbol?.replace(/\s/g, '')).toBe('R-3m');
    expect(r.multiplicities).toEqual([3, 3, 6]);
  });
});
