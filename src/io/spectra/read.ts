import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SpecfuseError } from '../../core/errors.js';
import { pixelSpectrum } from '../../spectrum/spectrum.js';
import type { Spectrum } from '../../spectrum/types.js';
import { parseFdmnesConv, parseFdmnesRaw } from '../fdmnes/outputs.js';
import { parseFeffChi, parseFeffPath, parseFeffXmu } from '../feff/outputs.js';
import { athenaToSpectra, parseAthenaProject } from './athena.js';
import { columnsToSpectrum, parseColumns, writeCsv } from './columns.js';
import { decodeText, type Read, type SpectrumFile } from './common.js';
import { dmToSpectrumFile, parseDm } from './dm.js';
import { jsonToSpectrum, parseJsonSpectrum } from './json.js';
import { msaToSpectra, parseMsa, writeMsa } from './msa.js';
import { parseXdi, writeXdi, xdiToSpectra } from './xdi.js';

export type SpectrumFormat =
  | 'xdi'
  | 'athena'
  | 'msa'
  | 'dm3'
  | 'dm4'
  | 'json'
  | 'csv'
  | 'tsv'
  | 'columns'
  | 'feff-xmu'
  | 'feff-chi'
  | 'feff-path'
  | 'fdmnes-conv'
  | 'fdmnes-raw';

/** Largest file readSpectra opens (bytes). */
export const MAX_SPECTRUM_FILE_BYTES = 2 * 1024 * 1024 * 1024 - 1;

const EXTENSION_FORMAT: Readonly<Record<string, SpectrumFormat>> = {
  '.xdi': 'xdi',
  '.prj': 'athena',
  '.msa': 'msa',
  '.ems': 'msa',
  '.emsa': 'msa',
  '.dm3': 'dm3',
  '.dm4': 'dm4',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
};

/**
 * Identify a spectrum file by its content (magic numbers and characteristic header lines), using the file name
 * only to break ties (CSV vs TSV, FDMNES convoluted vs raw) or when the content says nothing. Returns undefined
 * when neither content nor name is recognised.
 */
