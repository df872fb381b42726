import { fail, type Warning } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import type { Spectrum, SpectrumMeta } from '../../spectrum/types.js';
import {
  formatNumber,
  isNumberToken,
  orderedSpectrum,
  parseNumber,
  type Read,
  splitLines,
} from './common.js';

/**
 * XAS Data Interchange (XDI) 1.0 — spec: XDI Working Group, "XAS Data Interchange Format Draft Specification,
 * version 1.0" (shared/data/xas/xdi/XDI-spec.md) and its Dictionary of Metadata (XDI-dictionary.md).
 * Header lines start with '#'; the first is `# XDI/1.0 [app/version…]`; `# Namespace.tag: value` fields
 * (case-insensitive, last occurrence wins); `# ///…` ends the fields; free comments; `# ---…` ends the header;
 * the last header line may hold the column labels; then whitespace-separated numeric rows.
 */

/** h·c in eV·Å from the exact SI constants (h = 6.62607015e-34 J s, c = 299792458 m/s, e = 1.602176634e-19 C):
 * ≈ 12398.41984 eV·Å, for angle → energy: E = hc / (2 d sin θ). */
const HC_EV_ANGSTROM = ((6.62607015e-34 * 299792458) / 1.602176634e-19) * 1e10;

export interface XdiColumn {
  readonly label: string;
  readonly units?: string;
}

/** File-faithful parse of an XDI file. */
export interface XdiFile {
  /** XDI version from the first line ('1.0'). */
  readonly version: string;
  /** Extra version tokens on the first line (application/version). */
  readonly applications: string[];
  /** Header fields as written ('Namespace.tag' → value); a repeated field keeps its last value. */
  readonly fields: Record<string, string>;
  /** 1-based line of each field. */
  readonly fieldLines: Record<string, number>;
  /** User comment lines (one leading space removed, trailing white space removed). */
  readonly comments: string[];
  /** Label line after the header-end line, if any. */
  readonly labelLine?: string[];
  /** One entry per data column: label and units from `Column.N`, else from the label line. */
  readonly columns: XdiColumn[];
  /** Column-major data. */
  readonly data: Float64Array[];
  /** 1-based line of the first data row. */
  readonly dataLine: number;
}

const FIELD = /^#\s*([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)\s*:\s?(.*)$/;

/** Case-insensitive lookup of a header field ('element.symbol' finds 'Element.symbol'). */
export function xdiField(x: Pick<XdiFile, 'fields'>, name: string): string | undefined {
  const low = name.toLowerCase();
  let found: string | undefined;
  for (const [k, v] of Object.entries(x.fields)) if (k.toLowerCase() === low) found = v;
  return found;
}

