/**
 * State interning and the transition memo: the search works on small integer
 * state ids, and asks the model for each (state, operation) pair at most once.
 */
import type { Model } from './types.ts';

/**
 * Gives every distinct model state a dense integer id (0, 1, 2, …). States
 * can be forgotten (`renew`); ids are never reused, so one met again gets a
 * new id. A state the model deems not worth interning always gets a new id.
 */
export class StateTable<S> {
  /** id → state (undefined once forgotten). */
  readonly states: S[] = [];
  /** Primitive states (but strings) of a model without `equal`. */
  private readonly byValue = new Map<unknown, number>();
  /**
   * Open addressing over (hash, id + 1) pairs, for models with `hash` and for
   * strings. A slot whose id is below `floor` is empty (0) or forgotten.
   */
  private table = new Int32Array(2 * 1024);
  private mask = 1023;
  /** States with lower ids are forgotten. */
  private floor = 0;
  private readonly equal: (a: S, b: S) => boolean;

  constructor(private readonly model: Pick<Model<S, unknown, unknown>, 'equal' | 'hash' | 'worthInterning'>) {
    this.equal = model.equal ?? Object.is;
  }

  /** States held. */
  get size(): number {
    return this.states.length - this.floor;
  }

  intern(state: S): number {
    if (this.byValueKey(state)) {
      let id = this.byValue.get(state);
      if (id === undefined) {
        id = this.add(state);
        this.byValue.set(state, id);
      }
      return id;
    }
    if (this.model.worthInterning?.(state) === false) return this.add(state);
    const h = this.hashOf(state);
    if (h === undefined) {
      for (let id = this.floor; id < this.states.length; id++) if (this.equal(this.states[id] as S, state)) return id;
      return this.add(state);
    }
    let slot = mix(h) & this.mask;
    for (;;) {
      const id = this.table[2 * slot + 1]! - 1;
      if (id < this.floor) break;
      if (this.table[2 * slot] === h && this.equal(this.states[id] as S, state)) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.add(state);
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = id + 1;
    if (this.size * 2 > this.mask) this.grow();
    return id;
  }

  /**
   * Forgets every state, then interns the one with id `keep` again: returns
   * its new id. The search calls it when it will never step from any other
   * state it holds; with a new id, no memo entry made before can refer to it.
   */
  renew(keep: number): number {
    const state = this.states[keep] as S;
    for (let id = this.floor; id < this.states.length; id++) this.states[id] = undefined as S;
    if (this.byValue.size > 0) this.byValue.clear();
    // Every slot of the table now counts as free (live slots are only ever added after the last renew).
    this.floor = this.states.length;
    return this.intern(state);
  }

  /** Primitive states (but strings) of a model without `equal` go in a Map. */
  private byValueKey(state: S): boolean {
    return this.model.equal === undefined && typeof state !== 'string' && (typeof state !== 'object' || state === null);
  }

  /** The hash for the open-addressing table, or undefined for a linear scan (objects without `hash`). */
  private hashOf(state: S): number | undefined {
    if (this.model.equal === undefined && typeof state === 'string') return stringHash(state);
    return this.model.hash === undefined ? undefined : this.model.hash(state) | 0;
  }

  private add(state: S): number {
    const id = this.states.length;
    this.states.push(state);
    return id;
  }

  private grow(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1]! - 1 < this.floor) continue;
      let slot = mix(old[s]!) & this.mask;
      while (this.table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = old[s]!;
      this.table[2 * slot + 1] = old[s + 1]!;
    }
  }
}

/** Strings up to this long are hashed whole; longer ones by their length and this many sampled code units. */
const STRING_HASH_WHOLE = 1024;

/**
 * FNV-1a over UTF-16 code units. A long string (a KV value after many
 * appends) is hashed by its length, its first and last 256 code units and
 * 512 spread evenly between, so interning costs the same whatever the
 * length; equal strings still hash alike, and strings that differ only
 * between the samples cost an equality test, never a wrong id.
 */