export function detectSpectrumFormat(path: string, bytes: Uint8Array): SpectrumFormat | undefined {
  const name = basename(path).toLowerCase();
  const ext = extname(name);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'athena';
  if (bytes.length >= 16) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = v.getUint32(0, false);
    const order = version === 3 ? v.getUint32(8, false) : version === 4 ? v.getUint32(12, false) : -1;
    if ((version === 3 || version === 4) && (order === 0 || order === 1))
      return version === 3 ? 'dm3' : 'dm4';
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 16384)).replace(/^\uFEFF/, '');
  const start = head.trimStart();
  if (/^#\s*XDI\//i.test(start)) return 'xdi';
  if (/^#\s*Athena project file/i.test(start) || /^\$old_group\s*=/m.test(head)) return 'athena';
  if (
    /^#FORMAT\s*:/im.test(start.slice(0, 200)) ||
    (/^#SPECTRUM\s*:/m.test(head) && /^#NPOINTS\s*:/m.test(head))
  )
    return 'msa';
  if (start.startsWith('{')) return 'json';
  if (
    /feff/i.test(head.slice(0, 400)) ||
    name.startsWith('xmu') ||
    name.startsWith('chi') ||
    /^feff\d{4}\.dat$/.test(name)
  ) {
    if (/omega\s+e\s+k\s+mu\b/.test(head)) return 'feff-xmu';
    if (/\bk\s+chi\s+mag\s+phase/.test(head)) return 'feff-chi';
    if (/\bk\s+real\[2\*phc\]/.test(head)) return 'feff-path';
  }
  // FDMNES: a column-label line starting with 'Energy', plus its tell-tale '<xanes>' label or '= E_edge' header,
  // or a .txt name (a plain "Energy mu" column file elsewhere is read as columns)
  if (/^\s*Energy\s+\S/m.test(head.slice(0, 4096)) && !/^\s*[-+\d.]+[\s,]+[-+\d.]/.test(start)) {
    const fdmnesLike = /<xanes>|=\s*E_edge\b/.test(head) || ext === '.txt';
    if (fdmnesLike) {
      if (name.endsWith('_conv.txt')) return 'fdmnes-conv';
      return /=\s*E_edge\b/.test(head) ? 'fdmnes-raw' : 'fdmnes-conv';
    }
  }
  const byExt = EXTENSION_FORMAT[ext];
  if (byExt) return byExt;
  // plain numbers in columns, optionally after comment lines and one label line
  const lines = head
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '' && !/^\s*[#%!;]/.test(l))
    .slice(0, 3);
  const firstNum = lines.findIndex((l) => /^\s*[-+]?(\d|\.\d)/.test(l));
  if (firstNum === 0 || firstNum === 1) {
    const l = lines[firstNum] as string;
    return l.includes('\t') ? 'tsv' : l.includes(',') ? 'csv' : 'columns';
  }
  return undefined;
}

export interface ReadSpectraOptions {
  /**
   * Which spectrum to return: a 0-based index, or a label (exact, then case-insensitive). For a spectrum image,
   * the flat pixel index. Without it every spectrum of the file is returned.
   */
  readonly group?: number | string;
  /** Force a format instead of detecting it. */
  readonly format?: SpectrumFormat;
}

function readBytes(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new SpecfuseError('invalid-argument', 'is a directory, not a spectrum file', { file: path });
    size = st.size;
  } catch (e) {
    if (e instanceof SpecfuseError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecfuseError(
      code === 'ENOENT' ? 'not-found' : 'io',
      code === 'ENOENT' ? 'no such file' : String((e as Error).message),
      { file: path },
      { cause: e },
    );
  }
  if (size > MAX_SPECTRUM_FILE_BYTES)
    throw new SpecfuseError(
      'unsupported',
      `file of ${size} bytes is larger than ${MAX_SPECTRUM_FILE_BYTES}`,
      { file: path },
    );
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new SpecfuseError('io', String((e as Error).message), { file: path }, { cause: e });
  }
}

/** Parse bytes already in memory (the pure core of readSpectra; `file` names the source in errors). */
export function parseSpectrumBytes(
  bytes: Uint8Array,
  file: string,
  format?: SpectrumFormat,
): Read<SpectrumFile> {
  const fmt = format ?? detectSpectrumFormat(file, bytes);
  if (fmt === undefined)
    throw new SpecfuseError(
      'unsupported',
      'not a recognised spectrum format (XDI, Athena, EMSA/MSA, DM3/DM4, CSV/TSV, JSON, FEFF, FDMNES)',
      {
        file,
      },
    );
  const measured = { origin: { kind: 'measured' as const, file } };
  switch (fmt) {
    case 'xdi': {
      const x = parseXdi(decodeText(bytes, file), file);
      const r = xdiToSpectra(x, file);
      return {
        value: {
          format: fmt,
          spectra: r.value.spectra,
          metadata: {
            version: x.version,
            applications: x.applications,
            fields: x.fields,
            comments: x.comments,
            columns: x.columns,
            mapping: r.value.mapping,
          },
        },
        warnings: r.warnings,
      };
    }
    case 'athena': {
      const p = parseAthenaProject(bytes, file);
      const r = athenaToSpectra(p, file);
      return {
        value: {
          format: fmt,
          spectra: r.value,
          metadata: { header: p.header, groups: p.groups.map((g) => g.label), journal: p.journal },
        },
        warnings: r.warnings,
      };
    }
    case 'msa': {
      const m = parseMsa(decodeText(bytes, file), file);
      const r = msaToSpectra(m, file);
      const keywords: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.keywords)) keywords[k] = v.value;
      return {
        value: { format: fmt, spectra: r.value, metadata: { dataType: m.dataType, keywords } },
        warnings: r.warnings,
      };
    }
    case 'dm3':
    case 'dm4': {
      const dm = parseDm(bytes, file);
      const r = dmToSpectrumFile(dm, file);
      const value: SpectrumFile = r.value.image
        ? {
            format: `dm${dm.version}`,
            spectra: r.value.spectra,
            image: r.value.image,
            metadata: r.value.metadata,
          }
        : { format: `dm${dm.version}`, spectra: r.value.spectra, metadata: r.value.metadata };
      return { value, warnings: r.warnings };
    }
    case 'json': {
      const j = parseJsonSpectrum(decodeText(bytes, file), file);
      const r = jsonToSpectrum(j, measured, file);
      return {
        value: {
          format: fmt,
          spectra: [r.value],
          metadata: { xKey: j.xKey, yKey: j.yKey, fields: j.fields },
        },
        warnings: r.warnings,
      };
    }
    case 'csv':
    case 'tsv':
    case 'columns': {
      const t = parseColumns(decodeText(bytes, file), file);
      const r = columnsToSpectrum(t, measured, file);
      return {
        value: {
          format: fmt,
          spectra: [r.value],
          metadata: { labels: t.labels, labelled: t.labelled, header: t.header, delimiter: t.delimiter },
        },
        warnings: r.warnings,
      };
    }
    case 'feff-xmu': {
      const x = parseFeffXmu(decodeText(bytes, file), file);
      return {
        value: { format: fmt, spectra: [x.spectrum], metadata: { header: x.header } },
        warnings: x.warnings,
      };
    }
    case 'feff-chi': {
      const x = parseFeffChi(decodeText(bytes, file), file);
      return {
        value: {
          format: fmt,
          spectra: [x.spectrum],
          metadata: { header: x.header, axis: 'E-E0 (eV) from k' },
        },
        warnings: x.warnings,
      };
    }
    case 'feff-path': {
      const x = parseFeffPath(decodeText(bytes, file), file);
      return {
        value: { format: fmt, spectra: [x.spectrum], metadata: { header: x.header, path: x.path } },
        warnings: x.warnings,
      };
    }
    case 'fdmnes-conv':
    case 'fdmnes-raw': {
      const x =
        fmt === 'fdmnes-conv'
          ? parseFdmnesConv(decodeText(bytes, file), file)
          : parseFdmnesRaw(decodeText(bytes, file), file);
      return {
        value: {
          format: fmt,
          spectra: [x.spectrum],
          metadata: { labels: x.labels, edgeInfo: x.edgeInfo, header: x.header },
        },
        warnings: x.warnings,
      };
    }
  }
}

