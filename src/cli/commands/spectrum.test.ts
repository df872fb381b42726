import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { SpecfuseError } from '../../core/errors.js';
import { register } from './spectrum.js';

async function cli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'specfuse', ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out;
}

const run = hasShared() ? describe : describe.skip;

run('specfuse spectrum info / convert', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-cli-spectrum-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('info --json on the Si-doped NMC spectrum image', async () => {
    const out = await cli([
      'spectrum',
      'info',
      sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3'),
      '--json',
    ]);
    const j = JSON.parse(out);
    expect(j).toMatchObject({
      format: 'dm3',
      technique: 'EELS',
      nav_shape: [2, 21],
      channels: 2048,
      dispersion: 0.3,
    });
    expect(j.energy[0]).toBe(440);
    expect(j.energy[1]).toBeCloseTo(1054.1, 9);
    expect(j.metadata.acquisition.beamEnergyKeV).toBe(300);
  });
  it('info --group on an Athena project', async () => {
    const j = JSON.parse(
      await cli([
        'spectrum',
        'info',
        sharedPath('data', 'xas', 'athena', 'Mn_all.prj'),
        '--group',
        '8',
        '--json',
      ]),
    );
    expect(j).toMatchObject({
      format: 'athena',
      element: 'Mn',
      edge: 'K',
      technique: 'XAS',
      channels: 250,
      groups: 1,
    });
    expect(j.metadata.label).toBe('MnO sedimented fuorescence');
  });
  it('convert XDI → MSA and refuse to overwrite the input', async () => {
    const out = join(dir, 'ni.msa');
    const input = sharedPath('data', 'xas', 'xdi', 'Ni_metal_rt_01.xdi');
    const j = JSON.parse(await cli(['spectrum', 'convert', input, out, '--json']));
    expect(j).toMatchObject({ format: 'msa', points: 418 });
    expect(readFileSync(out, 'utf8')).toMatch(/^#FORMAT/);
    await expect(cli(['spectrum', 'convert', out, out])).rejects.toThrow(SpecfuseError);
    await expect(cli(['spectrum', 'info', join(dir, 'nope.xdi')])).rejects.toThrow(/no such file/);
  });
});
