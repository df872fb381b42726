import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNmc } from '../../structure/nmc.js';
import { formula } from '../../structure/structure.js';
import { readStructureFile, structureFormatOf, writeStructureFile } from './file.js';

const dir = mkdtempSync(join(tmpdir(), 'specfuse-structure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('structure files', () => {
  it('dispatches on names', () => {
    expect(structureFormatOf('a/b.CIF')).toBe('cif');
    expect(structureFormatOf('CONTCAR')).toBe('poscar');
    expect(structureFormatOf('x.vasp')).toBe('poscar');
    expect(structureFormatOf('NMC.POSCAR')).toBe('poscar');
    expect(structureFormatOf('m.xyz')).toBe('xyz');
    expect(structureFormatOf('m.txt')).toBeUndefined();
  });
  it('writes atomically (no temp file left), reads back, sniffs content without an extension', () => {
    const s = buildNmc({ composition: 'NMC622', supercell: [5, 1, 1], seed: 2 });
    for (const name of ['a.cif', 'a.vasp', 'a.xyz']) {
      const p = join(dir, name);
      writeStructureFile(s, p);
      expect(formula(readStructureFile(p).value)).toBe('Li5MnCoNi3O10');
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const raw = join(dir, 'noext');
    writeFileSync(raw, readFileSync(join(dir, 'a.cif')));
    expect(formula(readStructureFile(raw).value)).toBe('Li5MnCoNi3O10');
  });
  it('refuses to overwrite the file a structure was read from', () => {
    const p = join(dir, 'src.cif');
    writeStructureFile(buildNmc({ composition: 'LiCoO2', supercell: [1, 1, 1], seed: 0 }), p);
    const before = readFileSync(p, 'utf8');
    const s = readStructureFile(p).value;
    expect(() => writeStructureFile(s, p)).toThrow(/refusing to overwrite/);
    expect(readFileSync(p, 'utf8')).toBe(before);
  });
  it('missing files and unknown output formats are errors with the path', () => {
    expect(() => readStructureFile(join(dir, 'nope.cif'))).toThrow(/nope\.cif.*no such file/);
    expect(() =>
      writeStructureFile(
        buildNmc({ composition: 'LiCoO2', supercell: [1, 1, 1], seed: 0 }),
        join(dir, 'x.txt'),
      ),
    ).toThrow(/cannot tell/);
  });
});
