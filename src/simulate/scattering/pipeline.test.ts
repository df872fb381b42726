import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { HARTREE_EV } from '../../core/units.js';
import { parseFeffInpCluster, parseFeffLog1 } from '../../io/feff-internals/index.js';
import { parseCif } from '../../io/structure/cif.js';
import { BOHR_ANGSTROM } from '../../core/units.js';
import { phaseDifferenceModPi } from './phase-shifts.js';
import {
  buildScatteringPotentials,
  interstitialLevel,
  phaseShiftsAll,
  setupFromStructure,
} from './pipeline.js';

describe('scattering pipeline on a rock-salt NiO cluster (self-contained, default settings)', () => {
  // first three shells of NiO (a = 4.1684 Å) around a Ni absorber
  const a = 4.1684 / 2;
  const atoms: { position: [number, number, number]; ipot: number }[] = [{ position: [0, 0, 0], ipot: 0 }];
  for (let i = -2; i <= 2; i++)
    for (let j = -2; j <= 2; j++)
      for (let k = -2; k <= 2; k++) {
        if (i === 0 && j === 0 && k === 0) continue;
        if (i * i + j * j + k * k > 4) continue;
        atoms.push({ position: [i * a, j * a, k * a], ipot: (i + j + k) % 2 === 0 ? 1 : 2 });
      }
  const setup = {
    atoms,
    potentials: [
      { ipot: 0, Z: 28, stoichiometry: 0.01 },
      { ipot: 1, Z: 28 },
      { ipot: 2, Z: 8 },
    ],
    coreLevel: '1s',
  };
  const sp = buildScatteringPotentials(setup);
  it('builds radii, V_int and μ in the expected ranges and a deep 1s core level', () => {
    const mt = sp.muffinTin;
    expect(mt.potentials.length).toBe(3);
    expect(mt.vInt * HARTREE_EV).toBeGreaterThan(-30);
    expect(mt.vInt * HARTREE_EV).toBeLessThan(-15);
    expect(mt.fermiLevel).toBeGreaterThan(mt.vInt);
    expect(sp.core.energy * HARTREE_EV).toBeLessThan(-8000); // Ni 1s ≈ −8.3 keV
    // final-state rule: absorber 1s¹ 3d⁹
    const abs = sp.freeAtoms[0]!.atom.orbitals;
    expect(abs.find((o) => o.n === 1)!.occupation).toBe(1);
    expect(abs.find((o) => o.n === 3 && o.l === 2)!.occupation).toBe(9);
  });
  it('phase shifts are finite and δ_l → 0 for l ≫ kR_mt', () => {
    const E = { re: sp.muffinTin.fermiLevel + 30 / HARTREE_EV, im: 0.02 };
    const ps = phaseShiftsAll(sp.muffinTin, E, 12);
    for (let ip = 0; ip < 3; ip++) {
      for (let l = 0; l <= 12; l++) {
        expect(Number.isFinite(ps.re[ip]![l]!)).toBe(true);
        expect(Number.isFinite(ps.im[ip]![l]!)).toBe(true);
      }
      expect(Math.abs(ps.re[ip]![12]!)).toBeLessThan(1e-4);
    }
    expect(interstitialLevel(sp.muffinTin, E.re).im).toBeLessThanOrEqual(0);
  });
  it.skipIf(!hasShared())('the absorber site of the golden NiO cluster is parsed as used above', () => {
    const inp = parseFeffInpCluster(
      readFileSync(sharedPath('data', 'feff-golden', 'NiO_NiK', 'feff.inp'), 'utf8'),
    );
    expect(inp.atoms[0]).toEqual({ x: 0, y: 0, z: 0, ipot: 0 });
    expect(phaseDifferenceModPi(Math.PI + 0.01, 0)).toBeCloseTo(0.01, 12);
  });
});

describe.skipIf(!hasShared())('from a structure: NiO.cif → cluster → muffin tins', () => {
  it('93 atoms within 6 Å as FEFF counts, 3 unique potentials, Norman radii within 3 % of FEFF10', () => {
    const file = sharedPath('data', 'structures', 'NiO.cif');
    const s = parseCif(readFileSync(file, 'utf8'), file).value;
    const ni = s.sites.findIndex((x) => x.element === 'Ni');
    const setup = setupFromStructure(s, ni, 6.0, '1s');
    expect(setup.atoms.length).toBe(93);
    expect(setup.potentials.map((p) => p.Z)).toEqual([28, 8, 28]);
    const sp = buildScatteringPotentials(setup);
    const log = parseFeffLog1(readFileSync(sharedPath('data', 'feff-golden', 'NiO_NiK', 'log1.dat'), 'utf8'));
    const feffRn = [log.potentials[0]!.rNorman, log.potentials[2]!.rNorman, log.potentials[1]!.rNorman];
    sp.muffinTin.potentials.forEach((p, i) => {
      expect(Math.abs((p.rNorman * BOHR_ANGSTROM) / feffRn[i]! - 1)).toBeLessThan(0.03);
    });
  });
});
