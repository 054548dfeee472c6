/**
 * The shard machine: every replica of a group applies the same log —
 * client ops on shards it serves, config changes one number at a time and
 * only when every shard is settled, installs of pulled shards (data and
 * dedup entries), deletes of shards handed over, and GC acknowledgements —
 * so all agree on each shard's lifecycle state (./lifecycle.ts).
 */
import { decode, encode, type Payload } from '../../sim/contract.ts';
import { CONFIG_ZERO } from '../shardctrler/machine.ts';
import type { Config } from '../shardctrler/types.ts';
import type { ServiceMachine } from '../rsm/types.ts';
import { serves, settled, step, type ShardStatus } from './lifecycle.ts';
import { DeleteShard, ErrNoKey, ErrWrongGroup, KvGet, KvPutAppend, NShards, OK, SUBMIT, key2shard, type ClientArgs, type ShardArgs, type ShardKvOp, type ShardKvReply, type ShardKvState } from './types.ts';

const DONE: ShardKvReply = Object.freeze({ err: OK });
const WRONG_GROUP: ShardKvReply = Object.freeze({ err: ErrWrongGroup });

/** The state of a replica of no group yet: the server sets `gid` from its config at init (./server.ts). */
export function initState(): ShardKvState {
  return { gid: 0, config: CONFIG_ZERO, prev: CONFIG_ZERO, shards: Array.from({ length: NShards }, () => ({ status: 'Absent' as ShardStatus, data: new Map() })), lastSeq: new Map() };
}

function applyClient(s: ShardKvState, method: string, a: ClientArgs): ShardKvReply {
  const shard = s.shards[key2shard(a.key)]!;
  if (s.config.shards[key2shard(a.key)] !== s.gid || !serves(shard.status)) return WRONG_GROUP;
  if (method === KvGet) {
    const value = shard.data.get(a.key);
    return value === undefined ? { err: ErrNoKey, value: '' } : { err: OK, value };
  }
  if ((s.lastSeq.get(a.clientId) ?? 0) >= a.seq) return DONE;
  s.lastSeq.set(a.clientId, a.seq);
  shard.data.set(a.key, a.op === 'Put' ? a.value! : (shard.data.get(a.key) ?? '') + a.value!);
  return DONE;
}

/** The next config, if it is the next number and every shard is settled. */
function applyConfig(s: ShardKvState, next: Config): void {
  if (next.num !== s.config.num + 1 || !s.shards.every((x) => settled(x.status))) return;
  for (let i = 0; i < NShards; i++) {
    const was = s.config.shards[i]!;
    const now = next.shards[i]!;
    const shard = s.shards[i]!;
    if (now === s.gid && was !== s.gid) shard.status = step(shard.status, was === 0 ? 'GAIN_NEW' : 'GAIN');
    if (was === s.gid && now !== s.gid) {
      shard.status = step(shard.status, now === 0 ? 'DROP' : 'LOSE');
      if (now === 0) shard.data = new Map();
    }
  }
  s.prev = s.config;
  s.config = next;
}

export function applyOp(s: ShardKvState, op: ShardKvOp): ShardKvReply {
  switch (op.kind) {
    case 'client':
      return applyClient(s, op.method, op.args);
    case 'config':
      applyConfig(s, op.config);
      return DONE;
    case 'install': {
      const shard = s.shards[op.shard]!;
      if (op.num !== s.config.num || shard.status !== 'Pulling') return DONE;
      shard.data = new Map(op.data);
      for (const [c, seq] of op.lastSeq) if ((s.lastSeq.get(c) ?? 0) < seq) s.lastSeq.set(c, seq);
      shard.status = step(shard.status, 'INSTALLED');
      return DONE;
    }
    case 'delete': {
      const shard = s.shards[op.shard]!;
      if (op.num === s.config.num && shard.status === 'BePulling') {
        shard.status = step(shard.status, 'DELETED');
        shard.data = new Map();
      }
      return DONE;
    }
    case 'noop':
      return DONE;
    case 'gc-done': {
      const shard = s.shards[op.shard]!;
      if (op.num === s.config.num) shard.status = step(shard.status, 'GC_DONE');
      return DONE;
    }
  }
}

export function toOp(method: string, args: Payload): ShardKvOp | undefined {
  if (method === SUBMIT) return args as unknown as ShardKvOp;
  if (method === KvGet || method === KvPutAppend) return { kind: 'client', method, args: args as unknown as ClientArgs };
  if (method === DeleteShard) return { kind: 'delete', ...(args as unknown as ShardArgs) };
  return undefined;
}

interface Snapshot {
  gid: number;
  config: Config;
  prev: Config;
  shards: { status: ShardStatus; data: [string, string][] }[];
  lastSeq: [number, number][];
}

export function snapshotOf(s: ShardKvState): Uint8Array {
  const v: Snapshot = { gid: s.gid, config: s.config, prev: s.prev, shards: s.shards.map((x) => ({ status: x.status, data: [...x.data] })), lastSeq: [...s.lastSeq] };
  return encode(v as never);
}

export function restoreFrom(bytes: Uint8Array): ShardKvState {
  const v = decode(bytes) as unknown as Snapshot;
  return { gid: v.gid, config: v.config, prev: v.prev, shards: v.shards.map((x) => ({ status: x.status, data: new Map(x.data) })), lastSeq: new Map(v.lastSeq) };
}

export const shardMachine: ServiceMachine<ShardKvState, ShardKvOp, ShardKvReply> = {
  name: 'shardkv',
  toOp,
  init: initState,
  doOp: applyOp,
  snapshot: snapshotOf,
  restore: restoreFrom,
};