export function stringHash(s: string): number {
  let h = 0x811c9dc5;
  const n = s.length;
  if (n <= STRING_HASH_WHOLE) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }
  h = Math.imul(h ^ n, 0x01000193);
  for (let i = 0; i < 256; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = n - 256; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  const stride = (n - 512) / 513;
  for (let k = 1; k <= 512; k++) h = Math.imul(h ^ s.charCodeAt(256 + Math.floor(k * stride)), 0x01000193);
  return h;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Not yet asked. */
export const UNKNOWN_STEP = -2;
/** The operation is not legal in that state. */
export const ILLEGAL_STEP = -1;

/** Dense rows are kept for the first states while rows × operations stays under this many entries. */
const DENSE_ENTRIES_MAX = 1 << 18;
const CHUNK_SHIFT = 6;
/** States per chunk of dense rows. */
const CHUNK_STATES = 1 << CHUNK_SHIFT;

/** Answers kept beside each state past the dense rows before its further ones go to the overflow table. */
const NEAR_ANSWERS = 4;
const NEAR_INTS = 2 * NEAR_ANSWERS;

/**
 * (state id, operation index) → next state id, ILLEGAL_STEP or UNKNOWN_STEP,
 * allocation-free on lookup: dense rows (one Int32Array slot per operation,
 * allocated 64 states at a time) for the first states; for the rest, the
 * first few answers of each state side by side in one array indexed by state
 * (a state's answers are asked for together, and a new state's are near the
 * last one's), then an open-addressing table.
 */
export class TransitionMemo {
  /**
   * Dense rows, 64 states a chunk, allocated as needed (holes for chunks never
   * used); a slot holds answer - UNKNOWN_STEP, so a fresh (zeroed) row reads UNKNOWN_STEP.
   */
  private readonly chunks: (Int32Array | undefined)[] = [];
  private readonly denseStatesMax: number;
  /** state id + 1 per slot; 0 marks an empty slot, and any key up to `floor` a forgotten one. */
  private keyState = new Int32Array(1024);
  private keyOp = new Int32Array(1024);
  private value = new Int32Array(1024);
  private mask = 1023;
  private count = 0;
  /** Chunks below this index were dropped by forgetBelow. */
  private chunksFreed = 0;
  /** States below this id are forgotten. */
  private floor = 0;
  /** (op + 1, answer) pairs, NEAR_ANSWERS per state from `nearBase` on; op + 1 = 0 marks a free pair. */
  private near = new Int32Array(1024 * NEAR_INTS);
  private nearBase: number;

  constructor(private readonly ops: number) {
    this.denseStatesMax = Math.floor(DENSE_ENTRIES_MAX / Math.max(ops, 1) / CHUNK_STATES) * CHUNK_STATES;
    this.nearBase = this.denseStatesMax;
  }

  get(stateId: number, op: number): number {
    const chunk = this.chunks[stateId >>> CHUNK_SHIFT];
    if (chunk !== undefined) return chunk[(stateId & (CHUNK_STATES - 1)) * this.ops + op]! + UNKNOWN_STEP;
    if (stateId < this.denseStatesMax) return UNKNOWN_STEP;
    const at = (stateId - this.nearBase) * NEAR_INTS;
    const near = this.near;
    // Past the answers kept, or a state forgotten with them (below the base).
    if (at >= near.length || at < 0) return UNKNOWN_STEP;
    for (let k = at; k < at + NEAR_INTS; k += 2) {
      const o = near[k]! - 1;
      if (o === op) return near[k + 1]!;
      if (o < 0) return UNKNOWN_STEP; // pairs fill in order: the state has no more answers
    }
    const keyState = this.keyState;
    const key = stateId + 1;
    let slot = slotOf(stateId, op) & this.mask;
    for (;;) {
      const k = keyState[slot]!;
      if (k <= this.floor) return UNKNOWN_STEP;
      if (k === key && this.keyOp[slot] === op) return this.value[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  set(stateId: number, op: number, next: number): void {
    if (stateId < this.denseStatesMax) {
      let chunk = this.chunks[stateId >>> CHUNK_SHIFT];
      if (chunk === undefined) {
        chunk = new Int32Array(CHUNK_STATES * this.ops);
        this.chunks[stateId >>> CHUNK_SHIFT] = chunk;
      }
      chunk[(stateId & (CHUNK_STATES - 1)) * this.ops + op] = next - UNKNOWN_STEP;
      return;
    }
    const at = (stateId - this.nearBase) * NEAR_INTS;
    if (at < 0) return; // a forgotten state: never asked about again
    if (at >= this.near.length) this.growNear(at + NEAR_INTS);
    const near = this.near;
    for (let k = at; k < at + NEAR_INTS; k += 2) {
      if (near[k] === 0) {
        near[k] = op + 1;
        near[k + 1] = next;
        return;
      }
    }
    if ((this.count + 1) * 2 > this.mask) this.grow();
    this.insert(stateId + 1, op, next);
    this.count++;
  }
  /**
   * Drops the answers from states below `id`, which are forgotten (never asked
   * about again) and are all the states with answers so far: the dense rows
   * wholly below it, the answers kept beside states (which start again at
   * `id`), and every entry of the overflow table (its slots count as free
   * from now on).
   */
  forgetBelow(id: number): void {
    const end = Math.min(id >>> CHUNK_SHIFT, this.chunks.length);
    for (let c = this.chunksFreed; c < end; c++) this.chunks[c] = undefined;
    this.chunksFreed = Math.max(this.chunksFreed, end);
    this.floor = id;
    this.count = 0;
    if (id > this.nearBase) {
      this.nearBase = id;
      this.near = new Int32Array(1024 * NEAR_INTS);
    }
  }

  private growNear(needed: number): void {
    const near = new Int32Array(Math.max(needed, 2 * this.near.length));
    near.set(this.near);
    this.near = near;
  }

  private insert(key: number, op: number, next: number): void {
    let slot = slotOf(key - 1, op) & this.mask;
    while (this.keyState[slot]! > this.floor) slot = (slot + 1) & this.mask;
    this.keyState[slot] = key;
    this.keyOp[slot] = op;
    this.value[slot] = next;
  }

  private grow(): void {
    const { keyState, keyOp, value } = this;
    const size = keyState.length * 2;
    this.keyState = new Int32Array(size);
    this.keyOp = new Int32Array(size);
    this.value = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < keyState.length; i++) {
      if (keyState[i]! > this.floor) this.insert(keyState[i]!, keyOp[i]!, value[i]!);
    }
  }
}

function slotOf(stateId: number, op: number): number {
  const h = Math.imul(stateId, 0x9e3779b1) ^ Math.imul(op + 0x632be5ab, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
