/**
 * Fuzzing acceptance check for the spectrum readers (issue 3): for each reader, ≥ 1,000 seeded mutations of its
 * fixtures — truncation, bit flips, swapped bytes, inserted/deleted chunks, and huge length fields (binary: a
 * 0xFFFFFFFF / 2⁶³ word written over a small big-endian count; text: a number replaced by 1e308 / 99999999999) —
 * must each end in a result or a typed SpecfuseError, within 1 s, with output no larger than a small multiple of
 * the input (no unbounded allocation).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SpecfuseError } from '../../src/core/errors.js';
import { athenaToSpectra, parseAthenaProject } from '../../src/io/spectra/athena.js';
import { columnsToSpectrum, parseColumns, writeCsv } from '../../src/io/spectra/columns.js';
import { decodeText, type SpectrumFile } from '../../src/io/spectra/common.js';
import { dmToSpectrumFile, parseDm } from '../../src/io/spectra/dm.js';
import { jsonToSpectrum, parseJsonSpectrum } from '../../src/io/spectra/json.js';
import { msaToSpectra, parseMsa } from '../../src/io/spectra/msa.js';
import { parseSpectrumBytes } from '../../src/io/spectra/read.js';
import { parseXdi, xdiToSpectra } from '../../src/io/spectra/xdi.js';
import { makeRng, type Rng } from '../../src/math/random.js';
import { makeSpectrum } from '../../src/spectrum/spectrum.js';
import type { Spectrum } from '../../src/spectrum/types.js';
import { hasShared, sharedPath } from '../shared.js';

const CASES = 1000;
const meta = { origin: { kind: 'measured' as const } };

type Kind = 'truncate' | 'bitflip' | 'swap' | 'chunk' | 'huge';
const KINDS: Kind[] = ['truncate', 'bitflip', 'swap', 'chunk', 'huge'];

function mutate(src: Uint8Array, rng: Rng, kind: Kind, binary: boolean): Uint8Array {
  const b = Uint8Array.from(src);
  const n = b.length;
  switch (kind) {
    case 'truncate':
      return b.subarray(0, rng.int(n));
    case 'bitflip': {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) {
        const at = rng.int(n);
        b[at] = (b[at] as number) ^ (1 << rng.int(8));
      }
      return b;
    }
    case 'swap': {
      const swaps = 1 + rng.int(4);
      for (let i = 0; i < swaps; i++) {
        const a = rng.int(n);
        const c = rng.int(n);
        const len = 1 + rng.int(Math.min(16, n - Math.max(a, c)));
        for (let k = 0; k < len; k++) {
          const t = b[a + k] as number;
          b[a + k] = b[c + k] as number;
          b[c + k] = t;
        }
      }
      return b;
    }
    case 'chunk': {
      // delete a chunk, or insert a copy of another one
      const at = rng.int(n);
      const len = 1 + rng.int(64);
      if (rng.int(2) === 0) {
        const end = Math.min(n, at + len);
        const out = new Uint8Array(n - (end - at));
        out.set(b.subarray(0, at), 0);
        out.set(b.subarray(end), at);
        return out;
      }
      const from = rng.int(n);
      const piece = b.subarray(from, Math.min(n, from + len));
      const out = new Uint8Array(n + piece.length);
      out.set(b.subarray(0, at), 0);
      out.set(piece, at);
      out.set(b.subarray(at), at + piece.length);
      return out;
    }
    case 'huge': {
      if (binary) {
        // overwrite a small big-endian u32 (likely a count or length) with a huge one
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let tries = 0; tries < 64; tries++) {
          const at = rng.int(Math.max(1, n - 8));
          const v = dv.getUint32(at, false);
          if (v > 0 && v < 65536) {
            const big = [0xffffffff, 0x7fffffff, 0x10000000, v * 65536][rng.int(4)] as number;
            if (rng.int(3) === 0 && at + 8 <= n) dv.setBigUint64(at, 0x7fffffffffffffffn, false);
            else dv.setUint32(at, big >>> 0, false);
            return b;
          }
        }
        return b;
      }
      // text: replace a number with a huge one
      const text = new TextDecoder('latin1').decode(b);
      const re = /\d+(\.\d+)?/g;
      const positions: [number, number][] = [];
      for (let m = re.exec(text); m && positions.length < 4096; m = re.exec(text))
        positions.push([m.index, m[0].length]);
      if (positions.length === 0) return b;
      const [at, len] = positions[rng.int(positions.length)] as [number, number];
      const huge = ['99999999999', '1e308', '4294967295', '-1e308', '18446744073709551616'][
        rng.int(5)
      ] as string;
      return new TextEncoder().encode(text.slice(0, at) + huge + text.slice(at + len));
    }
  }
}

/** Typed-array values held by a result (to bound allocations by the input size). */
function valuesOf(x: { spectra: Spectrum[]; image?: { data: ArrayLike<number> } }): number {
  let n = x.image ? x.image.data.length : 0;
  for (const s of x.spectra) n += s.energy.length + s.intensity.length;
  return n;
}

