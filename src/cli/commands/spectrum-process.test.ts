import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { buildProgram } from '../main.js';

/** Run the CLI in-process, capturing stdout (errors surface as rejected promises, as main.ts would report). */
async function run(args: string[]): Promise<string> {
  let text = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    text += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await buildProgram().parseAsync(['node', 'specfuse', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return text;
}

const dir = mkdtempSync(join(tmpdir(), 'specfuse-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasShared())('spectrum normalize / plot', () => {
  const xdi = sharedPath('data', 'xas', 'xdi', 'Ni_metal_rt_01.xdi');
  const prj = sharedPath('data', 'xas', 'athena', 'NiO.prj');

  it('normalize --json gives e0, edge_step, pre, post', async () => {
    const doc = JSON.parse(await run(['spectrum', 'normalize', xdi, '--json']));
    expect(doc.e0).toBeGreaterThan(8330);
    expect(doc.e0).toBeLessThan(8333); // Ni K edge, 8333 eV (Elam 2002); Larch finds 8331.5 eV on this scan
    expect(doc.edge_step).toBeGreaterThan(0);
    expect(doc.pre).toHaveLength(2);
    expect(doc.post).toHaveLength(3);
    expect(doc.file).toBe(xdi);
  });

  it('normalize honours --group and --e0', async () => {
    const doc = JSON.parse(
      await run(['spectrum', 'normalize', prj, '--group', '2', '--e0', '8345', '--json']),
    );
    expect(doc.group).toBe(2);
    expect(doc.label).toBe('NiO.000');
    expect(doc.e0).toBe(8345);
  });

  it('bad options are typed errors', async () => {
    await expect(run(['spectrum', 'normalize', xdi, '--nnorm', '7', '--json'])).rejects.toThrow(/nnorm/);
    await expect(run(['spectrum', 'normalize', xdi, '--e0', '20000'])).rejects.toThrow(/outside the data/);
  });

  it('plot writes an SVG with axes, legend and title, and a PNG', async () => {
    const svg = join(dir, 'ni.svg');
    const doc = JSON.parse(
      await run(['spectrum', 'plot', xdi, prj, '-o', svg, '--normalize', '--title', 'Ni K', '--json']),
    );
    expect(doc.series).toHaveLength(2);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    for (const s of ['Ni K', 'Energy (eV)', 'Normalized μ(E) (flattened)', 'NiO.000'])
      expect(text).toContain(s);
    const png = join(dir, 'ni.png');
    await run(['spectrum', 'plot', xdi, '-o', png]);
    expect(Array.from(readFileSync(png).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('plot refuses to overwrite without --force and rejects other formats', async () => {
    const f = join(dir, 'keep.svg');
    writeFileSync(f, 'user data');
    await expect(run(['spectrum', 'plot', xdi, '-o', f])).rejects.toThrow(/--force/);
    expect(readFileSync(f, 'utf8')).toBe('user data');
    await expect(run(['spectrum', 'plot', xdi, '-o', join(dir, 'x.pdf')])).rejects.toThrow(/\.svg or \.png/);
  });
});
