import { describe, expect, it } from 'vitest';
import { writeCif } from '../io/structure/cif.js';
import { describeStructure } from './environment.js';
import { buildNmc, nmcLattice, parseComposition, suggestSupercells } from './nmc.js';
import { composition, formula } from './structure.js';
import { symmetryOrbits } from './symmetry.js';

describe('parseComposition', () => {
  it('reads NMC names, NCM order, formulas and end members', () => {
    expect(parseComposition('NMC622')).toMatchObject({ Ni: 0.6, Mn: 0.2, Co: 0.2, denominator: 5 });
    expect(parseComposition('NMC532')).toMatchObject({ Ni: 0.5, Mn: 0.3, Co: 0.2, denominator: 10 });
    expect(parseComposition('NCM523')).toMatchObject({ Ni: 0.5, Mn: 0.3, Co: 0.2 });
    expect(parseComposition('NMC111').denominator).toBe(3);
    expect(parseComposition('NMC811').denominator).toBe(10);
    expect(parseComposition('LiCoO2')).toMatchObject({ Ni: 0, Mn: 0, Co: 1, denominator: 1 });
    expect(parseComposition('LiNi0.8Mn0.1Co0.1O2')).toMatchObject({ Ni: 0.8, denominator: 10 });
    expect(parseComposition({ Ni: 0.5, Mn: 0.5 })).toMatchObject({ Co: 0, denominator: 2 });
    expect(() => parseComposition('NMC')).toThrow(/unknown composition/);
    expect(() => parseComposition('LiNi0.5Co0.2O2')).toThrow(/sum to 0.7/);
  });
  it('Vegard lattice reproduces the end members and interpolates NMC622', () => {
    expect(nmcLattice(parseComposition('LiCoO2'))).toMatchObject({ a: 2.816, c: 14.05 });
    expect(nmcLattice(parseComposition('LiNiO2')).a).toBeCloseTo(2.878, 12);
    // NMC622 = 0.2 LiCoO2 + 0.4 LiNi0.5Mn0.5O2 + 0.4 LiNiO2
    const l = nmcLattice(parseComposition('NMC622'));
    expect(l.a).toBeCloseTo(0.2 * 2.816 + 0.4 * 2.89 + 0.4 * 2.878, 12);
    expect(l.c).toBeCloseTo(0.2 * 14.05 + 0.4 * 14.3 + 0.4 * 14.19, 12);
  });
});