interface Stats {
  ok: number;
  typed: number;
  maxMs: number;
  codes: Record<string, number>;
}

function fuzz(
  name: string,
  fixtures: Uint8Array[],
  binary: boolean,
  reader: (bytes: Uint8Array) => { spectra: Spectrum[]; image?: { data: ArrayLike<number> } },
): Stats {
  const rng = makeRng(`fuzz:${name}`);
  const stats: Stats = { ok: 0, typed: 0, maxMs: 0, codes: {} };
  for (let k = 0; k < CASES; k++) {
    const src = fixtures[k % fixtures.length] as Uint8Array;
    const kind = KINDS[rng.int(KINDS.length)] as Kind;
    const bytes = mutate(src, rng, kind, binary);
    const t0 = performance.now();
    try {
      const r = reader(bytes);
      stats.ok++;
      if (valuesOf(r) > 4 * bytes.length + 1024)
        throw new Error(`${name} case ${k} (${kind}): ${valuesOf(r)} values from ${bytes.length} bytes`);
    } catch (e) {
      if (!(e instanceof SpecfuseError))
        throw new Error(`${name} case ${k} (${kind}) threw ${(e as Error)?.name}: ${(e as Error)?.message}`, {
          cause: e,
        });
      stats.typed++;
      stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
    }
    stats.maxMs = Math.max(stats.maxMs, performance.now() - t0);
  }
  return stats;
}

function check(stats: Stats): void {
  if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify(stats));
  expect(stats.ok + stats.typed).toBe(CASES);
  // a hang detector, not a benchmark: the acceptance limit is 1 s per case
  expect(stats.maxMs).toBeLessThan(1000);
  expect(stats.codes.internal ?? 0).toBe(0);
}

const run = hasShared() ? describe : describe.skip;
const bytesOf = (...p: string[]) => new Uint8Array(readFileSync(sharedPath('data', ...p)));
/** A small fixture: the first `n` lines of a text fixture (header and the start of the data), plus `tail`. */
const headOf = (bytes: Uint8Array, n: number, tail = '') =>
  new TextEncoder().encode(`${new TextDecoder().decode(bytes).split('\n').slice(0, n).join('\n')}\n${tail}`);

