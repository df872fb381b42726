import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import type { SpecfuseError } from '../../core/errors.js';
import { makeSpectrum } from '../../spectrum/spectrum.js';
import { msaKeyword, msaToSpectra, parseMsa, writeMsa } from './msa.js';

const EELS = (...p: string[]) => sharedPath('data', 'eels', ...p);
const run = hasShared() ? describe : describe.skip;

run('EMSA/MSA fixtures', () => {
  it('exspy core loss: DATATYPE Y, 2048 points from 360 eV at 0.2 eV/ch (README)', () => {
    const m = parseMsa(readFileSync(EELS('exspy', 'coreloss_spectrum.msa'), 'utf8'), 'coreloss.msa');
    expect(m.dataType).toBe('Y');
    expect(m.ended).toBe(true);
    expect(msaKeyword(m, 'signaltype')).toBe('ELS');
    const [s] = msaToSpectra(m).value;
    expect(s?.energy.length).toBe(2048);
    expect(s?.energy[0]).toBe(360);
    expect(s?.energy[2047]).toBeCloseTo(769.4, 9);
    expect(s?.intensity[0]).toBe(47179);
    expect(s?.meta.technique).toBe('EELS');
  });
  it('seed-paper Co edge: DATATYPE XY with CRLF lines; BEAMKV written in volts is read as 300 kV with a warning', () => {
    const m = parseMsa(readFileSync(EELS('nmc-si-doped', 'TM_Co_edge.msa'), 'utf8'), 'co.msa');
    expect(m.dataType).toBe('XY');
    const r = msaToSpectra(m, 'co.msa');
    const s = r.value[0];
    expect(s?.energy.length).toBe(1977);
    expect(s?.energy[0]).toBe(459.2);
    expect(s?.meta.eels?.beamEnergyKeV).toBe(300);
    expect(s?.meta.label).toBe('Co_edge');
    expect(r.warnings.some((w) => /BEAMKV 300000/.test(w.message) && w.path.line === 15)).toBe(true);
  });
});

describe('EMSA/MSA grammar', () => {
  it('Y data spread over NCOLUMNS values per line, keV axis, EELS keywords with units', () => {
    const t = [
      '#FORMAT      : EMSA/MAS Spectral Data File',
      '#VERSION     : 1.0',
      '#NPOINTS     : 5',
      '#NCOLUMNS    : 3',
      '#XUNITS      : keV',
      '#DATATYPE    : Y',
      '#XPERCHAN    : 0.01',
      '#OFFSET      : 0.5',
      '#SIGNALTYPE  : ELS',
      '#BEAMKV   -kV: 200',
      '#CONVANGLE-mR: 24.6',
      '#COLLANGLE-mR: 13.6',
      '#SPECTRUM    :',
      '1, 2, 3',
      '4, 5',
      '#ENDOFDATA   :',
    ].join('\n');
    const m = parseMsa(t);
    expect(m.keywords.BEAMKV?.units).toBe('kV');
    const [s] = msaToSpectra(m).value;
    expect(Array.from(s?.intensity ?? [])).toEqual([1, 2, 3, 4, 5]);
    expect(s?.energy[0]).toBe(500);
    expect(s?.energy[4]).toBeCloseTo(540, 9);
    expect(s?.meta.eels).toEqual({ beamEnergyKeV: 200, convergenceMrad: 24.6, collectionMrad: 13.6 });
  });
  it('multi-column XY: one spectrum per y column', () => {
    const t =
      '#FORMAT : EMSA/MAS Spectral Data File\n#DATATYPE : XY\n#TITLE : two\n#SPECTRUM :\n1, 10, 100\n2, 20, 200\n#ENDOFDATA :\n';
    const spectra = msaToSpectra(parseMsa(t)).value;
    expect(spectra.length).toBe(2);
    expect(Array.from(spectra[1]?.intensity ?? [])).toEqual([100, 200]);
    expect(spectra[1]?.meta.label).toBe('two [1]');
  });
  it('errors name the line; a missing #ENDOFDATA and a wrong NPOINTS are warnings', () => {
    const where = (t: string) => {
      try {
        parseMsa(t, 'x.msa');
      } catch (e) {
        return (e as SpecfuseError).path;
      }
      return undefined;
    };
    expect(where('#FORMAT : EMSA\n#DATATYPE : XY\n#SPECTRUM :\n1, 2\n1, 2, 3\n')).toEqual({
      file: 'x.msa',
      line: 5,
    });
    expect(where('#FORMAT : EMSA\n#DATATYPE : Y\n#SPECTRUM :\n1\nabc\n')).toEqual({
      file: 'x.msa',
      line: 5,
      column: 1,
    });
    expect(where('#FORMAT : EMSA\n#DATATYPE : Z\n')).toEqual({ file: 'x.msa', line: 2 });
    const r = msaToSpectra(parseMsa('#FORMAT : E\n#NPOINTS : 3\n#XPERCHAN : 1\n#SPECTRUM :\n1\n2\n'));
    expect(r.warnings.map((w) => w.message)).toEqual([
      'NPOINTS says 3 but the file holds 2 points',
      'no #ENDOFDATA line (file may be truncated)',
    ]);
  });
  it('writeMsa round trips uniform (Y) and non-uniform (XY) axes to 1e-12', () => {
    const meta = {
      origin: { kind: 'measured' as const },
      technique: 'EELS' as const,
      element: 'Mn',
      edge: 'L23',
      eels: { beamEnergyKeV: 300, convergenceMrad: 24.6, collectionMrad: 13.6, exposureS: 0.5 },
    };
    const uniform = makeSpectrum([640.1, 640.3, 640.5, 640.7], [1.5, 2.25, -3, 1e6 + 0.125], meta);
    const ragged = makeSpectrum([1, 2, 4, 8.5], [0.1, 0.2, 0.3, 0.4], meta);
    for (const s of [uniform, ragged]) {
      const text = writeMsa(s);
      const m = parseMsa(text);
      expect(m.dataType).toBe(s === uniform ? 'Y' : 'XY');
      const [b] = msaToSpectra(m).value;
      expect(Array.from(b?.intensity ?? [])).toEqual(Array.from(s.intensity));
      for (let i = 0; i < s.energy.length; i++)
        expect(Math.abs((b?.energy[i] as number) - (s.energy[i] as number))).toBeLessThanOrEqual(
          1e-12 * (s.energy[i] as number),
        );
      expect(b?.meta).toMatchObject({ element: 'Mn', edge: 'L23', technique: 'EELS', eels: meta.eels });
    }
  });
});
