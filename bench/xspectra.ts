/**
 * XSpectra end to end through the specfuse adapter: C K edge of diamond (8-atom conventional cell, a = 3.5668 Å,
 * one core-hole absorber; the cell of Quantum ESPRESSO's own diamond XSpectra example) — write pw.x/xspectra.x
 * inputs from a Structure, run pw.x (SCF with the core-hole pseudopotential) and xspectra.x, read xanes.dat back.
 * Prints the wall time next to the built-in K-edge engine's (`fms`) for the same absorber, or 'n/a' if that engine
 * is not registered.
 *
 * Pseudopotentials are never downloaded: pass a directory holding C_PBE_TM_2pj.UPF and Ch_PBE_TM_2pj.UPF
 * (GIPAW-capable, the core-hole one made with ld1.x: see src/simulate/external/README.md), or let the bench use the
 * copies Debian's quantum-espresso package ships in /usr/share/doc/quantum-espresso/examples/XSpectra/pseudo.
 * Usage: npx tsx bench/xspectra.ts [PSEUDO_DIR]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { edge } from '../src/core/elements.js';
import { parseXanesDat } from '../src/io/xspectra/outputs.js';
import { resample } from '../src/preprocess/resample.js';
import { engineNames, getEngine } from '../src/simulate/registry.js';
import { xspectraAdapter } from '../src/simulate/external/xspectra.js';
import { writeInputFiles } from '../src/simulate/external/tools.js';
import { latticeFromParameters } from '../src/structure/lattice.js';
import { makeStructure } from '../src/structure/structure.js';

const A = 3.5668; // Å (6.740256 bohr in QE's example)
const diamond = makeStructure(latticeFromParameters(A, A, A, 90, 90, 90), [
  { element: 'C', frac: [0, 0, 0] },
  { element: 'C', frac: [0, 0.5, 0.5] },
  { element: 'C', frac: [0.5, 0, 0.5] },
  { element: 'C', frac: [0.5, 0.5, 0] },
  { element: 'C', frac: [0.75, 0.75, 0.25] },
  { element: 'C', frac: [0.75, 0.25, 0.75] },
  { element: 'C', frac: [0.25, 0.75, 0.75] },
  { element: 'C', frac: [0.25, 0.25, 0.25] },
]);

function pseudoDir(work: string): string | undefined {
  const given = process.argv[2];
  if (given) return given;
  const deb = '/usr/share/doc/quantum-espresso/examples/XSpectra/pseudo';
  const names = ['C_PBE_TM_2pj.UPF', 'Ch_PBE_TM_2pj.UPF'];
  if (!names.every((n) => existsSync(join(deb, `${n}.gz`)))) return undefined;
  const dir = join(work, 'pseudo');
  for (const n of names) {
    writeInputFiles(dir, {});
    writeFileSync(join(dir, n), gunzipSync(readFileSync(join(deb, `${n}.gz`))));
  }
  return dir;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += (a[i] as number) / n;
    mb += (b[i] as number) / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

async function main(): Promise<void> {
  const info = xspectraAdapter.detect();
  const work = mkdtempSync(join(tmpdir(), 'specfuse-bench-xspectra-'));
  try {
    if (!info.installed) {
      console.log(`XSpectra not installed: ${info.note}`);
      console.log('xspectra-wall: n/a s');
      return;
    }
    const pp = pseudoDir(work);
    if (!pp) {
      console.log('no pseudopotentials: pass a directory with C_PBE_TM_2pj.UPF and Ch_PBE_TM_2pj.UPF');
      console.log('xspectra-wall: n/a s');
      return;
    }
    console.log(`${info.version}: pw.x ${info.programs['pw.x']}, xspectra.x ${info.programs['xspectra.x']}`);
    const run = join(work, 'run');
    const options = {
      pseudoDir: pp,
      pseudos: { C: 'C_PBE_TM_2pj.UPF' },
      coreHolePseudo: 'Ch_PBE_TM_2pj.UPF',
      supercell: [1, 1, 1],
      kpoints: [4, 4, 4],
      ecutwfc: 40,
      rPaw: 3.2, // QE diamond example
      polarizations: [[1, 0, 0]], // cubic: one direction is the isotropic average
      xnepoint: 1000,
    };
    const t0 = performance.now();
    writeInputFiles(run, xspectraAdapter.write(diamond, 0, 'K', options));
    const runs = await xspectraAdapter.run(run);
    const s = xspectraAdapter.parse(run);
    const wall = (performance.now() - t0) / 1000;
    for (const r of runs) console.log(`  ${r.program.split('/').pop()}: ${r.wallSeconds.toFixed(1)} s`);
    let peak = 0;
    for (let i = 1; i < s.intensity.length; i++)
      if ((s.intensity[i] as number) > (s.intensity[peak] as number)) peak = i;
    console.log(
      `C K edge of diamond: ${s.energy.length} points, ${s.energy[0]?.toFixed(1)}–${s.energy[s.energy.length - 1]?.toFixed(1)} eV, maximum at ${s.energy[peak]?.toFixed(2)} eV`,
    );
    // Cross-check against QE's own reference run of the same cell (same pseudopotentials, k-grid shifted there).
    const ref = '/usr/share/doc/quantum-espresso/examples/XSpectra/reference/diamondh.xspectra.dat.gz';
    if (existsSync(ref)) {
      const r = parseXanesDat(gunzipSync(readFileSync(ref)).toString('utf8'), ref);
      const y = resample(
        r.energy,
        r.sigma,
        Float64Array.from(s.energy, (e) => e - edge('C', 'K').energy),
        { fill: 'edge' },
      );
      console.log(
        `Pearson r against QE's reference diamondh spectrum: ${pearson(s.intensity, y).toFixed(4)}`,
      );
    }
    let fmsWall: number | undefined;
    if (engineNames().includes('fms')) {
      const t1 = performance.now();
      await getEngine('fms').simulate(diamond, { element: 'C', edge: 'K', sites: [0] });
      fmsWall = (performance.now() - t1) / 1000;
    }
    console.log(
      `built-in fms (same absorber): ${fmsWall === undefined ? 'n/a (engine not registered)' : `${fmsWall.toFixed(1)} s`}`,
    );
    if (fmsWall !== undefined) console.log(`ratio xspectra/fms: ${(wall / fmsWall).toFixed(1)}`);
    console.log(`xspectra-wall: ${wall.toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
