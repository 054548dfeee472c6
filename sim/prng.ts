/**
 * simlab's own pseudo-random generator: xoshiro128** (Blackman & Vigna) over
 * four 32-bit words, seeded through splitmix32. Integer-only API; probabilities
 * are ratios (`chance(1, 10)`), never floats, so results are identical on every
 * platform. `fork(label)` derives an independent child stream from the parent's
 * seed material and the label alone, so extra draws in one component never
 * reshuffle another's (this keeps fast-check shrinking effective).
 *
 * The output sequence is pinned by sim/prng.test.ts: changing the algorithm
 * changes what every seed means and must be reviewed.
 */

const U32 = 0x1_0000_0000;

/** A 32-bit FNV-1a hash of a string (UTF-16 code units), used to derive fork seeds. */
export function hashString32(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return [next, z];
}

/** Largest seed accepted: any integer a JavaScript number holds exactly. */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The 64 bits of seed material (as two words) that forks derive from. */
  private readonly seedHi: number;
  private readonly seedLo: number;

  /** Seeds from a non-negative safe integer. */
  constructor(seed: number);
  constructor(seedHi: number, seedLo: number);
  constructor(x: number, y?: number) {
    let hi: number;
    let lo: number;
    if (y === undefined) {
      if (!Number.isSafeInteger(x) || x < 0) {
        throw new RangeError(`seed must be an integer in 0..${SEED_MAX}, got ${x}`);
      }
      hi = Math.floor(x / U32) >>> 0;
      lo = x >>> 0;
    } else {
      hi = x >>> 0;
      lo = y >>> 0;
    }
    this.seedHi = hi;
    this.seedLo = lo;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    let out: number;
    [s, out] = splitmix32(s ^ 0x6a09e667);
    this.a = out;
    [s, out] = splitmix32(s ^ hi);
    this.b = out;
    [s, out] = splitmix32(s);
    this.c = out;
    [s, out] = splitmix32(s);
    this.d = out;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** A child stream named by `label`, independent of how many draws this stream made. */
  fork(label: string): Prng {
    const hi = hashString32(label, this.seedHi ^ 0x811c9dc5);
    const lo = hashString32(label, (this.seedLo ^ 0x27d4eb2f) >>> 0);
    return new Prng(hi, Math.imul(lo ^ hi, 0x2c1b3c6d) >>> 0 ^ this.seedLo);
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform integer in [0, n), 1 ≤ n ≤ 2^32, without modulo bias. */
  below(n: number): number {
    if (!(n >= 1 && n <= U32) || !Number.isInteger(n)) {
      throw new RangeError(`below(n) needs an integer n in 1..2^32, got ${n}`);
    }
    if ((n & (n - 1)) === 0 && n < U32) return this.u32() & (n - 1);
    const limit = U32 - (U32 % n);
    for (;;) {
      const x = this.u32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [min, max] (both inclusive). */
  intInclusive(min: number, max: number): number {
    if (max < min) throw new RangeError(`intInclusive: max ${max} < min ${min}`);
    return min + this.below(max - min + 1);
  }

  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.below(den) < num;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.below(items.length)]!;
  }

  /** Fisher–Yates in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
