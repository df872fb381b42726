import { describe, expect, it } from 'vitest';
import { commonScale, gridOf, prepareEelsMode, prepareXasMode, requiredRange } from './prepare.js';

/** Hand-built spectra with known background, edge and shift. */
const axis = Float64Array.from({ length: 1000 }, (_, i) => 500 + 0.25 * i); // 500–749.75 eV
const grid: [number, number, number] = [640, 0.5, 41]; // 640–660 eV
const peak = (e: number, c: number) => Math.exp(-0.5 * ((e - c) / 1.2) ** 2);
const edge = (shift: number) => (e: number) => 100 * (peak(e - shift, 645) + 0.5 * peak(e - shift, 655));
const reference = Array.from(gridOf(grid), (e) => peak(e, 645) + 0.5 * peak(e, 655));

describe('prepareEelsMode', () => {
  it('removes an exact power law, finds the shift and puts the edge on the training scale', () => {
    const f = edge(1.5);
    const y = Float64Array.from(axis, (e) => 2e9 * e ** -3 + f(e));
    for (const method of ['log-lsq', 'two-area', 'auto'] as const) {
      const p = prepareEelsMode(axis, y, 'Mn:L23', grid, reference, { backgroundMethod: method });
      // window 640−30−5 … 640−3−5 eV
      expect(p.background.window).toEqual([605, 632]);
      expect(p.background.r).toBeCloseTo(3, 2);
      expect(p.background.A / 2e9).toBeCloseTo(1, 1);
      expect(p.background.relResidual).toBeLessThan(1e-3);
      // the measured axis must move down by 1.5 eV
      expect(p.shift).toBeCloseTo(-1.5, 1);
      expect(p.shiftAtCap).toBe(false);
      // area matched to the reference (scaleEach default)
      const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
      expect(sum(p.intensity) / sum(reference)).toBeCloseTo(1, 6);
      // the shape: the L3 maximum lands at 645 eV
      const imax = p.intensity.indexOf(Math.max(...p.intensity));
      expect(640 + 0.5 * imax).toBeCloseTo(645, 0);
      expect(p.snr).toBeGreaterThan(1e6); // noiseless: only round-off in the window
    }
  });

  it('reports the S/N of a noisy edge and flags a vacuum spectrum by a low S/N', () => {
    let seed = 3;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
    const bg = (e: number) => 2e9 * e ** -3;
    const withEdge = Float64Array.from(axis, (e) => bg(e) + 5 * edge(0)(e) + Math.sqrt(bg(e)) * gauss());
    const vacuum = Float64Array.from(axis, (e) => bg(e) + Math.sqrt(bg(e)) * gauss());
    const a = prepareEelsMode(axis, withEdge, 'Mn:L23', grid, reference);
    const b = prepareEelsMode(axis, vacuum, 'Mn:L23', grid, reference);
    expect(a.snr).toBeGreaterThan(20);
    expect(Math.abs(b.snr)).toBeLessThan(5);
    // Poisson counts: reduced χ² ≈ 1 and the gain σ²/mean ≈ 1
    expect(a.background.chi2nu).toBeGreaterThan(0.5);
    expect(a.background.chi2nu).toBeLessThan(2);
    expect(a.gain).toBeGreaterThan(0.5);
    expect(a.gain).toBeLessThan(2);
  });

  it('names the mode when the spectrum does not reach the pre-edge window', () => {
    const short = axis.slice(440); // starts at 610 eV > 605 eV
    expect(() =>
      prepareEelsMode(short, new Float64Array(short.length).fill(1), 'Mn:L23', grid, reference),
    ).toThrow(/mode Mn:L23 needs energies 605\.0–665\.0 eV/);
    expect(requiredRange('Mn:L23', grid)).toEqual([605, 665]);
    expect(
      requiredRange('Mn:L23', grid, { maxShift: 10, backgroundWindows: { 'Mn:L23': [-20, -5] } }),
    ).toEqual([610, 670]);
  });
});

describe('prepareXasMode', () => {
  it('normalises the edge step to 1 over a sloped pre-edge and aligns', () => {
    // μ(E) = 0.1 + 1e-4·E (pre-edge line) + 2·step(E − 646) + white line
    const mu = Float64Array.from(
      axis,
      (e) => 0.1 + 1e-4 * e + 2 * (0.5 + Math.atan((e - 646) / 0.8) / Math.PI) + 1.5 * peak(e, 647),
    );
    const ref = Array.from(
      gridOf(grid),
      (e) => 0.5 + Math.atan((e - 645) / 0.8) / Math.PI + 0.75 * peak(e, 646),
    );
    const p = prepareXasMode(axis, mu, 'Mn:L23', grid, ref, { scaleEach: false });
    expect(p.technique).toBe('XAS');
    expect(p.shift).toBeCloseTo(-1, 0);
    // far above the edge the normalised μ is ≈ 1 (edge step 2 divided out)
    expect(p.intensity[p.intensity.length - 1]).toBeCloseTo(1, 1);
    expect(p.background.A).toBeCloseTo(2, 0);
  });
});

describe('commonScale', () => {
  it('is Σ reference area / Σ measured area, one factor for all modes', () => {
    expect(
      commonScale([
        { intensity: [1, 1], reference: [2, 2] },
        { intensity: [2, 0], reference: [1, 1] },
      ]),
    ).toBeCloseTo(6 / 4, 12);
    expect(commonScale([{ intensity: [1, 1], reference: undefined }])).toBe(1);
  });
});
