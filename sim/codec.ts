/**
 * The one encoding of simlab: what persisters store, what the network's byte
 * counters measure and what the trace hash digests. Like labgob it encodes
 * plain data only: null, booleans, numbers, strings, arrays, plain objects
 * (keys in insertion order) and Uint8Array. `undefined` object fields are
 * omitted; `undefined` elsewhere encodes as null. Anything else (Map, class
 * instances, functions) is refused, so an unserialisable message or persisted
 * state fails loudly instead of being measured wrongly.
 *
 * `encodedSize(v) === encode(v).length` exactly, computed without allocating,
 * cheap enough to run on every message.
 *
 * Layout: a tag byte, then
 *   0 null · 1 false · 2 true · 3 uint (varint) · 4 negative int (varint of -n)
 *   5 float64 (8 bytes LE) · 6 string (varint byte length, UTF-8)
 *   7 array (varint count, items) · 8 object (varint count, (key string, value)*)
 *   9 bytes (varint length, raw)
 */

export type Value =
  | null
  | undefined
  | boolean
  | number
  | string
  | Uint8Array
  | readonly Value[]
  | { readonly [key: string]: Value };

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_UINT = 3;
const T_NEG = 4;
const T_F64 = 5;
const T_STR = 6;
const T_ARR = 7;
const T_OBJ = 8;
const T_BYTES = 9;

export class CodecError extends Error {}

function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 4 + varintSize(Math.floor(n / 0x10000000));
}

/** Strings longer than this are measured natively and fingerprinted by a sample. */
const LONG_STRING = 256;

/** Node's native UTF-8 length, where there is one (it agrees with utf8Length, lone surrogates included). */
const nativeByteLength: ((s: string) => number) | undefined =
  typeof Buffer !== 'undefined' ? (s: string) => Buffer.byteLength(s, 'utf8') : undefined;

