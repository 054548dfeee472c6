/**
 * The KV machine: Get, Put, Append over a map of strings, exactly once per
 * (clientId, seq) — a Put or Append whose seq is not above the clerk's last
 * applied one is a retry already applied, and changes nothing. The dedup
 * table is part of the state, so it is in every snapshot: a server that
 * restarts or installs a snapshot still recognises the retries.
 */
import { decode, encode, Encoded, type Payload } from '../../sim/contract.ts';
import type { ServiceMachine } from '../rsm/types.ts';
import { describeKvraft } from './describe.ts';
import { ErrNoKey, KvAppend, KvGet, KvPut, OK, type KvMachineState, type KvOp, type KvReply, type PutAppendArgs } from './types.ts';

const PUT_DONE: KvReply = Object.freeze({ err: OK });

export function toOp(method: string, args: Payload): KvOp | undefined {
  if (method !== KvGet && method !== KvPut && method !== KvAppend) return undefined;
  const a = args as PutAppendArgs;
  return method === KvGet ? { method, clientId: a.clientId, seq: a.seq, key: a.key } : { method, clientId: a.clientId, seq: a.seq, key: a.key, value: a.value };
}

export function doOp(s: KvMachineState, op: KvOp): KvReply {
  if (op.method === KvGet) {
    const value = s.store.get(op.key);
    return value === undefined ? { err: ErrNoKey, value: '' } : { err: OK, value };
  }
  if ((s.lastSeq.get(op.clientId) ?? 0) >= op.seq) return PUT_DONE;
  s.lastSeq.set(op.clientId, op.seq);
  s.store.set(op.key, op.method === KvPut ? op.value! : (s.store.get(op.key) ?? '') + op.value!);
  return PUT_DONE;
}

/**
 * The state as plain data: store and dedup table as lists of pairs, i.e.
 * `encode({ store: [...s.store], lastSeq: [...s.lastSeq] })`, byte for byte.
 * A server past maxraftstate snapshots after nearly every apply, while an
 * apply changes one key: each [key, value] pair is encoded once and kept in
 * the state's cache (`pairs`) with the value it was encoded from, and reused
 * while the store holds that same value, so a snapshot re-encodes only the
 * keys written since the last one and copies the rest.
 */
export function snapshotOf(s: KvMachineState): Uint8Array {
  const cache = s.pairs;
  const pairs = new Array<Encoded>(s.store.size);
  let i = 0;
  for (const [key, value] of s.store) {
    let c = cache.get(key);
    if (c === undefined || c.value !== value) cache.set(key, (c = { value, bytes: new Encoded(encode([key, value])) }));
    pairs[i++] = c.bytes;
  }
  if (cache.size > s.store.size) for (const key of cache.keys()) if (!s.store.has(key)) cache.delete(key);
  return encode({ store: pairs, lastSeq: [...s.lastSeq] });
}

export function restoreFrom(bytes: Uint8Array): KvMachineState {
  const v = decode(bytes) as unknown as { store: [string, string][]; lastSeq: [number, number][] };
  return { store: new Map(v.store), lastSeq: new Map(v.lastSeq), pairs: new Map() };
}

export const kvMachine: ServiceMachine<KvMachineState, KvOp, KvReply> = {
  name: 'kvraft',
  toOp,
  init: () => ({ store: new Map(), lastSeq: new Map(), pairs: new Map() }),
  doOp,
  snapshot: snapshotOf,
  restore: restoreFrom,
  describe: describeKvraft,
};
