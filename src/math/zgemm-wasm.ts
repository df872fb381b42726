/**
 * Hand-written WebAssembly SIMD micro-kernel for the complex matrix update C ← C − A·B (the GEMM at the heart of a
 * blocked LU; Goto & van de Geijn, ACM TOMS 34, 12 (2008): packed panels, a register-resident C tile).
 *
 * Data are split real/imaginary double planes. Packed A holds micro-panels of MR = 2 rows: per k the 4 doubles
 * [re r0, re r1, im r0, im r1] (one f64x2 for each plane). Packed B holds micro-panels of NR = 2 columns: per k the
 * 4 doubles [re c0, re c1, im c0, im c1], each broadcast with v128.load64_splat. The 2×2 complex C tile lives in 4
 * f64x2 accumulators (S_re,j, S_im,j); per k every column costs 4 multiplies + 4 adds (32 flops per k for 6 loads).
 * C itself is two column-major planes (leading dimension ld), updated once per call: C −= S.
 *
 * Why wasm at all — measured on this 2-core AMD EPYC (Zen 3), Node 20, process CPU time (the machine is shared):
 * the same packed 2×2 update written in TypeScript (`jsZgemm` below) runs at 4.4–4.9 GFLOP/s (V8 emits scalar SSE
 * code for JS doubles), this f64x2 kernel at 14.9–15.8 GFLOP/s (96×96×192 update). Tile shapes tried in the n = 1054
 * LU (CPU time): 2×2 10.3 GFLOP/s, 4×1 10.8, 4×2 9.3, 2×4 8.9, 2×1 6.5 — the larger tiles spill registers; 2×2 is kept
 * (smallest padding); unrolling its k loop by two made the LU slower (7.6 GFLOP/s). The old column-by-column
 * TypeScript LU reached 1.16 GFLOP/s, OpenBLAS zgetrf 1 thread ≈ 34–39.
 * No FMA: relaxed-SIMD is not enabled by default in Node 20 (V8 11.3), so every multiply-add is a mul + add.
 */
import {
  I32,
  op,
  V128,
  type WasmFunction,
  type WasmMemory,
  type WasmModule,
  wasmApi,
  wasmModule,
} from './wasm-asm.js';

/** Rows (2 per f64x2, MV vectors) × columns (NR) of the register-resident C tile. */
export const ZGEMM_MR = 2;
export const ZGEMM_NR = 2;
const MV = ZGEMM_MR / 2;
const NR = ZGEMM_NR;

/**
 * Parameters: (mBlocks, nBlocks, kc, pA, pB, cRe, cIm, ldBytes), byte addresses; C −= A·B over
 * (MR·mBlocks) × (NR·nBlocks), kc ≥ 1. Packed A: per MR-row micro-panel and per k, MR real then MR imaginary parts;
 * packed B: per NR-column micro-panel and per k, NR real then NR imaginary parts.
 */
