/**
 * Recursive, cache-blocked complex LU with partial pivoting (Toledo, SIAM J. Matrix Anal. Appl. 18, 973 (1997);
 * Gustavson, IBM J. Res. Dev. 41, 737 (1997)): split the columns in two halves, factor the left half recursively,
 * apply its row interchanges to the right half, U₁₂ = L₁₁⁻¹A₁₂ (recursive triangular solve), A₂₂ ← A₂₂ − L₂₁U₁₂
 * (GEMM), factor A₂₂ recursively, then apply its interchanges back to the left half. The result is the same P·A = L·U
 * as the column-by-column elimination in complex-lu.ts (Golub & Van Loan Alg. 3.4.1; same pivot rule: the first
 * largest |a_ik|), but nearly all of the 8n³/3 flops land in the GEMM, which runs on packed panels in the
 * hand-written WebAssembly SIMD kernel of zgemm-wasm.ts (Goto & van de Geijn blocking: kc × mc blocks of A in L2,
 * kc × 2 micro-panels of B in L1); panels ≤ BASE columns wide, the small triangular solves and the row interchanges
 * stay in TypeScript.
 *
 * Measured (n = 1054, the 6 Å LiNiO2 Ni K FMS matrix size; 2-core AMD EPYC Zen 3, Node 20, process CPU time because
 * the machine is shared): 280–310 ms per factorisation = 10–11 GFLOP/s, of which ≈ 70 % is the wasm kernel; the
 * column-by-column loop takes ≈ 2.7 s (1.16 GFLOP/s) and OpenBLAS zgetrf (1 thread) 80–90 ms. `bench/fms.ts` prints
 * the wall-clock comparison on 1 and 2 threads.
 *
 * Working storage: the matrix is copied into split real/imaginary column-major planes inside the kernel's linear
 * memory, padded to an even order N with an identity block (the padding rows and columns stay exactly [0 … 1 …] and
 * never win a pivot search, so the leading n × n factors and pivots are those of A).
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { SpecfuseError } from '../core/errors.js';
import {
  compileZgemm,
  instantiateZgemm,
  jsMemory,
  jsZgemm,
  wasmSimdAvailable,
  ZGEMM_MR,
  ZGEMM_NR,
  ZGEMM_WORKER_SOURCE,
  type ZgemmKernels,
} from './zgemm-wasm.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-asm.js';

/** k-block (rows of packed B, columns of packed A) and m-block (rows of packed A) of the GEMM. */
const KC = 192;
const MC = 96;
const MR = ZGEMM_MR;
const NR = ZGEMM_NR;
if (MR !== 2 || NR !== 2)
  throw new SpecfuseError('internal', 'complex-lu-blocked packs for the 2×2 micro-tile of zgemm-wasm.ts');
/** Split granularity: every block edge is a multiple of the micro-tile. */
const Q = Math.max(MR, NR);
/** Panels this narrow (columns) are eliminated / solved directly in TypeScript. */
const BASE = 8;

/** Updates smaller than this many complex multiply-adds stay on the calling thread (wake-up ≈ 10–50 µs). */
const PARALLEL_MIN_CMA = 1 << 17;
/** Shared memory limit of the two-thread path (1 GiB: orders up to ≈ 7000); larger systems run on one thread. */
const SHARED_MAX_PAGES = 16384;

interface Helper {
  readonly worker: Worker;
  readonly control: Int32Array;
}

interface Workspace {
  readonly memory: WasmMemory;
  readonly kernels: ZgemmKernels;
  readonly helper?: Helper;
}
let plainWs: Workspace | undefined;
let sharedWs: Workspace | undefined;
let jsWs: Workspace | undefined;
let simd: boolean | undefined;
let threads = 1;
let forced: LuKernel | undefined;

export type LuKernel = 'wasm-simd' | 'typescript';

/** Whether the WebAssembly SIMD kernel can run here. */
export function wasmLuKernelAvailable(): boolean {
  if (simd === undefined) simd = wasmSimdAvailable();
  return simd;
}

/** The kernel the blocked LU uses: WebAssembly SIMD when available (default), else the TypeScript one. */
export function complexLuKernel(): LuKernel {
  if (forced === 'typescript' || !wasmLuKernelAvailable()) return 'typescript';
  return 'wasm-simd';
}

/** Force a kernel (tests, benchmarks) or go back to the automatic choice with 'auto'. */
export function setComplexLuKernel(k: LuKernel | 'auto'): void {
  forced = k === 'auto' ? undefined : k;
}

