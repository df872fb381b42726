// Minimal typings for the parts of plotly.js-cartesian-dist-min (cartesian traces: scatter, bar, heatmap) the app uses (the package ships no types).
declare module 'plotly.js-cartesian-dist-min' {
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: 'plotly_click' | 'plotly_hover', cb: (ev: { points: PlotDatumLike[] }) => void): void;
    removeAllListeners?(event: string): void;
  }
  export interface PlotDatumLike {
    readonly x: number | string;
    readonly y: number | string;
    readonly z?: number | null;
    readonly curveNumber: number;
    readonly pointNumber: number | number[];
  }
  type Any = Record<string, unknown>;
  const Plotly: {
    newPlot(el: HTMLElement, data: Any[], layout?: Any, config?: Any): Promise<PlotlyHTMLElement>;
    react(el: HTMLElement, data: Any[], layout?: Any, config?: Any): Promise<PlotlyHTMLElement>;
    relayout(el: HTMLElement, update: Any): Promise<PlotlyHTMLElement>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): void };
  };
  export default Plotly;
}
