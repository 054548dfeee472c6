/**
 * ihash and compareUtf8 against plain references over any UTF-16 string:
 * every code unit boundary of the UTF-8 encoder (one to four bytes, lone and
 * paired surrogates, a high surrogate at the end) and of the code point order
 * (surrogate pairs against U+E000–U+FFFF). The catalog's corpora are
 * nearly all ASCII, so only these reach the encoder's other branches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, fnv1a32Utf8 } from './ihash.ts';

const enc = new TextEncoder();

function fnvByHand(key: string): number {
  let h = 0x811c9dc5n;
  for (const byte of enc.encode(key)) h = ((h ^ BigInt(byte)) * 0x01000193n) % 0x1_0000_0000n;
  return Number(h);
}

function bytewise(a: string, b: string): number {
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Code units at and around every boundary the encoder and the order test. */
const EDGES = [0x00, 0x7f, 0x80, 0x81, 0x7ff, 0x800, 0x801, 0xd7ff, 0xd800, 0xd801, 0xdbfe, 0xdbff, 0xdc00, 0xdc01, 0xdffe, 0xdfff, 0xe000, 0xe001, 0xfffe, 0xffff];
const unit = fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 0, max: 0xffff }));
const text = fc.array(unit, { maxLength: 8 }).map((us) => String.fromCharCode(...us));
/** Well-formed strings only (what a Go string holds): code points, edges included, surrogates only in pairs. */
const POINTS = [...EDGES.filter((c) => c < 0xd800 || c > 0xdfff), 0x10000, 0x1d11e, 0x10ffff];
const point = fc.oneof(fc.constantFrom(...POINTS), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff));
const wellFormed = fc.array(point, { maxLength: 6 }).map((cs) => String.fromCodePoint(...cs));

describe('ihash and compareUtf8, by property', () => {
  it('hash the UTF-8 bytes of any string (lone surrogates as U+FFFD)', () => {
    fc.assert(fc.property(text, (s) => fnv1a32Utf8(s) === fnvByHand(s)), { numRuns: 3000, seed: 3 });
    for (const a of EDGES) for (const b of EDGES) {
      const s = String.fromCharCode(a, b);
      expect(fnv1a32Utf8(s), s).toBe(fnvByHand(s));
    }
  });

  it('order any two well-formed strings as their UTF-8 bytes do (sign only)', () => {
    fc.assert(fc.property(wellFormed, wellFormed, (a, b) => Math.sign(compareUtf8(a, b)) === Math.sign(bytewise(a, b))), { numRuns: 3000, seed: 3 });
    for (const a of POINTS) for (const b of POINTS) {
      const x = String.fromCodePoint(a, 0x41);
      const y = String.fromCodePoint(b, 0x41);
      expect(Math.sign(compareUtf8(x, y)), `${a.toString(16)} vs ${b.toString(16)}`).toBe(Math.sign(bytewise(x, y)));
    }
  });
});
