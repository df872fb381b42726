import { describe, expect, it } from 'vitest';
import { plotHeatmap, plotSpectra, svgToPng } from './index.js';

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

const e = Float64Array.from({ length: 300 }, (_, i) => 8300 + i * 0.5);

describe('plotSpectra', () => {
  it('draws every series with axis titles, a legend and a title', async () => {
    const svg = await plotSpectra(
      [
        { energy: e, intensity: e.map((x) => Math.atan(x - 8340)), label: 'NiO' },
        { energy: e, intensity: e.map((x) => Math.atan(x - 8345)), meta: { label: 'Ni foil' } },
      ],
      { title: 'Ni K edge', xLabel: 'Energy (eV)', yLabel: 'μ(E)' },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    for (const s of ['Ni K edge', 'Energy (eV)', 'μ(E)', 'NiO', 'Ni foil', '8,340']) expect(svg).toContain(s);
    // one line mark per series, in the first two colours of the default (Tableau 10) scheme
    expect(svg).toContain('mark-line');
    expect(svg).toContain('stroke="#4c78a8"');
    expect(svg).toContain('stroke="#f58518"');
  });
  it('decimates long series but keeps the extreme values', async () => {
    const x = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const y = x.map((v) => (v === 54_321 ? 1000 : Math.sin(v / 100)));
    const svg = await plotSpectra([{ energy: x, intensity: y, label: 'long' }], { maxPoints: 1000 });
    expect(svg).toContain('1,000'); // the y axis reaches the spike
    expect(svg.length).toBeLessThan(200_000);
  });
  it('rejects empty input and mismatched arrays', async () => {
    await expect(plotSpectra([])).rejects.toThrow(/nothing to plot/);
    await expect(plotSpectra([{ energy: [1, 2], intensity: [1] }])).rejects.toThrow(/x values/);
  });
});

describe('plotHeatmap and svgToPng', () => {
  it('renders a map with a colour bar title, and rasterises it', async () => {
    const v = Float64Array.from({ length: 42 }, (_, i) => i / 41);
    const svg = await plotHeatmap(v, 21, 2, { title: 'thickness', colorbarLabel: 't/λ' });
    expect(svg).toContain('thickness');
    expect(svg).toContain('t/λ');
    expect(svg).toContain('linearGradient'); // the continuous colour bar
    const png = svgToPng(svg, { scale: 1 });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [w, h] = pngSize(png);
    const m = svg.match(/width="(\d+)" height="(\d+)"/)!;
    expect([w, h]).toEqual([Number(m[1]), Number(m[2])]);
    expect(pngSize(svgToPng(svg))[0]).toBe(2 * w); // default scale 2
  });
  it('checks the shape', async () => {
    await expect(plotHeatmap([1, 2, 3], 2, 2)).rejects.toThrow(/expected 2×2/);
  });
});
