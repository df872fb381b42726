import { describe, expect, it } from 'vitest';
import { validateCampaignConfig } from '../dataset/config.js';
import { STUDY_MODES, defaultStudy, exclusionReason } from './default-study.js';
import { studyCombinations } from './study.js';

describe('the shipped study', () => {
  it('includes only modes whose engine is in the build, and says why the others are left out', () => {
    const d = defaultStudy({ engines: ['multiplet'] });
    expect(d.included.map((m) => m.mode)).toEqual(['Ni:L23', 'Mn:L23', 'Co:L23']);
    expect(d.excluded.map((m) => exclusionReason(m, ['multiplet']))).toContain(
      "engine 'fms' is not in this build",
    );
    expect(validateCampaignConfig(d.config).modes).toHaveLength(3);
  });

  it('default, quick and full differ in size and K-edge settings, and all validate', () => {
    const engines = ['multiplet', 'fms'];
    const count = (c: ReturnType<typeof defaultStudy>['config']) =>
      c.classes.reduce((a, k) => a + k.count, 0);
    const def = defaultStudy({ engines });
    const quick = defaultStudy({ engines, quick: true });
    const full = defaultStudy({ engines, full: true });
    expect([count(quick.config), count(def.config), count(full.config)]).toEqual([16, 96, 800]);
    const ok = (m: { mode: string }) => m.mode === 'O:K:fms';
    expect(validateCampaignConfig(def.config).modes.find((m) => m.key === 'O:K')!.radius).toBe(4);
    expect(full.config.modes.find(ok)).toMatchObject({ radius: 6 });
    expect(full.config.modes.find(ok)).not.toHaveProperty('absorbers');
    for (const d of [def, quick, full])
      expect(validateCampaignConfig(d.config).modes).toHaveLength(STUDY_MODES.length);
  });

  it('table rows: every single mode, the seed paper four-mode fusion, and all-mode fusion', () => {
    const modes = STUDY_MODES.map((m) => m.mode);
    const rows = studyCombinations(modes);
    expect(rows.filter((r) => r.kind === 'single')).toHaveLength(modes.length);
    expect(rows.find((r) => r.kind === 'seed-fusion')!.modes).toEqual(['O:K', 'Ni:L23', 'Mn:L23', 'Co:L23']);
    expect(rows.find((r) => r.kind === 'all-fusion')!.modes).toEqual(modes);
    // with only the L2,3 modes the seed fusion is the all-mode fusion: one row, not two
    expect(studyCombinations(['Ni:L23', 'Mn:L23', 'Co:L23']).map((r) => r.kind)).toEqual([
      'single',
      'single',
      'single',
      'all-fusion',
    ]);
  });
});
