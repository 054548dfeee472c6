/**
 * The search's memo of visited configurations: (set of linearized operations,
 * model state id). Keys are a 64-bit hash of the set (kept incrementally by the
 * search) mixed with the state id; a hash hit is confirmed by comparing the
 * state id and the stored bitset word by word, so collisions never cause a
 * wrong verdict.
 *
 * Layout, for few cache misses per lookup: the slot table holds (hash word,
 * record + 1) pairs side by side, so a probe reads one cache line until the
 * hash matches; a record is [second hash word, state id, bitset words…]
 * contiguous in one pooled array.
 */
export class VisitedSet {
  /** Pairs (hashA, record index + 1); record index + 1 = 0 marks an empty slot. */
  private table = new Int32Array(2 * 4096);
  private mask = 4095;
  private records: Int32Array;
  /** Record length: 2 + bitset words. */
  private readonly stride: number;
  private count = 0;

  constructor(words: number) {
    this.stride = 2 + words;
    this.records = new Int32Array(2048 * this.stride);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Records (bits, stateId) unless already present; returns true when it was
   * new. `setLo`/`setHi` are the caller's 64-bit hash of `bits`.
   */
  add(setLo: number, setHi: number, stateId: number, bits: Int32Array): boolean {
    const a = mix(setLo ^ Math.imul(stateId + 1, 0x9e3779b1));
    const b = setHi ^ Math.imul(stateId + 0x27d4eb2f, 0x85ebca77);
    const table = this.table;
    const records = this.records;
    const stride = this.stride;
    const mask = this.mask;
    let slot = a & mask;
    for (;;) {
      const r = table[2 * slot + 1]! - 1;
      if (r < 0) break;
      if (table[2 * slot] === a) {
        const base = r * stride;
        if (records[base] === b && records[base + 1] === stateId) {
          let i = 2;
          while (i < stride && records[base + i] === bits[i - 2]) i++;
          if (i === stride) return false;
        }
      }
      slot = (slot + 1) & mask;
    }
    const r = this.count;
    if ((r + 1) * stride > this.records.length) this.growRecords();
    const base = r * stride;
    this.records[base] = b;
    this.records[base + 1] = stateId;
    this.records.set(bits, base + 2);
    table[2 * slot] = a;
    table[2 * slot + 1] = r + 1;
    this.count = r + 1;
    if (this.count * 2 > mask) this.growTable();
    return true;
  }

  private growRecords(): void {
    const records = new Int32Array(this.records.length * 2);
    records.set(this.records);
    this.records = records;
  }

  private growTable(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
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

/** A 32-bit finalizer (murmur3's fmix32) so that low bits index well. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
