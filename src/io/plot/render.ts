import type { TopLevelSpec } from 'vega-lite';
import { SpecfuseError } from '../../core/errors.js';

/**
 * Render a Vega-Lite specification to an SVG string, headless (no DOM, no canvas): Vega-Lite compiles to a Vega
 * spec, a Vega `View` with renderer 'none' runs the dataflow and serialises the scene graph to SVG
 * (https://vega.github.io/vega/usage/#view-toSVG). Text widths are estimated (no canvas), which is fine for
 * axis labels and legends. Vega is imported on first use (~0.6 s), so programs that never plot do not pay for it.
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  try {
    const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
    const vg = compile(spec).spec;
    const view = new View(parse(vg), { renderer: 'none' });
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  } catch (e) {
    throw new SpecfuseError('internal', `plot rendering failed: ${(e as Error).message}`, {}, { cause: e });
  }
}
