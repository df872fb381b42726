import { Resvg } from '@resvg/resvg-js';
import { SpecfuseError } from '../../core/errors.js';

/**
 * Rasterise an SVG to PNG bytes with resvg (Rust SVG renderer, through @resvg/resvg-js). `scale` multiplies the
 * SVG's pixel size (default 2, for print-quality figures). System fonts are loaded; text falls back to DejaVu Sans.
 */
export function svgToPng(svg: string, opts: { scale?: number; background?: string } = {}): Uint8Array {
  try {
    const r = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
      background: opts.background ?? 'white',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    });
    return new Uint8Array(r.render().asPng());
  } catch (e) {
    throw new SpecfuseError('internal', `PNG rendering failed: ${(e as Error).message}`, {}, { cause: e });
  }
}
