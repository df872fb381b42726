import type { TopLevelSpec } from 'vega-lite';
import { fail } from '../../core/errors.js';
import { renderVegaLite } from './render.js';

/** One curve: x (usually energy, eV) and y arrays of equal length, and its legend label. */
export interface PlotSeries {
  readonly energy: ArrayLike<number>;
  readonly intensity: ArrayLike<number>;
  readonly label?: string;
  /** A `Spectrum`'s metadata; its `label` is used when the series has none. */
  readonly meta?: { readonly label?: string };
}

export interface PlotSpectraOptions {
  readonly title?: string;
  /** Axis titles (default 'Energy (eV)', 'Intensity (arb. units)'). */
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Plot area size in pixels (default 640 × 400). */
  readonly width?: number;
  readonly height?: number;
  /** Longest series kept at full resolution; longer ones are decimated by min/max pairs (default 4000 points). */
  readonly maxPoints?: number;
}

/**
 * Line plot of one or more spectra (axes, titles, legend) rendered with Vega-Lite to an SVG string. Non-finite
 * points are dropped (the line breaks there is not drawn). Use `svgToPng` for a raster image.
 */
export async function plotSpectra(
  series: readonly PlotSeries[],
  opts: PlotSpectraOptions = {},
): Promise<string> {
  if (series.length === 0)
    fail('invalid-argument', 'nothing to plot: no spectra given', { field: 'spectra' });
  const rows: { x: number; y: number; s: string }[] = [];
  const names: string[] = [];
  series.forEach((sp, k) => {
    if (sp.energy.length !== sp.intensity.length)
      fail(
        'invalid-argument',
        `series ${k}: ${sp.energy.length} x values but ${sp.intensity.length} y values`,
        {
          field: 'spectra',
        },
      );
    let name = sp.label ?? sp.meta?.label ?? `spectrum ${k + 1}`;
    while (names.includes(name)) name = `${name} (${k + 1})`;
    names.push(name);
    for (const i of decimate(sp.energy, sp.intensity, opts.maxPoints ?? 4000)) {
      const x = sp.energy[i]!;
      const y = sp.intensity[i]!;
      if (Number.isFinite(x) && Number.isFinite(y)) rows.push({ x, y, s: name });
    }
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    width: opts.width ?? 640,
    height: opts.height ?? 400,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, clip: true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: opts.xLabel ?? 'Energy (eV)',
        scale: { zero: false, nice: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: opts.yLabel ?? 'Intensity (arb. units)',
        scale: { zero: false },
      },
      color: {
        field: 's',
        type: 'nominal',
        title: null,
        sort: names,
        legend: { orient: 'top-right', labelLimit: 360 },
      },
      order: { field: 'x', type: 'quantitative' },
    },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
  };
  return renderVegaLite(spec);
}

/** Indices to draw: all, or for long series the min and max of each of maxPoints/2 buckets (keeps peaks). */
function decimate(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): number[] {
  const n = x.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let imin = lo;
    let imax = lo;
    for (let i = lo; i < hi; i++) {
      if (y[i]! < y[imin]!) imin = i;
      if (y[i]! > y[imax]!) imax = i;
    }
    out.push(Math.min(imin, imax));
    if (imin !== imax) out.push(Math.max(imin, imax));
  }
  return out;
}
