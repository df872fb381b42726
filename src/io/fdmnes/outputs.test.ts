import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../test/shared.js';
import { parseFdmnesConv, parseFdmnesRaw } from './outputs.js';

const FIX = `${PROJECT_ROOT}/test/fixtures/external`;

describe('FDMNES output readers (fixtures: see test/fixtures/external/README.md)', () => {
  it('_conv.txt: Energy and <xanes>', () => {
    const r = parseFdmnesConv(readFileSync(`${FIX}/fdmnes_Ni_conv.txt`, 'utf8'), 'fdmnes_Ni_conv.txt');
    expect(r.labels).toEqual(['Energy', '<xanes>']);
    expect(r.energy.length).toBe(21);
    expect(r.energy[0]).toBe(-5);
    expect(r.energy[20]).toBe(5);
    // fixture value at E = 0: 0.5 + 0 + 2·0.75²/(1.5² + 0.75²) = 0.9
    expect(r.spectrum.intensity[10]).toBeCloseTo(0.9, 7);
    expect(r.spectrum.meta.origin).toMatchObject({ kind: 'simulated', engine: 'fdmnes' });
  });
  it('raw .txt: E_edge header line and three columns', () => {
    const r = parseFdmnesRaw(readFileSync(`${FIX}/fdmnes_Ni.txt`, 'utf8'), 'fdmnes_Ni.txt');
    expect(r.edgeInfo.E_edge).toBeCloseTo(853.1, 6);
    expect(r.edgeInfo.Z).toBe(28);
    expect(r.edgeInfo.natomsym).toBe(1);
    expect(Object.keys(r.columns)).toEqual(['<xanes>', 'xanes(1)', 'xanes(2)']);
    expect(r.spectrum.meta.element).toBe('Ni');
    expect(r.columns['xanes(2)']?.[10]).toBeCloseTo(0.099, 7);
  });
  it('errors name file and line', () => {
    expect(() => parseFdmnesConv('  1 2\n', 'a_conv.txt')).toThrow(/a_conv\.txt.*Energy/);
    expect(() => parseFdmnesConv(' Energy <xanes>\n 1 2\n 2 x\n', 'a_conv.txt')).toThrow(/line 3/);
    expect(() => parseFdmnesConv(' Energy <xanes>\n 2 2\n 1 3\n', 'a_conv.txt')).toThrow(/line 3/);
  });
});
