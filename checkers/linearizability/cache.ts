/**
 * The search's memo of visited configurations: (set of linearized operations,
 * model state id). Keys are a 64-bit hash of the set (kept incrementally by the
 * search) mixed with the state id; a hash hit is confirmed by comparing the
 * state id and the stored bitset words, so collisions never cause a wrong
 * verdict.
 *
 * A configuration is stored by its segment (see search.ts: the history cut
 * where no operation is pending) and only the bitset words that cover that
 * segment's operations: every operation of an earlier segment is linearized
 * and none of a later one, so (segment, those words) stands for the whole set.
 * Records are therefore as long as the segment needs, not the history.
 *
 * Layout, for few cache misses per lookup: the slot table holds (hash word,
 * record offset + 1) pairs side by side, so a probe reads one cache line until
 * the hash matches; a record is [second hash word, state id, segment, bitset
 * words…] contiguous in one pooled array.
 */
export class VisitedSet {
  /** Pairs (hashA, record offset + 1); 0 marks an empty slot. */
  private table = new Int32Array(2 * 4096);
  private mask = 4095;
  private records: Int32Array;
  /** Ints of `records` in use. */
  private used = 0;
  private count = 0;

  /** `words`: a typical record's bitset words, to size the first pool. */
  constructor(words: number) {
    this.records = new Int32Array(2048 * (3 + Math.max(1, words)));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes in use: the records and the slot table. */
  get bytes(): number {
    return 4 * (this.used + this.table.length);
  }

  /**
   * Records (bits[from..to], segment, stateId) unless already present; returns
   * true when it was new. `setLo`/`setHi` are the caller's 64-bit hash of the
   * whole set, and a given segment must always come with the same word range.
   */
  add(setLo: number, setHi: number, stateId: number, bits: Int32Array, segment: number, from: number, to: number): boolean {
    const a = mix(setLo ^ Math.imul(stateId + 1, 0x9e3779b1));
    const b = setHi ^ Math.imul(stateId + 0x27d4eb2f, 0x85ebca77);
    const table = this.table;
    const records = this.records;
    const mask = this.mask;
    const span = to - from + 1;
    let slot = a & mask;
    for (;;) {
      const base = table[2 * slot + 1]! - 1;
      if (base < 0) break;
      if (table[2 * slot] === a && records[base] === b && records[base + 1] === stateId && records[base + 2] === segment) {
        let i = 0;
        while (i < span && records[base + 3 + i] === bits[from + i]) i++;
        if (i === span) return false;
      }
      slot = (slot + 1) & mask;
    }
    const base = this.used;
    if (base + 3 + span >= 0x7fffffff) throw new RangeError('the visited configurations need over 2^31 ints');
    if (base + 3 + span > this.records.length) this.growRecords(base + 3 + span);
    const pool = this.records;
    pool[base] = b;
    pool[base + 1] = stateId;
    pool[base + 2] = segment;
    for (let i = 0; i < span; i++) pool[base + 3 + i] = bits[from + i]!;
    this.used = base + 3 + span;
    table[2 * slot] = a;
    table[2 * slot + 1] = base + 1;
    this.count++;
    if (this.count * 2 > mask) this.growTable();
    return true;
  }

  private growRecords(needed: number): void {
    const records = new Int32Array(Math.max(needed, this.records.length * 2));
    records.set(this.records);
    this.records = records;
  }

  private growTable(): void {
    const old = this.table;
    // Re-inserting is a random write per record: grow in big steps while the table is small.
    const size = (this.mask + 1) * (this.mask < QUADRUPLE_BELOW ? 4 : 2);
    const table = new Int32Array(2 * size);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = old[s]! & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[s]!;
      table[2 * slot + 1] = old[s + 1]!;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Slot tables smaller than this grow fourfold, larger ones twofold. */
const QUADRUPLE_BELOW = 1 << 22;

/** A 32-bit finalizer (murmur3's fmix32) so that low bits index well. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
