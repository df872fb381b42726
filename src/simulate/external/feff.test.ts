import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, requireTool, sharedPath } from '../../../test/shared.js';
import { feffCard, parseFeffInp } from '../../io/feff/feff-inp.js';
import { parseFeffPath } from '../../io/feff/outputs.js';
import { readStructureFile } from '../../io/structure/file.js';
import { externalEngine } from './adapter.js';
import { feffAdapter, parseFeffPathFiles, writeFeffFiles } from './feff.js';
import { which, writeInputFiles } from './tools.js';

const shared = hasShared();
const GOLD = shared ? sharedPath('data', 'feff-golden', 'NiO-feff8l-paths') : '';
/**
 * The settings of the golden NiO feff8l run (its feff.inp): S02 0 (FEFF computes S0² from overlap integrals),
 * SCF 4.2 Å, EXCHANGE 0, EXAFS 20, l_scmt = l_fms = 2 for Ni and 1 for O, PRINT 1 0 0 0 0 3, cluster to 8 Å.
 * RPATH 3.7 Å instead of 5.9 keeps the run short: paths are numbered by increasing R_eff, so paths 1–5
 * (R_eff ≤ 3.61 Å) are the same paths with the same potentials.
 */
const NIO_GOLDEN_OPTIONS = {
  program: 'feff8l',
  mode: 'exafs',
  radius: 8.0,
  s02: 0,
  scf: { radius: 4.2 },
  exafs: 20,
  rpath: 3.7,
  print: [1, 0, 0, 0, 0, 3],
  lScmt: { Ni: 2, O: 1 },
  lFms: { Ni: 2, O: 1 },
} as const;

describe.skipIf(!shared)('FEFF adapter: writing', () => {
  it('writes the golden NiO settings from NiO.cif (cards, potentials, 251 atoms)', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;
    const ours = parseFeffInp(writeFeffFiles(s, 0, 'K', NIO_GOLDEN_OPTIONS)['feff.inp'] as string, 'ours');
    const gold = parseFeffInp(readFileSync(join(GOLD, 'feff.inp'), 'utf8'), 'gold');
    const norm = (v: readonly string[] | undefined) =>
      (v ?? []).map((t) => (Number.isNaN(Number(t)) ? t : Number(t)));
    for (const c of ['EDGE', 'S02', 'CONTROL', 'PRINT', 'EXCHANGE', 'SCF', 'EXAFS'])
      expect(norm(feffCard(ours, c)?.values), c).toEqual(norm(feffCard(gold, c)?.values));
    expect(
      ours.potentials.map(({ ipot, z, lScmt, lFms, stoichiometry }) => [ipot, z, lScmt, lFms, stoichiometry]),
    ).toEqual(
      gold.potentials.map(({ ipot, z, lScmt, lFms, stoichiometry }) => [ipot, z, lScmt, lFms, stoichiometry]),
    );
    expect(ours.atoms.length).toBe(gold.atoms.length);
    // same shells: sorted distances agree to 1e-4 Å, and the same ipot in each shell
    const key = (a: { distance?: number; ipot: number }) => `${(a.distance ?? 0).toFixed(4)}:${a.ipot}`;
    expect(ours.atoms.map(key).sort()).toEqual(gold.atoms.map(key).sort());
  });
  it('refuses L23 (one edge per FEFF run) and ELNES with feff8l', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;
    expect(() => writeFeffFiles(s, 0, 'L23', { program: 'feff8l' })).toThrow(/one edge per run/);
    expect(() => writeFeffFiles(s, 0, 'K', { program: 'feff8l', mode: 'elnes' })).toThrow(/elnes|FEFF 9/i);
  });
  it('FEFF 9/10 XANES and ELNES decks (COREHOLE, FMS, ELNES with beam energy and angles)', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;
    const xanes = parseFeffInp(writeFeffFiles(s, 4, 'K', { program: 'feff' })['feff.inp'] as string, 'x');
    expect(feffCard(xanes, 'COREHOLE')?.values).toEqual(['FSR']);
    expect(feffCard(xanes, 'FMS')?.values).toEqual(['6']);
    expect(xanes.potentials[0]).toMatchObject({ ipot: 0, label: 'O', lScmt: 1, lFms: 2 });
    const elnes = parseFeffInp(
      writeFeffFiles(s, 4, 'K', {
        program: 'feff',
        technique: 'EELS',
        elnes: { beamEnergyKeV: 300, collectionMrad: 13.6, convergenceMrad: 24.6 },
      })['feff.inp'] as string,
      'e',
    );
    expect(feffCard(elnes, 'ELNES')?.lines?.[0]?.[0]).toBe('300');
    expect(feffCard(elnes, 'ELNES')?.lines?.[2]).toEqual(['13.6', '24.6']);
  });
  it('write-only: the engine writes inputs per site and never overwrites', () => {
    const s = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;
    const dir = mkdtempSync(join(tmpdir(), 'specfuse-feff-wo-'));
    try {
      const e = externalEngine(feffAdapter);
      const files = e.writeInputs(
        s,
        { element: 'Ni', edge: 'K', sites: [0, 1], options: { program: 'feff8l' } },
        dir,
      );
      expect(files.map((f) => f.slice(dir.length))).toEqual(['/site-0/feff.inp', '/site-1/feff.inp']);
      expect(() => e.writeInputs(s, { element: 'Ni', edge: 'K', sites: [0, 1] }, dir)).toThrow(
        /refusing to overwrite/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const hasFeff8l = which('feff8l') !== undefined;
describe.skipIf(!shared || !requireTool('feff85exafs', hasFeff8l))(
  'FEFF adapter: feff8l on NiO (integration)',
  () => {
    it('runs feff8l from NiO.cif and reproduces the golden path amplitudes to 1e-3', async () => {
      const s = readStructureFile(sharedPath('data', 'structures', 'NiO.cif')).value;
      const dir = mkdtempSync(join(tmpdir(), 'specfuse-feff-it-'));
      try {
        writeInputFiles(dir, feffAdapter.write(s, 0, 'K', NIO_GOLDEN_OPTIONS));
        // stop feff8l (and the modules it starts) if the test outlives its budget on a busy machine
        const runs = await feffAdapter.run(dir, { signal: AbortSignal.timeout(280_000) });
        expect(runs[0]?.exitCode).toBe(0);
        const paths = parseFeffPathFiles(dir);
        expect(paths.length).toBeGreaterThanOrEqual(5);
        for (const p of paths.slice(0, 5)) {
          const g = parseFeffPath(
            readFileSync(join(GOLD, `feff${String(p.path.index).padStart(4, '0')}.dat`), 'utf8'),
            'golden',
          );
          expect(p.path.degeneracy).toBe(g.path.degeneracy);
          expect(p.path.reff).toBeCloseTo(g.path.reff, 4);
          expect(p.k.length).toBe(g.k.length);
          let worst = 0;
          for (let i = 0; i < p.k.length; i++) {
            worst = Math.max(worst, Math.abs((p.magFeff[i] as number) - (g.magFeff[i] as number)));
            worst = Math.max(worst, Math.abs((p.redFactor[i] as number) - (g.redFactor[i] as number)));
          }
          expect(worst, `path ${p.path.index}`).toBeLessThan(1e-3);
        }
        const spectrum = feffAdapter.parse(dir);
        expect(spectrum.meta.origin).toMatchObject({ kind: 'simulated', engine: 'feff' });
        expect(spectrum.meta.element).toBe('Ni');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  },
);
