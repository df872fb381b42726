import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSpectra } from '../../src/io/spectra/index.js';
import { normalizeXas } from '../../src/preprocess/index.js';
import type { Spectrum } from '../../src/spectrum/types.js';
import { hasShared, requireTool, sharedPath } from '../shared.js';
import { pythonHas, runOracle } from './oracle.js';

/**
 * Acceptance check (issue 3): XAS normalization agrees with Larch's pre_edge (Debian python3-xraylarch) for every
 * Ni spectrum in ../shared/data/xas — |ΔE0| ≤ 0.5 eV, edge step within 2 %, normalized μ within 0.02 over
 * E0 − 20 … E0 + 80 eV. Both sides get the same pre-edge / post-edge ranges and polynomial degree; each finds its
 * own E0. One Python process for the whole batch.
 */
const present = hasShared() && requireTool('python3-xraylarch', pythonHas('larch'));

interface LarchResult {
  e0: number;
  edge_step: number;
  pre_slope: number | null;
  pre_offset: number | null;
  norm: number[];
}

function niSpectra(): { name: string; s: Spectrum }[] {
  const out: { name: string; s: Spectrum }[] = [];
  const xdiDir = sharedPath('data', 'xas', 'xdi');
  for (const f of readdirSync(xdiDir)
    .filter((n) => n.endsWith('.xdi'))
    .sort()) {
    for (const s of readSpectra(`${xdiDir}/${f}`).value.spectra)
      if (s.meta.element === 'Ni') out.push({ name: `${f}:${s.meta.label}`, s });
  }
  const prj = sharedPath('data', 'xas', 'athena', 'NiO.prj');
  readSpectra(prj).value.spectra.forEach((s, i) => {
    if (s.meta.element === 'Ni') out.push({ name: `NiO.prj:${i}:${s.meta.label}`, s });
  });
  return out;
}

describe.skipIf(!present)('XAS normalization vs Larch pre_edge', () => {
  it('agrees for every Ni spectrum (XDI samples and references, NiO.prj groups)', () => {
    const spectra = niSpectra();
    expect(spectra.length).toBeGreaterThanOrEqual(11 + 24);
    // Shared ranges (eV relative to E0). norm2 ends 10 eV inside the shortest scan so both sides' E0 (which
    // differ by < 0.5 eV) see the same points.
    const opts = spectra.map(({ s }) => {
      const e = s.energy;
      const ours = normalizeXas(e, s.intensity);
      return { pre1: -150, pre2: -30, norm1: 150, norm2: e[e.length - 1]! - ours.e0 - 10, nnorm: 2 };
    });
    const larch = runOracle<{ larch: string; results: LarchResult[] }>('larch_pre_edge.py', {
      spectra: spectra.map(({ s }, k) => ({
        energy: Array.from(s.energy),
        mu: Array.from(s.intensity),
        ...opts[k],
      })),
    });
    const rows: string[] = [];
    spectra.forEach(({ name, s }, k) => {
      const ours = normalizeXas(s.energy, s.intensity, opts[k]);
      const ref = larch.results[k]!;
      let dNorm = 0;
      for (let i = 0; i < s.energy.length; i++) {
        const e = s.energy[i]!;
        if (e >= ref.e0 - 20 && e <= ref.e0 + 80)
          dNorm = Math.max(dNorm, Math.abs(ours.norm[i]! - ref.norm[i]!));
      }
      const dE0 = ours.e0 - ref.e0;
      const dStep = ours.edgeStep / ref.edge_step - 1;
      rows.push(
        `${name}: ΔE0 ${dE0.toFixed(2)} eV, Δstep ${(100 * dStep).toFixed(2)} %, max|Δnorm| ${dNorm.toFixed(4)}`,
      );
      expect(Math.abs(dE0), `${name} E0`).toBeLessThanOrEqual(0.5);
      expect(Math.abs(dStep), `${name} edge step`).toBeLessThanOrEqual(0.02);
      expect(dNorm, `${name} norm`).toBeLessThanOrEqual(0.02);
    });
    if (process.env.SPECFUSE_ORACLE_REPORT) console.log(`Larch ${larch.larch}\n${rows.join('\n')}`);
  });
});
