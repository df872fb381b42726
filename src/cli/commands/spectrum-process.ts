import { existsSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { plotSpectra, svgToPng } from '../../io/plot/index.js';
import { readSpectra } from '../../io/spectra/index.js';
import {
  minMaxNormalize,
  normalizeXas,
  type NormalizeXasOptions,
  regionSum,
} from '../../preprocess/index.js';
import { imageEnergyAxis } from '../../spectrum/spectrum.js';
import type { Spectrum } from '../../spectrum/types.js';
import { makeOutput, numberOption, type Output } from '../context.js';

/** `--group` is a 0-based index when numeric, else a group label. */
function groupOption(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v.trim())) return numberOption(v, 'group', { min: 0, integer: true });
  return v;
}

/**
 * The spectrum to process from a file: the selected group, else the first spectrum, else (a spectrum image) the
 * sum over all pixels.
 */
function pickSpectrum(file: string, group: number | string | undefined, out: Output): Spectrum {
  const r = readSpectra(file, group === undefined ? {} : { group });
  for (const w of r.warnings) out.info(`warning: ${w.message}`);
  const f = r.value;
  const s = f.spectra[0];
  if (s) {
    if (f.spectra.length > 1 && group === undefined)
      out.info(`note: ${file} holds ${f.spectra.length} spectra; using the first (choose with --group)`);
    return s;
  }
  if (f.image) {
    const sum = regionSum(f.image, new Uint8Array(f.image.navShape.reduce((a, b) => a * b, 1)).fill(1));
    out.info(
      `note: ${file} is a spectrum image; using the sum of its ${sum.pixels} pixels (choose one with --group)`,
    );
    return {
      energy: imageEnergyAxis(f.image),
      intensity: sum.intensity,
      meta: {
        ...f.image.meta,
        label: `${f.image.meta.label ?? basename(file)} (sum of ${sum.pixels} pixels)`,
      },
    };
  }
  throw new SpecfuseError('parse', 'file holds no spectrum', { file });
}

interface NormalizeFlags {
  group?: string;
  e0?: string;
  pre1?: string;
  pre2?: string;
  norm1?: string;
  norm2?: string;
  nnorm?: string;
  json?: boolean;
}

function normalizeOptions(o: NormalizeFlags): NormalizeXasOptions {
  const set: Record<string, number> = {};
  for (const k of ['e0', 'pre1', 'pre2', 'norm1', 'norm2'] as const) {
    const v = numberOption(o[k], k);
    if (v !== undefined) set[k] = v;
  }
  const nnorm = numberOption(o.nnorm, 'nnorm', { min: 0, max: 3, integer: true });
  if (nnorm !== undefined) set.nnorm = nnorm;
  return set as NormalizeXasOptions;
}

