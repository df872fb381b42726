import type { TopLevelSpec } from 'vega-lite';
import { fail } from '../../core/errors.js';
import { renderVegaLite } from './render.js';

export interface HeatmapOptions {
  readonly title?: string;
  /** Title of the colour bar (the mapped quantity and its unit). */
  readonly colorbarLabel?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Vega colour scheme (default 'viridis', perceptually uniform). */
  readonly scheme?: string;
  /** Colour range [min, max]; default the data range. */
  readonly domain?: readonly [number, number];
  /** Pixel size of one map cell (default: fit the map into ~480 px). */
  readonly cellSize?: number;
}

/**
 * A map (e.g. a spectrum-image quantity per pixel) as an SVG heat map with a colour bar. `values` is row-major,
 * values[iy·nx + ix]; row 0 is drawn at the top, as images are. Non-finite values are left blank.
 */
export async function plotHeatmap(
  values: ArrayLike<number>,
  nx: number,
  ny: number,
  opts: HeatmapOptions = {},
): Promise<string> {
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0))
    fail('invalid-argument', `map size must be positive integers, got ${nx}×${ny}`, { field: 'shape' });
  if (values.length !== nx * ny)
    fail('invalid-argument', `map has ${values.length} values, expected ${nx}×${ny} = ${nx * ny}`, {
      field: 'values',
    });
  const rows: { x: number; y: number; v: number }[] = [];
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const v = values[iy * nx + ix]!;
      if (Number.isFinite(v)) rows.push({ x: ix, y: iy, v });
    }
  const cell = opts.cellSize ?? Math.max(4, Math.min(40, Math.floor(480 / Math.max(nx, ny))));
  const every = (n: number): number[] => {
    const step = Math.max(1, Math.ceil(n / 10));
    return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
  };
  const color: Record<string, unknown> = {
    field: 'v',
    type: 'quantitative',
    title: opts.colorbarLabel ?? 'value',
    scale: { scheme: opts.scheme ?? 'viridis', ...(opts.domain ? { domain: [...opts.domain] } : {}) },
    legend: { type: 'gradient', gradientLength: Math.max(120, Math.min(400, cell * ny)) },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    background: 'white',
    width: { step: cell },
    height: { step: cell },
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'x',
        type: 'ordinal',
        title: opts.xLabel ?? 'x (pixel)',
        scale: { domain: Array.from({ length: nx }, (_, i) => i) },
        axis: { values: every(nx), labelAngle: 0 },
      },
      y: {
        field: 'y',
        type: 'ordinal',
        title: opts.yLabel ?? 'y (pixel)',
        scale: { domain: Array.from({ length: ny }, (_, i) => i) },
        axis: { values: every(ny) },
      },
      color,
    },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { grid: false } },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
