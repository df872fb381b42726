import { describe, expect, it } from 'vitest';
import { readStructureFile } from '../../io/structure/file.js';
import { buildNeighborList } from '../../structure/neighbors.js';
import { removeSites, supercell } from '../../structure/structure.js';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { getEngine } from '../registry.js';
import { siteParameters } from './engine.js';

describe.skipIf(!hasShared())('multiplet engine on structures', () => {
  const nio = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;

  it('NiO: Ni²⁺ in a regular octahedron; spectrum on the default grid with provenance', async () => {
    const r = await getEngine('multiplet').simulate(nio, { element: 'Ni', edge: 'L23' });
    expect(r.sites.length).toBe(4);
    expect(r.sites.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
    const origin = r.sites[0].spectrum.meta.origin;
    expect(origin.kind === 'simulated' && origin.engine).toBe('multiplet');
    // all four Ni are symmetry-equivalent: one calculation, identical spectra
    expect(Array.from(r.sites[3].spectrum.intensity)).toEqual(Array.from(r.sites[0].spectrum.intensity));
    // the L3 maximum lands on the NiO calibration energy (853.2 eV, grid step 0.1 eV)
    const e = r.average.energy;
    const y = r.average.intensity;
    let k = 0;
    for (let i = 0; i < e.length; i++) if (e[i] < 862 && y[i] > y[k]) k = i;
    expect(Math.abs(e[k] - 853.2)).toBeLessThanOrEqual(0.15);
    const p = siteParameters(nio, 0, 2);
    expect(p.ion).toBe('Ni2+');
    expect(p.cn).toBe(6);
  });

  it('an O vacancy next to a Ni changes its L2,3 spectrum (square pyramid)', async () => {
    const big = supercell(nio, [2, 2, 2]);
    const nl = buildNeighborList(big, 2.6);
    const ni = big.sites.findIndex((s) => s.element === 'Ni');
    const o = nl.neighbors(ni).find((n) => big.sites[n.index].element === 'O');
    if (!o) throw new Error('no O next to Ni');
    const defect = removeSites(big, [o.index]);
    // indices below the removed O are unchanged
    const niIdx = ni < o.index ? ni : ni - 1;
    const six = siteParameters(big, ni, 2);
    const five = siteParameters(defect, niIdx, 2);
    expect(six.cn).toBe(6);
    expect(five.cn).toBe(5);
    const eng = getEngine('multiplet');
    const a = await eng.simulate(big, { element: 'Ni', edge: 'L23', sites: [ni] });
    const b = await eng.simulate(defect, { element: 'Ni', edge: 'L23', sites: [niIdx] });
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < a.average.intensity.length; i++) {
      diff += Math.abs(a.average.intensity[i] - b.average.intensity[i]);
      norm += a.average.intensity[i];
    }
    expect(diff / norm).toBeGreaterThan(0.02);
  });

  it('L3 and L2 edges partition the L23 spectrum; a seeded sample of N sites is reproducible', async () => {
    const eng = getEngine('multiplet');
    const [l23, l3, l2] = await Promise.all(
      (['L23', 'L3', 'L2'] as const).map((edge) => eng.simulate(nio, { element: 'Ni', edge, sites: [0] })),
    );
    for (let i = 0; i < l23.average.energy.length; i++)
      expect(l3.average.intensity[i] + l2.average.intensity[i]).toBeCloseTo(l23.average.intensity[i], 12);
    const sumIn = (r: typeof l3, lo: number, hi: number) =>
      r.average.energy.reduce((s, e, i) => (e >= lo && e <= hi ? s + r.average.intensity[i] : s), 0);
    expect(sumIn(l3, 850, 858)).toBeGreaterThan(50 * sumIn(l2, 850, 858));
    expect(sumIn(l2, 868, 876)).toBeGreaterThan(50 * sumIn(l3, 868, 876));
    const a = await eng.simulate(nio, { element: 'Ni', edge: 'L23', sites: 2, seed: 7 });
    const b = await eng.simulate(nio, { element: 'Ni', edge: 'L23', sites: 2, seed: 7 });
    expect(a.sites.map((x) => x.site)).toEqual(b.sites.map((x) => x.site));
    expect(a.sites.length).toBe(2);
  });

  it('rejects elements and edges it does not cover', async () => {
    await expect(getEngine('multiplet').simulate(nio, { element: 'O', edge: 'L23' })).rejects.toThrow(
      /covers/,
    );
    await expect(getEngine('multiplet').simulate(nio, { element: 'Ni', edge: 'K' })).rejects.toThrow(/L23/);
  });
});