run('fuzzing the spectrum readers (≥ 1,000 seeded mutations each)', () => {
  it('XDI', () => {
    const files = [
      'Ni2O3_rt_01.xdi',
      'NiS_rt_02.xdi',
      'Ni_metal_rt_01.xdi',
      'co_metal_rt.xdi',
      'feo_rt1.xdi',
    ];
    const s = fuzz(
      'xdi',
      files.map((f) => headOf(bytesOf('xas', 'xdi', f), 80)),
      false,
      (b) => xdiToSpectra(parseXdi(decodeText(b, 'f.xdi'), 'f.xdi'), 'f.xdi').value,
    );
    check(s);
  });

  it('Athena project (gzip and plain text)', () => {
    // small fixtures: the header and one group of each project, as plain text and gzip'ed
    const one = (f: string, group: number) => {
      const text = gunzipSync(bytesOf('xas', 'athena', f)).toString('latin1');
      const parts = text.split(/(?<=\[record\][^\n]*\n)/);
      const head = (parts[0] as string).slice(0, (parts[0] as string).indexOf('$old_group'));
      const body = (parts[group] as string).slice((parts[group] as string).indexOf('$old_group'));
      return new TextEncoder().encode(`${head}${body}\n1;\n`);
    };
    const plain = [one('NiO.prj', 1), one('Mn_all.prj', 9)];
    const fixtures = [...plain, ...plain.map((p) => new Uint8Array(gzipSync(p)))];
    const s = fuzz('athena', fixtures, true, (b) => ({
      spectra: athenaToSpectra(parseAthenaProject(b, 'f.prj'), 'f.prj').value,
    }));
    check(s);
    expect(s.ok).toBeGreaterThan(0);
  });

  it('EMSA/MSA', () => {
    const end = '#ENDOFDATA   : End Of Data and File\n';
    const fixtures = [
      headOf(bytesOf('eels', 'exspy', 'coreloss_spectrum.msa'), 200, end),
      headOf(bytesOf('eels', 'exspy', 'lowloss_spectrum.msa'), 200, end),
      headOf(bytesOf('eels', 'nmc-si-doped', 'TM_oxygen_edge.msa'), 200, end),
    ];
    const s = fuzz('msa', fixtures, false, (b) => ({
      spectra: msaToSpectra(parseMsa(decodeText(b), 'f.msa'), 'f.msa').value,
    }));
    check(s);
  });

  it('DigitalMicrograph DM3/DM4', () => {
    const files = [
      '1D_test-2.dm3',
      '1D_test-12.dm3',
      '2D_test-2.dm3',
      '3D_test-2.dm4',
      '3D_test-7.dm4',
      '1D_test-2.dm4',
    ];
    const s = fuzz(
      'dm',
      files.map((f) => bytesOf('eels', 'digitalmicrograph', f)),
      true,
      (b) => dmToSpectrumFile(parseDm(b, 'f.dm3'), 'f.dm3').value,
    );
    check(s);
    expect(s.ok).toBeGreaterThan(0);
  });

  it('CSV / TSV / whitespace columns', () => {
    const j = parseJsonSpectrum(decodeText(bytesOf('xas', 'json', 'LiCoO2_CoK_spectrum.json')));
    const s0 = makeSpectrum(j.x, j.y, meta);
    const csv = new TextEncoder().encode(writeCsv(s0));
    const tsv = new TextEncoder().encode(
      `# energy\tmu\n${Array.from(j.x, (x, i) => `${x}\t${j.y[i]}`).join('\n')}\n`,
    );
    const ws = new TextEncoder().encode(Array.from(j.x, (x, i) => `  ${x}   ${j.y[i]}`).join('\n'));
    const s = fuzz('columns', [csv, tsv, ws], false, (b) => ({
      spectra: [columnsToSpectrum(parseColumns(decodeText(b), 'f.csv'), meta, 'f.csv').value],
    }));
    check(s);
  });

  it('JSON', () => {
    const s = fuzz('json', [bytesOf('xas', 'json', 'LiCoO2_CoK_spectrum.json')], false, (b) => ({
      spectra: [jsonToSpectrum(parseJsonSpectrum(decodeText(b), 'f.json'), meta, 'f.json').value],
    }));
    check(s);
  });

  it('the dispatcher (format detection on mutated bytes of every kind)', () => {
    const fixtures = [
      bytesOf('xas', 'xdi', 'feo_rt1.xdi'),
      bytesOf('eels', 'exspy', 'lowloss_spectrum.msa'),
      bytesOf('eels', 'digitalmicrograph', '3D_test-2.dm4'),
      bytesOf('xas', 'json', 'LiCoO2_CoK_spectrum.json'),
    ];
    const s = fuzz(
      'dispatch',
      fixtures,
      true,
      (b) => parseSpectrumBytes(b, 'upload.bin').value as SpectrumFile,
    );
    check(s);
  });
});
