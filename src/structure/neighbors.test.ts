import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasShared, requireTool, sharedPath } from '../../test/shared.js';
import { latticeFromParameters } from './lattice.js';
import { buildNeighborList, clusterAround, neighborsOfSite } from './neighbors.js';
import { buildNmc } from './nmc.js';
import { makeStructure } from './structure.js';

const fcc = (a: number) =>
  makeStructure(latticeFromParameters(a, a, a, 90, 90, 90), [
    { element: 'Cu', frac: [0, 0, 0] },
    { element: 'Cu', frac: [0, 0.5, 0.5] },
    { element: 'Cu', frac: [0.5, 0, 0.5] },
    { element: 'Cu', frac: [0.5, 0.5, 0] },
  ]);

describe('buildNeighborList', () => {
  it('fcc shells: 12 at a/√2, 6 at a, 24 at a√(3/2) (cutoff larger than the cell)', () => {
    const a = 3.615;
    const nl = buildNeighborList(fcc(a), 1.3 * a); // 4.70 Å > a: the cell is smaller than the cutoff
    const d = nl.neighbors(0).map((n) => n.distance);
    expect(d.filter((x) => Math.abs(x - a / Math.SQRT2) < 1e-9)).toHaveLength(12);
    expect(d.filter((x) => Math.abs(x - a) < 1e-9)).toHaveLength(6);
    expect(d.filter((x) => Math.abs(x - a * Math.sqrt(1.5)) < 1e-9)).toHaveLength(24);
    expect(d).toHaveLength(42);
    // a site sees its own periodic images
    expect(nl.neighbors(0).filter((n) => n.index === 0)).toHaveLength(6);
  });
  it('a one-atom simple-cubic cell with a cutoff of 2.5 cells finds every lattice point', () => {
    const s = makeStructure(latticeFromParameters(1, 1, 1, 90, 90, 90), [
      { element: 'Cu', frac: [0.3, 0.3, 0.3] },
    ]);
    let expected = 0;
    for (let i = -3; i <= 3; i++)
      for (let j = -3; j <= 3; j++)
        for (let k = -3; k <= 3; k++) if ((i || j || k) && i * i + j * j + k * k <= 6.25) expected++;
    expect(buildNeighborList(s, 2.5).neighbors(0)).toHaveLength(expected);
  });
  it('agrees with brute force on a skewed triclinic NMC cell (vectors, images, counts)', () => {
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 1, 1], seed: 5, ovac: 1 });
    const nl = buildNeighborList(s, 4.2);
    for (const i of [0, 3, 7, 12, 18]) {
      const a = nl.neighbors(i);
      const b = neighborsOfSite(s, i, 4.2);
      expect(a.length).toBe(b.length);
      a.forEach((n, k) => {
        expect(n.distance).toBeCloseTo(b[k]!.distance, 10);
      });
      const key = (n: { index: number; image: readonly number[] }) => `${n.index}:${n.image.join(',')}`;
      expect(new Set(a.map(key))).toEqual(new Set(b.map(key)));
      for (const n of a) expect(Math.hypot(...n.vector)).toBeCloseTo(n.distance, 12);
    }
  });
  it('is symmetric: j is a neighbour of i iff i is a neighbour of j', () => {
    const s = buildNmc({ composition: 'NMC811', supercell: [5, 4, 1], seed: 2 });
    const nl = buildNeighborList(s, 3.0);
    let total = 0;
    for (let i = 0; i < s.sites.length; i++) total += nl.count(i);
    expect(total).toBe(nl.totalPairs);
    expect(total % 2).toBe(0);
  });
  it('clusterAround puts the absorber first at the origin, sorted by distance', () => {
    const c = clusterAround(fcc(4), 1, 4.1);
    expect(c[0]).toMatchObject({ element: 'Cu', site: 1, position: [0, 0, 0], distance: 0 });
    expect(c).toHaveLength(1 + 12 + 6);
    for (let k = 1; k < c.length; k++) expect(c[k]!.distance).toBeGreaterThanOrEqual(c[k - 1]!.distance);
  });
  it.runIf(hasShared())(
    'matches pymatgen neighbour counts on the NMC622 seed cell (optional oracle)',
    async () => {
      let ok = false;
      try {
        execFileSync('/usr/bin/python3', ['-c', 'import pymatgen.core'], { stdio: 'ignore' });
        ok = true;
      } catch {}
      if (!requireTool('python3-pymatgen', ok)) return;
      const file = sharedPath('data', 'structures', 'NMC622_seed_relaxed.cif');
      const out = execFileSync('/usr/bin/python3', [
        '-c',
        `import warnings; warnings.filterwarnings("ignore")
from pymatgen.core import Structure
s = Structure.from_file("${file}")
print(" ".join(str(len(s.get_neighbors(site, 5.0))) for site in s))`,
      ]).toString();
      const expected = out.trim().split(/\s+/).map(Number);
      const { readStructureFile } = await import('../io/structure/file.js');
      const st = readStructureFile(file).value;
      const nl = buildNeighborList(st, 5.0);
      expect(st.sites.map((_, i) => nl.count(i))).toEqual(expected);
    },
  );
});