/**
 * Threads used by the blocked LU's matrix update: 1 (default) or 2 (the calling thread plus one worker thread on a
 * shared WebAssembly memory: in every large update the helper packs and updates the lower half of the rows against
 * the shared packed B; wasm kernel only). The worker starts on
 * first use and is unref'd, so it never keeps the process alive.
 */
export function setComplexLuThreads(n: number): void {
  threads = n >= 2 ? 2 : 1;
}

export function complexLuThreads(): number {
  return threads;
}

let helperJobs = 0;

/** Whether the helper thread of the two-thread path has started and answered (false until first used). */
export function complexLuHelperRunning(): boolean {
  return sharedWs?.helper !== undefined;
}

/** How many row-range jobs the helper thread has been given so far (diagnostics and tests). */
export function complexLuHelperJobs(): number {
  return helperJobs;
}

function grow(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
}

function startHelper(module: WasmModule, memory: WasmMemory): Helper | undefined {
  const control = new Int32Array(new SharedArrayBuffer(16 * 4));
  // loaded on first use only, so that importing the math layer needs no worker support
  const { Worker: WorkerCtor } = createRequire(import.meta.url)('node:worker_threads') as {
    Worker: typeof Worker;
  };
  const worker = new WorkerCtor(ZGEMM_WORKER_SOURCE, {
    eval: true,
    workerData: { module, memory, control: control.buffer },
  });
  worker.unref();
  // wait (≤ 10 s) for the ready flag the worker sets once its kernel is instantiated
  const t0 = Date.now();
  while (Atomics.load(control, 10) === 0 && Date.now() - t0 < 10_000) Atomics.wait(control, 10, 0, 50);
  if (Atomics.load(control, 10) === 0) {
    void worker.terminate();
    return undefined;
  }
  return { worker, control };
}

function workspace(bytes: number): Workspace {
  if (complexLuKernel() === 'typescript') {
    if (!jsWs) {
      const memory = jsMemory(bytes);
      jsWs = { memory, kernels: jsZgemm(memory) };
    }
    grow(jsWs.memory, bytes);
    return jsWs;
  }
  if (threads === 2 && bytes <= SHARED_MAX_PAGES * 65536) {
    if (!sharedWs) {
      const memory = new (wasmApi()!.Memory)({
        initial: Math.ceil(bytes / 65536),
        maximum: SHARED_MAX_PAGES,
        shared: true,
      });
      const module = compileZgemm(SHARED_MAX_PAGES);
      const helper = startHelper(module, memory);
      sharedWs = { memory, kernels: instantiateZgemm(module, memory), ...(helper ? { helper } : {}) };
    }
    grow(sharedWs.memory, bytes);
    return sharedWs;
  }
  if (!plainWs) {
    const memory = new (wasmApi()!.Memory)({ initial: Math.ceil(bytes / 65536) });
    plainWs = { memory, kernels: instantiateZgemm(compileZgemm(), memory) };
  }
  grow(plainWs.memory, bytes);
  return plainWs;
}

/** The state of one factorisation: planes, packing buffers and pivots. */
class Factorizer {
  readonly N: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly packB: Float64Array;
  readonly piv: Int32Array;
  readonly k: ZgemmKernels;
  readonly helper: Helper | undefined;
  readonly imByte: number;
  /** Packed-A buffers of this thread and of the helper. */
  readonly pAByte: number;
  readonly pAHelperByte: number;
  readonly pBByte: number;

  constructor(N: number) {
    this.N = N;
    const plane = 8 * N * N;
    const aBytes = 16 * MC * KC;
    const bBytes = 16 * KC * (N + NR);
    const w = workspace(2 * plane + 2 * aBytes + bBytes);
    const buf = w.memory.buffer;
    this.k = w.kernels;
    this.helper = w.helper;
    this.re = new Float64Array(buf, 0, N * N);
    this.im = new Float64Array(buf, plane, N * N);
    this.imByte = plane;
    this.pAByte = 2 * plane;
    this.pAHelperByte = 2 * plane + aBytes;
    this.pBByte = 2 * plane + 2 * aBytes;
    this.packB = new Float64Array(buf, this.pBByte, 2 * KC * (N + NR));
    this.piv = new Int32Array(N);
  }

