import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import type { SpecfuseError } from '../../core/errors.js';
import { makeSpectrum } from '../../spectrum/spectrum.js';
import { parseXdi, writeXdi, xdiField, xdiToSpectra } from './xdi.js';

const XDI = (f: string) => sharedPath('data', 'xas', 'xdi', f);
const run = hasShared() ? describe : describe.skip;

run('XDI fixtures', () => {
  it('Ni2O3_rt_01: header fields, columns, comments; mu = ln(i0/itrans), reference ln(itrans/irefer)', () => {
    const text = readFileSync(XDI('Ni2O3_rt_01.xdi'), 'utf8');
    const x = parseXdi(text, 'Ni2O3_rt_01.xdi');
    expect(x.version).toBe('1.0');
    expect(xdiField(x, 'element.SYMBOL')).toBe('Ni');
    expect(xdiField(x, 'Element.edge')).toBe('K');
    expect(xdiField(x, 'Mono.d_spacing')).toBe('3.13550');
    expect(x.fieldLines['Mono.d_spacing']).toBe(12);
    expect(x.columns).toEqual([
      { label: 'energy', units: 'eV' },
      { label: 'i0' },
      { label: 'itrans' },
      { label: 'irefer' },
    ]);
    expect(x.labelLine).toEqual(['energy', 'i0', 'itrans', 'irefer']);
    expect(x.comments[0]).toBe('   Note: mono d_spacing is nominal!');
    expect(x.data[0]?.length).toBe(435);
    const r = xdiToSpectra(x, 'Ni2O3_rt_01.xdi');
    const [mu, ref] = r.value.spectra;
    expect(r.value.mapping).toEqual({
      energyFrom: 'energy',
      muFrom: 'ln(i0/itrans)',
      referenceFrom: 'ln(itrans/irefer)',
    });
    // first row: 8110.0000  289575.590000  186930.589403  578507.995881
    expect(mu?.energy[0]).toBe(8110);
    expect(mu?.intensity[0]).toBeCloseTo(Math.log(289575.59 / 186930.589403), 14);
    expect(ref?.intensity[0]).toBeCloseTo(Math.log(186930.589403 / 578507.995881), 14);
    expect(mu?.meta).toMatchObject({ element: 'Ni', edge: 'K', technique: 'XAS', label: 'Ni2O3' });
  });
  it('feo_rt1: a direct mutrans column, no reference', () => {
    const x = parseXdi(readFileSync(XDI('feo_rt1.xdi'), 'utf8'));
    const r = xdiToSpectra(x);
    expect(r.value.spectra.length).toBe(1);
    expect(r.value.mapping.muFrom).toBe('mutrans');
    expect(r.value.spectra[0]?.intensity[0]).toBe(-0.3599259e-1);
    expect(r.value.spectra[0]?.meta.element).toBe('Fe');
  });
});

describe('XDI grammar', () => {
  const minimal = [
    '# XDI/1.0 GSE/1.0',
    '# Column.1: energy keV',
    '# Column.2: i0',
    '# Column.3: ifluor',
    '# element.symbol: Co',
    '# ELEMENT.EDGE: k',
    '# Element.symbol: Mn',
    '# ///',
    '# a comment',
    '#----',
    '# energy i0 ifluor',
    '  6.500  100  10',
    '',
    '  6.501  200  30',
    '  6.501  100  10',
  ].join('\r\n');
  it('case-insensitive fields (last wins), keV energies, fluorescence ifluor/i0, merged repeats', () => {
    const x = parseXdi(minimal, 'm.xdi');
    expect(x.applications).toEqual(['GSE/1.0']);
    expect(xdiField(x, 'Element.symbol')).toBe('Mn');
    const r = xdiToSpectra(x, 'm.xdi');
    const s = r.value.spectra[0];
    expect(Array.from(s?.energy ?? [])).toEqual([6500, 6501]);
    // row 2 and 3 share an energy: (30/200 + 10/100)/2
    expect(Array.from(s?.intensity ?? [])).toEqual([0.1, (0.15 + 0.1) / 2]);
    expect(s?.meta.edge).toBe('K');
    expect(r.warnings.some((w) => /merged 1/.test(w.message))).toBe(true);
  });
  it('angle columns become energies through Mono.d_spacing', () => {
    const t =
      '# XDI/1.0\n# Column.1: angle degrees\n# Column.2: mutrans\n# Mono.d_spacing: 3.13550\n#---\n30 1\n29 2\n';
    const s = xdiToSpectra(parseXdi(t)).value.spectra[0];
    // E = hc / (2 d sin θ): θ = 30° → 12398.419843320026 / 3.1355 eV; sorted ascending (29° is the higher energy)
    expect(s?.energy[0]).toBeCloseTo(12398.41984332 / (2 * 3.1355 * 0.5), 9);
    expect(s?.intensity[0]).toBe(1);
  });
  it('errors name file and line', () => {
    const bad = (t: string) => {
      try {
        parseXdi(t, 'bad.xdi');
      } catch (e) {
        return (e as SpecfuseError).path;
      }
      return undefined;
    };
    expect(bad('hello\n1 2\n')).toEqual({ file: 'bad.xdi', line: 1 });
    expect(bad('# XDI/1.0\n#---\n1 2\n3\n')).toEqual({ file: 'bad.xdi', line: 4 });
    expect(bad('# XDI/1.0\n#---\n1 2\n3 x\n')).toEqual({ file: 'bad.xdi', line: 4, column: 2 });
    expect(bad('# XDI/1.0\n#---\n')).toMatchObject({ file: 'bad.xdi' });
  });
  it('writeXdi → parseXdi round trip is exact and keeps metadata', () => {
    const e = [7000.123456789, 7001.5, 7002.000000001, 7100];
    const y = [0.1, -1e-12, 3.3333333333333335, 12345.678901234];
    const s = makeSpectrum(e, y, {
      origin: { kind: 'measured' },
      element: 'Co',
      edge: 'K',
      technique: 'XAS',
      label: 'LiCoO2 test',
      extra: {
        fields: { 'Mono.d_spacing': '3.1355', 'Sample.name': 'LiCoO2' },
        comments: ['line one', '  two'],
      },
    });
    const text = writeXdi(s);
    const x = parseXdi(text);
    expect(xdiField(x, 'Mono.d_spacing')).toBe('3.1355');
    expect(x.comments).toEqual(['line one', '  two']);
    const back = xdiToSpectra(x).value.spectra[0];
    expect(Array.from(back?.energy ?? [])).toEqual(e);
    expect(Array.from(back?.intensity ?? [])).toEqual(y);
    expect(back?.meta).toMatchObject({ element: 'Co', edge: 'K', technique: 'XAS' });
  });
});
