import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, requireTool, sharedPath } from '../../../test/shared.js';
import { canonicalDeck, fdmnesBlock, parseFdmnesDeck } from '../../io/fdmnes/deck.js';
import { parseNamelists } from '../../io/xspectra/inputs.js';
import { readStructureFile } from '../../io/structure/file.js';
import { latticeFromParameters } from '../../structure/lattice.js';
import type { Structure } from '../../structure/types.js';
import { averageSpectra, externalEngine, selectSites } from './adapter.js';
import { fdmnesAdapter, writeFdmnesFiles } from './fdmnes.js';
import { supercellForSeparation, writeXspectraFiles } from './xspectra.js';

const nio: Structure = {
  lattice: latticeFromParameters(4.1684, 4.1684, 4.1684, 90, 90, 90),
  sites: [
    { element: 'Ni', frac: [0, 0, 0] },
    { element: 'Ni', frac: [0, 0.5, 0.5] },
    { element: 'Ni', frac: [0.5, 0, 0.5] },
    { element: 'Ni', frac: [0.5, 0.5, 0] },
    { element: 'O', frac: [0.5, 0, 0] },
    { element: 'O', frac: [0.5, 0.5, 0.5] },
    { element: 'O', frac: [0, 0, 0.5] },
    { element: 'O', frac: [0, 0.5, 0] },
  ],
  metadata: {},
};

describe('site selection and averaging', () => {
  it('all, explicit, and a seeded sample', () => {
    expect(selectSites(nio, { element: 'O', edge: 'K' })).toEqual([4, 5, 6, 7]);
    expect(selectSites(nio, { element: 'Ni', edge: 'K', sites: [2] })).toEqual([2]);
    const a = selectSites(nio, { element: 'O', edge: 'K', sites: 2, seed: 7 });
    expect(a.length).toBe(2);
    expect(selectSites(nio, { element: 'O', edge: 'K', sites: 2, seed: 7 })).toEqual(a);
    expect(() => selectSites(nio, { element: 'Ni', edge: 'K', sites: [4] })).toThrow(/not a Ni site/);
    expect(() => selectSites(nio, { element: 'Co', edge: 'K' })).toThrow(/no Co atoms/);
  });
  it('weighted average on the overlap of the grids', () => {
    const s = (e: number[], y: number[]) => ({
      energy: Float64Array.from(e),
      intensity: Float64Array.from(y),
      meta: { origin: { kind: 'measured' as const } },
    });
    const [g, y] = averageSpectra(
      [s([0, 1, 2, 3], [0, 2, 4, 6]), s([1, 2, 3, 4], [10, 10, 10, 10])],
      [0.25, 0.75],
    ) as [Float64Array, Float64Array];
    expect(Array.from(g)).toEqual([1, 2, 3]);
    expect(Array.from(y)).toEqual([0.25 * 2 + 7.5, 0.25 * 4 + 7.5, 0.25 * 6 + 7.5]);
  });
});

