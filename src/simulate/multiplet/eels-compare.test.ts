import { describe, expect, it } from 'vitest';
import { readSpectrum } from '../../io/spectra/index.js';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { fitEdgeValence } from './fit.js';

/**
 * Measured EELS of 5 % Si-doped NMC (shared/data/eels/nmc-si-doped, 0.3 eV/channel, 300 kV). The extracted
 * spectra arrive background-subtracted, each from a different pre-edge window, and their energy axis is offset
 * (L3 maxima at 630.5, 763.7 and 834.5 eV on the file axis). The edges are identified by their L3–L2 spacing
 * (Mn 10.2, Co 14.4, Ni 16.8 eV on the file axis): TM_Mn_edge.msa holds Mn+Co+Ni, TM_Ni_edge.msa starts at 730 eV
 * and holds Co+Ni, TM_Co_edge.msa starts at 800 eV and holds Ni only. Each edge is fitted in a window around its
 * own white lines. The exspy Mn oxide spectrum is raw: a power-law background is fitted below the Mn L3 edge.
 */
const nmc = (f: string) => sharedPath('data', 'eels', 'nmc-si-doped', f);

function fitEdge(file: string, window: [number, number], background: [number, number], candidates: string[]) {
  const s = readSpectrum(file).value;
  return fitEdgeValence(s.energy, s.intensity, { window, background, candidates, gaussians: [1, 2, 3] });
}

const show = (r: ReturnType<typeof fitEdge>) =>
  r.map((x) => `${x.ion} R=${x.residual.toFixed(4)} (c=${x.scale.toFixed(2)}, G=${x.gaussian})`).join(', ');

describe.skipIf(!hasShared())('valence from measured L2,3 EELS', () => {
  it('NMC: best-fitting valences are Mn 4+, Co 3+, Ni 2+…3+', () => {
    const mn = fitEdge(nmc('TM_Mn_edge.msa'), [622, 652], [606, 622], ['Mn2+', 'Mn3+', 'Mn4+']);
    const co = fitEdge(nmc('TM_Ni_edge.msa'), [755, 790], [740, 756], ['Co2+', 'Co3+', 'Co4+']);
    const ni = fitEdge(nmc('TM_Co_edge.msa'), [826, 862], [808, 826], ['Ni2+', 'Ni3+', 'Ni4+']);
    console.log(`NMC Mn: ${show(mn)}\nNMC Co: ${show(co)}\nNMC Ni: ${show(ni)}`);
    expect(mn[0].ion).toBe('Mn4+');
    expect(co[0].ion).toBe('Co3+');
    expect(['Ni2+', 'Ni3+']).toContain(ni[0].ion);
    for (const r of [mn[0], co[0], ni[0]]) expect(r.residual).toBeLessThan(0.2);
  });
  it('exspy Mn oxide: the multiplet spectra fit the power-law-subtracted Mn L2,3 edge', () => {
    const mn = fitEdge(
      sharedPath('data', 'eels', 'exspy', 'coreloss_spectrum.msa'),
      [632, 665],
      [600, 632],
      ['Mn2+', 'Mn3+', 'Mn4+'],
    );
    console.log(`exspy Mn: ${show(mn)}`);
    expect(mn[0].residual).toBeLessThan(0.1);
  });
});
