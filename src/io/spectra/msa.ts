import { fail, type Warning } from '../../core/errors.js';
import type { EelsConditions, Spectrum, SpectrumMeta, Technique } from '../../spectrum/types.js';
import {
  formatNumber,
  isNumberToken,
  orderedSpectrum,
  parseNumber,
  type Read,
  splitLines,
} from './common.js';

/**
 * EMSA/MAS spectral data format (Microscopy Society of America / Microbeam Analysis Society, EMSA/MAS 1.0,
 * standardised as ISO 22029). Keyword lines `#KEYWORD[-units] : value` (user keywords start with `##`), the data
 * between `#SPECTRUM` and `#ENDOFDATA`. DATATYPE Y: values only, NCOLUMNS per line, x = OFFSET + XPERCHAN·i;
 * DATATYPE XY: each line x, y (several y after x give several spectra). EELS keywords: BEAMKV (kV), CONVANGLE and
 * COLLANGLE (mrad), INTEGTIME / LIVETIME / REALTIME (s).
 */

export interface MsaKeyword {
  readonly value: string;
  /** Units given after the keyword (`#BEAMKV -kV: …`), if any. */
  readonly units?: string;
  readonly line: number;
  /** User-defined keyword (written with `##`). */
  readonly user: boolean;
}

/** File-faithful parse of an EMSA/MSA file. */
export interface MsaFile {
  /** Keywords in upper case, as written (last occurrence wins). */
  readonly keywords: Record<string, MsaKeyword>;
  readonly dataType: 'Y' | 'XY';
  /** x values (XY) or undefined (Y: computed from OFFSET/XPERCHAN). */
  readonly x?: Float64Array;
  /** One array per y column. */
  readonly y: Float64Array[];
  /** 1-based line of the first data line. */
  readonly dataLine: number;
  /** Whether #ENDOFDATA was present. */
  readonly ended: boolean;
}

const KEYWORD = /^#(#?)([A-Za-z0-9_]+)\s*(?:-\s*([^:\s]*))?\s*:\s?(.*)$/;

export function msaKeyword(m: Pick<MsaFile, 'keywords'>, name: string): string | undefined {
  return m.keywords[name.toUpperCase()]?.value;
}

function keywordNumber(m: MsaFile, name: string): number | undefined {
  const v = msaKeyword(m, name);
  if (v === undefined || v.trim() === '') return undefined;
  const x = parseNumber(v.trim().split(/[\s,]+/)[0] ?? '');
  return Number.isFinite(x) ? x : undefined;
}

/** Parse EMSA/MSA text. Throws `parse` with file and line for a malformed data line or missing data. */
export function parseMsa(text: string, file?: string): MsaFile {
  const where = file === undefined ? {} : { file };
  const lines = splitLines(text);
  const keywords: Record<string, MsaKeyword> = {};
  let i = 0;
  let inData = false;
  for (; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      if (Object.keys(keywords).length === 0)
        fail('parse', 'not an EMSA/MSA file: no #KEYWORD lines before the data', { ...where, line: i + 1 });
      // tolerate data without a #SPECTRUM line
      inData = true;
      break;
    }
    const m = KEYWORD.exec(line);
    if (!m) fail('parse', `malformed keyword line '${line.slice(0, 40)}'`, { ...where, line: i + 1 });
    const key = (m[2] as string).toUpperCase();
    const kw: MsaKeyword = m[3]
      ? { value: (m[4] as string).trim(), units: m[3], line: i + 1, user: m[1] === '#' }
      : { value: (m[4] as string).trim(), line: i + 1, user: m[1] === '#' };
    keywords[key] = kw;
    if (key === 'SPECTRUM') {
      i++;
      inData = true;
      break;
    }
    if (key === 'ENDOFDATA') break;
  }
  if (!keywords.FORMAT && !keywords.SPECTRUM)
    fail('parse', 'not an EMSA/MSA file: no #FORMAT or #SPECTRUM keyword', { ...where, line: 1 });
  const dt = (keywords.DATATYPE?.value ?? 'Y').trim().toUpperCase();
  if (dt !== 'Y' && dt !== 'XY')
    fail('parse', `DATATYPE must be Y or XY, got '${dt}'`, { ...where, line: keywords.DATATYPE?.line ?? 1 });
  const dataType = dt as 'Y' | 'XY';
  const dataLine = i + 1;
  const xs: number[] = [];
  const ys: number[][] = [];
  const yFlat: number[] = [];
  let ended = false;
  let width = -1;
  for (; inData && i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = KEYWORD.exec(line);
      const key = m ? (m[2] as string).toUpperCase() : '';
      if (key === 'ENDOFDATA') {
        ended = true;
        break;
      }
      if (m) {
        keywords[key] = { value: (m[4] as string).trim(), line: i + 1, user: m[1] === '#' };
        continue;
      }
      fail('parse', `unexpected line in data section '${line.slice(0, 40)}'`, { ...where, line: i + 1 });
    }
    const toks = line.split(/[\s,;]+/).filter((t) => t !== '');
    for (let c = 0; c < toks.length; c++)
      if (!isNumberToken(toks[c] as string))
        fail('parse', `'${(toks[c] as string).slice(0, 30)}' is not a number`, {
          ...where,
          line: i + 1,
          column: c + 1,
        });
    const vals = toks.map(parseNumber);
    if (dataType === 'Y') {
      for (const v of vals) yFlat.push(v);
      continue;
    }
    if (vals.length < 2)
      fail('parse', 'XY data line needs an x and at least one y', { ...where, line: i + 1 });
    if (width < 0) {
      width = vals.length - 1;
      for (let c = 0; c < width; c++) ys.push([]);
    } else if (vals.length - 1 !== width)
      fail('parse', `XY data line has ${vals.length - 1} y values, expected ${width}`, {
        ...where,
        line: i + 1,
      });
    xs.push(vals[0] as number);
    for (let c = 0; c < width; c++) (ys[c] as number[]).push(vals[c + 1] as number);
  }
  const count = dataType === 'Y' ? yFlat.length : xs.length;
  if (count === 0)
    fail('parse', 'EMSA/MSA file has no data points', { ...where, line: Math.min(dataLine, lines.length) });
  const base = { keywords, dataType, dataLine, ended };
  if (dataType === 'Y') return { ...base, y: [Float64Array.from(yFlat)] };
  return { ...base, x: Float64Array.from(xs), y: ys.map((c) => Float64Array.from(c)) };
}

