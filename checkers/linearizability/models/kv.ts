/**
 * The 6.5840 lab key/value store, with Porcupine's KvInput/KvOutput shapes:
 * op 0 Get, 1 Put, 2 Append (returns nothing), 3 Append returning the old
 * value in `output.value`. Absent keys read as "". An unknown outcome lets a
 * Get read anything and applies a Put or Append.
 */
import type { Model } from '../types.ts';
import { kvChainModel } from './kv-chain.ts';

export interface KvInput {
  /** 0 Get, 1 Put, 2 Append, 3 Append that returns the old value. */
  readonly op: 0 | 1 | 2 | 3;
  readonly key: string;
  /** The argument of Put and Append; ignored by Get. */
  readonly value: string;
}

export interface KvOutput {
  /** What Get read, or (op 3) the value before the append; ignored for Put and op 2. */
  readonly value: string;
}

/**
 * The latest long value an append made, with its two parts. Appends build
 * values by concatenation, which V8 keeps as a pair of pointers until
 * somebody reads the characters; comparing the pair with an observed value
 * would then copy it whole, once per append: 500 MB for the lab's 1000
 * appends of 1000 bytes. Compared part by part against slices of the
 * observed value instead, it is never copied. A memo only (it decides
 * nothing a plain comparison would not), holding one value.
 */
let lastAppend: { readonly value: string; readonly head: string; readonly tail: string } | undefined;
/** Shorter values are compared plainly. */
const LONG_VALUE = 4096;

/** `value === observed`, without flattening a long value this model built by appending. */
function sameValue(value: string, observed: string): boolean {
  if (value.length !== observed.length) return false;
  const a = lastAppend;
  // `value === a.value` is a pointer comparison when it holds; otherwise lengths match and it compares contents.
  if (a === undefined || value.length < LONG_VALUE || value !== a.value) return value === observed;
  const n = a.head.length;
  return observed.substring(0, n) === a.head && observed.substring(n) === a.tail;
}

/** `head + tail`, remembered as the latest append when long. */
function appended(head: string, tail: string): string {
  const value = head + tail;
  if (value.length >= LONG_VALUE) lastAppend = { value, head, tail };
  return value;
}

/** The next value of one key, or undefined when the operation is not legal on `value`. */
function stepKey(value: string, input: KvInput, output: KvOutput | undefined): string | undefined {
  switch (input.op) {
    case 0:
      return output === undefined || sameValue(value, output.value) ? value : undefined;
    case 1:
      return input.value;
    case 2:
      return appended(value, input.value);
    case 3:
      if (output === undefined) return appended(value, input.value);
      // Equal to `value`: build on the observed string, which the caller has likely read whole already.
      return sameValue(value, output.value) ? appended(output.value, input.value) : undefined;
  }
}

const OP_NAMES = ['get', 'put', 'append', 'append'] as const;

export function describeKvOperation(input: KvInput, output: KvOutput | undefined): string {
  const name = OP_NAMES[input.op];
  const args = input.op === 0 ? JSON.stringify(input.key) : `${JSON.stringify(input.key)}, ${JSON.stringify(input.value)}`;
  const returns = input.op === 0 || input.op === 3;
  const result = output === undefined ? ' → ?' : returns ? ` → ${JSON.stringify(output.value)}` : '';
  return `${name}(${args})${result}`;
}

/** One key's value per partition: each key is checked on its own. */
export const kvModel: Model<string, KvInput, KvOutput> = {
  name: 'kv',
  unknownOutcomeLegal: true,
  readOnly: (input) => input.op === 0,
  init: () => '',
  step: stepKey,
  partition: (input) => input.key,
  describeOperation: describeKvOperation,
  describeState: (value) => JSON.stringify(value),
  searchWith: kvChainModel,
};

/** Slots of the keys seen so far, shared by every state descended from one init(); it only grows. */
interface KeySlots {
  readonly slotOf: Map<string, number>;
  readonly keys: string[];
}

/**
 * The whole store as one state: values by key slot (a short array, cheap to
 * copy on a write). `hash` is the xor of per-key hashes, kept up to date on
 * writes, so equal stores hash alike whatever order their keys came in.
 */
export interface KvStore {
  readonly slots: KeySlots;
  /** values[slot of key]; "" (or a missing tail) for a key never written. */
  readonly values: readonly string[];
  readonly hash: number;
}

function pairHash(key: string, value: string): number {
  if (value === '') return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0xff, 0x01000193);
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return h | 0;
}

function slotFor(slots: KeySlots, key: string): number {
  let slot = slots.slotOf.get(key);
  if (slot === undefined) {
    slot = slots.keys.length;
    slots.slotOf.set(key, slot);
    slots.keys.push(key);
  }
  return slot;
}

/** Whether every key of `a` reads the same in `b` (stores from different init() calls). */
function sameEntries(a: KvStore, b: KvStore): boolean {
  return a.values.every((value, slot) => {
    const other = b.slots.slotOf.get(a.slots.keys[slot]!);
    return value === ((other === undefined ? undefined : b.values[other]) ?? '');
  });
}

/** The same store without partitioning: much slower to check, and a cross-check of the partitioned model. */
export const kvModelUnpartitioned: Model<KvStore, KvInput, KvOutput> = {
  name: 'kv-unpartitioned',
  unknownOutcomeLegal: true,
  readOnly: (input) => input.op === 0,
  init: () => ({ slots: { slotOf: new Map(), keys: [] }, values: [], hash: 0 }),
  step(store, input, output) {
    const slot = slotFor(store.slots, input.key);
    const old = store.values[slot] ?? '';
    const value = stepKey(old, input, output);
    if (value === undefined) return undefined;
    if (value === old) return store;
    const values = store.values.slice();
    while (values.length < slot) values.push('');
    values[slot] = value;
    return { slots: store.slots, values, hash: store.hash ^ pairHash(input.key, old) ^ pairHash(input.key, value) };
  },
  equal(a, b) {
    if (a.hash !== b.hash) return false;
    if (a.slots !== b.slots) return sameEntries(a, b) && sameEntries(b, a);
    const n = Math.max(a.values.length, b.values.length);
    for (let i = 0; i < n; i++) if ((a.values[i] ?? '') !== (b.values[i] ?? '')) return false;
    return true;
  },
  hash: (store) => store.hash,
  describeOperation: describeKvOperation,
  describeState: (store) =>
    `{${store.values
      .map((value, slot) => [store.slots.keys[slot]!, value] as const)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ')}}`,
};
