/**
 * Random linearizable KV histories like the lab's tests produce: clients
 * issue Get/Put/Append one at a time on a few keys; each operation takes
 * effect at a random instant inside its interval, and outputs are computed
 * from that order — so the history is linearizable by construction.
 */
import { Prng } from '../../../sim/prng.ts';
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';

export interface RandomKvOptions {
  readonly seed: number;
  readonly clients: number;
  readonly operations: number;
  readonly keys: number;
  /** Longest operation, in time units; clients start one each unit apart. */
  readonly durationMax?: number;
}

export function randomKvHistory(options: RandomKvOptions): Operation<KvInput, KvOutput>[] {
  const { clients, operations, keys, durationMax = 40 } = options;
  const rng = new Prng(options.seed);
  const freeAt = Array.from({ length: clients }, (_, c) => c);
  const pending: { op: Omit<Operation<KvInput, KvOutput>, 'output'>; at: number }[] = [];
  for (let i = 0; i < operations; i++) {
    const clientId = rng.below(clients);
    const call = freeAt[clientId]! + rng.intInclusive(0, 5);
    const ret = call + rng.intInclusive(1, durationMax);
    freeAt[clientId] = ret + 1;
    const key = String(rng.below(keys));
    const kind = rng.below(10);
    const input: KvInput = kind < 4 ? { op: 0, key, value: '' } : kind < 5 ? { op: 1, key, value: `x ${clientId} ${i} y` } : { op: 2, key, value: `x ${clientId} ${i} y` };
    pending.push({ op: { clientId, input, call, return: ret }, at: call + rng.below(ret - call + 1) });
  }
  const store = new Map<string, string>();
  const outputs = new Map<object, KvOutput>();
  for (const { op } of [...pending].sort((a, b) => a.at - b.at)) {
    const old = store.get(op.input.key) ?? '';
    outputs.set(op, { value: op.input.op === 0 ? old : '' });
    if (op.input.op === 1) store.set(op.input.key, op.input.value);
    if (op.input.op === 2) store.set(op.input.key, old + op.input.value);
  }
  return pending.map(({ op }) => ({ ...op, output: outputs.get(op) })).sort((a, b) => a.call - b.call);
}