  /** C(cr.., cc..) −= A(ar.., ac..)·B(br.., bc..) for an m × nn result and inner size k (m, nn multiples of 2). */
  gemm(
    m: number,
    nn: number,
    k: number,
    ar: number,
    ac: number,
    br: number,
    bc: number,
    cr: number,
    cc: number,
  ) {
    if (m === 0 || nn === 0 || k === 0) return;
    const { N, re, im, packB } = this;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      // pack B: per NR-column micro-panel, per k: NR re then NR im
      let o = 0;
      for (let j = 0; j < nn; j += 2) {
        const c0 = (bc + j) * N + br + p0;
        const c1 = c0 + N;
        for (let kk = 0; kk < kc; kk++) {
          packB[o] = re[c0 + kk]!;
          packB[o + 1] = re[c1 + kk]!;
          packB[o + 2] = im[c0 + kk]!;
          packB[o + 3] = im[c1 + kk]!;
          o += 4;
        }
      }
      this.rows(m, nn / NR, kc, 8 * ((ac + p0) * N + ar), 8 * (cc * N + cr));
    }
  }

  /**
   * Rows 0…m−1 of C (first element at byte cByte) −= A (first element at aByte) · packed B, MC rows at a time (pack
   * A, then the kernel). With the helper thread and enough work, the helper takes the lower half of the rows.
   */
  rows(m: number, nb: number, kc: number, aByte: number, cByte: number) {
    const h = this.helper;
    const ld = 8 * this.N;
    let mMain = m;
    if (h && m >= 2 * MR && m * nb * NR * kc >= PARALLEL_MIN_CMA) {
      mMain = MR * Math.floor(m / (2 * MR));
      const c = h.control;
      c[1] = m - mMain;
      c[2] = nb;
      c[3] = kc;
      c[4] = aByte + 8 * mMain;
      c[5] = this.imByte;
      c[6] = ld;
      c[7] = this.pBByte;
      c[8] = cByte + 8 * mMain;
      c[11] = this.pAHelperByte;
      c[12] = MC;
      Atomics.store(c, 9, 0);
      Atomics.store(c, 0, 1);
      Atomics.notify(c, 0);
      helperJobs++;
    }
    const { zgemm, packA } = this.k;
    for (let i0 = 0; i0 < mMain; i0 += MC) {
      const mc = Math.min(MC, mMain - i0);
      packA(mc, kc, aByte + 8 * i0, this.imByte, ld, this.pAByte);
      const cb = cByte + 8 * i0;
      zgemm(mc / MR, nb, kc, this.pAByte, this.pBByte, cb, this.imByte + cb, ld);
    }
    if (mMain < m) {
      const c = h!.control;
      const t0 = Date.now();
      while (Atomics.load(c, 9) === 0) {
        if (Atomics.wait(c, 9, 0, 1000) === 'timed-out' && Date.now() - t0 > 60_000)
          throw new SpecfuseError('internal', 'complex LU helper thread did not answer within 60 s');
      }
    }
  }

  /** Apply the interchanges of pivots k0…k1−1 to columns c0…c1−1 (column by column: each stays in cache). */
  swapRows(k0: number, k1: number, c0: number, c1: number) {
    const { N, re, im, piv } = this;
    // the non-trivial interchanges, in order, as (row, pivot row) pairs
    const pairs = new Int32Array(2 * (k1 - k0));
    let np = 0;
    for (let i = k0; i < k1; i++)
      if (piv[i] !== i) {
        pairs[np++] = i;
        pairs[np++] = piv[i]!;
      }
    if (np === 0) return;
    for (let c = c0; c < c1; c++) {
      const cb = c * N;
      for (let q = 0; q < np; q += 2) {
        const a = cb + pairs[q]!;
        const b = cb + pairs[q + 1]!;
        const tr = re[a]!;
        re[a] = re[b]!;
        re[b] = tr;
        const ti = im[a]!;
        im[a] = im[b]!;
        im[b] = ti;
      }
    }
  }

  /** Unblocked elimination of columns c0…c0+w−1 (rows c0…N−1), pivots recorded, swaps inside the panel only. */
  basePanel(c0: number, w: number) {
    const { N, re, im, piv } = this;
    for (let k = c0; k < c0 + w; k++) {
      const ck = k * N;
      let p = k;
      let best = -1;
      for (let i = k; i < N; i++) {
        const m = re[ck + i]! * re[ck + i]! + im[ck + i]! * im[ck + i]!;
        if (m > best) {
          best = m;
          p = i;
        }
      }
      if (!(best > 0))
        throw new SpecfuseError('invalid-argument', `complex LU: singular matrix at column ${k}`, {
          field: 'a',
        });
      piv[k] = p;
      if (p !== k)
        for (let c = c0; c < c0 + w; c++) {
          const a = k + c * N;
          const b = p + c * N;
          const tr = re[a]!;
          re[a] = re[b]!;
          re[b] = tr;
          const ti = im[a]!;
          im[a] = im[b]!;
          im[b] = ti;
        }
      const dRe = re[ck + k]!;
      const dIm = im[ck + k]!;
      const den = dRe * dRe + dIm * dIm;
      const invRe = dRe / den;
      const invIm = -dIm / den;
      for (let i = k + 1; i < N; i++) {
        const xr = re[ck + i]!;
        const xi = im[ck + i]!;
        re[ck + i] = xr * invRe - xi * invIm;
        im[ck + i] = xr * invIm + xi * invRe;
      }
      for (let j = k + 1; j < c0 + w; j++) {
        const cj = j * N;
        const uRe = re[cj + k]!;
        const uIm = im[cj + k]!;
        if (uRe === 0 && uIm === 0) continue;
        for (let i = k + 1; i < N; i++) {
          const lRe = re[ck + i]!;
          const lIm = im[ck + i]!;
          re[cj + i] = re[cj + i]! - (lRe * uRe - lIm * uIm);
          im[cj + i] = im[cj + i]! - (lRe * uIm + lIm * uRe);
        }
      }
    }
  }

  /** B ← L⁻¹B for the unit lower triangle L = A(r0…r0+h−1, same columns) and B = A(r0…r0+h−1, c0…c0+nc−1). */
  trsm(r0: number, h: number, c0: number, nc: number) {
    if (h <= BASE) {
      const { N, re, im } = this;
      for (let c = c0; c < c0 + nc; c++) {
        const cb = c * N;
        for (let k = r0; k < r0 + h; k++) {
          const yRe = re[cb + k]!;
          const yIm = im[cb + k]!;
          if (yRe === 0 && yIm === 0) continue;
          const ck = k * N;
          for (let i = k + 1; i < r0 + h; i++) {
            const lRe = re[ck + i]!;
            const lIm = im[ck + i]!;
            re[cb + i] = re[cb + i]! - (lRe * yRe - lIm * yIm);
            im[cb + i] = im[cb + i]! - (lRe * yIm + lIm * yRe);
          }
        }
      }
      return;
    }
    const h1 = Q * Math.floor(h / (2 * Q));
    this.trsm(r0, h1, c0, nc);
    this.gemm(h - h1, nc, h1, r0 + h1, r0, r0, c0, r0 + h1, c0);
    this.trsm(r0 + h1, h - h1, c0, nc);
  }

  /** Factor columns c0…c0+w−1 over rows c0…N−1 (w even, c0 even). */
  factor(c0: number, w: number) {
    if (w <= BASE) {
      this.basePanel(c0, w);
      return;
    }
    const h = Q * Math.floor(w / (2 * Q));
    const N = this.N;
    this.factor(c0, h);
    this.swapRows(c0, c0 + h, c0 + h, c0 + w);
    this.trsm(c0, h, c0 + h, w - h);
    this.gemm(N - c0 - h, w - h, h, c0 + h, c0, c0, c0 + h, c0 + h, c0 + h);
    this.factor(c0 + h, w - h);
    this.swapRows(c0 + h, c0 + w, c0, c0 + h);
  }
}

