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

describe('L2,3 continuum step (PrepareOptions.continuumStep)', () => {
  // measured: the reference lines ×100 plus a 2:1 arctan step of total height 30 at the L3/L2 maxima (645/655 eV),
  // Γ = 2.8 eV = twice the low-side HWHM of the Gaussian L3 line (1.177·1.2 eV, what 'auto' measures), on a power law
  const stepOf = (e: number) =>
    20 * (0.5 + Math.atan((2 * (e - 645)) / 2.8) / Math.PI) +
    10 * (0.5 + Math.atan((2 * (e - 655)) / 2.8) / Math.PI);
  const y = Float64Array.from(axis, (e) => 2e9 * e ** -3 + edge(0)(e) + stepOf(e));
  const lines = gridOf(grid).map((e) => edge(0)(e));

  it("'auto' removes it when the training mean has none, and reports it", () => {
    const p = prepareEelsMode(axis, y, 'Mn:L23', grid, reference, { scaleEach: false });
    const c = p.continuumStep!;
    expect(c.applied).toBe(true);
    // reference tail: 0.5·exp(−½(Δ/1.2)²) at Δ = 3…5 eV above L2, mean of the last 5 points ≈ 0.006
    expect(c.reason).toMatch(/auto: training mean keeps 0\.6 % < 5\.0 %/);
    expect(c.l3).toBeCloseTo(645, 0);
    expect(c.l2).toBeCloseTo(655, 0);
    expect(c.width).toBeGreaterThan(2.5);
    expect(c.width).toBeLessThan(3.1);
    // height 30 within ±5 % (the tail of the L2 line in the last 10 % of the grid, 658–660 eV, adds ≈ 0.7; the
    // auto width differs slightly from 2.8 eV)
    expect(c.height).toBeGreaterThan(28.5);
    expect(c.height).toBeLessThan(31.5);
    expect(c.relHeight).toBeCloseTo(c.height / (100 + 20 * 0.5 + 10 * 0.0), 1);
    expect(c.measuredTail).toBeGreaterThan(0.25);
    expect(Math.abs(c.measuredTailAfter)).toBeLessThan(0.01);
    let dev = 0;
    for (let i = 0; i < lines.length; i++) dev = Math.max(dev, Math.abs(p.intensity[i]! - lines[i]!));
    expect(dev).toBeLessThan(2.5); // of a 100 maximum
    // aligned on the step-free signal: no shift (a first pass with the step in place finds −0.07 eV)
    expect(Math.abs(p.shift)).toBeLessThan(0.02);
  });

  it("keeps it with 'off', or in 'auto' when the training spectra have a step; other modes get no report", () => {
    const off = prepareEelsMode(axis, y, 'Mn:L23', grid, reference, {
      scaleEach: false,
      continuumStep: 'off',
    });
    expect(off.continuumStep?.applied).toBe(false);
    expect(off.continuumStep?.height).toBe(0);
    const last = off.intensity.length - 1;
    expect(off.intensity[last]).toBeGreaterThan(25);
    const stepped = Array.from(
      gridOf(grid),
      (e) => reference[Math.round((e - 640) / 0.5)]! + (0.3 * stepOf(e)) / 30,
    );
    const kept = prepareEelsMode(axis, y, 'Mn:L23', grid, stepped, { scaleEach: false });
    expect(kept.continuumStep?.applied).toBe(false);
    expect(kept.continuumStep?.reason).toMatch(/have a continuum step/);
    const forced = prepareEelsMode(axis, y, 'Mn:L23', grid, stepped, {
      scaleEach: false,
      continuumStep: 'on',
    });
    expect(forced.continuumStep?.applied).toBe(true);
    expect(prepareEelsMode(axis, y, 'O:K', grid, reference).continuumStep).toBeUndefined();
    // 'auto' on a step-free measured edge (tail 0.6 % < 15 %): nothing detected, nothing removed
    const plain = Float64Array.from(axis, (e) => 2e9 * e ** -3 + edge(0)(e));
    const none = prepareEelsMode(axis, plain, 'Mn:L23', grid, reference, { scaleEach: false });
    expect(none.continuumStep?.applied).toBe(false);
    expect(none.continuumStep?.reason).toMatch(/no step detected/);
    expect(none.continuumStep?.measuredTail).toBeLessThan(0.15);
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
