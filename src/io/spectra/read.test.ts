import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { SpecfuseError } from '../../core/errors.js';
import { makeSpectrum } from '../../spectrum/spectrum.js';
import { detectSpectrumFormat, parseSpectrumBytes, readSpectra, writeSpectrumFile } from './read.js';

function walk(d: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((f) => {
      const p = join(d, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** Files in data/xas and data/eels that are not spectra (documentation and an edge-energy table). */
const NOT_SPECTRA = /(XDI-spec\.md|XDI-dictionary\.md|eels_binding_energies\.json)$/;

const run = hasShared() ? describe : describe.skip;

run('every file in shared/data/xas and shared/data/eels', () => {
  const files = [...walk(sharedPath('data', 'xas')), ...walk(sharedPath('data', 'eels'))];
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(39);
  });
  for (const f of files) {
    const name = f.slice(sharedPath('data').length + 1);
    if (NOT_SPECTRA.test(f))
      it(`${name}: not a spectrum → typed 'unsupported' error`, () => {
        expect(() => readSpectra(f)).toThrow(SpecfuseError);
        try {
          readSpectra(f);
        } catch (e) {
          expect((e as SpecfuseError).code).toBe('unsupported');
          expect((e as SpecfuseError).path.file).toBe(f);
        }
      });
    else
      it(`${name}: read`, () => {
        const r = readSpectra(f);
        const v = r.value;
        const n = v.spectra.length + (v.image ? 1 : 0);
        expect(n).toBeGreaterThan(0);
        for (const s of v.spectra) {
          expect(s.energy.length).toBeGreaterThan(1);
          for (let i = 1; i < s.energy.length; i++)
            expect(s.energy[i]).toBeGreaterThan(s.energy[i - 1] as number);
        }
        // detection is by content: the same bytes under a neutral name give the same format
        const bytes = new Uint8Array(readFileSync(f));
        const neutral = detectSpectrumFormat('/tmp/upload.bin', bytes);
        expect(neutral === v.format || (neutral === 'csv' && v.format === 'json')).toBe(true);
      });
  }
});

run('FEFF and FDMNES outputs go through their own parsers', () => {
  it('FEFF 8.5 xmu.dat / chi.dat / feff0001.dat', () => {
    const base = sharedPath('data', 'feff', 'NiO', 'baseline', 'withSCF');
    const xmu = readSpectra(join(base, 'xmu.dat')).value;
    expect(xmu.format).toBe('feff-xmu');
    expect(xmu.spectra[0]?.meta.origin.kind).toBe('simulated');
    expect(readSpectra(join(base, 'chi.dat')).value.format).toBe('feff-chi');
    const path = readSpectra(sharedPath('data', 'feff-golden', 'NiO-feff8l-paths', 'feff0001.dat')).value;
    expect(path.format).toBe('feff-path');
  });
  it('FDMNES convoluted and raw outputs', () => {
    const conv = new TextEncoder().encode('  Energy    <xanes>\n -5.0  0.10\n -4.8  0.12\n -4.6  0.15\n');
    const c = parseSpectrumBytes(conv, 'Ni_conv.txt').value;
    expect(c.format).toBe('fdmnes-conv');
    expect(Array.from(c.spectra[0]?.intensity ?? [])).toEqual([0.1, 0.12, 0.15]);
    const raw = new TextEncoder().encode(
      ' FDMNES\n   8333.0  28  1  1  0.5 = E_edge, Z, n_edge, j_edge, Abs_before_edge\n  Energy    <xanes>\n -5.0  1.0\n -4.8  1.2\n',
    );
    const r = parseSpectrumBytes(raw, 'Ni.txt').value;
    expect(r.format).toBe('fdmnes-raw');
    expect(r.spectra[0]?.meta.element).toBe('Ni');
  });
});

describe('detection and writing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-spectra-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const spectrum = makeSpectrum([530, 530.5, 531.25, 540], [0.25, 1 / 3, 7e-7, 12345.6789], {
    origin: { kind: 'measured' },
    element: 'O',
    edge: 'K',
    technique: 'EELS',
    eels: { beamEnergyKeV: 300 },
    label: 'O K test',
  });
  for (const ext of ['csv', 'xdi', 'msa'])
    it(`writes ${ext} atomically and reads it back to 1e-9`, () => {
      const out = join(dir, `o.${ext}`);
      const w = writeSpectrumFile(spectrum, out);
      expect(w.format).toBe(ext);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const back = readSpectra(out).value.spectra[0];
      expect(back?.energy.length).toBe(4);
      for (let i = 0; i < 4; i++) {
        expect(
          Math.abs((back?.energy[i] as number) / (spectrum.energy[i] as number) - 1),
        ).toBeLessThanOrEqual(1e-9);
        expect(
          Math.abs((back?.intensity[i] as number) / (spectrum.intensity[i] as number) - 1),
        ).toBeLessThanOrEqual(1e-9);
      }
      if (ext !== 'csv') expect(back?.meta).toMatchObject({ element: 'O', edge: 'K', technique: 'EELS' });
    });
  it('refuses to overwrite an input or an existing file; unknown extensions', () => {
    const out = join(dir, 'keep.csv');
    writeFileSync(out, 'precious');
    expect(() => writeSpectrumFile(spectrum, out)).toThrow(/refusing to overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(() => writeSpectrumFile(spectrum, out, { inputs: [out], overwrite: true })).toThrow(/input/);
    const fromFile = {
      ...spectrum,
      meta: { ...spectrum.meta, origin: { kind: 'measured' as const, file: out } },
    };
    expect(() => writeSpectrumFile(fromFile, out, { overwrite: true })).toThrow(/input/);
    writeSpectrumFile(spectrum, out, { overwrite: true });
    expect(readFileSync(out, 'utf8').startsWith('energy_eV,intensity')).toBe(true);
    expect(() => writeSpectrumFile(spectrum, join(dir, 'x.png'))).toThrow(/\.xdi, \.csv or \.msa/);
  });
  it('content beats the extension; groups by index and label', () => {
    const msa = new TextEncoder().encode(
      '#FORMAT : EMSA/MAS\n#DATATYPE : XY\n#SPECTRUM :\n1, 2\n2, 3\n#ENDOFDATA :\n',
    );
    expect(detectSpectrumFormat('data.csv', msa)).toBe('msa');
    expect(detectSpectrumFormat('x.dat', new TextEncoder().encode('# XDI/1.0\n'))).toBe('xdi');
    expect(detectSpectrumFormat('x.txt', new TextEncoder().encode('hello world'))).toBe(undefined);
    // a labelled whitespace column file is columns, not an FDMNES output, unless it looks like one
    expect(detectSpectrumFormat('x.dat', new TextEncoder().encode('Energy  mu\n1 2\n'))).toBe('columns');
    expect(detectSpectrumFormat('x.dat', new TextEncoder().encode('  Energy  <xanes>\n1 2\n'))).toBe(
      'fdmnes-conv',
    );
    expect(() => readSpectra(join(dir, 'missing.xdi'))).toThrow(/no such file/);
  });
  (hasShared() ? it : it.skip)('--group selects by index, label, or pixel', () => {
    const prj = sharedPath('data', 'xas', 'athena', 'NiO.prj');
    expect(readSpectra(prj, { group: 1 }).value.spectra[0]?.meta.label).toBe('  Ref NiO.000');
    expect(readSpectra(prj, { group: 'nio' }).value.spectra[0]?.meta.label).toBe('NiO');
    expect(() => readSpectra(prj, { group: 24 })).toThrow(/no group 24/);
    const si = sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3');
    const px = readSpectra(si, { group: 41 }).value.spectra[0];
    expect(px?.energy.length).toBe(2048);
    expect(() => readSpectra(si, { group: 42 })).toThrow(/pixel 42/);
  });
});
