/**
 * A replica group's state machine: every replica runs every committed entry
 * in log order (protocols/rsm). Client ops are served only for shards this
 * group owns in its current config and holds completely (Serving, GCing);
 * others answer ErrWrongGroup at apply time, so the check is in log order
 * too. Config, install and delete entries drive each shard's lifecycle
 * (./lifecycle.ts). The dedup table travels with pulled shards (merged by
 * the highest seq per client), so a retry of a write applied by the old
 * owner is recognised by the new one.
 */
import { decode, encode, type Payload } from '../../../sim/contract.ts';
import type { ServiceMachine } from '../../../protocols/rsm/types.ts';
import { CONFIG_ZERO } from '../../../protocols/shardctrler/machine.ts';
import { NShards, type Config } from '../../../protocols/shardctrler/types.ts';
import { serves, settled, stepShard } from './lifecycle.ts';
import {
  DeleteShard,
  ErrNoKey,
  ErrNotReady,
  ErrWrongGroup,
  OK,
  ShardGet,
  ShardPutAppend,
  key2shard,
  type GetArgs,
  type PutAppendArgs,
  type ShardData,
  type ShardMachineState,
  type ShardOp,
  type ShardsArgs,
  type ShardStatus,
} from './types.ts';

/** The method the server's own entries (config, install, deleted) are submitted with; the args are the op. */
export const SUBMIT = 'shardkv:submit';

export type ShardResult = { readonly err: string; readonly value?: string };

const DONE: ShardResult = Object.freeze({ err: OK });
const WRONG_GROUP: ShardResult = Object.freeze({ err: ErrWrongGroup });
const NOT_READY: ShardResult = Object.freeze({ err: ErrNotReady });

export function initialState(gid: number): ShardMachineState {
  return {
    gid,
    config: CONFIG_ZERO,
    prev: CONFIG_ZERO,
    status: new Array<ShardStatus>(NShards).fill('Absent'),
    stores: Array.from({ length: NShards }, () => new Map<string, string>()),
    lastSeq: new Map(),
  };
}

export function toOp(method: string, args: Payload): ShardOp | undefined {
  if (method === SUBMIT) return args as ShardOp;
  if (method === ShardGet) {
    const a = args as GetArgs;
    return { type: 'get', clientId: a.clientId, seq: a.seq, key: a.key };
  }
  if (method === ShardPutAppend) {
    const a = args as PutAppendArgs;
    return { type: a.op === 'Put' ? 'put' : 'append', clientId: a.clientId, seq: a.seq, key: a.key, value: a.value };
  }
  if (method === DeleteShard) {
    const a = args as ShardsArgs;
    return { type: 'delete', num: a.num, shards: a.shards };
  }
  return undefined;
}

/** Whether this group serves `shard` now. */
export function servesShard(s: ShardMachineState, shard: number): boolean {
  return s.config.shards[shard] === s.gid && serves(s.status[shard]!);
}

/** Every shard settled: the next config may be applied. */
export function allSettled(s: ShardMachineState): boolean {
  return s.status.every(settled);
}

export function doOp(s: ShardMachineState, op: ShardOp): ShardResult {
  switch (op.type) {
    case 'get':
    case 'put':
    case 'append':
      return clientOp(s, op);
    case 'config':
      applyConfig(s, op.config);
      return DONE;
    case 'install':
      install(s, op.num, op);
      return DONE;
    case 'delete':
      return deleteShards(s, op.num, op.shards);
    case 'noop':
      return DONE;
    case 'deleted':
      if (op.num === s.config.num) for (const sh of op.shards) if (s.status[sh] === 'GCing') s.status[sh] = stepShard('GCing', 'DELETED');
      return DONE;
  }
}