/**
 * Factorise A (n×n, interleaved column-major, LAPACK layout) in place with the blocked WebAssembly kernel:
 * on return `a` holds L (unit, below the diagonal) and U, and `piv[k]` the 0-based row swapped with row k.
 * Throws on an exactly singular pivot. Kernel: `complexLuKernel()`.
 */
export function complexLuFactorBlockedInPlace(a: Float64Array, n: number, piv: Int32Array): void {
  const N = Math.ceil(n / Q) * Q;
  const f = new Factorizer(N);
  const { re, im } = f;
  for (let j = 0; j < n; j++) {
    const src = 2 * j * n;
    const dst = j * N;
    for (let i = 0; i < n; i++) {
      re[dst + i] = a[src + 2 * i]!;
      im[dst + i] = a[src + 2 * i + 1]!;
    }
    re.fill(0, dst + n, dst + N);
    im.fill(0, dst + n, dst + N);
  }
  for (let j = n; j < N; j++) {
    re.fill(0, j * N, (j + 1) * N);
    im.fill(0, j * N, (j + 1) * N);
    re[j * N + j] = 1;
  }
  f.factor(0, N);
  for (let j = 0; j < n; j++) {
    const dst = 2 * j * n;
    const src = j * N;
    for (let i = 0; i < n; i++) {
      a[dst + 2 * i] = re[src + i]!;
      a[dst + 2 * i + 1] = im[src + i]!;
    }
  }
  for (let k = 0; k < n; k++) piv[k] = f.piv[k]!;
}
