import { describe, expect, it } from 'vitest';
import { calibrateTwoPoint, shiftAxis, shiftByCrossCorrelation, shiftByLeastSquares } from './align.js';

const e = Float64Array.from({ length: 400 }, (_, i) => 520 + 0.1 * i);
const shape = (x: number): number =>
  Math.exp(-(((x - 532) / 1.2) ** 2)) + 0.6 * Math.exp(-(((x - 540) / 2.5) ** 2)) + 0.1 * Math.atan(x - 535);

describe('alignment', () => {
  const ref = e.map(shape);
  const moved = e.map((x) => 2.5 * shape(x + 0.37) + 0.1); // features 0.37 eV lower, scaled and offset
  it('cross-correlation finds a sub-channel shift', () => {
    expect(shiftByCrossCorrelation(e, ref, e, moved)).toBeCloseTo(0.37, 1);
  });
  it('least squares refines shift, scale and offset', () => {
    const r = shiftByLeastSquares(e, ref, e, moved);
    expect(r.shift).toBeCloseTo(0.37, 2);
    expect(r.scale).toBeCloseTo(1 / 2.5, 2);
    expect(r.offset).toBeCloseTo(-0.1 / 2.5, 2);
    // applying the shift aligns the axes
    expect(shiftAxis([100], r.shift)[0]).toBeCloseTo(100.37, 2);
  });
  it('refuses spectra that do not overlap', () => {
    expect(() => shiftByCrossCorrelation([0, 1, 2], [0, 1, 0], [10, 11, 12], [0, 1, 0])).toThrow(/overlap/);
  });
});

describe('two-point calibration', () => {
  it('maps the measured ZLP and edge onto 0 and 532 eV', () => {
    // measured ZLP at 0.4 eV, O K onset at 529.0 eV → scale 532/528.6, offset −0.4·scale
    const c = calibrateTwoPoint([0.4, 529, 600], [0.4, 529], [0, 532]);
    expect(c.scale).toBeCloseTo(532 / 528.6, 12);
    expect(c.energy[0]).toBeCloseTo(0, 12);
    expect(c.energy[1]).toBeCloseTo(532, 12);
    expect(c.energy[2]).toBeCloseTo((600 - 0.4) * (532 / 528.6), 9);
    expect(() => calibrateTwoPoint([1], [1, 1], [0, 1])).toThrow(/differ/);
  });
});
