/**
 * Full multiple scattering for the 6 Å LiNiO2 Ni K cluster (93 atoms, as in the FEFF10 golden run
 * ../shared/data/feff-golden/LiNiO2_NiK): time per energy point of the FMS step (matrix build + LU of 1 − G t with
 * the three absorber columns), with LAPACK (OpenBLAS, 1 and 2 threads) and the TypeScript fallback, the solver's
 * GFLOP/s (8n³/3 real flops for a complex LU), the ratio of the two paths, and the whole spectrum (default grid) with
 * LAPACK. Peer: FEFF10's `fms` module on the same cluster took 124.67 s (timing.txt; 83–178 s across the golden
 * cases on this machine kind) — FEFF10 is not installed here, so the ratio is against that recorded time.
 */
import { readFileSync } from 'node:fs';
import { sharedPath } from '../test/shared.js';
import { BOHR_ANGSTROM } from '../src/core/units.js';
import { readStructureFile } from '../src/io/structure/index.js';
import { lapackAvailable, lapackSetThreads } from '../src/math/lapack.js';
import type { SolverKind } from '../src/simulate/fms/index.js';
import {
  buildFmsSystem,
  defaultLmax,
  prepareCluster,
  simulateFmsSite,
  solveAbsorberBlock,
  tFromPhases,
} from '../src/simulate/fms/index.js';
import {
  buildScatteringPotentials,
  phaseShiftsAll,
  setupFromStructure,
} from '../src/simulate/scattering/index.js';

const s = readStructureFile(sharedPath('data', 'structures', 'LiNiO2_hex.cif')).value;
const site = s.sites.findIndex((x) => x.element === 'Ni');
const setup = setupFromStructure(s, site, 6, '1s');
const sp = buildScatteringPotentials(setup);
const mt = sp.muffinTin;
const c = prepareCluster(
  setup.atoms.map((a) => a.position.map((x) => x / BOHR_ANGSTROM) as [number, number, number]),
  setup.atoms.map((a) => defaultLmax(mt.potentials[a.ipot]!.Z)),
);
const n = c.size;
const flops = (8 * n ** 3) / 3;
console.log(`cluster: ${c.nAtoms} atoms, basis ${n}`);
const energies = [2, 10, 30].map((e) => ({ re: mt.fermiLevel + e / 27.211386, im: 0.029 }));
const sets = energies.map((E) => {
  const ps = phaseShiftsAll(mt, E, 3);
  return { p: ps.p, t: setup.atoms.map((a, i) => tFromPhases(ps.re[a.ipot]!, ps.im[a.ipot]!, c.lmax[i]!)) };
});
buildFmsSystem(c, sets[0]!.p, sets[0]!.t); // warm-up (Gaunt tables, JIT)

function timePath(solver: SolverKind, reps: number): { build: number; solve: number } {
  let build = 0;
  let solve = 0;
  for (let r = 0; r < reps; r++) {
    const x = sets[r % sets.length]!;
    const t0 = performance.now();
    const { M, R } = buildFmsSystem(c, x.p, x.t);
    const t1 = performance.now();
    solveAbsorberBlock(c, M, R, solver);
    const t2 = performance.now();
    build += t1 - t0;
    solve += t2 - t1;
  }
  return { build: build / reps / 1000, solve: solve / reps / 1000 };
}

const rows: { name: string; build: number; solve: number }[] = [];
if (lapackAvailable()) {
  for (const th of [1, 2]) {
    lapackSetThreads(th);
    timePath('lapack', 1);
    rows.push({ name: `lapack-${th}t`, ...timePath('lapack', 4) });
  }
  lapackSetThreads(2);
} else console.log('LAPACK not available: only the TypeScript path is timed');
rows.push({ name: 'typescript', ...timePath('typescript', 1) });
for (const r of rows)
  console.log(
    `${r.name}: per energy ${(r.build + r.solve).toFixed(3)} s (build ${r.build.toFixed(3)} s, solve ${r.solve.toFixed(3)} s, ${(flops / r.solve / 1e9).toFixed(2)} GFLOP/s)`,
  );
const ts = rows.find((r) => r.name === 'typescript')!;
const best = rows.filter((r) => r.name.startsWith('lapack')).sort((a, b) => a.solve - b.solve)[0];
if (best)
  console.log(
    `typescript / lapack (solve): ${(ts.solve / best.solve).toFixed(1)}×; per energy incl. build: ${((ts.build + ts.solve) / (best.build + best.solve)).toFixed(1)}×`,
  );

let spectrumS = Number.NaN;
if (lapackAvailable()) {
  const t0 = performance.now();
  const r = simulateFmsSite(s, site, { radius: 6 });
  spectrumS = (performance.now() - t0) / 1000;
  console.log(
    `spectrum: ${r.eRel.length} energies in ${spectrumS.toFixed(1)} s (${(spectrumS / r.eRel.length).toFixed(3)} s per energy incl. phase shifts and μ0)`,
  );
  const feff = Number(
    /fms\s+([\d.]+)/.exec(
      readFileSync(sharedPath('data', 'feff-golden', 'LiNiO2_NiK', 'timing.txt'), 'utf8'),
    )?.[1],
  );
  console.log(
    `FEFF10 fms step (recorded, same cluster, 113 energies): ${feff} s; ratio FEFF10 / ours: ${(feff / spectrumS).toFixed(1)}×`,
  );
}
console.log(`fms-spectrum-lapack: ${spectrumS.toFixed(1)} s`);