/** UTF-8 byte length of a string (lone surrogates count as 3 bytes, as TextEncoder replaces them). */
export function utf8Length(s: string): number {
  if (s.length > LONG_STRING && nativeByteLength) return nativeByteLength(s);
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 2; // 4 bytes for a pair of two code units
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function refuse(v: unknown): never {
  const what = typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
  throw new CodecError(`cannot encode a value of type ${what}: messages and persisted state must be plain data`);
}

/** Exact length of encode(v), without allocating. */
export function encodedSize(v: unknown): number {
  switch (typeof v) {
    case 'undefined':
      return 1;
    case 'boolean':
      return 1;
    case 'number':
      if (Number.isSafeInteger(v)) return 1 + varintSize(v < 0 ? -v : v);
      return 9;
    case 'string': {
      const n = utf8Length(v);
      return 1 + varintSize(n) + n;
    }
    case 'object': {
      if (v === null) return 1;
      if (Array.isArray(v)) {
        let size = 1 + varintSize(v.length);
        for (let i = 0; i < v.length; i++) size += encodedSize(v[i]);
        return size;
      }
      if (v instanceof Uint8Array) return 1 + varintSize(v.length) + v.length;
      if (v instanceof Encoded) return v.bytes.length;
      if (!isPlainObject(v)) refuse(v);
      let count = 0;
      let size = 0;
      for (const key in v) {
        const field = (v as Record<string, unknown>)[key];
        if (field === undefined) continue;
        count++;
        const n = utf8Length(key);
        size += varintSize(n) + n + encodedSize(field);
      }
      return 1 + varintSize(count) + size;
    }
    default:
      return refuse(v);
  }
}

/** Node's Buffer.allocUnsafe, where there is one (see freshBytes). */
const allocUnsafe: ((size: number) => Uint8Array) | undefined = typeof Buffer !== 'undefined' ? (size: number) => Buffer.allocUnsafe(size) : undefined;

/**
 * A new array of `size` bytes for the Writer, which overwrites every one of
 * them (encode checks it wrote exactly `size`). Under Node, carved out of
 * Node's own pool of small buffers (Buffer.allocUnsafe): an array of 65
 * bytes and more with an ArrayBuffer of its own costs 2–3 µs (its memory
 * lives outside V8's heap, and the collector tracks each one), a view into
 * the pool a few hundred ns, and Raft's saves encode several small arrays a
 * step. The caller gets a plain Uint8Array view (a Buffer's `slice` would
 * not copy); its bytes are its own, as with `new Uint8Array`.
 */
function freshBytes(size: number): Uint8Array {
  if (allocUnsafe === undefined || size <= 64) return new Uint8Array(size);
  const b = allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

class Writer {
  buf: Uint8Array;
  pos = 0;
  private readonly text = TEXT_ENCODER;
  constructor(size: number) {
    this.buf = freshBytes(size);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(n: number): void {
    if (n < 0x80000000) {
      // 31-bit fast path with integer operations.
      while (n >= 0x80) {
        this.buf[this.pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      this.buf[this.pos++] = n;
      return;
    }
    // 2^31 and up (Go's rand.Int() commands): the low 28 bits as four 7-bit groups with integer
    // operations, then the rest (below 2^25 for a safe integer) as above. One division, not one per byte.
    const hi = Math.floor(n / 0x10000000);
    let lo = n - hi * 0x10000000;
    for (let k = 0; k < 4; k++) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    n = hi;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }
  string(s: string): void {
    const n = utf8Length(s);
    this.varint(n);
    if (n === s.length && n < 64) {
      // Short ASCII: a byte loop beats encodeInto's call overhead.
      for (let i = 0; i < n; i++) this.buf[this.pos++] = s.charCodeAt(i);
      return;
    }
    const { written } = this.text.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += written;
  }
  value(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        return this.byte(T_NULL);
      case 'boolean':
        return this.byte(v ? T_TRUE : T_FALSE);
      case 'number':
        if (Number.isSafeInteger(v)) {
          this.byte(v < 0 ? T_NEG : T_UINT);
          return this.varint(v < 0 ? -v : v);
        } else {
          this.byte(T_F64);
          new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, v, true);
          this.pos += 8;
          return;
        }
      case 'string':
        this.byte(T_STR);
        return this.string(v);
      case 'object': {
        if (v === null) return this.byte(T_NULL);
        if (Array.isArray(v)) {
          this.byte(T_ARR);
          this.varint(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
          return;
        }
        if (v instanceof Uint8Array) {
          this.byte(T_BYTES);
          this.varint(v.length);
          this.buf.set(v, this.pos);
          this.pos += v.length;
          return;
        }
        if (v instanceof Encoded) {
          this.buf.set(v.bytes, this.pos);
          this.pos += v.bytes.length;
          return;
        }
        if (!isPlainObject(v)) refuse(v);
        const record = v as Record<string, unknown>;
        let count = 0;
        for (const key in record) if (record[key] !== undefined) count++;
        this.byte(T_OBJ);
        this.varint(count);
        for (const key in record) {
          const field = record[key];
          if (field === undefined) continue;
          this.string(key);
          this.value(field);
        }
        return;
      }
      default:
        refuse(v);
    }
  }
}

/**
 * A value's encoding made once, to be reused: inside a value handed to
 * encode() or encodedSize() it stands for the value it encodes, its bytes
 * copied as they are, so `encode([new Encoded(encode(x)), y])` equals
 * `encode([x, y])`. A service that snapshots a large state nearly unchanged
 * from one snapshot to the next keeps its parts encoded this way. It is for
 * building bytes only: a message or other payload that holds one is refused
 * (the network measures payloads by walking them), and it never decodes
 * back to itself (decode gives the value).
 */
export class Encoded {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * The first bytes of an array's encoding: what precedes its `length`
 * elements. `[arrayHeader(n), encode(e0), …, encode(en-1)]` concatenated is
 * exactly `encode([e0, …, en-1])`, so a caller holding its elements'
 * encodings can hand them on as pieces (sim/node.ts Bytes) without copying.
 */
export function arrayHeader(length: number): Uint8Array {
  const w = new Writer(1 + varintSize(length));
  w.byte(T_ARR);
  w.varint(length);
  return w.buf;
}

/** Encodes plain data to bytes (see the layout above). */
export function encode(v: unknown): Uint8Array {
  const w = new Writer(encodedSize(v));
  w.value(v);
  if (w.pos !== w.buf.length) throw new CodecError(`internal: encoded ${w.pos} bytes, measured ${w.buf.length}`);
  return w.buf;
}

class Reader {
  pos = 0;
  private readonly text = TEXT_DECODER;
  constructor(private readonly buf: Uint8Array) {}
  fail(what: string): never {
    throw new CodecError(`corrupt encoding at byte ${this.pos}: ${what}`);
  }
  byte(): number {
    if (this.pos >= this.buf.length) this.fail('unexpected end');
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 56) this.fail('varint too long');
    }
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) this.fail(`needs ${n} bytes, ${this.buf.length - this.pos} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  string(): string {
    const n = this.varint();
    try {
      return this.text.decode(this.take(n));
    } catch (e) {
      if (e instanceof CodecError) throw e;
      return this.fail('invalid UTF-8');
    }
  }
  value(): Value {
    const tag = this.byte();
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_UINT:
        return this.varint();
      case T_NEG:
        return -this.varint();
      case T_F64: {
        const bytes = this.take(8);
        return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
      }
      case T_STR:
        return this.string();
      case T_ARR: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) this.fail(`array of ${n} items cannot fit`);
        const items: Value[] = new Array(n);
        for (let i = 0; i < n; i++) items[i] = this.value();
        return items;
      }
      case T_OBJ: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) this.fail(`object of ${n} fields cannot fit`);
        const obj: Record<string, Value> = {};
        for (let i = 0; i < n; i++) {
          const key = this.string();
          obj[key] = this.value();
        }
        return obj;
      }
      case T_BYTES:
        return this.take(this.varint()).slice();
      default:
        return this.fail(`unknown tag ${tag}`);
    }
  }
  /** Moves past one value without building it (strings are not checked for valid UTF-8). */
  skip(): void {
    const tag = this.byte();
    switch (tag) {
      case T_NULL:
      case T_FALSE:
      case T_TRUE:
        return;
      case T_UINT:
      case T_NEG:
        this.varint();
        return;
      case T_F64:
        this.take(8);
        return;
      case T_STR:
      case T_BYTES:
        this.take(this.varint());
        return;
      case T_ARR: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) this.fail(`array of ${n} items cannot fit`);
        for (let i = 0; i < n; i++) this.skip();
        return;
      }
      case T_OBJ: {
        const n = this.varint();
        if (n > this.buf.length - this.pos) this.fail(`object of ${n} fields cannot fit`);
        for (let i = 0; i < n; i++) {
          this.take(this.varint());
          this.skip();
        }
        return;
      }
      default:
        this.fail(`unknown tag ${tag}`);
    }
  }
}

/**
 * Reads a concatenation of encodings value by value, for a caller that needs
 * to know where each value's bytes lie: to keep an element's bytes as they
 * are (an Encoded), or to recognise a span it decoded before. Throws
 * CodecError on corrupt bytes, as decode does.
 */
export class ValueCursor {
  private readonly r: Reader;
  constructor(readonly bytes: Uint8Array) {
    this.r = new Reader(bytes);
  }
  /** The offset of the next value. */
  get pos(): number {
    return this.r.pos;
  }
  /** Whether every byte has been read. */
  get done(): boolean {
    return this.r.pos >= this.bytes.length;
  }
  /** Decodes the next value. */
  value(): Value {
    return this.r.value();
  }
  /** Moves past the next value (its strings unchecked: decode a span before trusting it). */
  skip(): void {
    this.r.skip();
  }
  /** Goes back (or on) to an offset this cursor reported. */
  seek(pos: number): void {
    this.r.pos = pos;
  }
  /**
   * When an array starts here: reads its header (what arrayHeader writes)
   * and returns its length, the cursor at its first element. Otherwise
   * returns undefined and reads nothing.
   */
  arrayHeader(): number | undefined {
    if (this.r.pos >= this.bytes.length || this.bytes[this.r.pos] !== T_ARR) return undefined;
    this.r.pos++;
    const n = this.r.varint();
    if (n > this.bytes.length - this.r.pos) this.r.fail(`array of ${n} items cannot fit`);
    return n;
  }
}

/** Decodes what encode() wrote; throws CodecError on corrupt or trailing bytes. */
export function decode(bytes: Uint8Array): Value {
  const r = new Reader(bytes);
  const v = r.value();
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} trailing bytes`);
  return v;
}

/** Decodes a concatenation of encodings (pieces saved back to back) into their values. */
export function decodeSequence(bytes: Uint8Array): Value[] {
  const r = new Reader(bytes);
  const out: Value[] = [];
  while (r.pos < bytes.length) out.push(r.value());
  return out;
}

/** An object key's contribution: its hash (folded in as one word) and its encoded size without the tag byte. */
interface KeyInfo {
  readonly hash: number;
  readonly size: number;
}

const KEY_INFOS_MAX = 4096;

/**
 * Measuring and fingerprinting payloads, with what is worth remembering
 * between calls. One world owns one (sim/world.ts) and hands it to its
 * network, hosts and trace; nothing of it lives in the module.
 *
 * It remembers the latest long string measured (its sampled digest and,
 * where Node measures it natively, its UTF-8 length: a test that sends one
 * big value 100,000 times, or hashes a payload and then measures it,
 * samples it once; a string equal in content to the latest counts as it,
 * same answers) and the object keys seen (the field names of a protocol's
 * messages: few, and met on every message). `sizeAndHash` leaves the hash it
 * computed in `hash`, so a caller gets both from one walk without an
 * allocation.
 */
export class CodecScratch {
  /** The hash computed by the last sizeAndHash. */
  hash = 0;
  private lastLong = '';
  private lastLongDigest = 0;
  private lastLongBytes = 0;
  private readonly keyInfos = new Map<string, KeyInfo>();

  /** `remember`: false for a scratch that never writes (the pure module functions' own). */
  constructor(private readonly remember = true) {}

  /**
   * encodedSize(v) and hashValue(h, v) in one walk (the network measures and
   * fingerprints every payload once): returns the size and leaves the hash,
   * identical to hashValue(h, v), in `hash`.
   */
  sizeAndHash(v: unknown, h: number): number {
    this.hash = h;
    return this.walk(v);
  }

  /**
   * A 32-bit digest of a value's content (same walk order as encode), folded
   * into `h`. Used by the trace fingerprint; equal values hash equal in every
   * process.
   */
  hashValue(h: number, v: unknown): number {
    switch (typeof v) {
      case 'undefined':
        return mix(h, 0x51);
      case 'boolean':
        return mix(h, v ? 0x53 : 0x52);
      case 'number':
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return mix(mix(h, 0x54), v | 0);
        return mix(mix(mix(h, 0x55), Math.floor(v / 0x100000000) | 0), v >>> 0);
      case 'string':
        return this.hashString(h, v);
      case 'object': {
        if (v === null) return mix(h, 0x51);
        if (Array.isArray(v)) {
          h = mix(h, 0x57 ^ (v.length << 8));
          for (let i = 0; i < v.length; i++) h = this.hashValue(h, v[i]);
          return h;
        }
        if (v instanceof Uint8Array) {
          h = mix(h, 0x58 ^ (v.length << 8));
          for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
          return h | 0;
        }
        h = mix(h, 0x59);
        const record = v as Record<string, unknown>;
        for (const key in record) {
          const field = record[key];
          if (field === undefined) continue;
          h = this.hashValue(mix(h, this.keyInfo(key).hash), field);
        }
        return h;
      }
      default:
        return mix(h, 0x5a);
    }
  }

  /**
   * A string's contribution to a hash. Strings up to LONG_STRING code units
   * are hashed whole; longer ones by their length and a digest of 24 code
   * units at an even stride and their last 8 — the trace fingerprint must stay
   * cheap when a test moves large values (kvsrv's memory tests put 100,000
   * 1000-byte values and append megabytes), and a run that diverges almost
   * always shows it in lengths, ends or later events. Object keys count by a
   * digest of their own (keyInfo).
   */
  private hashString(h: number, v: string): number {
    h = mix(h, 0x56 ^ (v.length << 8));
    const n = v.length;
    if (n <= LONG_STRING) {
      for (let i = 0; i < n; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
      return h | 0;
    }
    return mix(h, this.longDigest(v));
  }

  private longDigest(v: string): number {
    if (!this.remember) return sampleDigest(v);
    if (v !== this.lastLong) this.measureLong(v);
    return this.lastLongDigest;
  }

  /** UTF-8 length of a long string (LONG_STRING code units and more). */
  private longBytes(v: string): number {
    if (!this.remember || !nativeByteLength) return utf8Length(v);
    if (v !== this.lastLong) this.measureLong(v);
    return this.lastLongBytes;
  }

  private measureLong(v: string): void {
    this.lastLongDigest = sampleDigest(v);
    this.lastLongBytes = nativeByteLength ? nativeByteLength(v) : -1;
    this.lastLong = v;
  }

  private keyInfo(key: string): KeyInfo {
    let info = this.keyInfos.get(key);
    if (info === undefined) {
      const n = utf8Length(key);
      info = { hash: this.hashString(0x4b, key), size: varintSize(n) + n };
      if (this.remember && this.keyInfos.size < KEY_INFOS_MAX) this.keyInfos.set(key, info);
    }
    return info;
  }

  /** sizeAndHash's walk: returns the size, folds the hash into `hash`. */
  private walk(v: unknown): number {
    switch (typeof v) {
      case 'undefined':
        this.hash = mix(this.hash, 0x51);
        return 1;
      case 'boolean':
        this.hash = mix(this.hash, v ? 0x53 : 0x52);
        return 1;
      case 'number':
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) this.hash = mix(mix(this.hash, 0x54), v | 0);
        else this.hash = mix(mix(mix(this.hash, 0x55), Math.floor(v / 0x100000000) | 0), v >>> 0);
        if (Number.isSafeInteger(v)) return 1 + varintSize(v < 0 ? -v : v);
        return 9;
      case 'string': {
        if (v.length > LONG_STRING) {
          this.hash = this.hashString(this.hash, v);
          const n = this.longBytes(v);
          return 1 + varintSize(n) + n;
        }
        let h = mix(this.hash, 0x56 ^ (v.length << 8));
        let bytes = v.length;
        for (let i = 0; i < v.length; i++) {
          const c = v.charCodeAt(i);
          h = Math.imul(h ^ c, 0x01000193);
          if (c >= 0x80) bytes += utf8Extra(v, i, c);
        }
        this.hash = h | 0;
        return 1 + varintSize(bytes) + bytes;
      }
      case 'object': {
        if (v === null) {
          this.hash = mix(this.hash, 0x51);
          return 1;
        }
        if (Array.isArray(v)) {
          this.hash = mix(this.hash, 0x57 ^ (v.length << 8));
          let size = 1 + varintSize(v.length);
          for (let i = 0; i < v.length; i++) size += this.walk(v[i]);
          return size;
        }
        if (v instanceof Uint8Array) {
          this.hash = this.hashValue(this.hash, v);
          return 1 + varintSize(v.length) + v.length;
        }
        if (!isPlainObject(v)) refuse(v);
        this.hash = mix(this.hash, 0x59);
        const record = v as Record<string, unknown>;
        let count = 0;
        let size = 0;
        for (const key in record) {
          const field = record[key];
          if (field === undefined) continue;
          count++;
          const info = this.keyInfo(key);
          this.hash = mix(this.hash, info.hash);
          size += info.size + this.walk(field);
        }
        return 1 + varintSize(count) + size;
      }
      default:
        return refuse(v);
    }
  }
}

/** The sampled digest of a long string (see hashString). */
function sampleDigest(v: string): number {
  const n = v.length;
  let h = 0x811c9dc5 | 0;
  const stride = Math.floor(n / 24);
  for (let i = 0; i < n; i += stride) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  for (let i = n - 8; i < n; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** The module's own scratch for hashValue: it remembers nothing (frozen: a write would throw). */
const STATELESS = Object.freeze(new CodecScratch(false));

/** hashValue without a world's scratch (same digests, nothing remembered). */
export function hashValue(h: number, v: unknown): number {
  return STATELESS.hashValue(h, v);
}

/**
 * Extra UTF-8 bytes of the code unit at i (beyond the one counted per unit):
 * 1 below U+0800, 2 otherwise; a surrogate pair counts 2 + 0 (4 bytes over 2 units).
 */
function utf8Extra(s: string, i: number, c: number): number {
  if (c < 0x800) return 1;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 1; // the pair's 4 bytes: 2 units × (1 + 1)
  }
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
    const p = s.charCodeAt(i - 1);
    if (p >= 0xd800 && p <= 0xdbff) return 1;
  }
  return 2;
}

/**
 * Folds one 32-bit word into a running hash: a multiply by the golden-ratio
 * constant and an xor-shift (cheap; the trace fingerprint folds several words
 * per event). Returns an int32.
 */
export function mix(h: number, word: number): number {
  const x = Math.imul(h ^ word, 0x9e3779b1);
  return x ^ (x >>> 15);
}
