import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import type { SpecfuseError } from '../../core/errors.js';
import { makeSpectrum } from '../../spectrum/spectrum.js';
import { columnsToSpectrum, parseColumns, pickColumns, writeCsv } from './columns.js';
import { jsonToSpectrum, parseJsonSpectrum } from './json.js';

const meta = { origin: { kind: 'measured' as const } };

describe('column text', () => {
  it('CSV with a header line, extra columns, keV energies', () => {
    const t = 'Energy_keV,mu,ref\n8.333,0.1,9\n8.334,0.2,9\n';
    const table = parseColumns(t, 'a.csv');
    expect(table.delimiter).toBe(',');
    expect(table.labels).toEqual(['Energy_keV', 'mu', 'ref']);
    const r = columnsToSpectrum(table, meta, 'a.csv');
    expect(Array.from(r.value.energy)).toEqual([8333, 8334]);
    expect(Array.from(r.value.intensity)).toEqual([0.1, 0.2]);
    expect(r.warnings.length).toBe(1);
  });
  it('whitespace columns with a commented label line, Fortran exponents, sorting with a warning', () => {
    const t = '# my data\n#  e   intensity\n  3.0  1.0D+02\n  1.0  2.5E-1\n  2.0  7\n';
    const table = parseColumns(t);
    expect(table.labels).toEqual(['e', 'intensity']);
    expect(table.header).toEqual(['my data']);
    const r = columnsToSpectrum(table, meta);
    expect(Array.from(r.value.energy)).toEqual([1, 2, 3]);
    expect(Array.from(r.value.intensity)).toEqual([0.25, 7, 100]);
    expect(r.warnings.some((w) => /sorted/.test(w.message))).toBe(true);
  });
  it('TSV without labels', () => {
    const table = parseColumns('1\t5\n2\t6\n');
    expect(table.delimiter).toBe('\t');
    expect(table.labelled).toBe(false);
    expect(pickColumns(table.labels)).toEqual({ energy: 0, intensity: 1 });
  });
  it('errors name line and column', () => {
    const where = (t: string) => {
      try {
        parseColumns(t, 'c.csv');
      } catch (e) {
        return (e as SpecfuseError).path;
      }
      return undefined;
    };
    expect(where('x,y\n1,2\n3,oops\n')).toEqual({ file: 'c.csv', line: 3, column: 2 });
    expect(where('x,y\n1,2\n3\n')).toEqual({ file: 'c.csv', line: 3 });
    expect(where('# nothing\n')).toEqual({ file: 'c.csv' });
  });
  it('writeCsv: header energy_eV,intensity then extra columns; exact read-back', () => {
    const s = makeSpectrum([530.1, 530.3, 531.123456789012], [1 / 3, 2e-300, -7], meta);
    const text = writeCsv(s, { sigma: [0.1, 0.2, 0.3] });
    expect(text.split('\n')[0]).toBe('energy_eV,intensity,sigma');
    const back = columnsToSpectrum(parseColumns(text), meta).value;
    expect(Array.from(back.energy)).toEqual(Array.from(s.energy));
    expect(Array.from(back.intensity)).toEqual(Array.from(s.intensity));
  });
});

describe('JSON spectra', () => {
  it('{energy, intensity} and errors with lines', () => {
    const j = parseJsonSpectrum('{"energy":[1,2],"intensity":[3,4],"element":"O"}');
    expect(j.fields).toEqual({ element: 'O' });
    expect(Array.from(jsonToSpectrum(j, meta).value.intensity)).toEqual([3, 4]);
    const where = (t: string) => {
      try {
        parseJsonSpectrum(t, 'j.json');
      } catch (e) {
        return [(e as SpecfuseError).code, (e as SpecfuseError).path];
      }
      return undefined;
    };
    expect(where('{\n"x": [1,\n2,,]}')).toEqual(['parse', { file: 'j.json', line: 3 }]);
    expect(where('{"x":[1,2],"y":[1]}')).toEqual(['parse', { file: 'j.json', field: 'y' }]);
    expect(where('{"a":1}')?.[0]).toBe('unsupported');
  });
  (hasShared() ? it : it.skip)('LiCoO2 Co K (README: 468 points, 7506.6–8678 eV)', () => {
    const j = parseJsonSpectrum(
      readFileSync(sharedPath('data', 'xas', 'json', 'LiCoO2_CoK_spectrum.json'), 'utf8'),
    );
    const s = jsonToSpectrum(j, meta).value;
    expect(s.energy.length).toBe(468);
    expect(s.energy[0]).toBeCloseTo(7506.6, 1);
    expect(s.energy[467]).toBeCloseTo(8678, 0);
  });
});
