import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import {
  parseFeffChi,
  parseFeffEels,
  parseFeffFilesDat,
  parseFeffPath,
  parseFeffPathsDat,
  parseFeffXmu,
} from './outputs.js';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

const shared = hasShared();
const files = shared ? [...walk(sharedPath('data', 'feff')), ...walk(sharedPath('data', 'feff-golden'))] : [];
const GOLD = shared ? sharedPath('data', 'feff-golden', 'NiO-feff8l-paths') : '';

describe.skipIf(!shared)('FEFF output readers on every shared reference file', () => {
  it('finds the files', () => {
    expect(files.filter((f) => f.endsWith('xmu.dat')).length).toBeGreaterThanOrEqual(11);
    expect(files.filter((f) => /feff\d{4}\.dat$/.test(f)).length).toBe(20);
  });
  for (const f of files.filter((x) => x.endsWith('/xmu.dat'))) {
    it(`xmu.dat ${f.split('/data/')[1]}`, () => {
      const r = parseFeffXmu(readFileSync(f, 'utf8'), f);
      expect(r.omega.length).toBeGreaterThan(50);
      expect(r.spectrum.meta.element).toBeDefined();
      expect(r.spectrum.meta.edge).toBe('K');
      // FEFF 10 (FMS XANES) writes chi = mu − mu0 to the printed digits.
      if (/FEFF 10/.test(r.header.program ?? ''))
        for (let i = 0; i < r.mu.length; i++) {
          const mu = r.mu[i] as number;
          expect(Math.abs(mu - (r.mu0[i] as number) - (r.chi[i] as number))).toBeLessThan(
            1e-8 * Math.max(1, mu),
          );
        }
      // k rises through 0 at E_F
      expect(r.k[0]).toBeLessThan(r.k[r.k.length - 1] as number);
    });
  }
  for (const f of files.filter((x) => x.endsWith('/chi.dat'))) {
    it(`chi.dat ${f.split('/data/')[1]}`, () => {
      const r = parseFeffChi(readFileSync(f, 'utf8'), f);
      expect(r.k[0]).toBeGreaterThanOrEqual(0);
      expect((r.k[1] as number) - (r.k[0] as number)).toBeCloseTo(0.05, 6);
      // mag = |chi| envelope ≥ |chi| (chi = mag·sin(phase))
      for (let i = 0; i < r.k.length; i++)
        expect(
          Math.abs((r.mag[i] as number) * Math.sin(r.phase[i] as number) - (r.chi[i] as number)),
        ).toBeLessThan(2e-4 + 1e-3 * Math.abs(r.mag[i] as number));
    });
  }
  for (const f of files.filter((x) => /feff\d{4}\.dat$/.test(x))) {
    it(`path file ${f.split('/').pop()}`, () => {
      const r = parseFeffPath(readFileSync(f, 'utf8'), f);
      const n = Number(/feff(\d{4})/.exec(f)?.[1]);
      expect(r.path.index).toBe(n);
      expect(r.path.atoms.length).toBe(r.path.nleg);
      expect(r.path.atoms[0]?.ipot).toBe(0);
      expect(r.k.length).toBeGreaterThan(50);
      // R_eff is half the closed-loop length of the legs
      let L = 0;
      for (let j = 0; j < r.path.nleg; j++) {
        const a = r.path.atoms[j] as { x: number; y: number; z: number };
        const b = r.path.atoms[(j + 1) % r.path.nleg] as { x: number; y: number; z: number };
        L += Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
      }
      expect(L / 2).toBeCloseTo(r.path.reff, 3);
    });
  }
  it('path 1 of NiO: 6 O at 2.0842 Å, header values', () => {
    const r = parseFeffPath(readFileSync(join(GOLD, 'feff0001.dat'), 'utf8'), 'feff0001.dat');
    expect(r.path).toMatchObject({ index: 1, nleg: 2, degeneracy: 6, reff: 2.0842 });
    expect(r.path.atoms[1]).toMatchObject({ ipot: 2, atomicNumber: 8, element: 'O', z: 2.0842 });
    expect(r.header.program).toBe('Feff8L (EXAFS) 0.1');
    expect(r.header.potentials.map((p) => p.z)).toEqual([28, 28, 8]);
    expect(r.header.mu).toBeCloseTo(-11.95152, 2);
    expect(r.magFeff[1]).toBeCloseTo(0.08326, 6);
    expect(r.redFactor[0]).toBeCloseTo(0.9946, 6);
    expect(r.spectrum.meta.element).toBe('Ni');
  });
  it('FEFF10 xmu header: Gam_ch, Mu, rfms, normalisation', () => {
    const r = parseFeffXmu(
      readFileSync(sharedPath('data', 'feff-golden', 'NiO_NiK', 'xmu.dat'), 'utf8'),
      'xmu.dat',
    );
    expect(r.header.program).toBe('FEFF 10.0.0');
    expect(r.header.potentialMode).toBe('Non-SCF');
    expect(r.header.gamCh).toBeCloseTo(1.576, 6);
    expect(r.header.mu).toBeCloseTo(-3.101, 6);
    expect(r.header.rfms).toBeCloseTo(6, 6);
    expect(r.header.edgeNormalization).toBeCloseTo(2.7031e-4, 9);
    expect(r.omega[0]).toBeCloseTo(8329.4012997207, 9);
    expect(r.chi[0]).toBeCloseTo(8.180415021e-3, 12);
  });
  it('xmu path list and S02 from the feff8l run', () => {
    const r = parseFeffXmu(readFileSync(join(GOLD, 'xmu.dat'), 'utf8'), 'xmu.dat');
    expect(r.header.s02).toBeCloseTo(0.951, 6);
    expect(r.header.paths[0]).toMatchObject({
      index: 1,
      ampRatio: 100,
      degeneracy: 6,
      nlegs: 2,
      reff: 2.0842,
    });
    expect(r.header.paths.length).toBeGreaterThan(60);
  });
  it('paths.dat and files.dat', () => {
    const p = parseFeffPathsDat(readFileSync(join(GOLD, 'paths.dat'), 'utf8'), 'paths.dat');
    expect(p[0]).toMatchObject({ index: 1, nleg: 2, degeneracy: 6, reff: 2.0842 });
    expect(p[2]?.atoms[0]).toMatchObject({ label: 'O', beta: 135, rleg: 2.0842 });
    const f = parseFeffFilesDat(readFileSync(join(GOLD, 'files.dat'), 'utf8'), 'files.dat');
    expect(f[1]).toMatchObject({ file: 'feff0002.dat', ampRatio: 80.86, degeneracy: 12 });
  });
});

