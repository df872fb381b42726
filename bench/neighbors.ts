/**
 * Neighbour-list benchmark: build the 6 Å periodic neighbour list of a ≥ 10,000-atom NMC622 supercell (cell lists,
 * one core). Target: under 1 s. Last line: `neighbors-6A-<N>-atoms: X s`, X the median CPU time of the single-threaded
 * build (equal to wall-clock time on an idle machine; wall-clock times are printed too).
 */
import { buildNeighborList } from '../src/structure/neighbors.js';
import { buildNmc } from '../src/structure/nmc.js';

const supercell: [number, number, number] = [25, 10, 10]; // 2500 formula units × 4 atoms = 10,000 atoms
const structure = buildNmc({ composition: 'NMC622', supercell, seed: 1 });
const n = structure.sites.length;
const cutoff = 6;

buildNeighborList(structure, cutoff); // warm-up (JIT)
const times: number[] = [];
const cpu: number[] = [];
let pairs = 0;
for (let rep = 0; rep < 5; rep++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const nl = buildNeighborList(structure, cutoff);
  times.push((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
  pairs = nl.totalPairs;
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const median = (x: number[]) => x[Math.floor(x.length / 2)]!;
console.log(
  `supercell ${supercell.join('x')} of NMC622: ${n} atoms, ${pairs} directed pairs within ${cutoff} Å (${(pairs / n).toFixed(1)} per atom)`,
);
console.log(
  `wall-clock runs (s): ${times.map((t) => t.toFixed(3)).join(' ')} (median ${median(times).toFixed(3)} s)`,
);
console.log(
  `CPU-time runs (s): ${cpu.map((t) => t.toFixed(3)).join(' ')} (one thread; unaffected by other load on a shared machine)`,
);
// headline: one-core cost = median CPU time of the (single-threaded) build
console.log(`neighbors-6A-${n}-atoms: ${median(cpu).toFixed(3)} s`);
