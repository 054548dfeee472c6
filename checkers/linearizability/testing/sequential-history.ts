/**
 * A long history of one key where each operation returns before the next is
 * called, like the kvsrv memory tests' 100,000 clerks: Get, Put and Append
 * with return (ops 0, 1, 3) in turn, every output the one the sequential
 * run gives. Linearizable; its only linearization is its own order.
 */
import type { KvInput, KvOutput } from '../models/kv.ts';
import type { Operation } from '../types.ts';

export function sequentialKvHistory(n: number): Operation<KvInput, KvOutput>[] {
  const ops: Operation<KvInput, KvOutput>[] = [];
  let value = '';
  for (let i = 0; i < n; i++) {
    const call = 2 * i;
    const kind = i % 3;
    if (kind === 0) ops.push({ clientId: i, input: { op: 0, key: 'k', value: '' }, call, return: call + 1, output: { value } });
    else if (kind === 1) {
      value = `put ${i};`;
      ops.push({ clientId: i, input: { op: 1, key: 'k', value }, call, return: call + 1, output: { value: '' } });
    } else {
      ops.push({ clientId: i, input: { op: 3, key: 'k', value: `+${i};` }, call, return: call + 1, output: { value } });
      value += `+${i};`;
    }
  }
  return ops;
}
