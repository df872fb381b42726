/**
 * Full-accuracy acceptance checks of the `fms` engine (issue 5) that are too slow for the unit tests (6–7 Å
 * clusters, ~0.3–0.6 s per energy): FEFF10 golden spectra, measured NiO and LiCoO2 spectra, edge ordering,
 * R = 6 vs 7 Å convergence and the O-vacancy pair. Run: `npx tsx bench/fms-golden.ts` (≈ 6–10 min on 2 cores).
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from '../test/shared.js';
import { parseFeffXmu } from '../src/io/feff/index.js';
import { readSpectrum } from '../src/io/spectra/index.js';
import { readStructureFile } from '../src/io/structure/index.js';
import { removeSites, supercell } from '../src/structure/structure.js';
import { fracToCart } from '../src/structure/lattice.js';
import type { Structure } from '../src/structure/types.js';
import {
  compareSpectra,
  edgePosition,
  edgeStepNormalize,
  linearInterpolate,
  steepestRise,
  whiteLine,
} from '../src/simulate/fms/compare.js';
import { FMS_CALIBRATION_EV, simulateFmsSite } from '../src/simulate/fms/site.js';
import { feffTabulatedInput, fmsChiFromTabulatedPhases } from '../src/simulate/fms/tabulated-phases.js';
import { parseFeffInpCluster, parseFeffPhaseFile } from '../src/io/feff-internals/index.js';
import { gaussianSmooth } from '../src/simulate/fms/engine.js';
import { parseAthenaProject } from '../src/io/spectra/athena.js';
import type { FmsOptions } from '../src/simulate/fms/site.js';

const struct = (name: string) => readStructureFile(sharedPath('data', 'structures', `${name}.cif`)).value;
const golden = (c: string) =>
  parseFeffXmu(readFileSync(sharedPath('data', 'feff-golden', c, 'xmu.dat'), 'utf8'));
const firstSite = (s: Structure, el: string) => s.sites.findIndex((x) => x.element === el);
const only = process.argv[2];

function run(s: Structure, site: number, o: FmsOptions = {}) {
  const t0 = performance.now();
  const r = simulateFmsSite(s, site, { radius: 6, ...o });
  return { r, seconds: (performance.now() - t0) / 1000 };
}

const cases = [
  ['NiO_NiK', 'NiO', 'Ni', 0.97, 0.9],
  ['LiCoO2_CoK', 'LiCoO2_hex', 'Co', 0.97, 0.9],
  ['LiNiO2_NiK', 'LiNiO2_hex', 'Ni', 0.97, 0.9],
  ['MnO_MnK', 'MnO', 'Mn', 0.97, 0.9],
  ['Cu_CuK', 'Cu', 'Cu', 0.97, 0.9],
  ['NiO_OK', 'NiO', 'O', 0.95, 0.85],
  ['LiCoO2_OK', 'LiCoO2_hex', 'O', 0.95, 0.85],
] as const;
const results = new Map<string, ReturnType<typeof run>>();
let passed = 0;
let tried = 0;
for (const [c, cif, el, needMu, needD] of cases) {
  if (only && !c.includes(only)) continue;
  const s = struct(cif);
  const res = run(s, firstSite(s, el));
  results.set(c, res);
  const g = golden(c);
  const m = compareSpectra(res.r.omega, res.r.mu, g.omega, g.mu);
  tried++;
  if (m.rMu >= needMu && m.rDeriv >= needD) passed++;
  console.log(
    `${c}: atoms ${res.r.info.atoms}, ${res.seconds.toFixed(1)} s, r_mu ${m.rMu.toFixed(3)} (need ${needMu}), r_deriv ${m.rDeriv.toFixed(3)} (need ${needD}), shift ${m.shiftMu.toFixed(2)} eV ${m.rMu >= needMu && m.rDeriv >= needD ? 'PASS' : 'FAIL'}`,
  );
}

if (!only || only === 'measured') {
  // Raw (core-hole Lorentzian only), and with an instrumental Gaussian of EXP_FWHM eV applied to ours and FEFF10's
  // alike (typical double-crystal Si(111)/Si(311) bending-magnet resolution at 7.7–8.3 keV, not fitted per spectrum).
  const EXP_FWHM = 1.5;
  const smooth = (x: ArrayLike<number>, y: ArrayLike<number>, f: number) => {
    const w = Float64Array.from(
      { length: Math.floor((x[x.length - 1]! - x[0]!) / 0.05) + 1 },
      (_, i) => x[0]! + 0.05 * i,
    );
    return {
      x: w,
      y: gaussianSmooth(
        w,
        Float64Array.from(w, (e) => linearInterpolate(e, x, y)),
        f,
      ),
    };
  };
  const both = (
    label: string,
    ox: ArrayLike<number>,
    oy: ArrayLike<number>,
    fx: ArrayLike<number>,
    fy: ArrayLike<number>,
    mx: ArrayLike<number>,
    my: ArrayLike<number>,
  ) => {
    for (const f of [0, EXP_FWHM]) {
      const a = f > 0 ? smooth(ox, oy, f) : { x: ox, y: oy };
      const b = f > 0 ? smooth(fx, fy, f) : { x: fx, y: fy };
      const m = compareSpectra(a.x, a.y, mx, my);
      const r = compareSpectra(b.x, b.y, mx, my);
      console.log(
        `measured ${label} (Gaussian ${f} eV): ours r_mu ${m.rMu.toFixed(3)} r_deriv ${m.rDeriv.toFixed(3)}; FEFF10 ${r.rMu.toFixed(3)} / ${r.rDeriv.toFixed(3)}`,
      );
    }
  };
  const nio = results.get('NiO_NiK') ?? run(struct('NiO'), 0);
  const meas = readSpectrum(sharedPath('data', 'xas', 'athena', 'NiO.prj'), { group: 0 }).value;
  const gn = golden('NiO_NiK');
  both('NiO Ni K', nio.r.omega, nio.r.mu, gn.omega, gn.mu, meas.energy, meas.intensity);
  const s = struct('LiCoO2_hex');
  const lco = results.get('LiCoO2_CoK') ?? run(s, firstSite(s, 'Co'));
  const j = JSON.parse(
    readFileSync(sharedPath('data', 'xas', 'json', 'LiCoO2_CoK_spectrum.json'), 'utf8'),
  ) as { x: number[]; y: number[] };
  const gl = golden('LiCoO2_CoK');
  both('LiCoO2 Co K', lco.r.omega, lco.r.mu, gl.omega, gl.mu, j.x, j.y);
}

if (!only || only === 'order') {
  const e0 = (x: Float64Array, y: Float64Array) => steepestRise(x, edgeStepNormalize(y));
  const ni = run(struct('Ni'), 0);
  const nio = results.get('NiO_NiK') ?? run(struct('NiO'), 0);
  const ln = struct('LiNiO2_hex');
  const lno = results.get('LiNiO2_NiK') ?? run(ln, firstSite(ln, 'Ni'));
  const [a, b, c] = [e0(ni.r.omega, ni.r.mu), e0(nio.r.omega, nio.r.mu), e0(lno.r.omega, lno.r.mu)];
  console.log(
    `edge positions: Ni ${a.toFixed(2)} < NiO ${b.toFixed(2)} < LiNiO2 ${c.toFixed(2)} eV: ${a < b && b < c ? 'PASS' : 'FAIL'}`,
  );
}

if (!only || only === 'converge') {
  // L2 norm of the change of the edge-step-normalised μ(E) as a function of energy: both spectra on a uniform 0.05 eV
  // grid over their common range (a point-wise sum on the k-uniform engine grid would over-weight the edge region,
  // where that grid is densest), optionally after the instrumental Gaussian of the measured comparisons.
  // Measured 2026-11-25 (uniform-energy L2, no Gaussian): R 5→6 2.1 %, 6→7 8.1 %, 7→8 2.1 % (251 atoms, 229 s), 6→8
  // 8.8 %: the 6 Å cluster is not converged for NiO at Γ = Γ_ch (the 30 O at 6.25 Å, 24 Ni at 6.59 Å and 24 O at
  // 6.91 Å still scatter back with little damping near the edge); with Γ = 4 eV the 6→7 change is 3.6 %.
  // The R = 7 cluster is numerically sound: its p block is isotropic to 5e-16, LAPACK = TypeScript to 5e-15.
  // Measured 2026-12-08 (potentials from a 9 Å cluster for both radii, particle–hole damping): 6→7 5.06 %, 71 % of
  // the squared change within E_F … E_F + 5 eV, where only the core-hole width damps (printed below).
  const s = struct('NiO');
  const r6 = results.get('NiO_NiK') ?? run(s, 0);
  const r7 = run(s, 0, { radius: 7 });
  const lo = Math.max(r6.r.omega[0]!, r7.r.omega[0]!);
  const hi = Math.min(r6.r.omega[r6.r.omega.length - 1]!, r7.r.omega[r7.r.omega.length - 1]!);
  const g = Float64Array.from({ length: Math.floor((hi - lo) / 0.05) + 1 }, (_, i) => lo + 0.05 * i);
  for (const f of [0, 1.5]) {
    const on = (r: typeof r6) => {
      const y = Float64Array.from(g, (e) => linearInterpolate(e, r.r.omega, r.r.mu));
      return edgeStepNormalize(f > 0 ? gaussianSmooth(g, y, f) : y);
    };
    const n6 = on(r6);
    const n7 = on(r7);
    let d = 0;
    let n = 0;
    let dEdge = 0;
    // E_F on the photon axis: the first grid point at or above E_F
    const eF = r6.r.omega[r6.r.eRel.findIndex((x) => x >= 0)]!;
    for (let i = 0; i < n6.length; i++) {
      d += (n7[i]! - n6[i]!) ** 2;
      n += n6[i]! ** 2;
      if (g[i]! >= eF && g[i]! < eF + 5) dEdge += (n7[i]! - n6[i]!) ** 2;
    }
    console.log(
      `NiO R 6 vs 7 Å (${r7.r.info.atoms} atoms, ${r7.seconds.toFixed(1)} s, Gaussian ${f} eV): L2 change ${(100 * Math.sqrt(d / n)).toFixed(2)} % (need < 3 %), ${((100 * dEdge) / d).toFixed(0)} % of it within E_F … E_F + 5 eV`,
    );
  }
  // The same R = 6 → 7 Å question asked of FEFF10's own physics: its NiO Ni K phase shifts and complex momenta
  // (phase0N.dat) through our FMS step (`fmsChiFromTabulatedPhases`, which reproduces FEFF10's χ at 6 Å, see
  // tabulated-phases.test.ts), against our whole chain on the same measure: μ0·(1 + χ) on the real-axis points above
  // E_F, both evaluated at E + iΓ/2 without the Fermi-level convolution (ours with fermiCutoff 'step').
  const dir = (f: string) => sharedPath('data', 'feff-golden', 'NiO_NiK', f);
  const inp = parseFeffInpCluster(readFileSync(dir('feff.inp'), 'utf8'));
  const ph = inp.potentials.map((_, i) => parseFeffPhaseFile(readFileSync(dir(`phase0${i}.dat`), 'utf8')));
  const xmu = golden('NiO_NiK');
  const mu = ph[0]!.mu;
  const idx = Array.from(xmu.e, (e, i) => (e > mu ? i : -1)).filter((i) => i >= 0);
  const feffAt = (radius: number) => fmsChiFromTabulatedPhases(feffTabulatedInput(inp, ph, radius, idx)).chi;
  const rel = (a: number[], b: number[]) => {
    let d = 0;
    let n = 0;
    a.forEach((v, i) => {
      d += (b[i]! - v) ** 2;
      n += v * v;
    });
    return (100 * Math.sqrt(d / n)).toFixed(2);
  };
  const f6 = feffAt(6);
  const f7 = feffAt(7);
  const feff6 = idx.map((i) => xmu.mu0[i]! * (1 + f6[i]!));
  const feff7 = idx.map((i) => xmu.mu0[i]! * (1 + f7[i]!));
  const top = xmu.e[idx[idx.length - 1]!]! - mu;
  const ours = (radius: number) => {
    const r = simulateFmsSite(s, 0, { radius, fermiCutoff: 'step', maxEnergy: top });
    return Array.from(r.eRel, (e, i) => (e >= 0 ? r.mu0[i]! * (1 + r.chi[i]!) : Number.NaN)).filter(
      (v) => !Number.isNaN(v),
    );
  };
  console.log(
    `NiO R 6 vs 7 Å without the Fermi-level convolution (E_F … E_F + ${top.toFixed(0)} eV): FEFF10's phase shifts ${rel(feff6, feff7)} %, ours ${rel(ours(6), ours(7))} %`,
  );
}

if (!only || only === 'vacancy') {
  // LiNiO2 3×3×1 supercell (images of the vacancy ≥ 8.6 Å away), remove one O nearest to Ni site 0 / a distant O
  const s = supercell(struct('LiNiO2_hex'), [3, 3, 1]);
  const ni = firstSite(s, 'Ni');
  const p0 = fracToCart(s.lattice, s.sites[ni]!.frac);
  const dO = s.sites
    .map((x, i) => ({
      i,
      el: x.element,
      d: Math.hypot(...fracToCart(s.lattice, x.frac).map((v, k) => v - p0[k]!)),
    }))
    .filter((x) => x.el === 'O')
    .sort((a, b) => a.d - b.d);
  const near = dO[0]!;
  const far = dO.find((x) => x.d > 5)!;
  const pr = run(s, ni);
  const nv = run(removeSites(s, [near.i]), ni - (near.i < ni ? 1 : 0));
  const fv = run(removeSites(s, [far.i]), ni - (far.i < ni ? 1 : 0));
  // the white line on a uniform 0.25 eV grid up to E_F + 16 eV (the default k grid is ≈ 0.6 eV wide there), its
  // position refined by a parabola (`whiteLine`)
  const fine = { maxEnergy: 16, uniformUpTo: 16, dE: 0.25 };
  const wl = (r: ReturnType<typeof simulateFmsSite>) => {
    const w = whiteLine(r.eRel, r.omega, r.mu);
    return { best: w.height, at: w.at };
  };
  const a = wl(run(s, ni, fine).r);
  const b = wl(run(removeSites(s, [near.i]), ni - (near.i < ni ? 1 : 0), fine).r);
  const diff = (x: typeof pr) => {
    let d = 0;
    let n = 0;
    for (let i = 0; i < pr.r.mu.length; i++) {
      const y = linearInterpolate(pr.r.omega[i]!, x.r.omega, x.r.mu);
      d += (y - pr.r.mu[i]!) ** 2;
      n += pr.r.mu[i]! ** 2;
    }
    return Math.sqrt(d / n);
  };
  console.log(
    `O vacancy (near O at ${near.d.toFixed(2)} Å): white line ${a.best.toFixed(3)} @ ${a.at.toFixed(2)} → ${b.best.toFixed(3)} @ ${b.at.toFixed(2)} eV (FEFF: 2.591 @ 8342.46 → 2.524 @ 8343.63) ${b.best < a.best && b.at > a.at ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `vacancy effect (L2): near ${(100 * diff(nv)).toFixed(2)} %, far (O at ${far.d.toFixed(2)} Å) ${(100 * diff(fv)).toFixed(2)} %`,
  );
}
if (!only || only === 'calibrate') {
  // Per-element calibration (FMS_K_CALIBRATION_EV): measured edge position (steepest rise of the edge-step-normalised
  // spectrum, the metric's E0) minus ours without calibration, on one reference compound per element.
  const e0 = (x: ArrayLike<number>, y: ArrayLike<number>) => steepestRise(x, edgeStepNormalize(y));
  const ours = (cif: string, el: string) => {
    const s = struct(cif);
    const r = run(s, firstSite(s, el)).r;
    return edgePosition(r.omega, r.mu, r.eRel) - (FMS_CALIBRATION_EV[el] ?? 0);
  };
  // Ni: NiO scan 0 of NiO.prj minus its simultaneous foil reference (group 1; chemical shift, free of the
  // monochromator drift between scans) plus the SSRL Ni foil (absolute energy).
  const foil = readSpectrum(sharedPath('data', 'xas', 'xdi', 'Ni_metal_rt_01.xdi')).value;
  const prj = sharedPath('data', 'xas', 'athena', 'NiO.prj');
  const nioM = readSpectrum(prj, { group: 0 }).value;
  const nioRef = readSpectrum(prj, { group: 1 }).value;
  const nioE0 =
    e0(nioM.energy, nioM.intensity) - e0(nioRef.energy, nioRef.intensity) + e0(foil.energy, foil.intensity);
  const lcoJ = JSON.parse(
    readFileSync(sharedPath('data', 'xas', 'json', 'LiCoO2_CoK_spectrum.json'), 'utf8'),
  ) as { x: number[]; y: number[] };
  const mnPrj = parseAthenaProject(readFileSync(sharedPath('data', 'xas', 'athena', 'Mn_all.prj')));
  const mnO = mnPrj.groups.find((g) => g.label === 'MnO_good.100')!;
  const bind = JSON.parse(
    readFileSync(sharedPath('data', 'eels', 'exspy', 'eels_binding_energies.json'), 'utf8'),
  ) as { elements: Record<string, Record<string, Record<string, number>>> };
  const refs = [
    ['Ni', 'NiO', 'NiO, athena/NiO.prj scan 0 − its foil + xdi/Ni_metal_rt_01.xdi foil', nioE0],
    ['Co', 'LiCoO2_hex', 'LiCoO2, json/LiCoO2_CoK_spectrum.json (steepest rise)', e0(lcoJ.x, lcoJ.y)],
    ['Mn', 'MnO', 'MnO, athena/Mn_all.prj MnO_good.100 (Athena bkg_e0)', Number(mnO.args.bkg_e0)],
    [
      'O',
      'NiO',
      'O K onset, eels/exspy/eels_binding_energies.json',
      bind.elements.O!.K!['onset_energy (eV)']!,
    ],
  ] as const;
  for (const [el, cif, what, meas] of refs) {
    const o = ours(cif, el);
    console.log(
      `calibration ${el} K: measured ${meas.toFixed(2)} eV (${what}), ours uncalibrated ${o.toFixed(2)} eV → offset ${(meas - o).toFixed(2)} eV (table: ${(FMS_CALIBRATION_EV[el] ?? 0).toFixed(2)})`,
    );
  }
}
console.log(`fms-golden-feff10-cases-passed: ${passed}/${tried} cases`);
