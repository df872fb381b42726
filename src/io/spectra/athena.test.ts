import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { SpecfuseError } from '../../core/errors.js';
import { athenaToSpectra, parseAthenaProject } from './athena.js';
import { parsePerlData } from './perl-data.js';

const PRJ = (f: string) => sharedPath('data', 'xas', 'athena', f);
const run = hasShared() ? describe : describe.skip;

run('Athena projects', () => {
  it('NiO.prj: 24 groups (12 NiO scans + 12 Ni-foil references) with their labels and processing parameters', () => {
    const p = parseAthenaProject(new Uint8Array(readFileSync(PRJ('NiO.prj'))), 'NiO.prj');
    const scans = [
      'NiO.000',
      'NiO.000',
      'NiO.001',
      'NiO.002',
      'NiO.003',
      'NiO.004',
      'NiO.006',
      'NiO.007',
      'NiO.008',
      'NiO.009',
      'NiO.010',
      'NiO',
    ];
    expect(p.groups.map((g) => g.label)).toEqual(scans.flatMap((s) => [s, `  Ref ${s}`]));
    expect(p.header[0]).toBe('Athena project file -- Demeter version 0.9.21');
    const r = athenaToSpectra(p, 'NiO.prj');
    expect(r.value.length).toBe(24);
    const s = r.value[0];
    expect(s?.energy.length).toBe(522); // the group's own 'npts' attribute
    expect(p.groups[0]?.args.npts).toBe(522);
    expect(s?.energy[0]).toBe(8133.00072);
    expect(s?.meta).toMatchObject({ element: 'Ni', edge: 'K', technique: 'XAS', label: 'NiO.000' });
    expect(s?.meta.extra).toMatchObject({ e0: 8344.00143, eshift: 1.252, athenaTag: 'naqow' });
    expect(s?.meta.extra?.processing).toMatchObject({ bkg_pre1: -150 });
    expect(p.groups[0]?.arrays.i0?.[0]).toBe(75585);
  });
  it('Mn_all.prj: 11 groups with their labels', () => {
    const p = parseAthenaProject(new Uint8Array(readFileSync(PRJ('Mn_all.prj'))), 'Mn_all.prj');
    expect(p.groups.map((g) => g.label)).toEqual([
      'KMnO4.102',
      'KMnO4.103',
      'MnO_bad.100',
      'MnO_bad.101',
      'MnO_good.100',
      'MnO_good.101',
      'MnO sedimented',
      'MnO ground',
      'MnO sedimented fuorescence',
      'MnO ground fluorescence',
      'KMnO4',
    ]);
    const spectra = athenaToSpectra(p).value;
    expect(spectra.every((s) => s.meta.element === 'Mn' && s.meta.edge === 'K')).toBe(true);
  });
});

describe('Perl data literals (never evaluated)', () => {
  it('strings, escapes, numbers, undef, nested refs, bless, markers, comments', () => {
    const text = [
      "# comment $x = 'no';",
      "$old_group = 'ab\\'c\\\\d';",
      "@args = ('label',\"two\\nlines\",'n',-1.5e3,'u',undef,'list',[1,[2]],'h',{k => 'v', 7 => 8});",
      "$xdi = bless( {'a' => {'b' => 'c'}}, 'Xray::XDI' );",
      '[record]   # marker',
      '1;',
    ].join('\n');
    const items = parsePerlData(text);
    expect(items[0]).toEqual({ target: '$old_group', value: "ab'c\\d", line: 2 });
    expect(items[1]).toMatchObject({
      target: '@args',
      value: ['label', 'two\nlines', 'n', -1500, 'u', null, 'list', [1, [2]], 'h', { k: 'v', 7: 8 }],
    });
    expect(items[2]).toMatchObject({ value: { blessed: 'Xray::XDI', value: { a: { b: 'c' } } } });
    expect(items[3]).toEqual({ marker: 'record', line: 5 });
    expect(items[4]).toEqual({ target: '', value: 1, line: 6 });
  });
  it('code is refused with a line number, not run', () => {
    const err = (t: string) => {
      try {
        parsePerlData(t, 'evil.prj');
      } catch (e) {
        expect(e).toBeInstanceOf(SpecfuseError);
        return (e as SpecfuseError).path;
      }
      return undefined;
    };
    expect(err("$a = 1;\n$b = system('rm -rf /');")).toEqual({ file: 'evil.prj', line: 2 });
    expect(err('@x = `ls`;')).toEqual({ file: 'evil.prj', line: 1 });
    expect(err("$x = 'unterminated;\n")).toEqual({ file: 'evil.prj', line: 1 });
    expect(err(`$x = ${'['.repeat(1000)};`)).toMatchObject({ file: 'evil.prj' });
  });
  it('plain (not gzip) project text and broken gzip give typed results', () => {
    const text =
      "# Athena project file -- test\n$old_group = 'g';\n@args = ('label','one');\n@x = ('1','2');\n@y = ('3','4');\n[record]\n";
    const p = parseAthenaProject(new TextEncoder().encode(text));
    expect(athenaToSpectra(p).value[0]?.intensity[1]).toBe(4);
    const gz = gzipSync(text);
    expect(parseAthenaProject(gz).groups[0]?.label).toBe('one');
    try {
      parseAthenaProject(gz.subarray(0, gz.length - 12), 'cut.prj');
      expect.unreachable();
    } catch (e) {
      expect((e as SpecfuseError).code).toBe('truncated');
    }
  });
});
