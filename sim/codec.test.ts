import { describe, expect, it } from 'vitest';
import { arrayHeader, CodecError, CodecScratch, decode, encode, encodedSize, hashValue, ValueCursor } from './codec.ts';

const samples: unknown[] = [
  null,
  true,
  false,
  0,
  127,
  128,
  -1,
  2 ** 53 - 1,
  -(2 ** 40),
  1.5,
  -0.25,
  '',
  'hello',
  'héllo ✓ 𝄞',
  [1, 'a', [null, true]],
  { term: 3, leaderId: 1, entries: [{ term: 1, command: 'x' }], skip: undefined },
  new Uint8Array([1, 2, 3, 255]),
  'x'.repeat(5000),
];

describe('codec', () => {
  it('a ValueCursor reads values one by one, skips them, finds their bytes and reads array headers', () => {
    const parts = samples.map((v) => encode(v));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    const c = new ValueCursor(all);
    at = 0;
    for (let i = 0; i < samples.length; i++) {
      expect(c.pos).toBe(at);
      if (i % 2 === 0) c.skip();
      else expect(c.value()).toEqual(decode(parts[i]!));
      at += parts[i]!.length;
      expect(c.pos).toBe(at);
    }
    expect(c.done).toBe(true);
    const arr = new ValueCursor(encode([[1, 2], 'x', { a: 1 }]));
    expect(arr.arrayHeader()).toBe(3);
    expect(arr.pos).toBe(arrayHeader(3).length);
    expect(arr.arrayHeader()).toBe(2);
    const inner = arr.pos;
    expect(arr.value()).toBe(1);
    arr.seek(inner);
    expect(arr.value()).toBe(1);
    arr.skip();
    expect(arr.arrayHeader()).toBeUndefined(); // a string starts here: nothing read
    expect(arr.value()).toBe('x');
    arr.skip();
    expect(arr.done).toBe(true);
    expect(() => new ValueCursor(new Uint8Array([42])).skip()).toThrow(CodecError);
    expect(() => new ValueCursor(encode('abc').subarray(0, 3)).skip()).toThrow(CodecError);
    expect(() => new ValueCursor(new Uint8Array([7, 100])).arrayHeader()).toThrow(/cannot fit/);
  });

  it('round-trips plain data and measures its exact size', () => {
    for (const v of samples) {
      const bytes = encode(v);
      expect(bytes.length).toBe(encodedSize(v));
      const back = decode(bytes);
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
      } else {
        expect(back).toEqual(v);
      }
    }
  });

  it('writes unsigned integers as LEB128 varints, byte for byte, up to 2^53 - 1', () => {
    const leb128 = (n: number): number[] => {
      const out: number[] = [];
      let x = BigInt(n);
      do {
        const b = Number(x & 0x7fn);
        x >>= 7n;
        out.push(x > 0n ? b | 0x80 : b);
      } while (x > 0n);
      return out;
    };
    const edges = [0, 127, 128, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 35 - 1, 2 ** 35, 2 ** 49 + 3, 2 ** 53 - 1];
    let x = 0x9e3779b9;
    for (let i = 0; i < 200; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      edges.push((x % 2 ** 21) * 2 ** 32 + (Math.imul(x, 2654435761) >>> 0));
    }
    for (const n of edges) {
      const bytes = encode(n);
      expect([...bytes], `${n}`).toEqual([3, ...leb128(n)]);
      expect(encodedSize(n)).toBe(bytes.length);
      expect(decode(bytes)).toBe(n);
    }
  });

  it('tracks payload size closely, as labrpc byte budgets need', () => {
    // labrpc TestBytes: a 284-character string argument costs 284..352 bytes.
    const size = encodedSize('a'.repeat(284));
    expect(size).toBeGreaterThanOrEqual(284);
    expect(size).toBeLessThanOrEqual(290);
  });

  it('refuses values that are not plain data', () => {
    expect(() => encode(new Map())).toThrow(CodecError);
    expect(() => encodedSize({ f: () => 1 })).toThrow(/function/);
  });

  it('rejects corrupt input with the byte position', () => {
    expect(() => decode(new Uint8Array([6, 10, 65]))).toThrow(/corrupt encoding at byte/);
    expect(() => decode(new Uint8Array([42]))).toThrow(/unknown tag 42/);
    expect(() => decode(new Uint8Array([0, 0]))).toThrow(/trailing/);
  });

  it('hashes content, not identity', () => {
    const a = { x: [1, 2, 'three'] };
    expect(hashValue(0, a)).toBe(hashValue(0, { x: [1, 2, 'three'] }));
    expect(hashValue(0, a)).not.toBe(hashValue(0, { x: [1, 2, 'thref'] }));
    expect(hashValue(0, 1)).not.toBe(hashValue(0, '1'));
  });
});

describe('CodecScratch', () => {
  it('sizeAndHash returns encodedSize and leaves hashValue in its hash, on every sample', () => {
    const scratch = new CodecScratch();
    for (const v of samples) {
      expect(scratch.sizeAndHash(v, 17)).toBe(encodedSize(v));
      expect(scratch.hash).toBe(hashValue(17, v));
      expect(scratch.hashValue(17, v)).toBe(hashValue(17, v));
    }
  });

  it('answers the same for a long string it remembers as for one it meets first (memo, not state)', () => {
    const a = 'q'.repeat(5000) + '✓';
    const b = 'r'.repeat(7000);
    const warm = new CodecScratch();
    warm.sizeAndHash(a, 0);
    const sizes = [warm.sizeAndHash(b, 1), warm.sizeAndHash(a, 1), warm.sizeAndHash(a, 1)];
    expect(sizes).toEqual([encodedSize(b), encodedSize(a), encodedSize(a)]);
    expect(warm.hash).toBe(new CodecScratch().hashValue(1, a));
  });
});

describe('long strings', () => {
  it('are measured exactly and fingerprinted by a sample', () => {
    const scratch = new CodecScratch();
    const long = 'ab✓'.repeat(10_000) + '𝄞' + '\ud800';
    expect(encodedSize(long)).toBe(encode(long).length);
    expect(scratch.sizeAndHash(long, 3)).toBe(encode(long).length);
    expect(scratch.hash).toBe(hashValue(3, long));
    // A change at an end or in the length changes the hash.
    expect(hashValue(0, long + 'x')).not.toBe(hashValue(0, long));
    expect(hashValue(0, 'z' + long.slice(1))).not.toBe(hashValue(0, long));
  });
});
