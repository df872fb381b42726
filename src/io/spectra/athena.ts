import { gunzipSync } from 'node:zlib';
import { SpecfuseError, type Warning } from '../../core/errors.js';
import type { Spectrum, SpectrumMeta } from '../../spectrum/types.js';
import { decodeText, orderedSpectrum, parseNumber, type Read } from './common.js';
import { type PerlMarker, type PerlStatement, type PerlValue, parsePerlData } from './perl-data.js';

/**
 * Athena project files (Demeter / Athena, B. Ravel & M. Newville, J. Synchrotron Rad. 12, 537 (2005)): a gzip'ed
 * text of Perl Data::Dumper statements. Per group: `$old_group = 'tag';` then `@args = (key, value, …)` (the
 * group's attributes: label, bkg_e0, bkg_eshift, pre-edge / normalisation ranges…), `@x` (energy, eV), `@y`
 * (mu(E) for mu records), optional `@i0`, `@signal`, `@stddev`, a blessed `$xdi` metadata object, then the
 * `[record]` marker line. Parsed with the safe literal reader in perl-data.ts — never evaluated.
 */

/** Largest decompressed project accepted (bytes) — a gzip bomb stops here with a typed error. */
const MAX_INFLATED = 512 * 1024 * 1024;

export interface AthenaGroup {
  /** Athena's internal group tag ($old_group). */
  readonly tag: string;
  readonly label: string;
  /** Every `@args` attribute (numbers where Athena stored numbers, else strings). */
  readonly args: Record<string, string | number | null>;
  /** Every array of the group (x, y, i0, signal, stddev…) as numbers. */
  readonly arrays: Record<string, Float64Array>;
  /** The `$xdi` metadata object, if any (plain data). */
  readonly xdi?: PerlValue;
  /** 1-based line where the group starts in the decompressed text. */
  readonly line: number;
}

export interface AthenaProject {
  /** Header comment lines (# Athena project file -- Demeter version …). */
  readonly header: string[];
  readonly groups: AthenaGroup[];
  /** `@journal` lines. */
  readonly journal: string[];
}

/** Inflate if gzip (magic 1f 8b), else take the bytes as text. */
export function inflateProject(buffer: Uint8Array, file?: string): string {
  const where = file === undefined ? {} : { file };
  if (buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
    let out: Buffer;
    try {
      out = gunzipSync(buffer, { maxOutputLength: MAX_INFLATED });
    } catch (e) {
      const msg = String((e as Error).message);
      const code = /unexpected end|truncated/i.test(msg) ? 'truncated' : 'parse';
      throw new SpecfuseError(code, `gzip stream: ${msg}`, { ...where, offset: 0 }, { cause: e });
    }
    return decodeText(out, file);
  }
  return decodeText(buffer, file);
}

function numbers(v: PerlValue, name: string, line: number, file: string | undefined): Float64Array {
  if (!Array.isArray(v))
    throw new SpecfuseError(
      'parse',
      `@${name} is not a list`,
      file === undefined ? { line } : { file, line },
    );
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = typeof x === 'number' ? x : typeof x === 'string' ? parseNumber(x) : Number.NaN;
  }
  return out;
}

