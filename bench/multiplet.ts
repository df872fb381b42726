/**
 * Time per L2,3 multiplet spectrum (sticks + broadening, no calibration, no caches) for Ni²⁺ (ligand field and
 * charge transfer), Co³⁺ and Mn⁴⁺ with charge transfer. Goal: Ni²⁺ with charge transfer under 1 s on one core.
 * Run: npx tsx bench/multiplet.ts
 */
import { broadenSticks } from '../src/simulate/multiplet/broaden.js';
import { computeSticks } from '../src/simulate/multiplet/calculation.js';
import { resolveModel } from '../src/simulate/multiplet/ion.js';

function once(ion: string, ct: boolean): { wall: number; cpu: number; dims: string } {
  const model = resolveModel({ ion, ct });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const s = computeSticks(model);
  const grid = Float64Array.from({ length: 800 }, (_, i) => s.centroidL3 - 10 + i * 0.05);
  broadenSticks(s.energy, s.weight, grid, {
    gammaL3: 0.2,
    gammaL2: 0.4,
    boundary: (s.centroidL3 + 2 * s.centroidL2) / 3,
    gaussianFwhm: 0.3,
  });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, dims: `${s.dims.initial}→${s.dims.final} ${s.solver}` };
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const cases: [string, string, boolean, number][] = [
  ['ni2-lf', 'Ni2+', false, 5],
  ['ni2-ct', 'Ni2+', true, 5],
  ['co3-ct', 'Co3+', true, 3],
  ['mn4-ct', 'Mn4+', true, 3],
];
let ni2ct = Number.NaN;
for (const [name, ion, ct, reps] of cases) {
  once(ion, ct); // warm-up (JIT, Coulomb operator tables, bases)
  const runs = Array.from({ length: reps }, () => once(ion, ct));
  const wall = median(runs.map((r) => r.wall));
  const cpu = median(runs.map((r) => r.cpu));
  console.log(
    `${name.padEnd(8)} ${runs[0].dims.padEnd(22)} wall ${wall.toFixed(0).padStart(6)} ms   cpu ${cpu.toFixed(0).padStart(6)} ms`,
  );
  if (name === 'ni2-ct') ni2ct = wall;
}
console.log(`multiplet-ni2-ct: ${ni2ct.toFixed(0)} ms`);
