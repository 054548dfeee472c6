/**
 * KV histories in the shape of Porcupine's 50-client test data and of the
 * kvraft tests: every client busy all the time, one operation after another,
 * each on a random key of a few, mostly appends of `x <client> <n> y` tokens
 * (so values grow), some gets and a few puts. A simulated server applies
 * each request when it arrives (a random delay after the call) and the reply
 * takes another random delay back, so outputs come from the order of those
 * arrival instants and the history is linearizable by construction.
 *
 * `corrupt` then changes one get (of a key written before) to read
 * its true value with the last token in it twice, as if that append had been
 * applied again (a duplicate a lost reply can cause): every token is written
 * by one operation only, so no linearization explains that read, and the
 * history is illegal, on that get's key alone.
 */
import { Prng } from '../../../sim/prng.ts';
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';

export interface ClientsKvOptions {
  readonly seed: number;
  readonly clients: number;
  readonly operations: number;
  readonly keys: number;
  /** Longest network delay of a request or its reply (default 4): requests called this close together may be applied in either order. */
  readonly delayMax?: number;
  /** Whether to make one get read an append twice (default false). */
  readonly corrupt?: boolean;
}

/** The corrupted history and which operation was changed. */
export interface CorruptedKvHistory {
  readonly operations: Operation<KvInput, KvOutput>[];
  /** Index of the get whose output was changed. */
  readonly corrupted: number;
}

/** The server commits what arrived since the last commit every this many time units (Raft's rounds). */
const COMMIT_EVERY = 10;
/** Longest pause of a client between a reply and its next call. */
const THINK_MAX = 3;

interface Draft {
  readonly clientId: number;
  readonly input: KvInput;
  readonly call: number;
  /** When the request reaches the server; requests are applied in this order. */
  readonly arrival: number;
  readonly return: number;
}

function inputOf(rng: Prng, clientId: number, counter: number, keys: number): KvInput {
  const key = String(rng.below(keys));
  const kind = rng.below(100);
  if (kind < 35) return { op: 0, key, value: '' };
  const value = `x ${clientId} ${counter} y`;
  return kind < 38 ? { op: 1, key, value } : { op: 2, key, value };
}

/**
 * Drafts in call order: each client calls, its request reaches the server
 * after a network delay, is applied at the next commit, and the reply comes
 * back after another delay; the client pauses and calls again.
 */
function drafts(options: ClientsKvOptions, rng: Prng): Draft[] {
  const freeAt = Array.from({ length: options.clients }, () => rng.below(COMMIT_EVERY));
  const counters = new Array<number>(options.clients).fill(0);
  const delayMax = options.delayMax ?? 4;
  const out: Draft[] = [];
  while (out.length < options.operations) {
    let clientId = 0;
    for (let c = 1; c < options.clients; c++) if (freeAt[c]! < freeAt[clientId]!) clientId = c;
    const call = freeAt[clientId]!;
    const arrival = call + rng.intInclusive(1, delayMax);
    const committed = (Math.floor(arrival / COMMIT_EVERY) + 1) * COMMIT_EVERY;
    const ret = committed + rng.intInclusive(1, delayMax);
    out.push({ clientId, input: inputOf(rng, clientId, counters[clientId]!++, options.keys), call, arrival, return: ret });
    freeAt[clientId] = ret + rng.intInclusive(1, THINK_MAX);
  }
  return out;
}

/** Outputs from applying the drafts in order of arrival at the server (ties: call order). */
function outputsOf(list: readonly Draft[]): KvOutput[] {
  const store = new Map<string, string>();
  const outputs: KvOutput[] = new Array(list.length);
  const order = list.map((_, i) => i).sort((a, b) => list[a]!.arrival - list[b]!.arrival || a - b);
  for (const i of order) {
    const { input } = list[i]!;
    const old = store.get(input.key) ?? '';
    outputs[i] = { value: input.op === 0 ? old : '' };
    if (input.op === 1) store.set(input.key, input.value);
    if (input.op === 2) store.set(input.key, old + input.value);
  }
  return outputs;
}

export function clientsKvHistory(options: ClientsKvOptions): Operation<KvInput, KvOutput>[] {
  return options.corrupt ? corruptedClientsKvHistory(options).operations : linearizable(options);
}

function linearizable(options: ClientsKvOptions): Operation<KvInput, KvOutput>[] {
  const list = drafts(options, new Prng(options.seed));
  const outputs = outputsOf(list);
  return list.map((d, i) => ({ clientId: d.clientId, input: d.input, call: d.call, output: outputs[i], return: d.return }));
}

/** The linearizable history with one get reading its last token twice (see the file comment). */
export function corruptedClientsKvHistory(options: ClientsKvOptions): CorruptedKvHistory {
  const operations = linearizable(options);
  const rng = new Prng(options.seed).fork('corrupt');
  const gets = operations.flatMap((op, i) => (op.input.op === 0 && op.output!.value !== '' ? [i] : []));
  if (gets.length === 0) throw new RangeError('the history has no get of a written key to corrupt');
  const corrupted = gets[rng.below(gets.length)]!;
  const op = operations[corrupted]!;
  const value = op.output!.value;
  // Tokens are `x <client> <n> y`: the last one starts at the last "x ".
  operations[corrupted] = { ...op, output: { value: value + value.slice(value.lastIndexOf('x ')) } };
  return { operations, corrupted };
}
