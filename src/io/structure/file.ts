import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SpecfuseError, type Warning, fail } from '../../core/errors.js';
import type { Structure } from '../../structure/types.js';
import { parseCif, writeCif } from './cif.js';
import { parsePoscar, writePoscar } from './poscar.js';
import { parseXyz, writeXyz } from './xyz.js';

export type StructureFormat = 'cif' | 'poscar' | 'xyz';

/** Format from a file name: .cif; .xyz/.extxyz; POSCAR/CONTCAR (any prefix/suffix), .vasp, .poscar. */
export function structureFormatOf(path: string): StructureFormat | undefined {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.cif') || name.endsWith('.mcif')) return 'cif';
  if (name.endsWith('.xyz') || name.endsWith('.extxyz')) return 'xyz';
  if (
    name.endsWith('.vasp') ||
    name.endsWith('.poscar') ||
    name.includes('poscar') ||
    name.includes('contcar')
  )
    return 'poscar';
  return undefined;
}

function sniff(text: string): StructureFormat {
  if (/^\s*data_/im.test(text) && /_cell_length_a/i.test(text)) return 'cif';
  const first = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (/^\d+$/.test(first)) return 'xyz';
  return 'poscar';
}

/** Parse structure text of a given (or sniffed) format. */
export function parseStructure(
  text: string,
  file: string,
  format?: StructureFormat,
): { value: Structure; warnings: Warning[] } {
  const f = format ?? structureFormatOf(file) ?? sniff(text);
  if (f === 'cif') return parseCif(text, file);
  if (f === 'xyz') return parseXyz(text, file);
  return parsePoscar(text, file);
}

/** Read a structure file (CIF, POSCAR/CONTCAR, XYZ), dispatching on the name, else on the content. */
export function readStructureFile(path: string): { value: Structure; warnings: Warning[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecfuseError(
      code === 'ENOENT' ? 'not-found' : 'io',
      code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`,
      { file: path },
      { cause: e },
    );
  }
  return parseStructure(text, path);
}

/** Serialise a structure in the given format. */
export function formatStructure(structure: Structure, format: StructureFormat): string {
  return format === 'cif'
    ? writeCif(structure)
    : format === 'xyz'
      ? writeXyz(structure)
      : writePoscar(structure);
}

/**
 * Write a structure file, format from the extension (.cif, .vasp/.poscar/POSCAR/CONTCAR, .xyz). The write is
 * atomic (temporary file in the same folder, then rename), and the file the structure was read from is never
 * overwritten.
 */
export function writeStructureFile(
  structure: Structure,
  path: string,
  options: { format?: StructureFormat } = {},
): void {
  const format = options.format ?? structureFormatOf(path);
  if (!format)
    fail(
      'invalid-argument',
      `cannot tell the structure format from '${basename(path)}' (use .cif, .vasp, POSCAR or .xyz)`,
      { file: path },
    );
  const source = structure.metadata.source;
  if (source !== undefined && resolve(source) === resolve(path))
    fail(
      'invalid-argument',
      'refusing to overwrite the file this structure was read from; choose another output path',
      { file: path },
    );
  const text = formatStructure(structure, format);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new SpecfuseError('io', `cannot write: ${(e as Error).message}`, { file: path }, { cause: e });
  }
}
