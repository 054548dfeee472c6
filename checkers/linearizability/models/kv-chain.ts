/**
 * The KV model as the search runs it (kvModel's `searchWith`): the same
 * legal sequences, but a key's value is a chain of appends rather than a
 * string. The search meets a new value at nearly every configuration of an
 * append-heavy key, so what a value costs matters: here an append is one
 * small object holding its parent, the appended string, the length and the
 * FNV-1a hash carried on from the parent's — never the concatenated text,
 * which V8 would flatten (copy whole, and keep) on the first comparison or
 * hash of each of them.
 *
 * The text of a value is learnt only when a read matches it: the chain is
 * compared against the observed string backwards, append by append, down to
 * the nearest value whose text is known, and the observed string becomes its
 * text. A wrong order of appends usually fails at the first comparison.
 *
 * Appended values are not looked up among earlier ones (worthInterning): two
 * different chains of the lab's distinct tokens are never equal. And since a
 * value only grows until a put, a pending read of a string the value is no
 * prefix of is hopeless unless a put that starts that string can still come
 * first (mayBecomeLegal, resets, resetMayEnable): the search then drops the
 * order at once.
 */
import type { Model } from '../types.ts';
import type { KvInput, KvOutput } from './kv.ts';

/** One key's value: `parent`'s text followed by `tail`, or `tail` alone without a parent. */
export class ChainValue {
  /** The whole text, once known: always for a value without a parent. */
  text: string | undefined;
  /** The last observed string this value was found to be a prefix of. */
  prefixOf: string | undefined;

  constructor(
    readonly parent: ChainValue | undefined,
    readonly tail: string,
    readonly length: number,
    /** FNV-1a (kept to 30 bits, see fnv) over the UTF-16 code units of the whole text. */
    readonly hash: number,
  ) {
    this.text = parent === undefined ? tail : undefined;
    this.prefixOf = undefined;
  }
}

const FNV_BASIS = 0x011c9dc5;

/**
 * FNV-1a of `s` continued from the hash `h` of what precedes it, its state
 * kept to 30 bits so that it is a small integer for V8: a value's hash then
 * sits in the object itself rather than in a number boxed beside it.
 */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) & 0x3fffffff;
  return h;
}

function whole(text: string): ChainValue {
  return new ChainValue(undefined, text, text.length, fnv(FNV_BASIS, text));
}

const EMPTY = whole('');

function append(value: ChainValue, tail: string): ChainValue {
  return tail === '' ? value : new ChainValue(value, tail, value.length + tail.length, fnv(value.hash, tail));
}

/** Whether `value` reads as `observed`; when it does, remembers `observed` as its text. */
function reads(value: ChainValue, observed: string): boolean {
  if (value.length !== observed.length) return false;
  let node = value;
  let end = observed.length;
  while (node.text === undefined) {
    const start = end - node.tail.length;
    if (!observed.startsWith(node.tail, start)) return false;
    end = start;
    node = node.parent!;
  }
  const known = node.text;
  if (!(end === observed.length ? known === observed : observed.startsWith(known))) return false;
  value.text = observed;
  return true;
}

/** Whether `value` is a prefix of `observed`, so that appends could make it read as `observed`. */
function mayGrowInto(value: ChainValue, observed: string): boolean {
  if (value.length > observed.length) return false;
  let node = value;
  let end = value.length;
  while (node.text === undefined && node.prefixOf !== observed) {
    const start = end - node.tail.length;
    if (!observed.startsWith(node.tail, start)) return false;
    end = start;
    node = node.parent!;
  }
  if (node.prefixOf !== observed) {
    if (!observed.startsWith(node.text!)) return false;
    node.prefixOf = observed;
  }
  value.prefixOf = observed;
  return true;
}

/** The whole text of `value`, learnt by joining its chain (a model state compared by content: rare). */
export function chainText(value: ChainValue): string {
  if (value.text !== undefined) return value.text;
  const tails: string[] = [];
  let node = value;
  for (; node.text === undefined; node = node.parent!) tails.push(node.tail);
  tails.push(node.text);
  value.text = tails.reverse().join('');
  return value.text;
}

function step(value: ChainValue, input: KvInput, output: KvOutput | undefined): ChainValue | undefined {
  switch (input.op) {
    case 0:
      return output === undefined || reads(value, output.value) ? value : undefined;
    case 1:
      return whole(input.value);
    case 2:
      return append(value, input.value);
    case 3:
      return output === undefined || reads(value, output.value) ? append(value, input.value) : undefined;
  }
}

export const kvChainModel: Model<ChainValue, KvInput, KvOutput> = {
  name: 'kv-chain',
  unknownOutcomeLegal: true,
  readOnly: (input) => input.op === 0,
  init: () => EMPTY,
  step,
  equal: (a, b) => a === b || (a.length === b.length && a.hash === b.hash && reads(b, chainText(a))),
  hash: (value) => value.hash,
  // A value appended in two ways is almost always two values (the lab's appends are distinct tokens); puts repeat.
  worthInterning: (value) => value.parent === undefined,
  // Without a put, a value only grows: a read of a string it is no prefix of can never be legal.
  resets: (input) => input.op === 1,
  resetMayEnable: (put, _input, output) => output.value.startsWith(put.value),
  mayBecomeLegal: (value, _input, output) => mayGrowInto(value, output.value),
  describeState: (value) => JSON.stringify(chainText(value)),
};