/** Pick one spectrum by index or label (see ReadSpectraOptions.group). */
export function selectGroup(f: SpectrumFile, group: number | string, file: string): SpectrumFile {
  if (f.image && f.spectra.length === 0) {
    const n = f.image.navShape.reduce((a, b) => a * b, 1);
    const idx = typeof group === 'number' ? group : Number(group);
    if (!Number.isInteger(idx) || idx < 0 || idx >= n)
      throw new SpecfuseError('invalid-argument', `pixel ${group} outside 0…${n - 1}`, {
        file,
        field: 'group',
      });
    return { ...f, spectra: [pixelSpectrum(f.image, idx)], metadata: { ...f.metadata, group: idx } };
  }
  let idx = -1;
  if (typeof group === 'number') idx = group;
  else {
    idx = f.spectra.findIndex((s) => s.meta.label === group);
    if (idx < 0) idx = f.spectra.findIndex((s) => s.meta.label?.toLowerCase() === group.toLowerCase());
    if (idx < 0 && /^\d+$/.test(group)) idx = Number(group);
  }
  const s = f.spectra[idx];
  if (!Number.isInteger(idx) || s === undefined)
    throw new SpecfuseError(
      'not-found',
      `no group ${JSON.stringify(group)} (file has ${f.spectra.length}: ${f.spectra
        .slice(0, 30)
        .map((x, i) => `${i} ${x.meta.label ?? ''}`.trim())
        .join(', ')})`,
      { file, field: 'group' },
    );
  return { ...f, spectra: [s], metadata: { ...f.metadata, group: idx } };
}