function gemmFunction(): WasmFunction {
  const [mb, nb, kc, pA, pB, cRe, cIm, ld] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [jr, ir, k, pa, pb, t, colOff] = [8, 9, 10, 11, 12, 13, 14];
  let next = 15;
  const ar = Array.from({ length: MV }, () => next++);
  const ai = Array.from({ length: MV }, () => next++);
  const br = next++;
  const bi = next++;
  const sr = Array.from({ length: MV * NR }, () => next++);
  const si = Array.from({ length: MV * NR }, () => next++);
  const nV = next - 15;
  const aBytes = 32 * MV;
  const bBytes = 16 * NR;
  const b: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) b.push(...x);
  };
  e(op.i32(0), op.set(jr));
  e(op.block(), op.loop());
  e(op.get(jr), op.get(nb), op.i32GeS(), op.brIf(1));
  e(op.get(jr), op.i32(NR), op.i32Mul(), op.get(ld), op.i32Mul(), op.set(colOff));
  e(op.i32(0), op.set(ir));
  e(op.block(), op.loop());
  e(op.get(ir), op.get(mb), op.i32GeS(), op.brIf(1));
  for (let s = 0; s < MV * NR; s++) e(op.v128Zero(), op.set(sr[s]!), op.v128Zero(), op.set(si[s]!));
  e(op.get(pA), op.get(ir), op.get(kc), op.i32Mul(), op.i32(aBytes), op.i32Mul(), op.i32Add(), op.set(pa));
  e(op.get(pB), op.get(jr), op.get(kc), op.i32Mul(), op.i32(bBytes), op.i32Mul(), op.i32Add(), op.set(pb));
  e(op.get(kc), op.set(k));
  e(op.loop()); // do { … } while (--k)
  for (let v = 0; v < MV; v++)
    e(
      op.get(pa),
      op.v128Load(16 * v),
      op.set(ar[v]!),
      op.get(pa),
      op.v128Load(16 * (MV + v)),
      op.set(ai[v]!),
    );
  for (let j = 0; j < NR; j++) {
    e(op.get(pb), op.load64Splat(8 * j), op.set(br), op.get(pb), op.load64Splat(8 * (NR + j)), op.set(bi));
    for (let v = 0; v < MV; v++) {
      const s = v * NR + j;
      // S_re += a_re b_re − a_im b_im
      e(op.get(sr[s]!), op.get(ar[v]!), op.get(br), op.f64x2Mul(), op.f64x2Add());
      e(op.get(ai[v]!), op.get(bi), op.f64x2Mul(), op.f64x2Sub(), op.set(sr[s]!));
      // S_im += a_re b_im + a_im b_re
      e(op.get(si[s]!), op.get(ar[v]!), op.get(bi), op.f64x2Mul(), op.f64x2Add());
      e(op.get(ai[v]!), op.get(br), op.f64x2Mul(), op.f64x2Add(), op.set(si[s]!));
    }
  }
  e(op.get(pa), op.i32(aBytes), op.i32Add(), op.set(pa), op.get(pb), op.i32(bBytes), op.i32Add(), op.set(pb));
  e(op.get(k), op.i32(1), op.i32Sub(), op.tee(k), op.brIf(0), op.end());
  // C tile −= S, column by column (ld bytes apart), real plane then imaginary plane
  for (const [base, s] of [
    [cRe, sr],
    [cIm, si],
  ] as const) {
    e(
      op.get(base),
      op.get(ir),
      op.i32(16 * MV),
      op.i32Mul(),
      op.i32Add(),
      op.get(colOff),
      op.i32Add(),
      op.set(t),
    );
    for (let j = 0; j < NR; j++) {
      for (let v = 0; v < MV; v++)
        e(
          op.get(t),
          op.get(t),
          op.v128Load(16 * v),
          op.get(s[v * NR + j]!),
          op.f64x2Sub(),
          op.v128Store(16 * v),
        );
      if (j < NR - 1) e(op.get(t), op.get(ld), op.i32Add(), op.set(t));
    }
  }
  e(op.get(ir), op.i32(1), op.i32Add(), op.set(ir), op.br(0), op.end(), op.end());
  e(op.get(jr), op.i32(1), op.i32Add(), op.set(jr), op.br(0), op.end(), op.end());
  return {
    name: 'zgemm',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [7, I32],
      [nV, V128],
    ],
    body: b,
  };
}

/**
 * packA(mc, kc, src, imOff, ldBytes, dst): copy the mc × kc block of A whose real part starts at byte `src` (column-major,
 * column stride ldBytes; imaginary plane imOff bytes further) into the kernel's packed-A layout at `dst`: per 2-row
 * micro-panel and per k, [re r0, re r1, im r0, im r1] (two f64x2 copies). mc even, kc ≥ 1.
 */
