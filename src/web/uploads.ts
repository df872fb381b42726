import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { SpecfuseError } from '../core/errors.js';
import { type SpectrumFormat, detectSpectrumFormat, readSpectra } from '../io/spectra/read.js';
import type { SpectrumFile } from '../io/spectra/common.js';
import { WebError, scrub } from './errors.js';

/**
 * Uploaded files: streamed into a private temporary folder (mkdtemp, mode 0700, files 0600) under a sanitised name
 * whose extension is chosen from the content, never from the client's name; the whole request is capped at
 * `maxBytes` (413); the type is decided by content sniffing (magic bytes / first lines: 415 when unknown); files
 * are parsed by the library's readers, whose messages (file + line or byte offset) come back as 400 with the
 * temporary path replaced by the client's file name; the folder is removed when the request is done.
 */
export interface Upload {
  /** Sanitised client file name (what errors and results show). */
  readonly name: string;
  /** Path of the stored copy (inside the request's temporary folder). */
  readonly path: string;
  readonly format: SpectrumFormat;
  readonly bytes: number;
}

export interface UploadRequest {
  readonly fields: Record<string, string>;
  readonly files: Upload[];
}

/** Formats accepted as measured data (simulation outputs are not uploads). */
const MEASURED_FORMATS: Readonly<Partial<Record<SpectrumFormat, string>>> = {
  xdi: '.xdi',
  athena: '.prj',
  msa: '.msa',
  dm3: '.dm3',
  dm4: '.dm4',
  csv: '.csv',
  tsv: '.tsv',
  columns: '.dat',
  json: '.json',
};

/** A client file name reduced to [A-Za-z0-9._-], no leading dots, ≤ 100 characters. */
export function sanitizeName(name: string | undefined, fallback = 'upload'): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.]+/, '')
    .slice(0, 100);
  return clean === '' ? fallback : clean;
}

/** Format of the first bytes of a file, by content only (the name plays no part). */
export function sniffFormat(head: Uint8Array): SpectrumFormat | undefined {
  const f = detectSpectrumFormat('upload', head);
  return f !== undefined && MEASURED_FORMATS[f] !== undefined ? f : undefined;
}

function readHead(path: string, n = 16384): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (max: number) =>
  new WebError(413, 'payload-too-large', `upload exceeds the limit of ${max} bytes per request`);

/**
 * Receive a multipart request into a fresh temporary folder, run `fn`, and remove the folder whatever happens.
 * Fields are returned as strings; every `file` part is sniffed and stored.
 */
export async function withUploads<T>(
  req: FastifyRequest,
  maxBytes: number,
  fn: (u: UploadRequest) => Promise<T>,
): Promise<T> {
  if (!req.isMultipart())
    throw new WebError(415, 'not-multipart', 'send the files as multipart/form-data (field name "file")');
  const dir = await mkdtemp(join(tmpdir(), 'specfuse-upload-'));
  try {
    const fields: Record<string, string> = {};
    const files: Upload[] = [];
    try {
      await receive(req, dir, maxBytes, fields, files);
    } catch (e) {
      if (e instanceof WebError) throw e;
      const status = (e as { statusCode?: number }).statusCode;
      if (status === 413) throw tooLarge(maxBytes);
      if (typeof status === 'number' && status >= 400 && status < 500) throw e;
      throw new WebError(400, 'bad-multipart', `malformed multipart body: ${(e as Error).message}`);
    }
    return await fn({ fields, files });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function receive(
  req: FastifyRequest,
  dir: string,
  maxBytes: number,
  fields: Record<string, string>,
  files: Upload[],
): Promise<void> {
  let total = 0;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new WebError(400, 'bad-field', `unexpected file field '${part.fieldname}' (use "file")`, {
        field: part.fieldname,
      });
    }
    const i = files.length;
    const name = sanitizeName(part.filename, `upload-${i + 1}`);
    const raw = join(dir, `${i}.part`);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (total + size > maxBytes) cb(tooLarge(maxBytes));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(part.file, counter, createWriteStream(raw, { mode: 0o600, flags: 'wx' }));
    } catch (e) {
      if (e instanceof WebError) throw e;
      if ((e as { statusCode?: number }).statusCode === 413) throw tooLarge(maxBytes);
      throw e;
    }
    if (part.file.truncated) throw tooLarge(maxBytes);
    total += size;
    if (size === 0) throw new WebError(400, 'empty-file', `${name}: the file is empty`, { file: name });
    const format = sniffFormat(readHead(raw));
    if (format === undefined)
      throw new WebError(
        415,
        'unsupported-file',
        `${name}: not a recognised measured-spectrum file by its content (XDI, Athena .prj, EMSA/MSA, DM3/DM4, CSV/TSV columns, JSON)`,
        { file: name },
      );
    const stem = name.replace(/\.[^.]*$/, '') || 'upload';
    const path = join(dir, `${i}-${stem}${MEASURED_FORMATS[format]}`);
    await rename(raw, path);
    files.push({ name, path, format, bytes: size });
  }
}

/** Read an upload with the library's readers; errors name the client's file, never the temporary path. */
export function readUpload(u: Upload): { file: SpectrumFile; warnings: string[] } {
  const names = new Map([[u.path, u.name]]);
  try {
    const r = readSpectra(u.path, { format: u.format });
    return {
      file: r.value,
      warnings: r.warnings.map((w) => `${u.name}: ${scrub(typeof w === 'string' ? w : w.message, names)}`),
    };
  } catch (e) {
    if (e instanceof SpecfuseError) {
      const status = e.code === 'unsupported' ? 415 : e.code === 'io' || e.code === 'internal' ? 500 : 400;
      throw new WebError(status, e.code, scrub(e.message, names), {
        file: u.name,
        ...(e.path.line !== undefined ? { line: e.path.line } : {}),
        ...(e.path.field !== undefined ? { field: e.path.field } : {}),
      });
    }
    // a reader that trips over malformed bytes without a SpecfuseError is still a malformed file
    throw new WebError(400, 'parse', `${u.name}: cannot be read as ${u.format}: ${(e as Error).message}`, {
      file: u.name,
    });
  }
}
