import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecfuseError } from '../../core/errors.js';
import { PROJECT_ROOT, hasShared, sharedPath } from '../../../test/shared.js';
import { parseSupercell, runBuild, runDescribe } from './structure.js';

const bin = join(PROJECT_ROOT, 'bin', 'specfuse.js');
function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}
const dir = mkdtempSync(join(tmpdir(), 'specfuse-cli-structure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('specfuse structure', () => {
  it('parses supercells', () => {
    expect(parseSupercell('5x2x1')).toEqual([5, 2, 1]);
    expect(() => parseSupercell('5x2')).toThrow(/5x2x1/);
  });
  it.runIf(hasShared())(
    'describe --json gives formula, lattice, per-site fields, charge balance and defects',
    () => {
      const r = run([
        'structure',
        'describe',
        sharedPath('data', 'structures', 'NMC622_seed_relaxed.cif'),
        '--radius',
        '3.5',
        '--json',
      ]);
      expect(r.status).toBe(0);
      const d = JSON.parse(r.stdout);
      expect(d.formula).toBe('Li10Mn2Co2Ni6O20');
      expect(d.natoms).toBe(40);
      expect(d.lattice.a).toBeCloseTo(14.274689, 5);
      expect(d.lattice.gamma).toBeCloseTo(59.704126, 5);
      expect(d.radius).toBe(3.5);
      expect(d.sites).toHaveLength(40);
      const mn = d.sites.find((s: { element: string }) => s.element === 'Mn');
      expect(Object.keys(mn).sort()).toEqual(
        [
          'index',
          'element',
          'label',
          'frac',
          'cn',
          'mo_mean',
          'distortion',
          'bvs',
          'oxidation',
          'local_content',
        ].sort(),
      );
      expect(mn).toMatchObject({ cn: 6, oxidation: 4 });
      expect(mn.local_content.O).toBe(9); // 6 bonded O + 3 of the next O shell (≈ 3.4 Å) inside 3.5 Å
      expect(d.charge_balance.net_charge).toBe(0);
      expect(d.defects).toEqual([]);
    },
  );
  it('build writes a file whose describe reports the defects and a balanced cell', () => {
    const out = join(dir, 'nmc811.cif');
    const r = run([
      'structure',
      'build',
      '--composition',
      'NMC811',
      '--supercell',
      '5x2x1',
      '--ovac',
      '1',
      '--seed',
      '3',
      '-o',
      out,
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ formula: 'Li10MnCoNi8O19', natoms: 39 });
    const d = runDescribe(out, {});
    expect(d.defects.map((x) => (x as { kind: string }).kind)).toEqual(['o-vacancy']);
    expect(d.charge_balance).toMatchObject({ net_charge: 0, method: 'structure' });
    // same seed, same bytes
    const again = join(dir, 'again.cif');
    runBuild({ composition: 'NMC811', supercell: '5x2x1', ovac: '1', seed: '3', output: again });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });
  it('refuses an impossible supercell as invalid-argument (exit 2) with suggestions', () => {
    let err: unknown;
    try {
      runBuild({ composition: 'NMC622', supercell: '3x2x1', seed: '1', output: join(dir, 'x.cif') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecfuseError);
    expect((err as SpecfuseError).code).toBe('invalid-argument'); // main.ts maps this to exit code 2
    expect((err as SpecfuseError).message).toMatch(/multiple of 5.*supercells that work: 5x1x1/);
    expect(existsSync(join(dir, 'x.cif'))).toBe(false);
  });
  it('describe of a missing file is a not-found error naming the file', () => {
    expect(() => runDescribe(join(dir, 'missing.cif'), {})).toThrow(/missing\.cif.*no such file/);
  });
});
