import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SpecfuseError } from '../core/errors.js';

/**
 * XGBoost (Debian `libxgboost0`, C API of 1.7.x) through the koffi FFI. Only the handful of entry points needed for
 * training, prediction, TreeSHAP contributions and JSON (de)serialisation are bound. Handles are freed explicitly
 * with `dispose()` (and by a FinalizationRegistry as a safety net).
 */

const require = createRequire(import.meta.url);
type Koffi = typeof import('koffi');

const CANDIDATES = [
  process.env.SPECFUSE_XGBOOST_LIB,
  '/usr/lib/x86_64-linux-gnu/libxgboost.so.0',
  '/usr/lib/aarch64-linux-gnu/libxgboost.so.0',
  '/usr/lib/x86_64-linux-gnu/libxgboost.so',
  '/usr/lib/libxgboost.so',
  '/usr/local/lib/libxgboost.so',
];

interface Api {
  koffi: Koffi;
  XGBGetLastError: () => string;
  XGBoostVersion: (major: number[], minor: number[], patch: number[]) => void;
  XGDMatrixCreateFromMat: (
    data: Float32Array,
    nrow: number,
    ncol: number,
    missing: number,
    out: unknown[],
  ) => number;
  XGDMatrixSetFloatInfo: (h: unknown, field: string, arr: Float32Array, len: number) => number;
  XGDMatrixFree: (h: unknown) => number;
  XGBoosterCreate: (dmats: unknown[], len: number, out: unknown[]) => number;
  XGBoosterFree: (h: unknown) => number;
  XGBoosterSetParam: (h: unknown, name: string, value: string) => number;
  XGBoosterUpdateOneIter: (h: unknown, iter: number, dtrain: unknown) => number;
  XGBoosterPredict: (
    h: unknown,
    dmat: unknown,
    mask: number,
    ntree: number,
    training: number,
    outLen: unknown[],
    outResult: unknown[],
  ) => number;
  XGBoosterSaveModelToBuffer: (h: unknown, config: string, outLen: unknown[], out: unknown[]) => number;
  XGBoosterLoadModelFromBuffer: (h: unknown, buf: Buffer, len: number) => number;
}

let api: Api | undefined;
let loadError: string | undefined;

/** Path of the XGBoost shared library, or undefined if none is installed. */
export function xgboostLibraryPath(): string | undefined {
  return CANDIDATES.find((p): p is string => p !== undefined && existsSync(p));
}

/** Whether the native XGBoost library can be loaded (for tests: `requireTool('libxgboost0', xgboostAvailable())`). */
export function xgboostAvailable(): boolean {
  try {
    loadApi();
    return true;
  } catch {
    return false;
  }
}

function loadApi(): Api {
  if (api) return api;
  if (loadError) throw new SpecfuseError('engine', loadError);
  const path = xgboostLibraryPath();
  if (!path) {
    loadError =
      'XGBoost library not found (install Debian package libxgboost0, or set SPECFUSE_XGBOOST_LIB to libxgboost.so)';
    throw new SpecfuseError('engine', loadError);
  }
  try {
    const koffi = require('koffi') as Koffi;
    // Threaded native code (OpenMP) needs a larger stack for koffi's synchronous calls (STACK-NOTES).
    const want = 16 * 1024 * 1024;
    try {
      if ((koffi.config().sync_stack_size ?? 0) < want)
        koffi.config({ ...koffi.config(), sync_stack_size: want });
    } catch {
      // settings are frozen once another module made FFI calls; that module (math/lapack) sets the same size
    }
    const lib = koffi.load(path);
    api = {
      koffi,
      XGBGetLastError: lib.func('const char *XGBGetLastError()'),
      XGBoostVersion: lib.func('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)'),
      XGDMatrixCreateFromMat: lib.func(
        'int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out)',
      ),
      XGDMatrixSetFloatInfo: lib.func(
        'int XGDMatrixSetFloatInfo(void *handle, const char *field, const float *array, uint64_t len)',
      ),
      XGDMatrixFree: lib.func('int XGDMatrixFree(void *handle)'),
      XGBoosterCreate: lib.func('int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)'),
      XGBoosterFree: lib.func('int XGBoosterFree(void *handle)'),
      XGBoosterSetParam: lib.func('int XGBoosterSetParam(void *handle, const char *name, const char *value)'),
      XGBoosterUpdateOneIter: lib.func('int XGBoosterUpdateOneIter(void *handle, int iter, void *dtrain)'),
      XGBoosterPredict: lib.func(
        'int XGBoosterPredict(void *handle, void *dmat, int option_mask, unsigned int ntree_limit, int training, _Out_ uint64_t *out_len, _Out_ void **out_result)',
      ),
      XGBoosterSaveModelToBuffer: lib.func(
        'int XGBoosterSaveModelToBuffer(void *handle, const char *json_config, _Out_ uint64_t *out_len, _Out_ void **out_dptr)',
      ),
      XGBoosterLoadModelFromBuffer: lib.func(
        'int XGBoosterLoadModelFromBuffer(void *handle, const void *buf, uint64_t len)',
      ),
    } as unknown as Api;
    return api;
  } catch (e) {
    loadError = `cannot load XGBoost library ${path}: ${(e as Error).message}`;
    throw new SpecfuseError('engine', loadError);
  }
}

function check(a: Api, rc: number, what: string): void {
  if (rc !== 0) throw new SpecfuseError('engine', `XGBoost ${what} failed: ${a.XGBGetLastError()}`);
}