/**
 * Read every spectrum (or spectrum image) in a file, detecting the format by content. Errors are SpecfuseErrors
 * naming the file and line / byte offset; non-fatal repairs (sorted rows, merged duplicates…) come back as warnings.
 */
export function readSpectra(path: string, options: ReadSpectraOptions = {}): Read<SpectrumFile> {
  const bytes = readBytes(path);
  const r = parseSpectrumBytes(bytes, path, options.format);
  if (options.group === undefined) return r;
  return { value: selectGroup(r.value, options.group, path), warnings: r.warnings };
}

/** Read the first (or the selected) spectrum of a file. */
export function readSpectrum(path: string, options: ReadSpectraOptions = {}): Read<Spectrum> {
  const r = readSpectra(path, options);
  const s = r.value.spectra[0] ?? (r.value.image ? pixelSpectrum(r.value.image, 0) : undefined);
  if (!s) throw new SpecfuseError('parse', 'file holds no spectrum', { file: path });
  return { value: s, warnings: r.warnings };
}

export type WritableFormat = 'xdi' | 'csv' | 'msa';

/** Output format from a file name: .xdi, .csv, .msa/.ems/.emsa. */
export function writableFormat(path: string): WritableFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.xdi') return 'xdi';
  if (ext === '.csv') return 'csv';
  if (ext === '.msa' || ext === '.ems' || ext === '.emsa') return 'msa';
  throw new SpecfuseError(
    'invalid-argument',
    `cannot write '${ext || '(no extension)'}': use .xdi, .csv or .msa`,
    { file: path },
  );
}

export function formatSpectrum(spectrum: Spectrum, format: WritableFormat): string {
  return format === 'xdi' ? writeXdi(spectrum) : format === 'csv' ? writeCsv(spectrum) : writeMsa(spectrum);
}

function sameFile(a: string, b: string): boolean {
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra === rb) return true;
  try {
    return realpathSync(ra) === realpathSync(rb);
  } catch {
    return false;
  }
}

export interface WriteSpectrumOptions {
  /** Files that must never be overwritten (the inputs of the command). The spectrum's own source file always is. */
  readonly inputs?: readonly string[];
  /** Replace an existing file (never an input). Default false: an existing file is an error. */
  readonly overwrite?: boolean;
}

/**
 * Write a spectrum to `path` in the format its extension names, atomically (temporary file in the same folder,
 * then rename). Refuses to overwrite any input (and any existing file unless `overwrite`).
 */
export function writeSpectrumFile(
  spectrum: Spectrum,
  path: string,
  options: WriteSpectrumOptions = {},
): { format: WritableFormat; bytes: number } {
  const format = writableFormat(path);
  const inputs = [...(options.inputs ?? [])];
  if (spectrum.meta.origin.kind === 'measured' && spectrum.meta.origin.file)
    inputs.push(spectrum.meta.origin.file);
  for (const inp of inputs)
    if (sameFile(inp, path))
      throw new SpecfuseError('invalid-argument', 'refusing to overwrite an input file', { file: path });
  if (existsSync(path) && !options.overwrite)
    throw new SpecfuseError(
      'invalid-argument',
      'file exists; refusing to overwrite it (pass overwrite / --force)',
      { file: path },
    );
  const text = formatSpectrum(spectrum, format);
  const tmp = join(
    dirname(resolve(path)),
    `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new SpecfuseError('io', String((e as Error).message), { file: path }, { cause: e });
  }
  return { format, bytes: Buffer.byteLength(text) };
}

/** First bytes of a file (for detection without reading it all). */
export function readHead(path: string, n = 16384): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
