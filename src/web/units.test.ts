import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../core/errors.js';
import type { SfmModel } from '../ml/model-file.js';
import { MapStore, coverageErrorMode, globalImportance } from './analysis.js';
import { errorResponse, scrub } from './errors.js';
import { flattenEvaluation } from './evaluation.js';
import { urlSegments } from './static.js';
import { sanitizeName, sniffFormat } from './uploads.js';

describe('web helpers', () => {
  it('spreads a model’s stored window importance over the grid, averaged over targets', () => {
    const model = {
      importance: [
        {
          target: 'a',
          windows: {
            X: [
              { lo: -0.5, hi: 1.5, importance: 0.5 },
              { lo: 1.5, hi: 3.5, importance: 0.25 },
            ],
          },
        },
        { target: 'b', windows: { X: [{ lo: -0.5, hi: 3.5, importance: 1 }] } },
      ],
    } as unknown as SfmModel;
    expect(globalImportance(model, 'X', [0, 1, 2, 3])).toEqual([0.75, 0.75, 0.625, 0.625]);
    expect(globalImportance(model, 'Y', [0, 1])).toBeUndefined();
    expect(globalImportance({} as SfmModel, 'X', [0, 1])).toBeUndefined();
  });

  it('recognises the library’s coverage errors', () => {
    const a = new SpecfuseError(
      'invalid-argument',
      'no input spectrum covers mode Ni:L23 (815.1–885.1 eV: …)',
      {
        field: 'Ni:L23',
      },
    );
    expect(coverageErrorMode(a)).toBe('Ni:L23');
    const b = new SpecfuseError(
      'invalid-argument',
      'the spectrum image (440.0–1054.1 eV) does not cover mode O:K (1–2 eV)',
    );
    expect(coverageErrorMode(b)).toBe('O:K');
    expect(coverageErrorMode(new SpecfuseError('parse', 'bad number'))).toBeUndefined();
    expect(coverageErrorMode(new Error('covers mode X:Y '))).toBeUndefined();
  });

  it('keeps the most recently used maps', () => {
    const s = new MapStore(2);
    const m = (id: string) => ({ id }) as unknown as Parameters<MapStore['put']>[0];
    s.put(m('a'));
    s.put(m('b'));
    expect(s.get('a')?.id).toBe('a'); // a is now the most recent
    s.put(m('c'));
    expect(s.get('b')).toBeUndefined();
    expect(s.get('a')?.id).toBe('a');
    expect(s.get('c')?.id).toBe('c');
  });

  it('flattens an evaluation file without a table into empty rows', () => {
    expect(flattenEvaluation({ other: 1 })).toEqual({
      other: 1,
      rows: [],
      table: { columns: ['model', 'modes'], rows: [] },
    });
  });

  it('sanitises names and sniffs formats by content only', () => {
    expect(sanitizeName('../../a b/c d.msa')).toBe('c_d.msa');
    expect(sanitizeName('..\\..\\win.dm3')).toBe('win.dm3');
    expect(sanitizeName('...hidden')).toBe('hidden');
    expect(sanitizeName('')).toBe('upload');
    const enc = (t: string) => new TextEncoder().encode(t);
    expect(sniffFormat(enc('# XDI/1.0\n'))).toBe('xdi');
    expect(sniffFormat(enc('#FORMAT : EMSA/MAS Spectral Data File\n'))).toBe('msa');
    expect(sniffFormat(enc('energy_eV,intensity\n1,2\n'))).toBe('csv');
    expect(sniffFormat(enc('hello world\n'))).toBeUndefined();
    // DM3 magic: version 3, byte-order flag 1 at offset 8
    expect(sniffFormat(new Uint8Array([0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0]))).toBe('dm3');
  });

  it('splits URL paths strictly', () => {
    expect(urlSegments('/assets/app.js?x=1')).toEqual(['assets', 'app.js']);
    expect(urlSegments('/')).toEqual([]);
    expect(urlSegments('/a/b/')).toEqual(['a', 'b']);
    for (const bad of ['/a/../b', '/%2e%2e/x', '/a%2fb', '/a//b', '/%zz', '/a\\b', '/a%00b'])
      expect(() => urlSegments(bad)).toThrow();
  });

  it('replaces server paths in error messages and hides internal errors', () => {
    const names = new Map([['/tmp/specfuse-upload-x/0-a.msa', 'a.msa']]);
    expect(scrub('/tmp/specfuse-upload-x/0-a.msa, line 3: bad', names)).toBe('a.msa, line 3: bad');
    const r = errorResponse(new TypeError('secret /etc/path'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('/etc/path');
  });
});