function techniqueOf(signal: string | undefined): Technique | undefined {
  const s = (signal ?? '').trim().toUpperCase();
  if (s === 'ELS' || s === 'EELS') return 'EELS';
  if (s === 'XAS' || s === 'XANES' || s === 'EXAFS') return 'XAS';
  return undefined;
}

/**
 * Map an MSA file to spectra (one per y column). Energies in eV (XUNITS keV converted). BEAMKV is kV by the
 * standard; values above 1000 can only be volts (no TEM runs above 1 MV), so they are divided by 1000 with a warning.
 */
export function msaToSpectra(m: MsaFile, file?: string): Read<Spectrum[]> {
  const warnings: Warning[] = [];
  const where = file === undefined ? {} : { file };
  const xunits = (msaKeyword(m, 'XUNITS') ?? 'eV').trim();
  const toEv = /^kev$/i.test(xunits) ? 1000 : 1;
  if (toEv === 1 && xunits !== '' && !/^ev$/i.test(xunits))
    warnings.push({ message: `XUNITS '${xunits}' is not eV or keV; x taken as eV`, path: where });
  let x: Float64Array;
  const n = m.dataType === 'Y' ? (m.y[0] as Float64Array).length : (m.x as Float64Array).length;
  const npoints = keywordNumber(m, 'NPOINTS');
  if (npoints !== undefined && Math.round(npoints) !== n)
    warnings.push({
      message: `NPOINTS says ${npoints} but the file holds ${n} points`,
      path: { ...where, line: m.keywords.NPOINTS?.line ?? 1 },
    });
  if (!m.ended) warnings.push({ message: 'no #ENDOFDATA line (file may be truncated)', path: where });
  if (m.dataType === 'Y') {
    const step = keywordNumber(m, 'XPERCHAN');
    const offset = keywordNumber(m, 'OFFSET') ?? 0;
    if (step === undefined || !(step !== 0))
      fail('parse', 'DATATYPE Y needs a non-zero XPERCHAN', {
        ...where,
        line: m.keywords.XPERCHAN?.line ?? 1,
      });
    x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (offset + step * i) * toEv;
  } else x = (m.x as Float64Array).map((v) => v * toEv);
  let beamKeV = keywordNumber(m, 'BEAMKV');
  if (beamKeV !== undefined && beamKeV > 1000) {
    warnings.push({
      message: `BEAMKV ${beamKeV} is above 1000 kV; read as volts (${beamKeV / 1000} kV)`,
      path: { ...where, line: m.keywords.BEAMKV?.line ?? 1 },
    });
    beamKeV /= 1000;
  }
  const conv = keywordNumber(m, 'CONVANGLE');
  const coll = keywordNumber(m, 'COLLANGLE');
  const exposure =
    keywordNumber(m, 'INTEGTIME') ?? keywordNumber(m, 'LIVETIME') ?? keywordNumber(m, 'REALTIME');
  const eels: EelsConditions = {
    ...(beamKeV !== undefined && beamKeV > 0 ? { beamEnergyKeV: beamKeV } : {}),
    ...(conv !== undefined && conv > 0 ? { convergenceMrad: conv } : {}),
    ...(coll !== undefined && coll > 0 ? { collectionMrad: coll } : {}),
    ...(exposure !== undefined && exposure > 0 ? { exposureS: exposure } : {}),
  };
  const technique = techniqueOf(msaKeyword(m, 'SIGNALTYPE'));
  const title = msaKeyword(m, 'TITLE');
  const element = msaKeyword(m, 'ELEMENT')?.trim();
  const edge = msaKeyword(m, 'EDGE')?.trim();
  const kw: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.keywords)) kw[k] = v.units ? `${v.value} ${v.units}` : v.value;
  const spectra = m.y.map((y, c) => {
    const meta: SpectrumMeta = {
      origin:
        file === undefined
          ? { kind: 'measured' }
          : { kind: 'measured', file, ...(m.y.length > 1 ? { group: String(c) } : {}) },
      ...(technique ? { technique } : {}),
      ...(element ? { element } : {}),
      ...(edge ? { edge: edge.toUpperCase() } : {}),
      ...(Object.keys(eels).length > 0 ? { eels } : {}),
      ...(title ? { label: m.y.length > 1 ? `${title} [${c}]` : title } : {}),
      ...(msaKeyword(m, 'YUNITS') ? { intensityUnit: msaKeyword(m, 'YUNITS') as string } : {}),
      extra: { keywords: kw },
    };
    return orderedSpectrum(x, y, meta, { ...where, line: m.dataLine }, warnings);
  });
  return { value: spectra, warnings };
}

