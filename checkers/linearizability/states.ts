/**
 * State interning and the transition memo: the search works on small integer
 * state ids, and asks the model for each (state, operation) pair at most once.
 */
import type { Model } from './types.ts';

/** Gives every distinct model state a dense integer id (0, 1, 2, …). */
export class StateTable<S> {
  /** id → state. */
  readonly states: S[] = [];
  /** Primitive states (but strings) of a model without `equal`. */
  private readonly byValue = new Map<unknown, number>();
  /** Open addressing over (hash, id + 1) pairs, for models with `hash` and for strings. */
  private table = new Int32Array(2 * 1024);
  private mask = 1023;
  private readonly equal: (a: S, b: S) => boolean;

  constructor(private readonly model: Pick<Model<S, unknown, unknown>, 'equal' | 'hash'>) {
    this.equal = model.equal ?? Object.is;
  }

  intern(state: S): number {
    const { hash } = this.model;
    if (this.model.equal === undefined && typeof state === 'string') return this.internHashed(state, stringHash(state), Object.is);
    if (this.model.equal === undefined && (typeof state !== 'object' || state === null)) {
      let id = this.byValue.get(state);
      if (id === undefined) {
        id = this.add(state);
        this.byValue.set(state, id);
      }
      return id;
    }
    if (hash === undefined) {
      for (let id = 0; id < this.states.length; id++) if (this.equal(this.states[id] as S, state)) return id;
      return this.add(state);
    }
    return this.internHashed(state, hash(state) | 0, this.equal);
  }

  private internHashed(state: S, h: number, equal: (a: S, b: S) => boolean): number {
    let slot = mix(h) & this.mask;
    for (;;) {
      const id = this.table[2 * slot + 1]! - 1;
      if (id < 0) break;
      if (this.table[2 * slot] === h && equal(this.states[id] as S, state)) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.add(state);
    this.table[2 * slot] = h;
    this.table[2 * slot + 1] = id + 1;
    if (this.states.length * 2 > this.mask) this.grow();
    return id;
  }

  private add(state: S): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  private grow(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let slot = mix(old[s]!) & this.mask;
      while (this.table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = old[s]!;
      this.table[2 * slot + 1] = old[s + 1]!;
    }
  }
}

/** FNV-1a over UTF-16 code units. */
function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
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
const DENSE_ENTRIES_MAX = 1 << 22;
const CHUNK_SHIFT = 6;
/** States per chunk of dense rows. */
const CHUNK_STATES = 1 << CHUNK_SHIFT;

/**
 * (state id, operation index) → next state id, ILLEGAL_STEP or UNKNOWN_STEP,
 * allocation-free on lookup: dense rows (one Int32Array slot per operation,
 * allocated 64 states at a time) for the first states, an open-addressing
 * table for the rest.
 */
export class TransitionMemo {
  private readonly chunks: Int32Array[] = [];
  private readonly denseStatesMax: number;
  /** state id + 1 per slot; 0 marks an empty slot. */
  private keyState = new Int32Array(1024);
  private keyOp = new Int32Array(1024);
  private value = new Int32Array(1024);
  private mask = 1023;
  private count = 0;

  constructor(private readonly ops: number) {
    this.denseStatesMax = Math.floor(DENSE_ENTRIES_MAX / Math.max(ops, 1) / CHUNK_STATES) * CHUNK_STATES;
  }

  get(stateId: number, op: number): number {
    const chunk = this.chunks[stateId >>> CHUNK_SHIFT];
    if (chunk !== undefined) return chunk[(stateId & (CHUNK_STATES - 1)) * this.ops + op]!;
    if (stateId < this.denseStatesMax) return UNKNOWN_STEP;
    const keyState = this.keyState;
    const key = stateId + 1;
    let slot = slotOf(stateId, op) & this.mask;
    for (;;) {
      const k = keyState[slot]!;
      if (k === 0) return UNKNOWN_STEP;
      if (k === key && this.keyOp[slot] === op) return this.value[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  set(stateId: number, op: number, next: number): void {
    if (stateId < this.denseStatesMax) {
      while (this.chunks.length <= stateId >>> CHUNK_SHIFT) this.chunks.push(new Int32Array(CHUNK_STATES * this.ops).fill(UNKNOWN_STEP));
      this.chunks[stateId >>> CHUNK_SHIFT]![(stateId & (CHUNK_STATES - 1)) * this.ops + op] = next;
      return;
    }
    if ((this.count + 1) * 2 > this.mask) this.grow();
    this.insert(stateId + 1, op, next);
    this.count++;
  }
  private insert(key: number, op: number, next: number): void {
    let slot = slotOf(key - 1, op) & this.mask;
    while (this.keyState[slot] !== 0) slot = (slot + 1) & this.mask;
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
      if (keyState[i] !== 0) this.insert(keyState[i]!, keyOp[i]!, value[i]!);
    }
  }
}

function slotOf(stateId: number, op: number): number {
  const h = Math.imul(stateId, 0x9e3779b1) ^ Math.imul(op + 0x632be5ab, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
