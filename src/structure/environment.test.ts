import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../test/shared.js';
import { readStructureFile } from '../io/structure/file.js';
import { assignOxidationStates, describeStructure, siteEnvironment } from './environment.js';
import { latticeFromParameters } from './lattice.js';
import { formula, indicesOf, makeStructure } from './structure.js';

const fixture = (name: string) => readStructureFile(sharedPath('data', 'structures', name)).value;

describe('siteEnvironment on a hand-built rock salt', () => {
  // NiO, a = 4.1684 Å: Ni–O = a/2 = 2.0842 Å; BVS(Ni²⁺) = 6·exp((1.654 − 2.0842)/0.37) = 1.8739
  const a = 4.1684;
  const nio = makeStructure(latticeFromParameters(a, a, a, 90, 90, 90), [
    { element: 'Ni', frac: [0, 0, 0] },
    { element: 'Ni', frac: [0, 0.5, 0.5] },
    { element: 'Ni', frac: [0.5, 0, 0.5] },
    { element: 'Ni', frac: [0.5, 0.5, 0] },
    { element: 'O', frac: [0.5, 0, 0] },
    { element: 'O', frac: [0.5, 0.5, 0.5] },
    { element: 'O', frac: [0, 0, 0.5] },
    { element: 'O', frac: [0, 0.5, 0] },
  ]);
  it('CN 6, Ni–O a/2, zero distortion, BVS by hand, local content within a/√2', () => {
    const e = siteEnvironment(nio, 0, { radius: 3.0 });
    expect(e.cn).toBe(6);
    expect(e.moMean).toBeCloseTo(a / 2, 10);
    expect(e.distortion).toBeCloseTo(0, 12);
    expect(e.bvsValence).toBe(2);
    expect(e.bvs).toBeCloseTo(6 * Math.exp((1.654 - a / 2) / 0.37), 10);
    // within 3.0 Å: 6 O at 2.084 and 12 Ni at a/√2 = 2.948
    expect(e.localContent).toEqual({ O: 6, Ni: 12 });
    expect(e.localFraction.Ni).toBeCloseTo(12 / 18, 12);
    const o = siteEnvironment(nio, 4);
    expect(o.cn).toBe(6); // anion: coordinated by 6 Ni
    expect(o.bvs).toBeCloseTo(6 * Math.exp((1.654 - a / 2) / 0.37), 10);
  });
  it('assigns Ni²⁺ O²⁻ and a neutral cell', () => {
    const r = assignOxidationStates(nio);
    expect(r.oxidation).toEqual([2, 2, 2, 2, -2, -2, -2, -2]);
    expect(r.netCharge).toBe(0);
  });
});

describe.runIf(hasShared())('acceptance: LiCoO2.cif', () => {
  const s = fixture('LiCoO2.cif');
  const d = describeStructure(s);
  it('Co CN 6, Co–O 1.92 ± 0.03 Å, BVS Co 3.0 ± 0.25, Li 1.0 ± 0.2, neutral', () => {
    const co = d.sites.find((x) => x.element === 'Co')!;
    const li = d.sites.find((x) => x.element === 'Li')!;
    expect(co.cn).toBe(6);
    expect(Math.abs(co.mo_mean! - 1.92)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(co.bvs! - 3.0)).toBeLessThanOrEqual(0.25);
    expect(Math.abs(li.bvs! - 1.0)).toBeLessThanOrEqual(0.2);
    expect(co.oxidation).toBe(3);
    expect(d.charge_balance.net_charge).toBe(0);
  });
});