function clientOp(s: ShardMachineState, op: Extract<ShardOp, { type: 'get' | 'put' | 'append' }>): ShardResult {
  const shard = key2shard(op.key);
  if (!servesShard(s, shard)) return WRONG_GROUP;
  const store = s.stores[shard]!;
  if (op.type === 'get') {
    const value = store.get(op.key);
    return value === undefined ? { err: ErrNoKey, value: '' } : { err: OK, value };
  }
  if ((s.lastSeq.get(op.clientId) ?? 0) >= op.seq) return DONE;
  s.lastSeq.set(op.clientId, op.seq);
  store.set(op.key, op.type === 'put' ? op.value : (store.get(op.key) ?? '') + op.value);
  return DONE;
}

/** The next config, when it is the next one and every shard is settled; otherwise (a duplicate, a stale leader's entry) nothing. */
function applyConfig(s: ShardMachineState, next: Config): void {
  if (next.num !== s.config.num + 1 || !allSettled(s)) return;
  for (let sh = 0; sh < NShards; sh++) {
    const was = s.config.shards[sh] === s.gid;
    const now = next.shards[sh] === s.gid;
    if (!was && now) s.status[sh] = stepShard(s.status[sh]!, s.config.shards[sh] === 0 ? 'FRESH' : 'GAIN');
    else if (was && !now) s.status[sh] = stepShard(s.status[sh]!, 'LOSE');
  }
  s.prev = s.config;
  s.config = next;
}

function install(s: ShardMachineState, num: number, data: ShardData): void {
  if (num !== s.config.num) return;
  let any = false;
  for (const [sh, pairs] of data.stores) {
    if (s.status[sh] !== 'Pulling') continue;
    s.stores[sh] = new Map(pairs);
    s.status[sh] = stepShard('Pulling', 'INSTALL');
    any = true;
  }
  if (!any) return;
  for (const [clientId, seq] of data.lastSeq) if ((s.lastSeq.get(clientId) ?? 0) < seq) s.lastSeq.set(clientId, seq);
}

function deleteShards(s: ShardMachineState, num: number, shards: readonly number[]): ShardResult {
  if (num > s.config.num) return NOT_READY;
  if (num < s.config.num) return DONE;
  for (const sh of shards) {
    if (s.status[sh] !== 'BePulling') continue;
    s.status[sh] = stepShard('BePulling', 'DELETE');
    s.stores[sh] = new Map();
  }
  return DONE;
}

/** The data the new owner of `shards` (handed over in config num) installs, or undefined when this replica is not in that config. */
export function shardData(s: ShardMachineState, num: number, shards: readonly number[]): ShardData | undefined {
  if (num !== s.config.num || shards.some((sh) => s.status[sh] !== 'BePulling')) return undefined;
  return { stores: shards.map((sh) => [sh, [...s.stores[sh]!]] as const), lastSeq: [...s.lastSeq] };
}

interface Snapshot {
  gid: number;
  config: Config;
  prev: Config;
  status: ShardStatus[];
  stores: [string, string][][];
  lastSeq: [number, number][];
}

export function snapshotOf(s: ShardMachineState): Uint8Array {
  const v: Snapshot = { gid: s.gid, config: s.config, prev: s.prev, status: s.status, stores: s.stores.map((m) => [...m]), lastSeq: [...s.lastSeq] };
  return encode(v);
}

export function restoreFrom(bytes: Uint8Array): ShardMachineState {
  const v = decode(bytes) as unknown as Snapshot;
  return { gid: v.gid, config: v.config, prev: v.prev, status: v.status, stores: v.stores.map((p) => new Map(p)), lastSeq: new Map(v.lastSeq) };
}

const machines = new Map<number, ServiceMachine<ShardMachineState, ShardOp, ShardResult>>();

/** Group gid's machine (one per gid, made once). */
export function shardMachineFor(gid: number): ServiceMachine<ShardMachineState, ShardOp, ShardResult> {
  let m = machines.get(gid);
  if (m === undefined) {
    m = { name: 'shardkv', toOp, init: () => initialState(gid), doOp, snapshot: snapshotOf, restore: restoreFrom };
    machines.set(gid, m);
  }
  return m;
}
