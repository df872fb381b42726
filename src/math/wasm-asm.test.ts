import { describe, expect, it } from 'vitest';
import { I32, op, sleb, uleb, wasmApi, wasmModule } from './wasm-asm.js';
import { wasmSimdAvailable } from './zgemm-wasm.js';

describe('WebAssembly binary writer', () => {
  it('LEB128 by hand: the specification examples', () => {
    // 624485 = 0b10011_0001110_1100101 → 0xE5 0x8E 0x26 (unsigned); −123456 → 0xC0 0xBB 0x78 (signed)
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0)).toEqual([0]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });
  it('a hand-written module validates and runs: store(a + b) at address 0', () => {
    const W = wasmApi();
    if (!W) return;
    // i32.store = 0x36, align 2, offset 0
    const body = [...op.get(2), ...op.get(0), ...op.get(1), ...op.i32Add(), 0x36, 2, 0];
    const bytes = wasmModule([{ name: 'add', params: [I32, I32, I32], locals: [], body }]);
    expect(W.validate(bytes)).toBe(true);
    const mem = new W.Memory({ initial: 1 });
    const inst = new W.Instance(new W.Module(bytes), { env: { mem } });
    (inst.exports.add as (a: number, b: number, p: number) => void)(40, 2, 8);
    expect(new Int32Array(mem.buffer)[2]).toBe(42);
    expect(wasmSimdAvailable()).toBe(true); // Node ≥ 16.4 ships fixed-width SIMD
  });
});