describe.runIf(hasShared())('acceptance: NMC622_seed_relaxed.cif', () => {
  const s = fixture('NMC622_seed_relaxed.cif');
  const d = describeStructure(s);
  it('formula Li10Mn2Co2Ni6O20, every TM CN 6', () => {
    expect(formula(s)).toBe('Li10Mn2Co2Ni6O20');
    expect(d.formula).toBe('Li10Mn2Co2Ni6O20');
    for (const x of d.sites.filter((q) => ['Mn', 'Co', 'Ni'].includes(q.element))) expect(x.cn).toBe(6);
  });
  it('BVS Mn 3.9 ± 0.3 (Mn⁴⁺ parameters), Co 3.2 ± 0.3 (Co³⁺)', () => {
    for (const x of d.sites.filter((q) => q.element === 'Mn')) {
      expect(Math.abs(x.bvs! - 3.9)).toBeLessThanOrEqual(0.3);
      expect(x.oxidation).toBe(4);
    }
    for (const x of d.sites.filter((q) => q.element === 'Co')) {
      expect(Math.abs(x.bvs! - 3.2)).toBeLessThanOrEqual(0.3);
      expect(x.oxidation).toBe(3);
    }
  });
  it('exactly the two Ni with the longest mean Ni–O (≈ 2.03 Å) are Ni²⁺, the other four Ni³⁺; neutral', () => {
    const ni = d.sites.filter((q) => q.element === 'Ni');
    const byLength = [...ni].sort((p, q) => q.mo_mean! - p.mo_mean!);
    expect(byLength[0]!.mo_mean!).toBeCloseTo(2.03, 2);
    expect(byLength.slice(0, 2).map((x) => x.oxidation)).toEqual([2, 2]);
    expect(byLength.slice(2).map((x) => x.oxidation)).toEqual([3, 3, 3, 3]);
    const mean = ni.reduce((a, x) => a + x.oxidation, 0) / ni.length;
    expect(mean).toBeCloseTo(8 / 3, 10);
    expect(d.charge_balance.net_charge).toBe(0);
    expect(d.charge_balance.method).toBe('bond-valence');
  });
  it('local content counts neighbours within the radius', () => {
    const mn = d.sites.find((q) => q.element === 'Mn')!;
    expect(mn.local_content.O).toBe(6);
    const total = Object.values(mn.local_content).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(6);
    const big = describeStructure(s, { radius: 6 }).sites.find((q) => q.element === 'Mn')!;
    expect(Object.values(big.local_content).reduce((a, b) => a + b, 0)).toBeGreaterThan(total);
  });
});

describe.runIf(hasShared())('acceptance: NMC622_Li10Mn2Co2Ni6O20.POSCAR (unrelaxed)', () => {
  const s = fixture('NMC622_Li10Mn2Co2Ni6O20.POSCAR');
  it('same formula, every TM CN 6 with all M–O 1.937 Å, neutral with Mn⁴⁺ Co³⁺', () => {
    const d = describeStructure(s);
    expect(d.formula).toBe('Li10Mn2Co2Ni6O20');
    for (const x of d.sites.filter((q) => ['Mn', 'Co', 'Ni'].includes(q.element))) {
      expect(x.cn).toBe(6);
      expect(x.mo_mean!).toBeCloseTo(1.937, 3);
    }
    expect(d.charge_balance.net_charge).toBe(0);
    for (const i of indicesOf(s, 'Mn')) expect(d.sites[i]!.oxidation).toBe(4);
    for (const i of indicesOf(s, 'Co')) expect(d.sites[i]!.oxidation).toBe(3);
    expect(d.charge_balance.by_element.Ni).toEqual({ '2+': 2, '3+': 4 });
  });
});

describe.runIf(hasShared())('other reference oxides', () => {
  it.each([
    ['NiO.cif', 'Ni', 2],
    ['MnO.cif', 'Mn', 2],
    ['CoO.cif', 'Co', 2],
    ['MnO2_rutile.cif', 'Mn', 4],
    ['LiNiO2_hex.cif', 'Ni', 3],
  ])('%s: %s%d+, neutral', (file, el, ox) => {
    const r = assignOxidationStates(fixture(file));
    const s = fixture(file);
    for (const i of indicesOf(s, el)) expect(r.oxidation[i]).toBe(ox);
    expect(r.netCharge).toBe(0);
  });
  it('metals get valence 0', () => {
    const r = assignOxidationStates(fixture('Cu.cif'));
    expect(r.oxidation.every((v) => v === 0)).toBe(true);
    expect(r.netCharge).toBe(0);
  });
});
