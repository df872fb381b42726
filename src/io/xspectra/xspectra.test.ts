import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, requireTool } from '../../../test/shared.js';
import { parseNamelists, writePwScfInput, writeXspectraInput } from './inputs.js';
import { coreWavefunctionFromUpf, parseXanesDat } from './outputs.js';

const FIX = `${PROJECT_ROOT}/test/fixtures/external`;
const QE_EX = '/usr/share/doc/quantum-espresso/examples/XSpectra';

describe('xanes.dat reader (fixtures from QE 6.7 XSpectra examples, see README)', () => {
  it('spin-polarised NiO dipole spectrum', () => {
    const r = parseXanesDat(readFileSync(`${FIX}/xspectra_NiO_dip_xanes.dat`, 'utf8'), 'NiO');
    expect(r.finalStateL).toBe(1);
    expect(r.broadeningEv).toBe(0.8);
    expect(r.xiabs).toBe(1);
    expect(r.labels).toEqual(['Energy', 'sigma_tot', 'sigma_up', 'sigma_down']);
    expect(r.energy.length).toBe(300);
    expect(r.energy[0]).toBe(-10);
    expect(r.sigma[0]).toBeCloseTo(1.279e-5, 12);
    // sigma_tot = sigma_up + sigma_down to the printed digits
    for (let i = 0; i < r.energy.length; i++)
      expect(
        Math.abs(
          (r.columns.sigma_up?.[i] as number) +
            (r.columns.sigma_down?.[i] as number) -
            (r.sigma[i] as number),
        ),
      ).toBeLessThanOrEqual(1.01e-8);
  });
  it('non-spin diamond core-hole spectrum', () => {
    const r = parseXanesDat(readFileSync(`${FIX}/xspectra_diamondh_xanes.dat`, 'utf8'), 'diamondh');
    expect(r.labels).toEqual(['Energy', 'sigma']);
    expect(r.energy.length).toBe(1000);
    expect(r.energy[999]).toBeCloseTo(30, 6);
    expect(r.spectrum.meta.origin).toMatchObject({ engine: 'xspectra' });
  });
  it('errors', () => {
    expect(() => parseXanesDat('1 2\n', 'x.dat')).toThrow(/x\.dat.*Energy/);
    expect(() => parseXanesDat('# Energy (eV) sigma\n 1 2\n 1 x\n', 'x.dat')).toThrow(/line 3/);
  });
});

describe('pw.x and xspectra.x inputs', () => {
  const cell = [
    [3.5668, 0, 0],
    [0, 3.5668, 0],
    [0, 0, 3.5668],
  ] as const;
  it('pw.x SCF input round-trips through the namelist reader', () => {
    const text = writePwScfInput({
      prefix: 'dia',
      outdir: './tmp',
      pseudoDir: '/pp',
      cell,
      species: [
        { label: 'Ch', mass: 12, pseudo: 'Ch.UPF' },
        { label: 'C', mass: 12, pseudo: 'C.UPF' },
      ],
      atoms: [
        { label: 'Ch', frac: [0, 0, 0] },
        { label: 'C', frac: [0.25, 0.25, 0.25] },
      ],
      ecutwfc: 40,
      kpoints: [4, 4, 4],
      totCharge: 1,
      system: { 'starting_magnetization(1)': 0.5 },
    });
    const { namelists, cards } = parseNamelists(text, 'pw.in');
    expect(namelists.control).toEqual({
      calculation: 'scf',
      prefix: 'dia',
      outdir: './tmp',
      pseudo_dir: '/pp',
    });
    expect(namelists.system).toMatchObject({ ibrav: 0, nat: 2, ntyp: 2, ecutwfc: 40, tot_charge: 1 });
    expect(namelists.system?.['starting_magnetization(1)']).toBe(0.5);
    expect(cards).toContain('CELL_PARAMETERS angstrom');
    expect(cards.find((c) => c.startsWith('C ') && c.includes('0.25'))).toBeDefined();
    expect(() => writePwScfInput({ ...JSON.parse('{}'), atoms: [] })).toThrow(/atoms/);
  });
  it('xspectra.x input matches the keys of the QE NiO example', () => {
    const text = writeXspectraInput({
      prefix: 'NiO',
      outdir: './tmp',
      calculation: 'xanes_dipole',
      xepsilon: [1, 0, 0],
      xiabs: 1,
      filecore: 'Ni.wfc',
      rPaw: 1.5,
      efR: 1.01439527,
      xemin: -10,
      xemax: 20,
      xnepoint: 300,
      xgamma: 0.8,
      kpoints: [2, 2, 2],
    });
    const ours = parseNamelists(text, 'ours');
    expect(ours.namelists.input_xspectra).toMatchObject({
      calculation: 'xanes_dipole',
      'xepsilon(1)': 1,
      ef_r: 1.01439527,
    });
    expect(ours.namelists.plot).toMatchObject({
      xnepoint: 300,
      xgamma: 0.8,
      xemin: -10,
      xemax: 20,
      terminator: true,
    });
    expect(ours.namelists.pseudos).toEqual({ filecore: 'Ni.wfc', 'r_paw(1)': 1.5 });
    expect(ours.cards).toEqual(['2 2 2 0 0 0']);
    const ref = `${QE_EX}/reference/NiO.xspectra_dip.in`;
    if (existsSync(ref)) {
      const theirs = parseNamelists(readFileSync(ref, 'utf8'), ref);
      for (const nl of ['input_xspectra', 'plot', 'pseudos'])
        expect(Object.keys(ours.namelists[nl] ?? {}).sort()).toEqual(
          Object.keys(theirs.namelists[nl] ?? {}).sort(),
        );
    }
  });
  const upf = `${QE_EX}/pseudo/C_PBE_TM_2pj.UPF.gz`;
  it.skipIf(!requireTool('quantum-espresso', existsSync(upf)))(
    'core wavefunction from a GIPAW UPF matches QE C.wfc',
    () => {
      const ours = coreWavefunctionFromUpf(gunzipSync(readFileSync(upf)).toString('utf8'), 'C.UPF')
        .trim()
        .split('\n');
      const ref = gunzipSync(readFileSync(`${QE_EX}/reference/C.wfc.gz`))
        .toString('utf8')
        .trim()
        .split('\n');
      expect(ours[0]).toBe(ref[0]);
      expect(ours.length).toBe(ref.length);
      for (const i of [1, 100, 500, ours.length - 1]) {
        const a = (ours[i] as string).trim().split(/\s+/).map(Number);
        const b = (ref[i] as string).trim().split(/\s+/).map(Number);
        expect(Math.abs((a[0] as number) - (b[0] as number))).toBeLessThan(
          1e-5 * Math.max(1, b[0] as number),
        );
        expect(a[1]).toBeCloseTo(b[1] as number, 10);
      }
    },
  );
});
