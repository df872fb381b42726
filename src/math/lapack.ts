/**
 * Dense complex LU through native LAPACK (OpenBLAS), loaded with the koffi FFI.
 *
 * Looked up in order: `$SPECFUSE_LAPACK_LIB`, Debian `liblapacke` (LAPACKE_zgetrf/zgetrs, column-major), then the
 * Fortran entry points `zgetrf_`/`zgetrs_` that OpenBLAS itself exports (Debian `libopenblas0-pthread`). When none
 * loads, `lapackAvailable()` is false and callers use the pure-TypeScript `complexLuFactor`/`complexLuSolve` (same
 * storage: interleaved column-major; pivots here are LAPACK's 1-based). koffi's synchronous calls need a 16 MiB stack
 * or threaded OpenBLAS segfaults (STACK-NOTES), hence `koffi.config` before the first load.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SpecfuseError } from '../core/errors.js';

const require = createRequire(import.meta.url);
type Koffi = typeof import('koffi');

interface LapackApi {
  readonly kind: 'lapacke' | 'fortran';
  readonly path: string;
  getrf(n: number, a: Float64Array, ipiv: Int32Array): number;
  getrs(n: number, nrhs: number, a: Float64Array, ipiv: Int32Array, b: Float64Array): number;
  setThreads?: (n: number) => void;
}

let api: LapackApi | undefined;
let loadError: string | undefined;

const LAPACKE_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/liblapacke.so.3',
  '/usr/lib/x86_64-linux-gnu/liblapacke.so',
  '/usr/lib/aarch64-linux-gnu/liblapacke.so.3',
];
const OPENBLAS_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/libopenblas.so.0',
];

function loadApi(): LapackApi {
  if (api) return api;
  if (loadError) throw new SpecfuseError('engine', loadError);
  let koffi: Koffi;
  try {
    koffi = require('koffi') as Koffi;
    koffi.config({ sync_stack_size: 16 * 1024 * 1024 });
  } catch (e) {
    loadError = `koffi FFI unavailable: ${(e as Error).message}`;
    throw new SpecfuseError('engine', loadError);
  }
  const env = process.env.SPECFUSE_LAPACK_LIB;
  const tried: string[] = [];
  const lapacke = [...(env ? [env] : []), ...LAPACKE_CANDIDATES].filter((p) => existsSync(p));
  for (const path of lapacke) {
    try {
      const lib = koffi.load(path);
      const zgetrf = lib.func(
        'int LAPACKE_zgetrf(int layout, int m, int n, _Inout_ double *a, int lda, _Out_ int *ipiv)',
      );
      const zgetrs = lib.func(
        'int LAPACKE_zgetrs(int layout, char trans, int n, int nrhs, const double *a, int lda, const int *ipiv, _Inout_ double *b, int ldb)',
      );
      let setThreads: ((n: number) => void) | undefined;
      try {
        setThreads = lib.func('void openblas_set_num_threads(int n)') as (n: number) => void;
      } catch {
        setThreads = undefined;
      }
      api = {
        kind: 'lapacke',
        path,
        getrf: (n, a, ipiv) => zgetrf(102, n, n, a, n, ipiv) as number,
        getrs: (n, nrhs, a, ipiv, b) => zgetrs(102, 'N'.charCodeAt(0), n, nrhs, a, n, ipiv, b, n) as number,
        ...(setThreads ? { setThreads } : {}),
      };
      return api;
    } catch (e) {
      tried.push(`${path}: ${(e as Error).message}`);
    }
  }
  const blas = [...(env ? [env] : []), ...OPENBLAS_CANDIDATES].filter((p) => existsSync(p));
  for (const path of blas) {
    try {
      const lib = koffi.load(path);
      const zgetrf = lib.func(
        'void zgetrf_(const int *m, const int *n, _Inout_ double *a, const int *lda, _Out_ int *ipiv, _Out_ int *info)',
      );
      const zgetrs = lib.func(
        'void zgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda, const int *ipiv, _Inout_ double *b, const int *ldb, _Out_ int *info, size_t len)',
      );
      const setThreads = lib.func('void openblas_set_num_threads(int n)') as (n: number) => void;
      api = {
        kind: 'fortran',
        path,
        getrf: (n, a, ipiv) => {
          const info = [0];
          zgetrf([n], [n], a, [n], ipiv, info);
          return info[0]!;
        },
        getrs: (n, nrhs, a, ipiv, b) => {
          const info = [0];
          zgetrs('N', [n], [nrhs], a, [n], ipiv, b, [n], info, 1);
          return info[0]!;
        },
        setThreads,
      };
      return api;
    } catch (e) {
      tried.push(`${path}: ${(e as Error).message}`);
    }
  }
  loadError = `no LAPACK found (install Debian liblapacke or libopenblas0-pthread, or set SPECFUSE_LAPACK_LIB)${
    tried.length ? `; tried ${tried.join('; ')}` : ''
  }`;
  throw new SpecfuseError('engine', loadError);
}

/** Whether native LAPACK loaded (never throws). */
export function lapackAvailable(): boolean {
  try {
    loadApi();
    return true;
  } catch {
    return false;
  }
}

/** Which library and binding is in use, for provenance (undefined when none). */
export function lapackInfo(): { kind: 'lapacke' | 'fortran'; path: string } | undefined {
  return lapackAvailable() ? { kind: api!.kind, path: api!.path } : undefined;
}

/** Set the OpenBLAS thread count (no-op when the library has no such entry point). */
export function lapackSetThreads(n: number): void {
  loadApi().setThreads?.(Math.max(1, Math.floor(n)));
}

/**
 * zgetrf + zgetrs: solve A·X = B for nrhs columns. A (n×n) and B (n×nrhs) are interleaved column-major;
 * A is overwritten by its LU factors and B by X. Throws SpecfuseError on a singular matrix.
 */
export function lapackSolve(a: Float64Array, n: number, b: Float64Array, nrhs: number): Float64Array {
  const L = loadApi();
  const ipiv = new Int32Array(n);
  const info = L.getrf(n, a, ipiv);
  if (info !== 0)
    throw new SpecfuseError(
      'invalid-argument',
      `zgetrf: ${info > 0 ? `singular at ${info}` : `bad arg ${-info}`}`,
      {
        field: 'a',
      },
    );
  const info2 = L.getrs(n, nrhs, a, ipiv, b);
  if (info2 !== 0) throw new SpecfuseError('internal', `zgetrs failed: info ${info2}`, { field: 'b' });
  return b;
}