function packAFunction(): WasmFunction {
  const [mc, kc, src, imOff, ld, dst] = [0, 1, 2, 3, 4, 5];
  const [i, sp, k] = [6, 7, 8];
  const b: number[] = [];
  const e = (...xs: number[][]) => {
    for (const x of xs) b.push(...x);
  };
  e(op.i32(0), op.set(i));
  e(op.block(), op.loop());
  e(op.get(i), op.get(mc), op.i32GeS(), op.brIf(1));
  e(op.get(src), op.get(i), op.i32(8), op.i32Mul(), op.i32Add(), op.set(sp));
  e(op.get(kc), op.set(k));
  e(op.loop());
  e(op.get(dst), op.get(sp), op.v128Load(0), op.v128Store(0));
  e(op.get(dst), op.get(sp), op.get(imOff), op.i32Add(), op.v128Load(0), op.v128Store(16));
  e(op.get(dst), op.i32(32), op.i32Add(), op.set(dst), op.get(sp), op.get(ld), op.i32Add(), op.set(sp));
  e(op.get(k), op.i32(1), op.i32Sub(), op.tee(k), op.brIf(0), op.end());
  e(op.get(i), op.i32(2), op.i32Add(), op.set(i), op.br(0), op.end(), op.end());
  return { name: 'packA', params: [I32, I32, I32, I32, I32, I32], locals: [[3, I32]], body: b };
}

export type PackA = (
  mc: number,
  kc: number,
  src: number,
  imOff: number,
  ldBytes: number,
  dst: number,
) => void;

export type ZgemmKernel = (
  mBlocks: number,
  nBlocks: number,
  kc: number,
  pA: number,
  pB: number,
  cRe: number,
  cIm: number,
  ldBytes: number,
) => void;

/** The module bytes (ordinary memory, or shared with the given maximum pages for worker threads). */
export function zgemmModuleBytes(sharedMaxPages?: number): Uint8Array {
  return wasmModule([gemmFunction(), packAFunction()], sharedMaxPages);
}

/** Whether this JavaScript engine accepts the SIMD module (Node ≥ 16.4 does). */
export function wasmSimdAvailable(): boolean {
  try {
    return wasmApi()?.validate(zgemmModuleBytes()) === true;
  } catch {
    return false;
  }
}

/** Compile the kernel for an ordinary memory, or for a shared memory of `sharedMaxPages` maximum pages. */
export function compileZgemm(sharedMaxPages?: number): WasmModule {
  return new (wasmApi()!.Module)(zgemmModuleBytes(sharedMaxPages));
}

export interface ZgemmKernels {
  readonly zgemm: ZgemmKernel;
  readonly packA: PackA;
}

/** Instantiate the compiled kernels on a memory. */
export function instantiateZgemm(module: WasmModule, memory: WasmMemory): ZgemmKernels {
  const inst = new (wasmApi()!.Instance)(module, { env: { mem: memory } });
  return { zgemm: inst.exports.zgemm as ZgemmKernel, packA: inst.exports.packA as PackA };
}

/**
 * The same packed 2×2 update in plain TypeScript (scalar doubles, 8 accumulators in registers), on the same byte
 * addresses into `memory`: the blocked LU's kernel where WebAssembly SIMD is unavailable, and a cross-check of the
 * wasm kernel in the tests. Measured against it (CPU time, 96×96×192 update): 4.4–4.9 GFLOP/s, vs 14.9–15.8 GFLOP/s
 * for the wasm kernel.
 */
