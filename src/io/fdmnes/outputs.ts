import { element } from '../../core/elements.js';
import { SpecfuseError, type Warning } from '../../core/errors.js';
import type { Spectrum } from '../../spectrum/types.js';
import { assertIncreasing, parseFortranNumber, splitLines } from '../feff/table.js';

/**
 * FDMNES spectrum outputs (FDMNES user manual, "Output files"): the raw `<Filout>.txt` (and `<Filout>_<n>.txt` per
 * absorber) and the convoluted `<Filout>_conv.txt`. Layout: optional header lines, of which one may list values
 * then `= E_edge, Z, n_edge, j_edge, Abs_before_edge, …` (names after '=' label the numbers before it);
 * then a column-label line starting with `Energy` (e.g. `Energy  <xanes>` or one label per polarisation/tensor);
 * then rows of numbers. Energies are in eV relative to the edge (E − E_edge) unless Energpho was set, in which case
 * they are photon energies; cross-sections in Mbarn (raw) or normalised units (conv).
 */
export interface FdmnesOutput {
  /** Header key/values from the `= E_edge, Z, …` line (numbers), if present. */
  readonly edgeInfo: Readonly<Record<string, number>>;
  readonly labels: readonly string[];
  readonly energy: Float64Array;
  /** Every column after Energy, keyed by its label (duplicate labels get `#2`, `#3`). */
  readonly columns: Readonly<Record<string, Float64Array>>;
  /** First intensity column (`<xanes>` when present) as a Spectrum. */
  readonly spectrum: Spectrum;
  readonly header: readonly string[];
  readonly warnings: Warning[];
}

function parseEdgeInfo(line: string): Record<string, number> {
  const [left, right] = line.split('=', 2) as [string, string];
  const keys = right.split(',').map((k) => k.trim());
  const vals = left.trim().split(/\s+/);
  const out: Record<string, number> = {};
  keys.forEach((k, i) => {
    const v = vals[i] !== undefined ? parseFortranNumber(vals[i] as string) : Number.NaN;
    if (k !== '' && Number.isFinite(v)) out[k] = v;
  });
  return out;
}

function parseFdmnes(text: string, file: string, kind: 'conv' | 'raw'): FdmnesOutput {
  const lines = splitLines(text);
  const at = lines.findIndex((l) => /^\s*Energy\b/i.test(l));
  if (at < 0) throw new SpecfuseError('parse', "no column-label line starting with 'Energy'", { file });
  const header = lines.slice(0, at);
  const edgeLine = header.find((l) => /=\s*E_edge\b/.test(l));
  const edgeInfo = edgeLine ? parseEdgeInfo(edgeLine) : {};
  const labels = (lines[at] as string).trim().split(/\s+/);
  const rows: number[][] = [];
  const rowLines: number[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const l = (lines[i] as string).trim();
    if (l === '') continue;
    const v = l.split(/\s+/).map(parseFortranNumber);
    if (v.some((x) => Number.isNaN(x)))
      throw new SpecfuseError('parse', `expected numbers, got '${l.slice(0, 60)}'`, { file, line: i + 1 });
    if (v.length < 2)
      throw new SpecfuseError('parse', 'expected energy and at least one value', { file, line: i + 1 });
    rows.push(v);
    rowLines.push(i + 1);
  }
  if (rows.length === 0)
    throw new SpecfuseError('truncated', 'no data rows after the label line', { file, line: at + 1 });
  const ncol = Math.min(...rows.map((r) => r.length));
  const warnings: Warning[] = [];
  if (ncol !== labels.length)
    warnings.push({
      message: `${labels.length} labels but ${ncol} numeric columns; unlabelled columns named col<n>`,
      path: { file, line: at + 1 },
    });
  const energy = Float64Array.from(rows, (r) => r[0] as number);
  assertIncreasing(energy, file, Int32Array.from(rowLines), 'Energy');
  const columns: Record<string, Float64Array> = {};
  for (let j = 1; j < ncol; j++) {
    let name = labels[j] ?? `col${j + 1}`;
    for (let n = 2; name in columns; n++) name = `${labels[j]}#${n}`;
    columns[name] = Float64Array.from(rows, (r) => r[j] as number);
  }
  const first = columns['<xanes>'] ?? (Object.values(columns)[0] as Float64Array);
  const z = edgeInfo.Z;
  let el: string | undefined;
  if (z !== undefined)
    try {
      el = element(z).symbol;
    } catch {
      el = undefined;
    }
  const spectrum: Spectrum = {
    energy,
    intensity: first,
    meta: {
      ...(el !== undefined ? { element: el } : {}),
      technique: 'XAS',
      origin: { kind: 'simulated', engine: 'fdmnes', engineVersion: 'unknown', parameters: { file, kind } },
      intensityUnit: kind === 'raw' ? 'Mbarn' : 'normalised',
      extra: { file, labels, edgeInfo, energyAxis: 'as written (E − E_edge unless Energpho)' },
    },
  };
  return { edgeInfo, labels, energy, columns, spectrum, header, warnings };
}

/** `<Filout>_conv.txt`: the convoluted spectrum. */
export function parseFdmnesConv(text: string, file = 'fdmnes_conv.txt'): FdmnesOutput {
  return parseFdmnes(text, file, 'conv');
}

/** `<Filout>.txt`: the raw (unconvoluted) cross-section, with the `= E_edge, Z, …` header line. */
export function parseFdmnesRaw(text: string, file = 'fdmnes.txt'): FdmnesOutput {
  return parseFdmnes(text, file, 'raw');
}
