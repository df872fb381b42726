import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './shared.js';

/**
 * The main job's quick run through the real CLI (issue 12): every mode and fusion in the table, finite metrics in
 * range, the report and the other outputs written — and a rerun resumes instead of starting over.
 * Checks shapes and ranges, not specific values.
 */
const out = mkdtempSync(join(tmpdir(), 'specfuse-quick-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * Run the CLI asynchronously: a synchronous spawn would block the test worker's event loop for minutes, and vitest's
 * worker RPC times out when its loop is blocked that long.
 */
function run(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'specfuse.js'),
        'run',
        '--quick',
        '--out',
        out,
        '--bootstrap',
        '200',
        '--json',
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 540_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

describe('specfuse run --quick', () => {
  it('runs the whole study and writes a complete, sane answer', async () => {
    const r = await run();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(r.stdout);
    const modes: string[] = result.modes;
    expect(modes.length).toBeGreaterThanOrEqual(3);
    const rows = result.table.rows as {
      kind: string;
      modes: string[];
      metrics: Record<string, Record<string, { value: number; lo: number; hi: number }>>;
    }[];
    // every single mode, and the all-mode fusion
    for (const m of modes)
      expect(rows.some((row) => row.kind === 'single' && row.modes.join() === m)).toBe(true);
    expect(rows.some((row) => row.kind === 'all-fusion' && row.modes.length === modes.length)).toBe(true);
    // the seed paper's four-mode fusion (O K + Ni/Mn/Co L2,3) has its own row when more modes than those are run
    const seed = ['O:K', 'Ni:L23', 'Mn:L23', 'Co:L23'];
    if (seed.every((m) => modes.includes(m)) && modes.length > seed.length)
      expect(rows.find((row) => row.kind === 'seed-fusion')?.modes).toEqual(seed);
    const live = (result.table.targets as { name: string; task: string; skipped?: string }[]).filter(
      (t) => !t.skipped,
    );
    expect(live.map((t) => t.name)).toEqual(expect.arrayContaining(['o_vacancy', 'antisite']));
    for (const row of rows)
      for (const t of live) {
        const ms = row.metrics[t.name]!;
        for (const [name, c] of Object.entries(ms)) {
          for (const v of [c.value, c.lo, c.hi])
            expect(Number.isFinite(v), `${row.modes} ${t.name} ${name}`).toBe(true);
          expect(c.lo).toBeLessThanOrEqual(c.hi + 1e-12);
          if (['accuracy', 'f1', 'auc'].includes(name)) {
            expect(c.value).toBeGreaterThanOrEqual(0);
            expect(c.value).toBeLessThanOrEqual(1);
          }
          if (name === 'r2') expect(c.value).toBeLessThanOrEqual(1);
          if (name === 'mae') expect(c.value).toBeGreaterThanOrEqual(0);
        }
      }
    expect(result.conclusion.length).toBeGreaterThan(100);
    for (const f of Object.values(result.files) as string[]) expect(existsSync(f), f).toBe(true);
    const html = readFileSync(result.files.report, 'utf8');
    expect(html).toContain('id="evaluation-table"');
    expect(html).toContain('<svg');
    const md = readFileSync(result.files.evaluation_md, 'utf8');
    expect(md).toContain('| modes |');
  }, 600_000);

  it('resumes on a rerun: no simulation and no evaluation is redone', async () => {
    const r = await run();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).toMatch(/"created":false/);
    expect(r.stderr).toMatch(/"runnable":0/);
    expect(JSON.parse(r.stdout).evaluationCached).toBe(true);
  }, 300_000);
});
