/**
 * A generated KV history for stress tests: many clients and keys, where every
 * key but one is linearizable yet expensive to search, and one key has a
 * cheap violation. A checker that takes keys one at a time to completion gets
 * stuck on the first expensive key; an interleaving one finds the violation.
 */
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';

export interface StressOptions {
  readonly clients?: number;
  readonly operations?: number;
  readonly keys?: number;
  /** The key spread over the whole history (default: the last). */
  readonly cheapKey?: number;
  /** Whether the cheap key's last read is stale (default true); false gives a linearizable history. */
  readonly illegal?: boolean;
  /** Appends in each expensive key's opening burst: the search tries about groupSize! orders. */
  readonly groupSize?: number;
}

type KvOp = Omit<Operation<KvInput, KvOutput>, 'clientId'>;

/** Time per key: expensive keys run one after another; the cheap key starts halfway and runs to the end. */
const KEY_SPAN = 1000;

/**
 * An expensive key: `group` appends all concurrent, then a get that sees them
 * in the reverse of call order (legal, found last), then sequential writes
 * and reads.
 */
function expensiveKey(key: string, count: number, group: number, t0: number): KvOp[] {
  const ops: KvOp[] = [];
  for (let j = 0; j < group; j++) {
    ops.push({ input: { op: 2, key, value: `${key}.${j};` }, call: t0 + j, return: t0 + 100 + j, output: { value: '' } });
  }
  let value = Array.from({ length: group }, (_, j) => `${key}.${group - 1 - j};`).join('');
  ops.push({ input: { op: 0, key, value: '' }, call: t0 + 200, return: t0 + 201, output: { value } });
  for (let i = 0; ops.length < count; i++) {
    const t = t0 + 300 + 2 * i;
    if (i % 3 === 2) ops.push({ input: { op: 0, key, value: '' }, call: t, return: t + 1, output: { value } });
    else {
      value = i % 3 === 0 ? `${key}:${i}` : `${value}+${i}`;
      ops.push({ input: i % 3 === 0 ? { op: 1, key, value } : { op: 2, key, value: `+${i}` }, call: t, return: t + 1, output: { value: '' } });
    }
  }
  return ops;
}

/** A sequential key spread over [t0, t0 + span); when `illegal`, its last read returns a value overwritten before. */
function cheapKey(key: string, count: number, t0: number, span: number, illegal: boolean): KvOp[] {
  const ops: KvOp[] = [];
  const gap = Math.floor(span / count);
  let value = '';
  let previous = '';
  for (let i = 0; i < count; i++) {
    const t = t0 + i * gap;
    if (i % 2 === 0) {
      previous = value;
      value = `${key}:${i}`;
      ops.push({ input: { op: 1, key, value }, call: t, return: t + 3, output: { value: '' } });
    } else {
      const seen = illegal && i === count - 1 ? previous : value;
      ops.push({ input: { op: 0, key, value: '' }, call: t, return: t + 3, output: { value: seen } });
    }
  }
  return ops;
}

/** Gives each operation a client, cycling through clients that have no operation open. */
function assignClients(ops: KvOp[], clients: number): Operation<KvInput, KvOutput>[] {
  const busyUntil = new Array<number>(clients).fill(-Infinity);
  let next = 0;
  return [...ops]
    .sort((a, b) => a.call - b.call)
    .map((op) => {
      for (let tries = 0; busyUntil[next]! >= op.call; tries++) {
        if (tries === clients) throw new Error(`more than ${clients} operations open at time ${op.call}`);
        next = (next + 1) % clients;
      }
      const clientId = next;
      busyUntil[clientId] = op.return;
      next = (next + 1) % clients;
      return { clientId, ...op };
    });
}

export function stressHistory(options: StressOptions = {}): Operation<KvInput, KvOutput>[] {
  const { clients = 50, operations = 2000, keys = 10, cheapKey: cheap = keys - 1, illegal = true, groupSize = 10 } = options;
  const perKey = Math.floor(operations / keys);
  const ops: KvOp[] = [];
  let slot = 0;
  for (let k = 0; k < keys; k++) {
    const key = String(k);
    const half = KEY_SPAN * Math.floor((keys - 1) / 2);
    if (k === cheap) ops.push(...cheapKey(key, operations - perKey * (keys - 1), half + 5, KEY_SPAN * (keys - 1) - half, illegal));
    else ops.push(...expensiveKey(key, perKey, groupSize, KEY_SPAN * slot++));
  }
  return assignClients(ops, clients);
}
