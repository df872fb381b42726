import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../core/errors.js';
import { configHash, parseCampaignConfig, validateCampaignConfig } from './config.js';
import { apportion, deriveSeed, planJobs, planStructures } from './plan.js';

const base = {
  seed: 7,
  compositions: [
    { name: 'NMC811', ni: 0.8, mn: 0.1, co: 0.1, weight: 1 },
    { ni: 0.6, mn: 0.2, co: 0.2, weight: 1 },
  ],
  supercell: [5, 2, 1],
  classes: [
    { name: 'pristine', count: 2 },
    { name: 'ovac', count: 3, oVacancies: 1 },
  ],
  modes: [
    { mode: 'ni:L23:multiplet', grid: { start: 848, step: 0.2, n: 150 }, broadening: { gaussianFwhm: 0.3 } },
    { mode: 'O:K:fms', grid: { start: 525, step: 0.25, n: 120 }, absorbers: 4 },
  ],
};

function errorOf(fn: () => unknown): SpecfuseError {
  try {
    fn();
  } catch (e) {
    return e as SpecfuseError;
  }
  throw new Error('expected a throw');
}

describe('campaign config', () => {
  it('fills defaults and normalises modes', () => {
    const c = validateCampaignConfig(base);
    expect(c.name).toBe('campaign');
    expect(c.modes.map((m) => m.key)).toEqual(['Ni:L23', 'O:K']);
    expect(c.modes[0]!.column).toBe('spec_Ni_L23');
    expect(c.modes[0]!.absorbers).toBe('all');
    expect(c.modes[1]!.absorbers).toBe(4);
    expect(c.modes[1]!.engine).toBe('fms');
    expect(c.compositions[1]!.name).toBe('NMC622');
    expect(c.labelRadius).toBe(3);
    expect(c.maxAttempts).toBe(3);
  });

  it('names the field path of every bad field', () => {
    const bad = structuredClone(base) as Record<string, unknown>;
    (bad.modes as { grid: { step: number } }[])[1]!.grid.step = -1;
    (bad.compositions as { ni: number }[])[0]!.ni = 0.5;
    const e = errorOf(() => validateCampaignConfig(bad, 'c.json'));
    expect(e).toBeInstanceOf(SpecfuseError);
    expect(e.message).toContain('modes[1].grid.step');
    expect(e.message).toContain('compositions[0]');
    expect(e.message).toContain('c.json');
  });

  it('rejects unknown engines, elements, edges and duplicate modes', () => {
    const bad = structuredClone(base);
    bad.modes.push({ mode: 'Ni:L23:quanty', grid: { start: 1, step: 1, n: 2 } } as never);
    bad.modes.push({ mode: 'Xx:K:fms', grid: { start: 1, step: 1, n: 2 } } as never);
    bad.modes.push({ mode: 'Ni:L23:fms', grid: { start: 1, step: 1, n: 2 } } as never);
    const e = errorOf(() => validateCampaignConfig(bad));
    expect(e.message).toContain("modes[2].mode: unknown engine 'quanty'");
    expect(e.message).toContain("modes[3].mode: unknown element 'Xx'");
    expect(e.message).toContain('modes[4].mode: mode Ni:L23 appears twice');
  });

  it('reports JSON syntax errors with line and column', () => {
    const e = errorOf(() => parseCampaignConfig('{\n  "seed": 1,\n  oops\n}', 'x.json'));
    expect(e.code).toBe('parse');
    expect(e.path.line).toBe(3);
    expect(e.path.file).toBe('x.json');
  });

  it('hashes independently of key order', () => {
    const a = validateCampaignConfig(base);
    const b = validateCampaignConfig(Object.fromEntries(Object.entries(base).reverse()));
    expect(Object.keys(Object.fromEntries(Object.entries(base).reverse()))[0]).toBe('modes');
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(validateCampaignConfig({ ...base, seed: 8 }))).not.toBe(configHash(a));
  });
});

describe('campaign plan', () => {
  it('apportions by largest remainder', () => {
    expect(apportion(3, [1, 1])).toEqual([2, 1]);
    expect(apportion(10, [1, 2, 2])).toEqual([2, 4, 4]);
    expect(apportion(7, [3, 1])).toEqual([5, 2]); // quotas 5.25, 1.75 → floors 5, 1; the 0.75 remainder wins
  });

  it('plans structures per class and composition, jobs per mode, with identity-derived seeds', () => {
    const c = validateCampaignConfig(base);
    const s = planStructures(c);
    expect(s.map((x) => x.id)).toEqual([
      'NMC811-pristine-000',
      'NMC622-pristine-000',
      'NMC811-ovac-000',
      'NMC811-ovac-001',
      'NMC622-ovac-000',
    ]);
    expect(s[2]!.oVacancies).toBe(1);
    expect(new Set(s.map((x) => x.seed)).size).toBe(5);
    expect(s[0]!.seed).toBe(deriveSeed(7, 'structure', 'NMC811-pristine-000'));
    const jobs = planJobs(c, s);
    expect(jobs).toHaveLength(10);
    expect(jobs[0]!.id).toBe('NMC811-pristine-000@Ni:L23');
    // adding a class does not change the seeds of existing structures
    const c2 = validateCampaignConfig({
      ...base,
      classes: [...base.classes, { name: 'anti', count: 1, antisites: 1 }],
    });
    expect(planStructures(c2).slice(0, 5)).toEqual(s);
  });
});