export function jsZgemm(memory: WasmMemory): ZgemmKernels {
  const packA: PackA = (mc, kc, src, imOff, ldBytes, dst) => {
    const a = new Float64Array(memory.buffer);
    let q = dst / 8;
    const ld = ldBytes / 8;
    const io = imOff / 8;
    for (let i = 0; i < mc; i += 2) {
      let idx = src / 8 + i;
      for (let k = 0; k < kc; k++) {
        a[q] = a[idx]!;
        a[q + 1] = a[idx + 1]!;
        a[q + 2] = a[idx + io]!;
        a[q + 3] = a[idx + io + 1]!;
        q += 4;
        idx += ld;
      }
    }
  };
  const zgemm: ZgemmKernel = (mb, nb, kc, pA, pB, cRe, cIm, ldBytes) => {
    const a = new Float64Array(memory.buffer);
    const ld = ldBytes / 8;
    const cr = cRe / 8;
    const ci = cIm / 8;
    for (let jr = 0; jr < nb; jr++)
      for (let ir = 0; ir < mb; ir++) {
        let s00r = 0;
        let s10r = 0;
        let s01r = 0;
        let s11r = 0;
        let s00i = 0;
        let s10i = 0;
        let s01i = 0;
        let s11i = 0;
        let pa = pA / 8 + 4 * ir * kc;
        let pb = pB / 8 + 4 * jr * kc;
        for (let k = 0; k < kc; k++) {
          const a0r = a[pa]!;
          const a1r = a[pa + 1]!;
          const a0i = a[pa + 2]!;
          const a1i = a[pa + 3]!;
          const b0r = a[pb]!;
          const b1r = a[pb + 1]!;
          const b0i = a[pb + 2]!;
          const b1i = a[pb + 3]!;
          s00r += a0r * b0r - a0i * b0i;
          s00i += a0r * b0i + a0i * b0r;
          s10r += a1r * b0r - a1i * b0i;
          s10i += a1r * b0i + a1i * b0r;
          s01r += a0r * b1r - a0i * b1i;
          s01i += a0r * b1i + a0i * b1r;
          s11r += a1r * b1r - a1i * b1i;
          s11i += a1r * b1i + a1i * b1r;
          pa += 4;
          pb += 4;
        }
        const c0 = 2 * ir + 2 * jr * ld;
        const c1 = c0 + ld;
        a[cr + c0] = a[cr + c0]! - s00r;
        a[cr + c0 + 1] = a[cr + c0 + 1]! - s10r;
        a[cr + c1] = a[cr + c1]! - s01r;
        a[cr + c1 + 1] = a[cr + c1 + 1]! - s11r;
        a[ci + c0] = a[ci + c0]! - s00i;
        a[ci + c0 + 1] = a[ci + c0 + 1]! - s10i;
        a[ci + c1] = a[ci + c1]! - s01i;
        a[ci + c1 + 1] = a[ci + c1 + 1]! - s11i;
      }
  };
  return { zgemm, packA };
}

/** Growable ArrayBuffer standing in for a WebAssembly memory where there is none (for `jsZgemm`). */
export function jsMemory(bytes: number): WasmMemory {
  let buffer = new ArrayBuffer(Math.ceil(bytes / 65536) * 65536);
  return {
    get buffer() {
      return buffer;
    },
    grow(pages: number) {
      const old = buffer.byteLength / 65536;
      const next = new ArrayBuffer(buffer.byteLength + pages * 65536);
      new Uint8Array(next).set(new Uint8Array(buffer));
      buffer = next;
      return old;
    },
  };
}

/**
 * Source of the helper thread (CommonJS, run with `new Worker(src, { eval: true, workerData })`): it instantiates
 * the same kernels on the shared memory and serves one row-range job at a time through the Int32Array `control`:
 * [0] state (0 idle, 1 run, 2 quit), [1] rows m (even), [2] column micro-panels, [3] kc, [4] byte of A's first
 * element (real plane), [5] imaginary-plane offset, [6] ld bytes, [7] packed B, [8] byte of C's first element,
 * [9] done flag (main waits on it), [10] ready flag (set once instantiated), [11] its own packed-A buffer, [12] MC.
 * For each MC-row block it packs its rows of A (packA) and updates them (zgemm) against the shared packed B.
 */
export const ZGEMM_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const inst = new WebAssembly.Instance(workerData.module, { env: { mem: workerData.memory } });
const zgemm = inst.exports.zgemm;
const packA = inst.exports.packA;
const c = new Int32Array(workerData.control);
Atomics.store(c, 10, 1);
Atomics.notify(c, 10);
for (;;) {
  Atomics.wait(c, 0, 0);
  const s = Atomics.load(c, 0);
  if (s === 2) break;
  if (s !== 1) continue;
  const m = c[1], nb = c[2], kc = c[3], aSrc = c[4], imOff = c[5], ld = c[6], pB = c[7], cByte = c[8];
  const pA = c[11], MC = c[12];
  for (let i0 = 0; i0 < m; i0 += MC) {
    const mc = Math.min(MC, m - i0);
    packA(mc, kc, aSrc + 8 * i0, imOff, ld, pA);
    zgemm(mc / 2, nb, kc, pA, pB, cByte + 8 * i0, imOff + cByte + 8 * i0, ld);
  }
  Atomics.store(c, 0, 0);
  Atomics.store(c, 9, 1);
  Atomics.notify(c, 9);
}
`;
