// Figure writers: spectra line plots and heat maps as SVG (Vega-Lite), PNG through resvg.
export { type HeatmapOptions, plotHeatmap } from './heatmap.js';
export { svgToPng } from './png.js';
export { type PlotSeries, type PlotSpectraOptions, plotSpectra } from './spectra.js';
export { renderVegaLite } from './render.js';