describe('FDMNES adapter', () => {
  it('writes a per-site deck with the seed settings and fdmfile.txt', () => {
    const files = writeFdmnesFiles(nio, 4, 'K', {});
    expect(files['fdmfile.txt']).toBe('1\nfdmnes_in.txt\n');
    const deck = parseFdmnesDeck(files['fdmnes_in.txt'] as string, 'deck');
    expect(fdmnesBlock(deck, 'Absorber')?.values).toEqual([['5']]);
    expect(fdmnesBlock(deck, 'Excited')).toBeDefined();
    expect(fdmnesBlock(deck, 'Radius')?.values).toEqual([['6']]);
    expect(canonicalDeck(deck).map((b) => b.keyword)).toContain('convolution');
    expect(
      fdmnesBlock(
        parseFdmnesDeck(writeFdmnesFiles(nio, 0, 'L23', { radius: 7 })['fdmnes_in.txt'] as string),
        'Radius',
      )?.values,
    ).toEqual([['7']]);
  });
  it('an absent FDMNES is reported, and simulate fails with an engine error, never a crash', async () => {
    const info = fdmnesAdapter.detect();
    if (info.installed) return;
    expect(info.note).toMatch(/not in Debian/);
    const e = externalEngine(fdmnesAdapter);
    expect(e.version).toBe('not installed');
    await expect(e.simulate(nio, { element: 'O', edge: 'K' })).rejects.toMatchObject({ code: 'engine' });
  });
  it('parse reads <Filout>_conv.txt from a run directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'specfuse-fdm-'));
    try {
      writeFileSync(join(dir, 'fdmnes_in.txt'), writeFdmnesFiles(nio, 4, 'K', {})['fdmnes_in.txt'] as string);
      writeFileSync(join(dir, 'site5_O_conv.txt'), '  Energy  <xanes>\n 530 0.1\n 531 0.5\n');
      const s = fdmnesAdapter.parse(dir);
      expect(Array.from(s.intensity)).toEqual([0.1, 0.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const QE = '/usr/share/doc/quantum-espresso/examples/XSpectra/pseudo';
describe('XSpectra adapter: inputs', () => {
  it('supercell for an 8 Å core-hole separation', () => {
    expect(supercellForSeparation(nio, 8)).toEqual([2, 2, 2]);
    expect(supercellForSeparation(nio, 4)).toEqual([1, 1, 1]);
  });
  it('needs user-supplied pseudopotentials and K edges', () => {
    expect(() => writeXspectraFiles(nio, 0, 'K', {})).toThrow(/pseudopotentials/);
    expect(() => writeXspectraFiles(nio, 0, 'L23', {})).toThrow(/K edges/);
  });
  it.skipIf(!requireTool('quantum-espresso', existsSync(`${QE}/Ni_PBE_TM_2pj.UPF.gz`)))(
    'writes pw.x (absorber species first, core-hole pseudo) and 3 xspectra inputs',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'specfuse-pp-'));
      try {
        for (const f of ['Ni_PBE_TM_2pj.UPF', 'O_PBE_TM.UPF'])
          writeFileSync(join(dir, f), gunzipSync(readFileSync(`${QE}/${f}.gz`)));
        const files = writeXspectraFiles(nio, 1, 'K', {
          pseudoDir: dir,
          pseudos: { Ni: 'Ni_PBE_TM_2pj.UPF', O: 'O_PBE_TM.UPF' },
          coreHolePseudo: 'Nih.UPF',
          supercell: [1, 1, 1],
        });
        const scf = parseNamelists(files['scf.in'] as string, 'scf.in');
        expect(scf.namelists.system).toMatchObject({ ibrav: 0, nat: 8, ntyp: 3, tot_charge: 1, ecutwfc: 40 });
        expect(scf.cards).toContain('Nih  58.6934  Nih.UPF');
        const atoms = scf.cards.slice(scf.cards.indexOf('ATOMIC_POSITIONS crystal') + 1, -2);
        expect(atoms.filter((a) => a.startsWith('Nih')).length).toBe(1);
        expect(atoms[1]).toMatch(/^Nih\s+0\.0+\s+0\.50+\s+0\.50+$/);
        expect(Object.keys(files).filter((f) => /^xspectra_\d\.in$/.test(f)).length).toBe(3);
        const xs2 = parseNamelists(files['xspectra_2.in'] as string).namelists;
        expect(xs2.input_xspectra).toMatchObject({ 'xepsilon(2)': 1, xiabs: 1 });
        expect(xs2.plot).toMatchObject({ xanes_file: 'xanes_2.dat' });
        const wfc = (files['core.wfc'] as string).split('\n');
        expect(wfc[0]).toBe('#number of core states  3');
        expect(wfc[1]?.trim().split(/\s+/).length).toBe(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe.skipIf(!hasShared())('FDMNES adapter from the seed CIF', () => {
  it('the NMC622 seed cell read from CIF gives the seed Ni deck (Z_Absorber variant) to 1e-5', async () => {
    const { buildFdmnesDeck, fdmnesSeedSettings } = await import('../../io/fdmnes/build.js');
    const { writeFdmnesDeck, fdmnesCrystal } = await import('../../io/fdmnes/deck.js');
    const s = readStructureFile(sharedPath('data', 'structures', 'NMC622_seed_relaxed.cif')).value;
    for (const el of ['O', 'Ni', 'Mn', 'Co']) {
      const seedFile = sharedPath('data', 'fdmnes', `${el}_in.txt`);
      const seed = parseFdmnesDeck(readFileSync(seedFile, 'utf8'), seedFile);
      const ours = parseFdmnesDeck(writeFdmnesDeck(buildFdmnesDeck(s, fdmnesSeedSettings(el))), 'ours');
      const nc = (d: typeof seed) => canonicalDeck(d).filter((b) => b.keyword !== 'crystal');
      expect(nc(ours)).toEqual(nc(seed));
      const a = fdmnesCrystal(ours);
      const b = fdmnesCrystal(seed);
      a.cell.forEach((x, i) => {
        expect(Math.abs(x - (b.cell[i] as number))).toBeLessThan(1e-5);
      });
      expect(a.atoms.length).toBe(40);
      a.atoms.forEach((at, i) => {
        expect(at.z).toBe(b.atoms[i]?.z);
        at.frac.forEach((f, k) => {
          expect(Math.abs(f - (b.atoms[i]?.frac[k] as number))).toBeLessThan(1e-5);
        });
      });
    }
  });
});

describe('CLI-style options', () => {
  it('dotted keys nest and comma lists become number arrays', async () => {
    const { adapterOptions } = await import('./adapter.js');
    expect(
      adapterOptions({
        element: 'O',
        edge: 'K',
        radius: 5,
        options: {
          'pseudos.Ni': 'Ni.UPF',
          'pseudos.O': 'O.UPF',
          supercell: '2,2,1',
          ecutwfc: 45,
          mode: 'xanes',
        },
      }),
    ).toEqual({
      pseudos: { Ni: 'Ni.UPF', O: 'O.UPF' },
      supercell: [2, 2, 1],
      ecutwfc: 45,
      mode: 'xanes',
      radius: 5,
    });
  });
});

describe('runProgram', () => {
  it('logs output, reports failures as engine errors and cancels the process group', async () => {
    const { runProgram } = await import('./tools.js');
    const dir = mkdtempSync(join(tmpdir(), 'specfuse-run-'));
    try {
      const ok = await runProgram('/bin/sh', ['-c', 'echo hello'], dir, 'ok.log');
      expect(readFileSync(ok.log, 'utf8')).toBe('hello\n');
      await expect(
        runProgram('/bin/sh', ['-c', 'echo boom >&2; exit 3'], dir, 'bad.log'),
      ).rejects.toMatchObject({
        code: 'engine',
      });
      const t0 = Date.now();
      await expect(
        runProgram('/bin/sh', ['-c', 'sleep 20 & wait'], dir, 'slow.log', {
          signal: AbortSignal.timeout(200),
        }),
      ).rejects.toThrow(/cancelled/);
      expect(Date.now() - t0).toBeLessThan(10_000);
      await expect(runProgram('/no/such/program', [], dir, 'x.log')).rejects.toMatchObject({
        code: 'engine',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