export function registerSpectrumProcess(spectrum: Command): void {
  spectrum
    .command('normalize')
    .description(
      'XAS pre-edge subtraction and edge-step normalization (Athena/Larch convention): E0, edge step, pre-edge line, post-edge polynomial',
    )
    .argument('<file>', 'spectrum file')
    .option(
      '--group <n>',
      'which group / spectrum (0-based index or label; pixel index for a spectrum image)',
    )
    .option('--e0 <eV>', 'edge energy (default: maximum of dμ/dE)')
    .option('--pre1 <eV>', 'pre-edge fit start relative to E0 (default −200, clipped to the data)')
    .option('--pre2 <eV>', 'pre-edge fit end relative to E0 (default −30)')
    .option('--norm1 <eV>', 'post-edge fit start relative to E0 (default 150)')
    .option('--norm2 <eV>', 'post-edge fit end relative to E0 (default: end of data)')
    .option(
      '--nnorm <n>',
      'post-edge polynomial degree 0…3 (default from the range: 2 above 350 eV, 1 above 50 eV)',
    )
    .option('--json', 'one JSON document on stdout')
    .action((file: string, o: NormalizeFlags) => {
      const out = makeOutput(o.json === true);
      const group = groupOption(o.group);
      const opts = normalizeOptions(o);
      const s = pickSpectrum(file, group, out);
      if (s.meta.technique === 'EELS')
        out.info('note: Athena-style normalization is meant for XAS; this is EELS');
      const r = normalizeXas(s.energy, s.intensity, opts);
      const doc = {
        file,
        group: group ?? null,
        label: s.meta.label ?? null,
        e0: r.e0,
        edge_step: r.edgeStep,
        pre: r.pre,
        post: r.post,
        ranges: r.ranges,
      };
      out.result(doc, () =>
        [
          `${file}${s.meta.label ? ` (${s.meta.label})` : ''}`,
          `  E0 ${r.e0.toFixed(2)} eV, edge step ${r.edgeStep.toPrecision(5)}`,
          `  pre-edge line: ${r.pre[0].toExponential(4)}·E + ${r.pre[1].toPrecision(6)} over E0${fmt(r.ranges.pre1)}…E0${fmt(r.ranges.pre2)} eV`,
          `  post-edge polynomial (degree ${r.ranges.nnorm}) over E0${fmt(r.ranges.norm1)}…E0${fmt(r.ranges.norm2)} eV: [${r.post.map((c) => c.toExponential(4)).join(', ')}]`,
        ].join('\n'),
      );
    });

  spectrum
    .command('plot')
    .description('Plot one or more spectra (axes, labels, legend) to an SVG or PNG figure')
    .argument(
      '<files...>',
      'spectrum files (one curve each: the --group spectrum, the first, or a spectrum image sum)',
    )
    .requiredOption('-o, --output <file>', 'figure file: .svg or .png')
    .option('--group <n>', 'which group / spectrum of every file (index or label; pixel index for an image)')
    .option('--normalize', 'XAS: edge-step normalized and flattened (Athena/Larch); EELS: scaled to [0, 1]')
    .option('--title <text>', 'figure title')
    .option('--force', 'replace the output file if it exists (never an input)')
    .option('--json', 'one JSON document on stdout')
    .action(
      async (
        files: string[],
        o: {
          output: string;
          group?: string;
          normalize?: boolean;
          title?: string;
          force?: boolean;
          json?: boolean;
        },
      ) => {
        const out = makeOutput(o.json === true);
        const ext = extname(o.output).toLowerCase();
        if (ext !== '.svg' && ext !== '.png')
          throw new SpecfuseError(
            'invalid-argument',
            `figure must be .svg or .png, got '${ext || o.output}'`,
            {
              file: o.output,
              field: 'output',
            },
          );
        if (files.some((f) => resolve(f) === resolve(o.output)))
          throw new SpecfuseError('invalid-argument', 'the output would overwrite an input file', {
            file: o.output,
          });
        if (existsSync(o.output) && o.force !== true)
          throw new SpecfuseError('invalid-argument', 'output exists (pass --force to replace it)', {
            file: o.output,
          });
        const group = groupOption(o.group);
        let xas = 0;
        const series = files.map((f) => {
          const s = pickSpectrum(f, group, out);
          const label = s.meta.label?.trim() || basename(f);
          if (s.meta.technique !== 'EELS') xas++;
          if (!o.normalize) return { energy: s.energy, intensity: s.intensity, label };
          const y =
            s.meta.technique === 'EELS'
              ? minMaxNormalize(s.intensity)
              : normalizeXas(s.energy, s.intensity).flat;
          return { energy: s.energy, intensity: y, label };
        });
        const yLabel = o.normalize
          ? xas === series.length
            ? 'Normalized μ(E) (flattened)'
            : 'Normalized intensity'
          : xas === series.length
            ? 'μ(E)'
            : 'Intensity (counts)';
        const xLabel = xas === series.length ? 'Energy (eV)' : 'Energy loss (eV)';
        const svg = await plotSpectra(series, {
          ...(o.title !== undefined ? { title: o.title } : {}),
          xLabel,
          yLabel,
        });
        const bytes = ext === '.png' ? svgToPng(svg) : new TextEncoder().encode(svg);
        try {
          writeFileSync(o.output, bytes, { flag: o.force === true ? 'w' : 'wx' });
        } catch (e) {
          throw new SpecfuseError('io', (e as Error).message, { file: o.output }, { cause: e });
        }
        out.result(
          { output: o.output, format: ext.slice(1), series: series.map((s) => s.label), bytes: bytes.length },
          `wrote ${o.output} (${series.length} spectrum/spectra, ${bytes.length} bytes)`,
        );
      },
    );
}

function fmt(v: number): string {
  return v >= 0 ? `+${v.toFixed(1)}` : `−${(-v).toFixed(1)}`;
}
