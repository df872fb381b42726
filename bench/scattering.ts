/**
 * Phase shifts of all unique potentials of a 60-atom NMC cluster: time per energy point.
 * Cluster: the 60 atoms nearest the Ni absorber of the golden LiNiO2 cluster (../shared/data/feff-golden/LiNiO2_NiK),
 * with the transition-metal sites cycled Ni/Mn/Co (an NMC-111-like decoration): 6 unique potentials
 * (Ni absorber with 1s core hole, Ni, Mn, Co, Li, O). l_max = 3, local Hedin–Lundqvist optical potential,
 * 40 energies from E_F + 1 eV to E_F + 140 eV with a 0.8 eV imaginary part.
 * Peer: when Debian's feff85exafs is installed, the same cluster is run through FEFF 8.5L (`feff8l_rdinp`,
 * `feff8l_pot`, then the timed `feff8l_xsph`, which computes the phase shifts of all unique potentials and the atomic
 * cross-section on its own EXAFS grid, l_max up to ~k·R_mt) in a temporary folder; its wall time per energy
 * point is printed with the ratio. Not identical work: FEFF uses a fully relativistic Dirac solver, a larger l_max
 * and also computes μ0, so the ratio is indicative only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARTREE_EV } from '../src/core/units.js';
import { parseFeffInpCluster } from '../src/io/feff-internals/index.js';
import {
  buildScatteringPotentials,
  hedinLundqvistTable,
  phaseShiftsAll,
} from '../src/simulate/scattering/index.js';
import { sharedPath } from '../test/shared.js';

const inp = parseFeffInpCluster(
  readFileSync(sharedPath('data', 'feff-golden', 'LiNiO2_NiK', 'feff.inp'), 'utf8'),
);
let tm = 0;
const atoms = inp.atoms.slice(0, 60).map((a) => {
  let ipot = a.ipot; // 0 Ni*, 1 Ni, 2 Li, 3 O
  if (ipot === 1) ipot = [1, 4, 5][tm++ % 3]!; // Ni, Mn, Co
  return { position: [a.x, a.y, a.z] as [number, number, number], ipot };
});
const t0 = performance.now();
const sp = buildScatteringPotentials({
  atoms,
  potentials: [
    { ipot: 0, Z: 28, stoichiometry: 0.01 },
    { ipot: 1, Z: 28, stoichiometry: 1 / 3 },
    { ipot: 2, Z: 3 },
    { ipot: 3, Z: 8, stoichiometry: 2 },
    { ipot: 4, Z: 25, stoichiometry: 1 / 3 },
    { ipot: 5, Z: 27, stoichiometry: 1 / 3 },
  ],
  coreLevel: '1s',
});
hedinLundqvistTable();
const tSetup = performance.now() - t0;
const mu = sp.muffinTin.fermiLevel;
const n = 40;
const t1 = performance.now();
let check = 0;
for (let i = 0; i < n; i++) {
  const E = { re: mu + (1 + (139 * i) / (n - 1)) / HARTREE_EV, im: 0.8 / HARTREE_EV };
  const ps = phaseShiftsAll(sp.muffinTin, E, 3);
  check += ps.re[0]![1]!;
}
const perEnergy = (performance.now() - t1) / n;
console.log(
  `unique potentials: ${sp.muffinTin.potentials.length}, atoms: ${atoms.length}, checksum ${check.toFixed(4)}`,
);
console.log(`setup (atoms + muffin tins + HL table): ${(tSetup / 1000).toFixed(2)} s`);
const feff = runFeff8lXsph(atoms);
if (feff)
  console.log(
    `FEFF 8.5L xsph (same cluster, ${feff.ne} energies): ${feff.msPerEnergy.toFixed(2)} ms/energy; ratio ours/FEFF = ${(perEnergy / feff.msPerEnergy).toFixed(2)}`,
  );
else console.log('FEFF 8.5L (feff85exafs) not installed: no peer timing');
console.log(`scattering-phase-shifts: ${perEnergy.toFixed(2)} ms/energy`);

/** Run FEFF 8.5L's rdinp + pot, then time xsph; returns undefined when the binaries are absent. */
function runFeff8lXsph(
  cluster: { position: [number, number, number]; ipot: number }[],
): { msPerEnergy: number; ne: number } | undefined {
  if (spawnSync('feff8l_xsph', ['--help'], { cwd: tmpdir(), stdio: 'ignore' }).error) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-bench-feff-'));
  try {
    const lines = [
      'TITLE specfuse scattering bench',
      'EDGE K',
      'S02 1.0',
      'CONTROL 1 1 0 0 0 0',
      'PRINT 0 0 0 0 0 0',
      'EXCHANGE 0 0.0 0.0',
      'RPATH 3.0',
      'POTENTIALS',
      '0 28 Ni',
      '1 28 Ni',
      '2 3 Li',
      '3 8 O',
      '4 25 Mn',
      '5 27 Co',
      'ATOMS',
      ...cluster.map((a) => `${a.position.map((x) => x.toFixed(5)).join(' ')} ${a.ipot}`),
      'END',
    ];
    writeFileSync(join(dir, 'feff.inp'), `${lines.join('\n')}\n`);
    for (const m of ['feff8l_rdinp', 'feff8l_pot'])
      if (spawnSync(m, [], { cwd: dir, stdio: 'ignore' }).status !== 0) return undefined;
    const t = performance.now();
    if (spawnSync('feff8l_xsph', [], { cwd: dir, stdio: 'ignore' }).status !== 0) return undefined;
    const ms = performance.now() - t;
    const ne = (JSON.parse(readFileSync(join(dir, 'xsect.json'), 'utf8')) as { ne: number }).ne;
    return { msPerEnergy: ms / ne, ne };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