/** Parse an Athena project (gzip'ed or plain) into its groups. */
export function parseAthenaProject(buffer: Uint8Array, file?: string): AthenaProject {
  const text = inflateProject(buffer, file);
  const where = file === undefined ? {} : { file };
  const header: string[] = [];
  for (const l of text.split('\n', 8)) if (l.startsWith('#')) header.push(l.replace(/^#\s?/, '').trim());
  if (!/Athena project file/i.test(header.join('\n')) && !/\$old_group\s*=/.test(text.slice(0, 4096)))
    throw new SpecfuseError(
      'parse',
      'not an Athena project file (no "Athena project file" header or $old_group)',
      {
        ...where,
        line: 1,
      },
    );
  const items = parsePerlData(text, file);
  const groups: AthenaGroup[] = [];
  let journal: string[] = [];
  let cur: { tag: string; line: number; vars: Map<string, PerlStatement> } | undefined;
  const finish = () => {
    if (!cur) return;
    const args: Record<string, string | number | null> = {};
    const a = cur.vars.get('@args');
    if (a) {
      const list = a.value;
      if (!Array.isArray(list) || list.length % 2 !== 0)
        throw new SpecfuseError('parse', '@args is not a key/value list', { ...where, line: a.line });
      for (let i = 0; i < list.length; i += 2) {
        const v = list[i + 1];
        args[String(list[i])] =
          typeof v === 'string' || typeof v === 'number' || v === null ? v : JSON.stringify(v);
      }
    }
    const arrays: Record<string, Float64Array> = {};
    for (const [k, st] of cur.vars)
      if (k.startsWith('@') && k !== '@args')
        arrays[k.slice(1)] = numbers(st.value, k.slice(1), st.line, file);
    const xdi = cur.vars.get('$xdi')?.value;
    const g: AthenaGroup = {
      tag: cur.tag,
      label: typeof args.label === 'string' ? args.label : String(args.label ?? cur.tag),
      args,
      arrays,
      line: cur.line,
      ...(xdi !== undefined
        ? { xdi: xdi && typeof xdi === 'object' && 'blessed' in xdi ? xdi.value : xdi }
        : {}),
    };
    groups.push(g);
    cur = undefined;
  };
  for (const it of items) {
    if ('marker' in it) {
      if ((it as PerlMarker).marker === 'record') finish();
      continue;
    }
    const st = it as PerlStatement;
    if (st.target === '$old_group') {
      finish();
      cur = { tag: String(st.value), line: st.line, vars: new Map() };
      continue;
    }
    if (st.target === '@journal') {
      journal = Array.isArray(st.value) ? st.value.map((v) => String(v)) : [];
      continue;
    }
    if (cur && st.target !== '') cur.vars.set(st.target, st);
  }
  finish();
  if (groups.length === 0)
    throw new SpecfuseError('parse', 'Athena project holds no groups', { ...where, line: 1 });
  return { header, groups, journal };
}

/** The stored processing parameters of a group, by Athena name, as numbers where they are numeric. */
export function athenaProcessing(g: AthenaGroup): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(g.args)) {
    if (!/^(bkg_|fft_|bft_)/.test(k) || v === null) continue;
    const n = typeof v === 'number' ? v : parseNumber(v);
    out[k] = typeof v === 'number' ? v : Number.isFinite(n) && v.trim() !== '' ? n : v;
  }
  return out;
}

function edgeOf(g: AthenaGroup): string | undefined {
  const xdiEdge = (g.xdi as { metadata?: { Element?: { edge?: unknown } } } | undefined)?.metadata?.Element
    ?.edge;
  if (typeof xdiEdge === 'string' && xdiEdge.trim() !== '') return xdiEdge.trim().toUpperCase();
  const e = g.args.fft_edge ?? g.args.bkg_edge;
  return typeof e === 'string' && e.trim() !== '' ? e.trim().toUpperCase() : undefined;
}

/**
 * Map project groups to spectra: energy = @x (eV, as stored — Athena applies `bkg_eshift` on top, which is kept in
 * the processing parameters and not added here), intensity = @y (mu(E) for mu records; for `xanes`/`norm`
 * records the stored values). k-space (chi) records are skipped with a warning.
 */
export function athenaToSpectra(p: AthenaProject, file?: string): Read<Spectrum[]> {
  const warnings: Warning[] = [];
  const spectra: Spectrum[] = [];
  for (const g of p.groups) {
    const where = file === undefined ? { line: g.line } : { file, line: g.line };
    const x = g.arrays.x;
    const y = g.arrays.y;
    if (g.args.is_chi === 1 || g.args.is_chi === '1' || /chi/i.test(String(g.args.recordtype ?? ''))) {
      warnings.push({ message: `group '${g.label}' holds chi(k), not mu(E); skipped`, path: where });
      continue;
    }
    if (!x || !y) {
      warnings.push({ message: `group '${g.label}' has no @x/@y arrays; skipped`, path: where });
      continue;
    }
    if (x.length !== y.length)
      warnings.push({
        message: `group '${g.label}': @x has ${x.length} points, @y ${y.length}`,
        path: where,
      });
    const element = typeof g.args.bkg_z === 'string' && g.args.bkg_z !== '' ? g.args.bkg_z : undefined;
    const edge = edgeOf(g);
    const processing = athenaProcessing(g);
    const meta: SpectrumMeta = {
      technique: 'XAS',
      origin:
        file === undefined
          ? { kind: 'measured', group: g.label }
          : { kind: 'measured', file, group: g.label },
      label: g.label,
      ...(element ? { element } : {}),
      ...(edge ? { edge } : {}),
      extra: {
        athenaTag: g.tag,
        recordtype: g.args.recordtype ?? null,
        e0: processing.bkg_e0 ?? null,
        eshift: processing.bkg_eshift ?? null,
        processing,
        args: g.args,
        ...(g.xdi !== undefined ? { xdi: g.xdi } : {}),
      },
    };
    spectra.push(orderedSpectrum(x, y, meta, where, warnings));
  }
  return { value: spectra, warnings };
}
