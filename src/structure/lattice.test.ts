import { describe, expect, it } from 'vitest';
import {
  cartToFrac,
  cellVolume,
  fracToCart,
  invertMat3,
  latticeFromParameters,
  latticeParameters,
  matMul3,
  perpendicularWidths,
} from './lattice.js';

describe('lattice', () => {
  it('builds a hexagonal cell: V = a²c·√3/2', () => {
    const L = latticeFromParameters(2, 2, 3, 90, 90, 120);
    expect(cellVolume(L)).toBeCloseTo((4 * 3 * Math.sqrt(3)) / 2, 12);
    expect(L[1][0]).toBeCloseTo(-1, 12);
    expect(L[1][1]).toBeCloseTo(Math.sqrt(3), 12);
    const p = latticeParameters(L);
    expect(p.gamma).toBeCloseTo(120, 10);
    expect(p.c).toBeCloseTo(3, 12);
  });
  it('round-trips parameters of a triclinic cell (the NMC622 seed cell)', () => {
    const L = latticeFromParameters(14.274689, 5.699096, 4.982347, 72.937957, 72.881177, 59.704126);
    const p = latticeParameters(L);
    expect(p.a).toBeCloseTo(14.274689, 10);
    expect(p.alpha).toBeCloseTo(72.937957, 9);
    expect(p.beta).toBeCloseTo(72.881177, 9);
    expect(p.gamma).toBeCloseTo(59.704126, 9);
  });
  it('converts fractional ↔ Cartesian and inverts', () => {
    const L = latticeFromParameters(4, 5, 6, 80, 95, 110);
    const f = [0.1, -0.3, 0.7] as const;
    const back = cartToFrac(L, fracToCart(L, f));
    for (let i = 0; i < 3; i++) expect(back[i]).toBeCloseTo(f[i]!, 12);
    const I = matMul3(L, invertMat3(L));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(I[i]![j]).toBeCloseTo(i === j ? 1 : 0, 12);
  });
  it('perpendicular widths of a cubic cell equal its edge; of a hexagonal cell a·√3/2 in-plane', () => {
    expect(perpendicularWidths(latticeFromParameters(3, 3, 3, 90, 90, 90))).toEqual(
      [3, 3, 3].map((x) => expect.closeTo(x, 12)),
    );
    const w = perpendicularWidths(latticeFromParameters(2, 2, 3, 90, 90, 120));
    expect(w[0]).toBeCloseTo(Math.sqrt(3), 12);
    expect(w[2]).toBeCloseTo(3, 12);
  });
  it('rejects impossible cells', () => {
    expect(() => latticeFromParameters(1, 1, 1, 10, 10, 100)).toThrow(/do not form a cell/);
    expect(() => latticeFromParameters(-1, 1, 1, 90, 90, 90)).toThrow(/must be > 0/);
  });
});