/** Version of the loaded native library, e.g. "1.7.4". */
export function xgboostVersion(): string {
  const a = loadApi();
  const ma = [0];
  const mi = [0];
  const pa = [0];
  a.XGBoostVersion(ma, mi, pa);
  return `${ma[0]}.${mi[0]}.${pa[0]}`;
}

const registry = new FinalizationRegistry<() => void>((free) => free());

/** A dense float32 row-major matrix (NaN = missing). */
export interface DenseMatrix {
  readonly data: Float32Array;
  readonly nrow: number;
  readonly ncol: number;
}

class DMatrix {
  readonly handle: unknown;
  private freed = false;
  constructor(
    private readonly a: Api,
    m: DenseMatrix,
    label?: Float32Array,
    weight?: Float32Array,
  ) {
    if (m.data.length !== m.nrow * m.ncol)
      throw new SpecfuseError(
        'internal',
        `matrix data has ${m.data.length} values, expected ${m.nrow}×${m.ncol}`,
      );
    const out: unknown[] = [null];
    check(a, a.XGDMatrixCreateFromMat(m.data, m.nrow, m.ncol, Number.NaN, out), 'XGDMatrixCreateFromMat');
    this.handle = out[0];
    if (label) check(a, a.XGDMatrixSetFloatInfo(this.handle, 'label', label, label.length), 'set label');
    if (weight) check(a, a.XGDMatrixSetFloatInfo(this.handle, 'weight', weight, weight.length), 'set weight');
  }
  free(): void {
    if (!this.freed) {
      this.freed = true;
      this.a.XGDMatrixFree(this.handle);
    }
  }
}

/** Training parameters (XGBoost names). Values are stringified for XGBoosterSetParam. */
export type XgbParams = Record<string, string | number | boolean>;

export class Booster {
  private handle: unknown;
  private disposed = false;
  private constructor(
    private readonly a: Api,
    handle: unknown,
  ) {
    this.handle = handle;
    const h = handle;
    registry.register(this, () => a.XGBoosterFree(h), this);
  }

  private static create(a: Api, dmats: unknown[]): Booster {
    const out: unknown[] = [null];
    check(a, a.XGBoosterCreate(dmats, dmats.length, out), 'XGBoosterCreate');
    return new Booster(a, out[0]);
  }

  /**
   * Train `rounds` boosting iterations on a dense matrix. `params` go to XGBoosterSetParam before the first round
   * (e.g. objective, eta, max_depth, nthread, num_parallel_tree, subsample, colsample_bynode, seed).
   */
  static train(
    X: DenseMatrix,
    y: Float32Array,
    params: XgbParams,
    rounds: number,
    weight?: Float32Array,
  ): Booster {
    const a = loadApi();
    if (y.length !== X.nrow) throw new SpecfuseError('internal', `label length ${y.length} ≠ rows ${X.nrow}`);
    const dm = new DMatrix(a, X, y, weight);
    try {
      const b = Booster.create(a, [dm.handle]);
      for (const [k, v] of Object.entries(params)) b.setParam(k, v);
      for (let it = 0; it < rounds; it++)
        check(a, a.XGBoosterUpdateOneIter(b.handle, it, dm.handle), 'update');
      return b;
    } finally {
      dm.free();
    }
  }

  /** A booster from XGBoost's JSON model text (as produced by `saveJson`, or by Python `save_model('m.json')`). */
  static fromJson(json: string): Booster {
    const a = loadApi();
    const b = Booster.create(a, []);
    const buf = Buffer.from(json, 'utf8');
    check(a, a.XGBoosterLoadModelFromBuffer(b.handle, buf, buf.length), 'load model');
    return b;
  }

  setParam(name: string, value: string | number | boolean): void {
    this.alive();
    check(this.a, this.a.XGBoosterSetParam(this.handle, name, String(value)), `set param ${name}`);
  }

  private alive(): void {
    if (this.disposed) throw new SpecfuseError('internal', 'booster used after dispose()');
  }

  private predictRaw(X: DenseMatrix, mask: number): Float32Array {
    this.alive();
    const dm = new DMatrix(this.a, X);
    try {
      const len: unknown[] = [0];
      const ptr: unknown[] = [null];
      check(this.a, this.a.XGBoosterPredict(this.handle, dm.handle, mask, 0, 0, len, ptr), 'predict');
      const n = Number(len[0]);
      // The result buffer belongs to the booster and is overwritten by the next call: copy it out.
      return Float32Array.from(this.a.koffi.decode(ptr[0], 'float', n) as ArrayLike<number>);
    } finally {
      dm.free();
    }
  }

  /** Predictions in output space (probabilities for binary:logistic). */
  predict(X: DenseMatrix): Float32Array {
    return this.predictRaw(X, 0);
  }
  /** Untransformed margins. */
  predictMargin(X: DenseMatrix): Float32Array {
    return this.predictRaw(X, 1);
  }
  /** TreeSHAP contributions (margin space): nrow × (ncol + 1), the last column is the bias. */
  contributions(X: DenseMatrix): Float32Array {
    return this.predictRaw(X, 4);
  }

  /** The model as XGBoost's JSON text. */
  saveJson(): string {
    this.alive();
    const len: unknown[] = [0];
    const ptr: unknown[] = [null];
    check(
      this.a,
      this.a.XGBoosterSaveModelToBuffer(this.handle, '{"format": "json"}', len, ptr),
      'XGBoosterSaveModelToBuffer',
    );
    const bytes = this.a.koffi.decode(ptr[0], 'uint8_t', Number(len[0])) as ArrayLike<number>;
    return Buffer.from(Uint8Array.from(bytes)).toString('utf8');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    registry.unregister(this);
    this.a.XGBoosterFree(this.handle);
  }
}
