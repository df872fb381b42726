import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../test/shared.js';
import { which } from '../../simulate/external/tools.js';

const bin = join(PROJECT_ROOT, 'bin', 'specfuse.js');

describe('specfuse engines --json', () => {
  it('lists feff, fdmnes and xspectra with installed flags that match PATH', () => {
    const r = spawnSync(process.execPath, [bin, 'engines', '--json'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      engines: { name: string; kind: string; installed: boolean; version?: string; note?: string }[];
    };
    const by = new Map(doc.engines.map((e) => [e.name, e]));
    for (const n of ['feff', 'fdmnes', 'xspectra']) expect(by.get(n)?.kind).toBe('external');
    const feff = by.get('feff');
    expect(feff?.installed).toBe(which('feff') !== undefined || which('feff8l') !== undefined);
    if (feff?.installed) expect(feff.version).toMatch(/feff/i);
    const qe = by.get('xspectra');
    expect(qe?.installed).toBe(which('pw.x') !== undefined && which('xspectra.x') !== undefined);
    if (qe?.installed) expect(qe.version).toMatch(/Quantum ESPRESSO \d/);
    const fd = by.get('fdmnes');
    expect(fd?.installed).toBe(
      which('fdmnes') !== undefined ||
        which('fdmnes_linux64') !== undefined ||
        which('fdmnes_linux') !== undefined,
    );
    if (!fd?.installed) expect(fd?.note).toMatch(/not in Debian/);
  });
});

describe('specfuse simulate --write-only (external engines)', () => {
  it('writes FDMNES decks for two sampled O sites without running anything', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { hasShared, sharedPath } = await import('../../../test/shared.js');
    if (!hasShared()) return;
    const dir = mkdtempSync(join(tmpdir(), 'specfuse-wo-'));
    try {
      const cif = sharedPath('data', 'structures', 'NMC622_seed_relaxed.cif');
      const args = ['simulate', '--structure', cif, '--element', 'O', '--edge', 'K', '--engine', 'fdmnes'];
      const r = spawnSync(
        process.execPath,
        [bin, ...args, '--sites', '2', '--seed', '1', '--write-only', dir, '--json'],
        {
          cwd: PROJECT_ROOT,
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(r.status).toBe(0);
      const doc = JSON.parse(r.stdout) as { engine: string; written: string[] };
      expect(doc.engine).toBe('fdmnes');
      expect(doc.written.length).toBe(4);
      expect(readdirSync(dir).length).toBe(2);
      const again = spawnSync(
        process.execPath,
        [bin, ...args, '--sites', '2', '--seed', '1', '--write-only', dir],
        {
          cwd: PROJECT_ROOT,
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/refusing to overwrite/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