describe('buildNmc', () => {
  it('LiCoO2 1×1×1 is the R-3m primitive cell with Co–O ≈ 1.92 Å', () => {
    const s = buildNmc({ composition: 'LiCoO2', supercell: [1, 1, 1], seed: 0 });
    expect(formula(s)).toBe('LiCoO2');
    expect(symmetryOrbits(s).spaceGroup).toBe(166);
    const co = describeStructure(s).sites.find((x) => x.element === 'Co')!;
    expect(co.cn).toBe(6);
    expect(co.mo_mean!).toBeCloseTo(1.922, 3);
  });
  it('NMC622 5×2×1 has the seed-cell formula, all TM CN 6, and balanced valences (Ni²⁺ per Mn⁴⁺)', () => {
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 2, 1], seed: 11 });
    expect(formula(s)).toBe('Li10Mn2Co2Ni6O20');
    const d = describeStructure(s);
    expect(d.charge_balance.net_charge).toBe(0);
    expect(d.charge_balance.by_element.Ni).toEqual({ '2+': 2, '3+': 4 });
    for (const x of d.sites.filter((q) => q.element !== 'O')) expect(x.cn).toBe(6);
  });
  it('refuses an impossible request and names supercells that work', () => {
    expect(() => buildNmc({ composition: 'NMC622', supercell: [3, 2, 1], seed: 1 })).toThrow(
      /multiple of 5.*5x1x1.*5x2x1/,
    );
    expect(suggestSupercells(10)).toContain('5x2x1');
  });
  it('NMC811 + one O vacancy: one O fewer, its TM neighbours CN 5, valences balanced', () => {
    const base = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 4 });
    const s = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 4, ovac: 1 });
    expect(composition(s).O).toBe(composition(base).O! - 1);
    const v = s.metadata.defects!.find((d) => d.kind === 'o-vacancy')!;
    const d = describeStructure(s);
    const tms = v.sites.filter((i) => ['Ni', 'Mn', 'Co'].includes(s.sites[i]!.element));
    expect(tms).toHaveLength(3);
    for (const i of tms) expect(d.sites[i]!.cn).toBe(5);
    // every other TM keeps CN 6
    const others = d.sites.filter((x, i) => ['Ni', 'Mn', 'Co'].includes(x.element) && !tms.includes(i));
    for (const x of others) expect(x.cn).toBe(6);
    expect(d.charge_balance.net_charge).toBe(0);
    expect(s.metadata.chargeCompensation!.netCharge).toBe(0);
    const ovacChanges = s.metadata.chargeCompensation!.changes.filter((c) => /O vacancy/.test(c.reason));
    expect(ovacChanges.reduce((a, c) => a + (c.to - c.from), 0)).toBe(-2);
    // the 2 electrons sit on TM neighbours of the vacancy
    for (const c of ovacChanges) expect(tms).toContain(c.site);
  });
  it('an antisite pair keeps the composition with one Ni in the Li layer and one Li in the TM layer', () => {
    const base = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 9 });
    const s = buildNmc({ composition: 'NMC811', supercell: [5, 2, 1], seed: 9, antisite: 1 });
    expect(composition(s)).toEqual(composition(base));
    // Li layer: fractional z' = 1/2 of the primitive stacking vector (TM layers at 0); here nc = 1
    const inLiLayer = (f: readonly number[]) => Math.abs(f[2]! - 0.5) < 1e-9;
    const ni = s.sites.filter((x) => x.element === 'Ni' && inLiLayer(x.frac));
    const li = s.sites.filter((x) => x.element === 'Li' && !inLiLayer(x.frac));
    expect(ni).toHaveLength(1);
    expect(li).toHaveLength(1);
    expect(ni[0]!.oxidation).toBe(2);
    expect(describeStructure(s).charge_balance.net_charge).toBe(0);
    expect(s.metadata.defects!.filter((d) => d.kind === 'antisite')).toHaveLength(1);
  });
  it('delithiation removes round(F·N_Li) Li and oxidises Ni', () => {
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 2, 1], seed: 3, delithiate: 0.3 });
    expect(composition(s).Li).toBe(7);
    const ch = s.metadata.chargeCompensation!.changes.filter((c) => /Li vacancy/.test(c.reason));
    expect(ch).toHaveLength(3);
    for (const c of ch) expect(c.element).toBe('Ni');
    expect(describeStructure(s).charge_balance.net_charge).toBe(0);
  });
  it('same seed → identical file; different seed → different arrangement', () => {
    const opts = { composition: 'NMC622', supercell: [5, 2, 1] as const, ovac: 1, antisite: 1 };
    const a = writeCif(buildNmc({ ...opts, seed: 21 }));
    const b = writeCif(buildNmc({ ...opts, seed: 21 }));
    const c = buildNmc({ ...opts, seed: 22 });
    expect(a).toBe(b);
    const arr = (s: ReturnType<typeof buildNmc>) =>
      s.sites
        .filter((x) => ['Ni', 'Mn', 'Co'].includes(x.element))
        .map((x) => `${x.element}@${x.frac.map((v) => v.toFixed(4)).join(',')}`)
        .sort()
        .join(';');
    expect(arr(c)).not.toBe(arr(buildNmc({ ...opts, seed: 21 })));
  });
  it('accepts a specified TM arrangement', () => {
    const arrangement = ['Ni', 'Ni', 'Ni', 'Mn', 'Co', 'Ni', 'Ni', 'Ni', 'Mn', 'Co'];
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 2, 1], seed: 0, arrangement });
    expect(formula(s)).toBe('Li10Mn2Co2Ni6O20');
    expect(() =>
      buildNmc({ composition: 'NMC622', supercell: [5, 2, 1], seed: 0, arrangement: arrangement.slice(1) }),
    ).toThrow(/arrangement/);
  });
});
