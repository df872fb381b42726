import Plotly, { type PlotlyHTMLElement } from 'plotly.js-cartesian-dist-min';

/** Plotly wrappers: interactive (zoom, pan, hover values) and fully bundled — no CDN, no MathJax, no map tiles. */

const CONFIG = {
  responsive: true,
  displaylogo: false,
  scrollZoom: false,
  modeBarButtonsToRemove: ['select2d', 'lasso2d'],
  toImageButtonOptions: { format: 'png', scale: 2 },
};

const FONT = { family: 'system-ui, -apple-system, Segoe UI, sans-serif', size: 12 };
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#ff7f0e'];

export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
  readonly dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  readonly width?: number;
}

/**
 * Spectrum plot: measured and simulated curves on the left axis; the model's importance over energy (≥ 0) as a
 * shaded area underneath on a right-hand axis.
 */
export async function spectrumPlot(
  el: HTMLElement,
  o: {
    title: string;
    series: readonly Series[];
    importance?: { x: readonly number[]; y: readonly (number | null)[] };
    yTitle?: string;
    height?: number;
  },
): Promise<PlotlyHTMLElement> {
  const data: Record<string, unknown>[] = [];
  const hasImp = o.importance?.y.some((v) => v !== null && v > 0) ?? false;
  if (o.importance && hasImp)
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'importance',
      x: o.importance.x,
      y: o.importance.y,
      fill: 'tozeroy',
      line: { width: 0, color: 'rgba(255,165,0,0.6)' },
      fillcolor: 'rgba(255,165,0,0.25)',
      hovertemplate: 'importance %{y:.3g}<extra></extra>',
    });
  for (const [i, s] of o.series.entries())
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: s.name,
      x: s.x,
      y: s.y,
      ...(hasImp ? { yaxis: 'y2' } : {}),
      line: {
        color: PALETTE[i % PALETTE.length],
        width: s.width ?? (i === 0 ? 2.2 : 1.4),
        dash: s.dash ?? 'solid',
      },
      hovertemplate: `${s.name.replace(/[<>]/g, '')}: %{y:.4g}<extra></extra>`,
    });
  const layout: Record<string, unknown> = {
    title: { text: o.title, font: { size: 14 } },
    font: FONT,
    height: o.height ?? 340,
    margin: { l: 60, r: hasImp ? 60 : 20, t: 40, b: 50 },
    hovermode: 'x unified',
    legend: { orientation: 'h', y: -0.25, font: { size: 11 } },
    xaxis: { title: { text: 'Energy (eV)' }, zeroline: false },
    yaxis: { title: { text: o.yTitle ?? 'normalised intensity' }, zeroline: false },
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
  };
  if (hasImp) {
    // importance on the primary axis (drawn first, i.e. underneath), the spectra on an overlaid left-hand axis
    layout.yaxis = {
      title: { text: 'importance' },
      side: 'right',
      showgrid: false,
      rangemode: 'tozero',
      zeroline: false,
    };
    layout.yaxis2 = {
      title: { text: o.yTitle ?? 'normalised intensity' },
      overlaying: 'y',
      side: 'left',
      // own ticks (an overlaid axis otherwise follows the importance axis's tick positions)
      tickmode: 'auto',
      showgrid: true,
      zeroline: false,
    };
  }
  return Plotly.newPlot(el, data, layout, CONFIG);
}

/**
 * A map of one predicted quantity: one cell per (binned) pixel, colour bar on the right; pixels flagged as
 * unreliable (out of distribution, low signal) are painted grey over the colour.
 */