describe('FEFF readers: errors name file and line', () => {
  it('non-numeric data row', () => {
    const txt = '#  omega    e    k    mu    mu0     chi     @#\n 1 2 3 4 5 6\n 2 3 4 x 6 7\n';
    expect(() => parseFeffXmu(txt, 'bad.dat')).toThrow(/bad\.dat, line 3/);
  });
  it('decreasing energy', () => {
    const txt = '#  omega    e    k    mu    mu0     chi     @#\n 2 2 3 4 5 6\n 1 3 4 5 6 7\n';
    expect(() => parseFeffXmu(txt, 'x.dat')).toThrow(/line 3/);
  });
  it('missing label line', () => {
    expect(() => parseFeffChi('1 2 3 4\n', 'c.dat')).toThrow(/c\.dat.*column header/);
  });
  it('eels.dat: columns by label (hand-written two-row sample in the documented layout)', () => {
    const txt = '# ELNES\n#  Energy  total  x  y  z\n 530.0 1.0 0.3 0.3 0.4\n 530.5 2.0 0.6 0.6 0.8\n';
    const r = parseFeffEels(txt, 'eels.dat');
    expect(r.labels).toEqual(['Energy', 'total', 'x', 'y', 'z']);
    expect(Array.from(r.columns.z as Float64Array)).toEqual([0.4, 0.8]);
    expect(r.spectrum.meta.technique).toBe('EELS');
  });
});
