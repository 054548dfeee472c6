/**
 * The lab's partition function: FNV-1a 32-bit over the key's UTF-8 bytes,
 * masked to 31 bits (Go: int(fnv32a(key) & 0x7fffffff)). Reduce task of a key
 * = ihash(key) % nReduce.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME) >>> 0;
}

/** FNV-1a 32-bit of the UTF-8 encoding of `key` (lone surrogates encode as U+FFFD, as Go does). */
export function fnv1a32Utf8(key: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      h = fnvByte(h, c);
      continue;
    }
    if (c < 0x800) {
      h = fnvByte(h, 0xc0 | (c >> 6));
      h = fnvByte(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        h = fnvByte(h, 0xf0 | (cp >> 18));
        h = fnvByte(h, 0x80 | ((cp >> 12) & 0x3f));
        h = fnvByte(h, 0x80 | ((cp >> 6) & 0x3f));
        h = fnvByte(h, 0x80 | (cp & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    h = fnvByte(h, 0xe0 | (c >> 12));
    h = fnvByte(h, 0x80 | ((c >> 6) & 0x3f));
    h = fnvByte(h, 0x80 | (c & 0x3f));
  }
  return h;
}

export function ihash(key: string): number {
  return fnv1a32Utf8(key) & 0x7fffffff;
}

/** The reduce task a key belongs to. */
export function partitionOf(key: string, nReduce: number): number {
  return ihash(key) % nReduce;
}

/**
 * Orders strings by their UTF-8 bytes, as Go's string comparison and `sort`
 * under LC_ALL=C do. This equals code point order; plain `<` on JavaScript
 * strings compares UTF-16 units, which differs only when a surrogate pair
 * meets a unit in U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000–U+FFFF so that unit order becomes code point order. */
function fixup(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}
