import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../test/shared.js';

const bin = join(PROJECT_ROOT, 'bin', 'specfuse.js');
function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('specfuse CLI entry', () => {
  it('prints its version', () => {
    const r = run(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with exit code 2 and a one-line error', () => {
    const r = run(['no-such-command']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/unknown command/);
  });
});
