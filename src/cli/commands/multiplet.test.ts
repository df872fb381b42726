import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, hasShared, sharedPath } from '../../../test/shared.js';

const bin = join(PROJECT_ROOT, 'bin', 'specfuse.js');
const dir = mkdtempSync(join(tmpdir(), 'specfuse-multiplet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });

describe('specfuse multiplet / simulate', () => {
  it('multiplet --ion Ni2+ writes energy_eV,intensity and reports peaks as JSON', () => {
    const out = join(dir, 'ni.csv');
    const r = run(['multiplet', '--ion', 'Ni2+', '--tenDq', '1.5', '--no-ct', '-o', out, '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { l3Peak: number; l2Peak: number; output: { file: string } };
    expect(doc.l2Peak - doc.l3Peak).toBeGreaterThan(16);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('energy_eV,intensity');
    expect(lines.length).toBeGreaterThan(100);
  });
  it('bad input is a one-line error with exit code 2', () => {
    const r = run(['multiplet', '--ion', 'Fe2+']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no multiplet data for ion 'Fe2\+'/);
    const d = run(['multiplet', '--ion', 'Ni2+', '--ds', '0.1']);
    expect(d.status).toBe(2);
  });
  it.skipIf(!hasShared())('simulate --structure NiO.cif --element Ni --edge L23 -o out.csv', () => {
    const out = join(dir, 'nio.csv');
    const r = run([
      'simulate',
      '--structure',
      sharedPath('data', 'structures', 'NiO.cif'),
      '--element',
      'Ni',
      '--edge',
      'L23',
      '--technique',
      'EELS',
      '-o',
      out,
      '--json',
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { engine: string; sites: unknown[] };
    expect(doc.engine).toBe('multiplet');
    expect(doc.sites.length).toBe(4);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('energy_eV,intensity');
  });
});
