/**
 * A minimal WebAssembly binary writer: just enough of the format (WebAssembly Core Specification 2.0, §5 "Binary
 * Format", plus the fixed-width SIMD proposal's 0xFD opcodes) to hand-write small numeric kernels in this repository
 * without a toolchain. One module = one imported linear memory + functions whose bodies are written as opcode lists.
 * Integers are LEB128 (§5.2.2): unsigned for indices and sizes, signed for i32.const.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function str(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Instructions used by the kernels (§5.4); each returns its encoded bytes. */
export const op = {
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  if: (): number[] => [0x04, 0x40],
  end: (): number[] => [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  i32Eqz: (): number[] => [0x45],
  i32GeS: (): number[] => [0x4e],
  i32Add: (): number[] => [0x6a],
  i32Sub: (): number[] => [0x6b],
  i32Mul: (): number[] => [0x6c],
  i32And: (): number[] => [0x71],
  /** v128.load with byte offset (alignment hint 2^3). */
  v128Load: (offset = 0): number[] => [0xfd, ...uleb(0), 3, ...uleb(offset)],
  v128Store: (offset = 0): number[] => [0xfd, ...uleb(11), 3, ...uleb(offset)],
  /** v128.load64_splat: one f64 from memory into both lanes. */
  load64Splat: (offset = 0): number[] => [0xfd, ...uleb(10), 3, ...uleb(offset)],
  v128Zero: (): number[] => [0xfd, ...uleb(12), ...new Array<number>(16).fill(0)],
  f64x2Add: (): number[] => [0xfd, ...uleb(240)],
  f64x2Sub: (): number[] => [0xfd, ...uleb(241)],
  f64x2Mul: (): number[] => [0xfd, ...uleb(242)],
};

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  /** Extra locals after the parameters, as (count, type) runs. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: readonly number[];
}

/**
 * A module importing `env.mem` (shared when `sharedMaxPages` is given, else an ordinary memory of ≥ 1 page) and
 * exporting the given functions (no results).
 */
export function wasmModule(fns: readonly WasmFunction[], sharedMaxPages?: number): Uint8Array {
  const types = vec(fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]));
  const limits =
    sharedMaxPages !== undefined ? [0x03, ...uleb(1), ...uleb(sharedMaxPages)] : [0x00, ...uleb(1)];
  const imports = vec([[...str('env'), ...str('mem'), 0x02, ...limits]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const codes = vec(
    fns.map((f) => {
      const body = [...vec(f.locals.map(([c, t]) => [...uleb(c), t])), ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, codes),
  ]);
}

/** The slice of the WebAssembly JS API the kernels use (the project's TS lib has no DOM/WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** The engine's WebAssembly object, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}