export async function heatmapPlot(
  el: HTMLElement,
  o: {
    title: string;
    shape: readonly [number, number];
    values: readonly (number | null)[];
    flagged: readonly (0 | 1 | boolean)[];
    colorbarTitle: string;
    classification: boolean;
  },
): Promise<PlotlyHTMLElement> {
  const [ny, nx] = o.shape;
  const z: (number | null)[][] = [];
  const zf: (number | null)[][] = [];
  for (let iy = 0; iy < ny; iy++) {
    const row: (number | null)[] = [];
    const rowF: (number | null)[] = [];
    for (let ix = 0; ix < nx; ix++) {
      const k = iy * nx + ix;
      const v = o.values[k];
      row.push(v === undefined || v === null || !Number.isFinite(v) ? null : v);
      rowF.push(o.flagged[k] ? 1 : null);
    }
    z.push(row);
    zf.push(rowF);
  }
  const data: Record<string, unknown>[] = [
    {
      type: 'heatmap',
      z,
      colorscale: o.classification ? 'Cividis' : 'Viridis',
      ...(o.classification ? { zmin: 0, zmax: 1 } : {}),
      colorbar: { title: { text: o.colorbarTitle, side: 'right' }, thickness: 14 },
      hovertemplate: 'pixel (iy %{y}, ix %{x})<br>value %{z:.4g}<extra></extra>',
      xgap: 0.5,
      ygap: 0.5,
    },
    {
      type: 'heatmap',
      z: zf,
      name: 'flagged',
      colorscale: [
        [0, 'rgba(110,110,110,0.7)'],
        [1, 'rgba(110,110,110,0.7)'],
      ],
      showscale: false,
      hovertemplate: 'pixel (iy %{y}, ix %{x})<br>flagged: unreliable<extra></extra>',
      xgap: 0.5,
      ygap: 0.5,
    },
  ];
  const aspect = nx / Math.max(ny, 1);
  const height = Math.max(160, Math.min(420, 80 + 640 / Math.max(aspect, 1)));
  const layout = {
    title: { text: o.title, font: { size: 14 } },
    font: FONT,
    height,
    margin: { l: 50, r: 20, t: 40, b: 40 },
    xaxis: { title: { text: 'ix' }, constrain: 'domain', showgrid: false, zeroline: false },
    yaxis: { title: { text: 'iy' }, autorange: 'reversed', showgrid: false, zeroline: false },
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
  };
  return Plotly.newPlot(el, data, layout, CONFIG);
}

/** Grouped bar chart (single modes vs fusions) of one metric per target. */
export async function barPlot(
  el: HTMLElement,
  o: {
    title: string;
    categories: readonly string[];
    groups: readonly {
      name: string;
      values: readonly (number | null)[];
      lo?: readonly (number | null)[];
      hi?: readonly (number | null)[];
      color?: string;
    }[];
    yTitle: string;
  },
): Promise<PlotlyHTMLElement> {
  const data = o.groups.map((g, i) => {
    const hasErr = g.lo && g.hi;
    return {
      type: 'bar',
      name: g.name,
      x: o.categories,
      y: g.values,
      marker: { color: g.color ?? PALETTE[(i + 1) % PALETTE.length] },
      ...(hasErr
        ? {
            error_y: {
              type: 'data',
              symmetric: false,
              array: g.values.map((v, k) => (v === null || g.hi![k] == null ? 0 : g.hi![k]! - v)),
              arrayminus: g.values.map((v, k) => (v === null || g.lo![k] == null ? 0 : v - g.lo![k]!)),
              thickness: 1,
              width: 3,
            },
          }
        : {}),
      hovertemplate: `${g.name.replace(/[<>]/g, '')}<br>%{x}: %{y:.3f}<extra></extra>`,
    };
  });
  const layout = {
    title: { text: o.title, font: { size: 14 } },
    font: FONT,
    barmode: 'group',
    height: 380,
    margin: { l: 60, r: 20, t: 40, b: 90 },
    yaxis: { title: { text: o.yTitle } },
    legend: { orientation: 'h', y: -0.3 },
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
  };
  return Plotly.newPlot(el, data, layout, CONFIG);
}

export function purge(el: HTMLElement): void {
  Plotly.purge(el);
}

/** Outline one cell (the selected pixel) on a heat map drawn by `heatmapPlot`. */
export async function markCell(el: HTMLElement, iy: number, ix: number): Promise<void> {
  await Plotly.relayout(el, {
    shapes: [
      {
        type: 'rect',
        xref: 'x',
        yref: 'y',
        x0: ix - 0.5,
        x1: ix + 0.5,
        y0: iy - 0.5,
        y1: iy + 0.5,
        line: { color: '#ff2d55', width: 2.5 },
      },
    ],
  });
}
