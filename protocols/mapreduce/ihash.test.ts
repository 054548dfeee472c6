import { describe, expect, it } from 'vitest';
import { compareUtf8, fnv1a32Utf8, ihash, partitionOf } from './ihash.ts';

/** FNV-1a written out the slow, obvious way: BigInt arithmetic over TextEncoder bytes. */
function fnvByHand(key: string): number {
  let h = 0x811c9dc5n;
  for (const byte of new TextEncoder().encode(key)) {
    h ^= BigInt(byte);
    h = (h * 0x01000193n) % 0x1_0000_0000n;
  }
  return Number(h);
}

describe('ihash', () => {
  it('matches the published FNV-1a 32-bit vectors, masked to 31 bits', () => {
    // "a": (0x811c9dc5 ^ 0x61) * 0x01000193 mod 2^32 = 0xe40c292c.
    expect(fnv1a32Utf8('')).toBe(0x811c9dc5);
    expect(fnv1a32Utf8('a')).toBe(0xe40c292c);
    expect(fnv1a32Utf8('foobar')).toBe(0xbf9cf968);
    expect(ihash('a')).toBe(0x640c292c);
    expect(ihash('foobar')).toBe(0x3f9cf968);
  });

  it('hashes the UTF-8 bytes, not UTF-16 units', () => {
    const keys = ['the', 'Sherlock', 'café', 'naïve', '𝄞clef', 'déjà-vu', 'Zoë'];
    const bad = keys.filter((k) => fnv1a32Utf8(k) !== fnvByHand(k));
    expect(bad).toEqual([]);
    expect(fnv1a32Utf8('\ud800')).toBe(fnvByHand('\ufffd')); // a lone surrogate encodes as U+FFFD
  });

  it('partitions a..j as the Go lab does with nReduce = 10', () => {
    const parts = [...'abcdefghij'].map((k) => partitionOf(k, 10));
    expect(parts).toEqual([2, 9, 0, 5, 6, 3, 4, 3, 4, 1]);
  });
});

describe('compareUtf8', () => {
  it('orders like a bytewise comparison of the UTF-8 encodings', () => {
    const words = ['b', 'a', 'ab', '', 'Z', 'é', '\uffff', '𝄞', '\ue000', 'aé', 'a𝄞'];
    const enc = new TextEncoder();
    const byBytes = [...words].sort((x, y) => Buffer.compare(enc.encode(x), enc.encode(y)));
    expect([...words].sort(compareUtf8)).toEqual(byBytes);
    expect([...words].sort()).not.toEqual(byBytes); // plain UTF-16 order differs here
  });
});
