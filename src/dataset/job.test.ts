import { describe, expect, it } from 'vitest';
import { buildStructure } from './build.js';
import { validateCampaignConfig } from './config.js';
import { onGrid, pickAbsorbers, runJob } from './job.js';
import { planJobs, planStructures } from './plan.js';

const config = validateCampaignConfig({
  seed: 9,
  compositions: [{ name: 'LNO', ni: 1, mn: 0, co: 0 }],
  supercell: [2, 2, 1],
  classes: [{ name: 'pristine', count: 1 }],
  modes: [{ mode: 'Co:L23:multiplet', grid: { start: 772, step: 1, n: 5 } }],
});

describe('campaign jobs', () => {
  it('interpolates onto the grid linearly, zero outside the computed range', () => {
    const y = onGrid(
      Float64Array.of(1, 2, 3),
      Float64Array.of(10, 20, 40),
      Float64Array.of(0.5, 1, 1.5, 2.5, 3, 3.5),
    );
    expect(Array.from(y)).toEqual([0, 10, 15, 30, 40, 0]);
    const same = Float64Array.of(1, 2);
    expect(Array.from(onGrid(same, Float64Array.of(5, 6), same))).toEqual([5, 6]);
  });

  it('draws a seeded absorber sample that depends only on the seed', () => {
    const s = buildStructure(planStructures(config)[0]!);
    const mode = { ...config.modes[0]!, element: 'O', absorbers: 3 };
    const a = pickAbsorbers(s, mode, 42);
    expect(a).toEqual(pickAbsorbers(s, mode, 42));
    expect(a).not.toEqual(pickAbsorbers(s, mode, 43));
    expect(a).toHaveLength(3);
    expect((a as number[]).every((i) => s.sites[i]!.element === 'O')).toBe(true);
    expect(pickAbsorbers(s, { ...mode, absorbers: 100 }, 1)).toBe('all');
  });

  it('gives a zero spectrum without sites when the structure has no absorber of the element', async () => {
    const job = planJobs(config, planStructures(config))[0]!;
    const r = await runJob(job, buildStructure);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Array.from(r.average)).toEqual([0, 0, 0, 0, 0]);
      expect(r.sites).toEqual([]);
    }
  });
});

describe('worker lanes', () => {
  it('keeps a mode and composition on one worker and balances the rest', async () => {
    const { assignLanes } = await import('./runner.js');
    const c = validateCampaignConfig({
      seed: 1,
      compositions: [
        { name: 'A', ni: 1, mn: 0, co: 0 },
        { name: 'B', ni: 1, mn: 0, co: 0 },
      ],
      supercell: [1, 1, 1],
      classes: [{ name: 'p', count: 4 }],
      modes: [
        { mode: 'Ni:L23:multiplet', grid: { start: 845, step: 1, n: 2 } },
        { mode: 'Ni:L3:multiplet', grid: { start: 845, step: 1, n: 2 } },
      ],
    });
    const jobs = planJobs(c, planStructures(c));
    const lanes = assignLanes(jobs, 2);
    expect(lanes.map((l) => l.length)).toEqual([4, 4]);
    for (const l of lanes) {
      const groups = new Set(l.map((j) => `${j.mode.key}|${j.structure.composition.name}`));
      expect(groups.size).toBe(2);
    }
    expect(
      lanes
        .flat()
        .map((j) => j.id)
        .sort(),
    ).toEqual(jobs.map((j) => j.id).sort());
    expect(assignLanes(jobs, 1)[0]).toHaveLength(8);
  });
});
