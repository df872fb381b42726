/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM Trans. Math. Softw. 47, 36 (2021)), state seeded through splitmix32 so that any integer seed
 * (including 0) gives a well-mixed non-zero state. Period 2^128 − 1; 32-bit outputs.
 * Deterministic across platforms: only 32-bit integer arithmetic (Math.imul, >>>) is used.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n) (unbiased, rejection sampling). n must be a positive integer ≤ 2^32. */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(array: T[]): T[];
  /** Standard normal deviate (Box–Muller, polar form). */
  normal(): number;
  /** Raw 32-bit unsigned output. */
  uint32(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Fold an arbitrary finite number (or string) into a 32-bit seed. */
function seed32(seed: number | string): number {
  if (typeof seed === 'string') {
    let h = 0x811c9dc5; // FNV-1a
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    return h;
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  const hi = Math.floor(seed / 0x100000000);
  return ((seed >>> 0) ^ Math.imul(hi >>> 0, 0x9e3779b1)) >>> 0;
}

export function makeRng(seed: number | string): Rng {
  const sm = splitmix32(seed32(seed));
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare: number | undefined;
  const rng: Rng = {
    uint32,
    next: () => uint32() / 0x100000000,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0 || n > 0x100000000)
        throw new RangeError(`int(n) needs 1 ≤ n ≤ 2^32, got ${n}`);
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = uint32();
        if (x < limit) return x % n;
      }
    },
    shuffle<T>(array: T[]): T[] {
      for (let i = array.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = array[i] as T;
        array[i] = array[j] as T;
        array[j] = tmp;
      }
      return array;
    },
    normal(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      for (;;) {
        const u = 2 * rng.next() - 1;
        const v = 2 * rng.next() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const m = Math.sqrt((-2 * Math.log(s)) / s);
          spare = v * m;
          return u * m;
        }
      }
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