/** Parse XDI text. Throws `parse` with file and line for a malformed version line, field or data row. */
export function parseXdi(text: string, file?: string): XdiFile {
  const where = file === undefined ? {} : { file };
  const lines = splitLines(text);
  const first = (lines[0] ?? '').trim();
  const vm = /^#\s*XDI\/(\d+\.\d+(?:\.\d+)?)\s*(.*)$/i.exec(first);
  if (!vm)
    fail('parse', `not an XDI file: first line must be '# XDI/1.0', found '${first.slice(0, 40)}'`, {
      ...where,
      line: 1,
    });
  const version = vm[1] as string;
  const applications = (vm[2] as string).split(/\s+/).filter((s) => s !== '');
  const fields: Record<string, string> = {};
  const fieldLines: Record<string, number> = {};
  const comments: string[] = [];
  const canonical = new Map<string, string>();
  let state: 'fields' | 'comments' = 'fields';
  let lastHeader: string | undefined;
  let i = 1;
  for (; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trimEnd();
    if (!line.trimStart().startsWith('#')) {
      if (line.trim() === '') continue;
      break;
    }
    const body = line.trimStart();
    if (/^#\s*\/{3,}\s*$/.test(body)) {
      state = 'comments';
      lastHeader = undefined;
      continue;
    }
    if (/^#\s*-{3,}\s*$/.test(body)) {
      state = 'comments';
      lastHeader = '';
      continue;
    }
    if (lastHeader !== undefined) {
      // a line after the header-end line: it is the label line (or a late comment)
      lastHeader = body;
      continue;
    }
    const fm = state === 'fields' ? FIELD.exec(body) : null;
    if (fm) {
      const key = `${fm[1]}.${fm[2]}`;
      const low = key.toLowerCase();
      const existing = canonical.get(low) ?? key;
      canonical.set(low, existing);
      fields[existing] = (fm[3] as string).trim();
      fieldLines[existing] = i + 1;
      continue;
    }
    if (state === 'fields' && body.replace(/^#/, '').trim() !== '') {
      // a non-field line inside the field section: the spec says fields must be ignored when malformed
      comments.push(body.replace(/^#\s?/, ''));
      continue;
    }
    comments.push(body.replace(/^#\s?/, ''));
  }
  const dataLine = i + 1;
  // data rows
  const rows: number[][] = [];
  let ncol = -1;
  for (; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    if (line.startsWith('#'))
      fail('parse', 'data lines must not begin with a comment token', { ...where, line: i + 1 });
    const toks = line.split(/\s+/);
    if (ncol < 0) ncol = toks.length;
    else if (toks.length !== ncol)
      fail('parse', `row has ${toks.length} columns, expected ${ncol}`, { ...where, line: i + 1 });
    const row = new Array<number>(ncol);
    for (let c = 0; c < ncol; c++) {
      const t = toks[c] as string;
      if (!isNumberToken(t))
        fail('parse', `'${t.slice(0, 30)}' is not a number`, { ...where, line: i + 1, column: c + 1 });
      row[c] = parseNumber(t);
    }
    rows.push(row);
  }
  if (rows.length === 0)
    fail('parse', 'XDI file has no data rows', { ...where, line: Math.min(i, lines.length) });
  const data = Array.from({ length: ncol }, (_, c) => Float64Array.from(rows, (r) => r[c] as number));
  const labelLine =
    lastHeader !== undefined && lastHeader !== ''
      ? lastHeader
          .replace(/^#\s*/, '')
          .split(/\s+/)
          .filter((s) => s !== '')
      : undefined;
  const columns: XdiColumn[] = [];
  for (let c = 0; c < ncol; c++) {
    const v = xdiField({ fields }, `Column.${c + 1}`);
    if (v !== undefined && v !== '') {
      const [label, ...units] = v.split(/\s+/);
      columns.push(
        units.length > 0 ? { label: label as string, units: units.join(' ') } : { label: label as string },
      );
    } else if (labelLine && labelLine.length === ncol) columns.push({ label: labelLine[c] as string });
    else columns.push({ label: `col${c + 1}` });
  }
  const out: XdiFile = { version, applications, fields, fieldLines, comments, columns, data, dataLine };
  return labelLine ? { ...out, labelLine } : out;
}

/** How the sample and reference mu(E) were derived from the columns (for metadata and tests). */
export interface XdiMapping {
  readonly energyFrom: string;
  readonly muFrom: string;
  readonly referenceFrom?: string;
}

function columnIndex(x: XdiFile, ...names: string[]): number {
  for (const n of names) {
    const k = x.columns.findIndex((c) => c.label.toLowerCase() === n);
    if (k >= 0) return k;
  }
  return -1;
}

function ratio(a: Float64Array, b: Float64Array, log: boolean): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const r = (a[i] as number) / (b[i] as number);
    out[i] = log ? Math.log(r) : r;
  }
  return out;
}

/**
 * Map an XDI file to spectra. Energy: the `energy` column (eV; keV converted) or `angle` in degrees with
 * `Mono.d_spacing` (E = hc / 2d sin θ). Sample mu(E), first available of: `mutrans`, `mufluor`,
 * ln(i0/itrans) (transmission, Beer–Lambert), ifluor/i0 (fluorescence), `normtrans`, `normfluor`, else the
 * second column. Reference (second spectrum, when present): `murefer`, else ln(itrans/irefer).
 */
export function xdiToSpectra(x: XdiFile, file?: string): Read<{ spectra: Spectrum[]; mapping: XdiMapping }> {
  const warnings: Warning[] = [];
  const where = file === undefined ? {} : { file };
  if (x.labelLine && x.labelLine.length !== x.columns.length)
    warnings.push({
      message: `label line has ${x.labelLine.length} labels for ${x.columns.length} columns`,
      path: { ...where, line: x.dataLine - 1 },
    });
  let ie = columnIndex(x, 'energy');
  let energy: Float64Array;
  let energyFrom = 'energy';
  if (ie >= 0) {
    const units = (x.columns[ie]?.units ?? 'eV').toLowerCase();
    energy = x.data[ie] as Float64Array;
    if (units === 'kev') {
      energy = energy.map((v) => v * 1000);
      energyFrom = 'energy keV';
    } else if (units !== 'ev')
      warnings.push({ message: `energy units '${units}' not recognised; taken as eV`, path: where });
  } else if ((ie = columnIndex(x, 'angle')) >= 0) {
    const d = parseNumber(xdiField(x, 'Mono.d_spacing') ?? '');
    if (!(d > 0)) fail('parse', 'angle column needs a positive Mono.d_spacing (Å) to give energies', where);
    const units = (x.columns[ie]?.units ?? 'degrees').toLowerCase();
    const toRad = units.startsWith('rad') ? 1 : Math.PI / 180;
    energy = (x.data[ie] as Float64Array).map((t) => HC_EV_ANGSTROM / (2 * d * Math.sin(t * toRad)));
    energyFrom = `angle (d = ${d} Å)`;
  } else if (columnIndex(x, 'k') >= 0) {
    fail('unsupported', 'XDI file holds k-space data (no energy column); only mu(E) is read', where);
  } else {
    ie = 0;
    energy = x.data[0] as Float64Array;
    energyFrom = x.columns[0]?.label ?? 'col1';
    warnings.push({
      message: `no 'energy' column; first column '${energyFrom}' taken as energy (eV)`,
      path: where,
    });
  }
  const col = (k: number) => x.data[k] as Float64Array;
  const i0 = columnIndex(x, 'i0');
  const it = columnIndex(x, 'itrans', 'i1', 'it');
  const ifl = columnIndex(x, 'ifluor', 'if');
  const ir = columnIndex(x, 'irefer', 'i2', 'ir');
  let mu: Float64Array | undefined;
  let muFrom = '';
  const direct = columnIndex(x, 'mutrans', 'mufluor');
  if (direct >= 0) {
    mu = col(direct);
    muFrom = x.columns[direct]?.label as string;
  } else if (i0 >= 0 && it >= 0) {
    mu = ratio(col(i0), col(it), true);
    muFrom = 'ln(i0/itrans)';
  } else if (i0 >= 0 && ifl >= 0) {
    mu = ratio(col(ifl), col(i0), false);
    muFrom = 'ifluor/i0';
  } else {
    const norm = columnIndex(x, 'normtrans', 'normfluor', 'murefer', 'normrefer');
    const k = norm >= 0 ? norm : x.columns.findIndex((_, c) => c !== ie);
    if (k < 0) fail('parse', 'XDI file has only one column', where);
    mu = col(k);
    muFrom = x.columns[k]?.label as string;
    if (norm < 0)
      warnings.push({ message: `no mu or detector columns; using '${muFrom}' as intensity`, path: where });
  }
  const element = xdiField(x, 'Element.symbol');
  const edge = xdiField(x, 'Element.edge');
  const name = xdiField(x, 'Specfuse.label') ?? xdiField(x, 'Sample.name');
  const technique = xdiField(x, 'Specfuse.technique') === 'EELS' ? 'EELS' : 'XAS';
  const base: SpectrumMeta = {
    technique,
    origin: file === undefined ? { kind: 'measured' } : { kind: 'measured', file },
    ...(element ? { element: element.trim() } : {}),
    ...(edge ? { edge: edge.trim().toUpperCase() } : {}),
    extra: {
      fields: x.fields,
      comments: x.comments,
      columns: x.columns.map((c) => c.label),
      xdiVersion: x.version,
      muFrom,
    },
  };
  const at = { ...where, line: x.dataLine };
  const spectra: Spectrum[] = [orderedSpectrum(energy, mu, { ...base, label: name ?? muFrom }, at, warnings)];
  let referenceFrom: string | undefined;
  const murefer = columnIndex(x, 'murefer');
  let ref: Float64Array | undefined;
  if (murefer >= 0 && muFrom !== 'murefer') {
    ref = col(murefer);
    referenceFrom = 'murefer';
  } else if (it >= 0 && ir >= 0) {
    ref = ratio(col(it), col(ir), true);
    referenceFrom = 'ln(itrans/irefer)';
  }
  if (ref) {
    const refMeta: SpectrumMeta = {
      ...base,
      label: `${name ?? 'sample'} reference`,
      origin:
        file === undefined
          ? { kind: 'measured', group: 'reference' }
          : { kind: 'measured', file, group: 'reference' },
    };
    spectra.push(orderedSpectrum(energy, ref, refMeta, at, warnings));
  }
  const mapping: XdiMapping = referenceFrom ? { energyFrom, muFrom, referenceFrom } : { energyFrom, muFrom };
  return { value: { spectra, mapping }, warnings };
}

/** XDI field names written by writeXdi itself (not copied from the source metadata). */
const OWN_FIELDS = /^(column\.\d+|element\.symbol|element\.edge|specfuse\..*)$/i;

/**
 * Write a spectrum as XDI 1.0: version line `# XDI/1.0 specfuse/<version>`, Column.1 = energy eV, Column.2 = the
 * intensity (`mutrans` for XAS, `intensity` otherwise), Element fields, any XDI fields carried in
 * `meta.extra.fields`, specfuse extension fields (technique, label), user comments, header-end and label line.
 */
export function writeXdi(spectrum: Spectrum): string {
  const m = spectrum.meta;
  const from = String(m.extra?.muFrom ?? '');
  const fluor = from === 'mufluor' || from === 'ifluor/i0';
  const yLabel =
    m.technique === 'XAS' || m.technique === undefined ? (fluor ? 'mufluor' : 'mutrans') : 'intensity';
  const out: string[] = [`# XDI/1.0 specfuse/${VERSION}`, '# Column.1: energy eV', `# Column.2: ${yLabel}`];
  if (m.element) out.push(`# Element.symbol: ${oneLine(m.element)}`);
  if (m.edge) out.push(`# Element.edge: ${oneLine(m.edge)}`);
  const fields = (m.extra?.fields ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) {
    if (OWN_FIELDS.test(k) || !/^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z0-9_-]+$/.test(k)) continue;
    out.push(`# ${k}: ${oneLine(String(v))}`);
  }
  if (m.technique) out.push(`# Specfuse.technique: ${m.technique}`);
  if (m.label) out.push(`# Specfuse.label: ${oneLine(m.label)}`);
  if (m.origin.kind === 'simulated')
    out.push(`# Specfuse.engine: ${oneLine(m.origin.engine)} ${oneLine(m.origin.engineVersion)}`);
  else if (m.origin.file) out.push(`# Specfuse.source: ${oneLine(m.origin.file)}`);
  const comments = (m.extra?.comments ?? []) as unknown[];
  out.push('# ///');
  for (const c of Array.isArray(comments) ? comments : []) out.push(`# ${oneLine(String(c))}`);
  out.push('#----');
  out.push(`# energy ${yLabel}`);
  for (let i = 0; i < spectrum.energy.length; i++)
    out.push(
      `${formatNumber(spectrum.energy[i] as number)} ${formatNumber(spectrum.intensity[i] as number)}`,
    );
  return `${out.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
