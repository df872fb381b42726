import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { readSpectra, type SpectrumFile, writeSpectrumFile } from '../../io/spectra/index.js';
import type { Spectrum } from '../../spectrum/types.js';
import { makeOutput, numberOption } from '../context.js';
import { registerSpectrumProcess } from './spectrum-process.js';

/** `--group` is a 0-based index when numeric, else a group label. */
function groupOption(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v.trim())) return numberOption(v, 'group', { min: 0, integer: true });
  return v;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Energy step of a spectrum (eV): for a uniform axis (every step within 1e-6 of the mean) the mean step
 * (last − first)/(n − 1), else the median step; shown to 12 significant digits (axes computed as offset + scale·i
 * carry rounding noise in the 16th digit).
 */
function dispersionOf(s: Spectrum): number | null {
  const n = s.energy.length;
  if (n < 2) return null;
  const d: number[] = [];
  for (let i = 1; i < n; i++) d.push((s.energy[i] as number) - (s.energy[i - 1] as number));
  const mean = ((s.energy[n - 1] as number) - (s.energy[0] as number)) / (n - 1);
  const uniform = d.every((x) => Math.abs(x - mean) <= 1e-6 * Math.abs(mean));
  return Number((uniform ? mean : median(d)).toPrecision(12));
}

export interface SpectrumInfo {
  format: string;
  technique: string | null;
  element: string | null;
  edge: string | null;
  nav_shape: number[];
  channels: number;
  energy: [number, number];
  dispersion: number | null;
  groups: number;
  labels: string[];
  metadata: Record<string, unknown>;
}

/** The `spectrum info` summary of a read file (first spectrum, or the spectrum image). */
export function spectrumInfo(f: SpectrumFile): SpectrumInfo {
  const labels = f.spectra.map((s, i) => s.meta.label ?? String(i));
  if (f.image && f.spectra.length !== 1) {
    const im = f.image;
    const { offset, scale } = im.energyAxis;
    return {
      format: f.format,
      technique: im.meta.technique ?? null,
      element: im.meta.element ?? null,
      edge: im.meta.edge ?? null,
      nav_shape: [...im.navShape],
      channels: im.channels,
      energy: [offset, offset + scale * (im.channels - 1)],
      dispersion: scale,
      groups: im.navShape.reduce((a, b) => a * b, 1),
      labels: [],
      metadata: {
        ...f.metadata,
        navAxes: im.navAxes,
        eels: im.meta.eels ?? null,
        label: im.meta.label ?? null,
      },
    };
  }
  const s = f.spectra[0];
  if (!s) throw new SpecfuseError('parse', 'file holds no spectrum');
  return {
    format: f.format,
    technique: s.meta.technique ?? null,
    element: s.meta.element ?? null,
    edge: s.meta.edge ?? null,
    nav_shape: [],
    channels: s.energy.length,
    energy: [s.energy[0] as number, s.energy[s.energy.length - 1] as number],
    dispersion: dispersionOf(s),
    groups: f.spectra.length,
    labels,
    metadata: {
      ...f.metadata,
      label: s.meta.label ?? null,
      eels: s.meta.eels ?? null,
      intensityUnit: s.meta.intensityUnit ?? null,
      origin: s.meta.origin,
      ...(s.meta.extra ? { spectrum: s.meta.extra } : {}),
    },
  };
}

function humanInfo(file: string, i: SpectrumInfo, warnings: number): string {
  const lines = [
    `${file}: ${i.format}${i.technique ? ` ${i.technique}` : ''}${i.element ? ` ${i.element}${i.edge ? ` ${i.edge}` : ''}` : ''}`,
    i.nav_shape.length > 0
      ? `  spectrum image: navigation ${i.nav_shape.join(' × ')} (rows × columns), ${i.channels} channels`
      : `  ${i.groups} spectrum/spectra; first: ${i.channels} points${i.labels[0] ? ` ('${i.labels[0]}')` : ''}`,
    `  energy ${i.energy[0]} … ${i.energy[1]} eV${i.dispersion !== null ? `, step ${i.dispersion} eV` : ''}`,
  ];
  if (i.groups > 1 && i.labels.length > 1)
    lines.push(
      `  groups: ${i.labels
        .map((l, k) => `${k} ${l}`)
        .slice(0, 40)
        .join(', ')}${i.labels.length > 40 ? ', …' : ''}`,
    );
  if (warnings > 0) lines.push(`  ${warnings} warning(s)`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const spectrum = program
    .command('spectrum')
    .description(
      'Read, inspect and convert spectrum files (XDI, Athena, MSA, DM3/DM4, CSV, JSON, FEFF, FDMNES)',
    );

  spectrum
    .command('info')
    .description(
      'Summarise a spectrum file: format, technique, element/edge, shape, energy range, dispersion, metadata',
    )
    .argument('<file>', 'spectrum file')
    .option(
      '--group <n>',
      'which group / spectrum (0-based index or label; pixel index for a spectrum image)',
    )
    .option('--json', 'one JSON document on stdout')
    .action((file: string, opts: { group?: string; json?: boolean }) => {
      const out = makeOutput(opts.json === true);
      const group = groupOption(opts.group);
      const r = readSpectra(file, group === undefined ? {} : { group });
      for (const w of r.warnings) out.info(`warning: ${w.message}`);
      const info = spectrumInfo(r.value);
      out.result({ ...info, warnings: r.warnings.map((w) => ({ message: w.message, ...w.path })) }, () =>
        humanInfo(file, info, r.warnings.length),
      );
    });

  spectrum
    .command('convert')
    .description('Convert one spectrum to XDI, CSV or EMSA/MSA (chosen by the output extension)')
    .argument('<in>', 'input spectrum file')
    .argument('<out>', 'output file: .xdi, .csv or .msa')
    .option(
      '--group <n>',
      'which group / spectrum (0-based index or label; pixel index for a spectrum image)',
    )
    .option('--force', 'replace OUT if it exists (never an input)')
    .option('--json', 'one JSON document on stdout')
    .action((input: string, output: string, opts: { group?: string; force?: boolean; json?: boolean }) => {
      const out = makeOutput(opts.json === true);
      const group = groupOption(opts.group);
      const r = readSpectra(input, group === undefined ? {} : { group });
      for (const w of r.warnings) out.info(`warning: ${w.message}`);
      const f = r.value;
      if (f.spectra.length === 0)
        throw new SpecfuseError(
          'invalid-argument',
          'a spectrum image: pass --group PIXEL to convert one pixel',
          { file: input },
        );
      if (f.spectra.length > 1 && group === undefined)
        out.info(
          `note: ${input} holds ${f.spectra.length} spectra; converting the first (use --group to choose)`,
        );
      const s = f.spectra[0] as Spectrum;
      const w = writeSpectrumFile(s, output, { inputs: [input], overwrite: opts.force === true });
      out.result(
        {
          input,
          output,
          format: w.format,
          points: s.energy.length,
          bytes: w.bytes,
          label: s.meta.label ?? null,
        },
        `wrote ${output} (${w.format}, ${s.energy.length} points)`,
      );
    });

  registerSpectrumProcess(spectrum);
}