function uniformStep(e: Float64Array): number | undefined {
  const n = e.length;
  if (n < 2) return undefined;
  const step = ((e[n - 1] as number) - (e[0] as number)) / (n - 1);
  for (let i = 0; i < n; i++) {
    const expect = (e[0] as number) + step * i;
    if (Math.abs((e[i] as number) - expect) > 1e-12 * Math.max(1, Math.abs(e[i] as number))) return undefined;
  }
  return step;
}

/**
 * Write a spectrum as EMSA/MSA 1.0: DATATYPE Y (OFFSET/XPERCHAN) when the energies are uniform to 1e-12,
 * otherwise XY; EELS conditions as BEAMKV / CONVANGLE / COLLANGLE / INTEGTIME.
 */
export function writeMsa(spectrum: Spectrum): string {
  const m = spectrum.meta;
  const step = uniformStep(spectrum.energy);
  const kw = (k: string, v: string) => `#${k.padEnd(12)}: ${v.replace(/[\r\n]+/g, ' ')}`;
  const n = spectrum.energy.length;
  const out = [
    kw('FORMAT', 'EMSA/MAS Spectral Data File'),
    kw('VERSION', '1.0'),
    kw('TITLE', (m.label ?? '').slice(0, 64)),
    kw('DATE', ''),
    kw('TIME', ''),
    kw('OWNER', ''),
    kw('NPOINTS', String(n)),
    kw('NCOLUMNS', '1'),
    kw('XUNITS', 'eV'),
    kw('YUNITS', m.intensityUnit ?? ''),
    kw('DATATYPE', step === undefined ? 'XY' : 'Y'),
    kw(
      'XPERCHAN',
      formatNumber(
        step ?? (n > 1 ? ((spectrum.energy[n - 1] as number) - (spectrum.energy[0] as number)) / (n - 1) : 1),
      ),
    ),
    kw('OFFSET', formatNumber(spectrum.energy[0] as number)),
    kw('SIGNALTYPE', m.technique === 'EELS' ? 'ELS' : m.technique === 'XAS' ? 'XAS' : ''),
  ];
  const e = m.eels;
  if (e?.beamEnergyKeV !== undefined) out.push(kw('BEAMKV   -kV', formatNumber(e.beamEnergyKeV)));
  if (e?.convergenceMrad !== undefined) out.push(kw('CONVANGLE-mR', formatNumber(e.convergenceMrad)));
  if (e?.collectionMrad !== undefined) out.push(kw('COLLANGLE-mR', formatNumber(e.collectionMrad)));
  if (e?.exposureS !== undefined) out.push(kw('INTEGTIME-s', formatNumber(e.exposureS)));
  if (m.element) out.push(kw('#ELEMENT', m.element));
  if (m.edge) out.push(kw('#EDGE', m.edge));
  out.push(kw('SPECTRUM', 'Spectral Data Starts Here'));
  for (let i = 0; i < n; i++) {
    const y = formatNumber(spectrum.intensity[i] as number);
    out.push(step === undefined ? `${formatNumber(spectrum.energy[i] as number)}, ${y}` : y);
  }
  out.push(kw('ENDOFDATA', ''));
  return `${out.join('\n')}\n`;
}
