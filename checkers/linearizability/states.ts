/**
 * State interning and the transition memo: the search works on small integer
 * state ids, and asks the model for each (state, operation) pair at most once.
 */
import type { Model } from './types.ts';

/** Gives every distinct model state a dense integer id (0, 1, 2, …). */
export class StateTable<S> {
  /** id → state. */
  readonly states: S[] = [];
  private readonly byValue = new Map<unknown, number>();
  private readonly byHash = new Map<number, number[]>();
  private readonly others: number[] = [];

  constructor(private readonly model: Pick<Model<S, unknown, unknown>, 'equal' | 'hash'>) {}

  intern(state: S): number {
    const { equal, hash } = this.model;
    if (equal === undefined && (typeof state !== 'object' || state === null)) {
      let id = this.byValue.get(state);
      if (id === undefined) {
        id = this.add(state);
        this.byValue.set(state, id);
      }
      return id;
    }
    const same = equal ?? Object.is;
    const bucket = hash === undefined ? this.others : this.bucketOf(hash(state) | 0);
    for (const id of bucket) if (same(this.states[id] as S, state)) return id;
    const id = this.add(state);
    bucket.push(id);
    return id;
  }

  private bucketOf(h: number): number[] {
    let bucket = this.byHash.get(h);
    if (bucket === undefined) {
      bucket = [];
      this.byHash.set(h, bucket);
    }
    return bucket;
  }

  private add(state: S): number {
    this.states.push(state);
    return this.states.length - 1;
  }
}

/** Not yet asked. */
export const UNKNOWN_STEP = -2;
/** The operation is not legal in that state. */
export const ILLEGAL_STEP = -1;

/** Dense rows are kept for the first states while rows × operations stays under this many entries. */
const DENSE_ENTRIES_MAX = 1 << 22;

/**
 * (state id, operation index) → next state id, ILLEGAL_STEP or UNKNOWN_STEP,
 * allocation-free on lookup: dense rows (one Int32Array slot per operation)
 * for the first states, an open-addressing table for the rest.
 */
export class TransitionMemo {
  private dense = new Int32Array(0);
  private readonly denseStatesMax: number;
  /** state id + 1 per slot; 0 marks an empty slot. */
  private keyState = new Int32Array(1024);
  private keyOp = new Int32Array(1024);
  private value = new Int32Array(1024);
  private mask = 1023;
  private count = 0;

  constructor(private readonly ops: number) {
    this.denseStatesMax = Math.floor(DENSE_ENTRIES_MAX / Math.max(ops, 1));
    this.dense = new Int32Array(Math.min(8, this.denseStatesMax) * ops).fill(UNKNOWN_STEP);
  }

  get(stateId: number, op: number): number {
    const i = stateId * this.ops + op;
    if (i < this.dense.length) return this.dense[i]!;
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
      const i = stateId * this.ops + op;
      if (i >= this.dense.length) this.growDense(stateId);
      this.dense[i] = next;
      return;
    }
    if ((this.count + 1) * 2 > this.mask) this.grow();
    this.insert(stateId + 1, op, next);
    this.count++;
  }

  private growDense(stateId: number): void {
    const states = Math.min(this.denseStatesMax, Math.max(stateId + 1, (2 * this.dense.length) / this.ops));
    const dense = new Int32Array(states * this.ops).fill(UNKNOWN_STEP);
    dense.set(this.dense);
    this.dense = dense;
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
