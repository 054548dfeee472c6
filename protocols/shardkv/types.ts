/**
 * shardkv (6.5840 lab 5B): a key/value service split into NShards shards,
 * each served by the replica group the shard controller assigns it to; a
 * group is rsm over the shard machine, stacked on { raft, ctrler clerk }.
 *
 * Client RPCs (labrpc service "ShardKV"; clientId + seq, a retry repeats it):
 *   ShardKV.Get        { clientId, seq, key }            → { err: OK | ErrNoKey | ErrWrongGroup | ErrWrongLeader, value? }
 *   ShardKV.PutAppend  { clientId, seq, key, value, op }  → { err: OK | ErrWrongGroup | ErrWrongLeader }
 * Between groups (pull-based migration; garbage collection):
 *   ShardKV.PullShard    { num, shard } → { err: OK, data, lastSeq } from a replica at config num
 *                        that holds the shard frozen (BePulling), else ErrNotReady
 *   ShardKV.DeleteShard  { num, shard } → { err: OK } once the old owner's log has dropped its copy
 *
 * Tester calls on a clerk (one at a time): "get" { key } → string;
 * "put" / "append" { key, value } → null.
 */
import type { Config } from '../shardctrler/types.ts';
import type { ShardStatus } from './lifecycle.ts';

export { NShards } from '../shardctrler/types.ts';

export const KvGet = 'ShardKV.Get';
export const KvPutAppend = 'ShardKV.PutAppend';
export const PullShard = 'ShardKV.PullShard';
export const DeleteShard = 'ShardKV.DeleteShard';
export const SHARDKV_SERVICE = 'ShardKV.';
/** The server's own submissions to its rsm layer (config changes, installs, GC acknowledgements): the request's args are the op. */
export const SUBMIT = 'local:submit';

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongGroup = 'ErrWrongGroup';
export const ErrNotReady = 'ErrNotReady';

/** Key → shard: the first byte mod NShards (empty key: shard 0), as the tester's key2shard. */
export function key2shard(key: string): number {
  return key.length === 0 ? 0 : key.charCodeAt(0) % 10;
}

export interface ClientArgs {
  readonly clientId: number;
  readonly seq: number;
  readonly key: string;
  /** Put and Append only. */
  readonly value?: string;
  /** PutAppend only. */
  readonly op?: 'Put' | 'Append';
}

export interface ShardArgs {
  readonly num: number;
  readonly shard: number;
}

/** What rides in Raft's log. */
export type ShardKvOp =
  | { readonly kind: 'client'; readonly method: typeof KvGet | typeof KvPutAppend; readonly args: ClientArgs }
  | { readonly kind: 'config'; readonly config: Config }
  | { readonly kind: 'install'; readonly num: number; readonly shard: number; readonly data: readonly [string, string][]; readonly lastSeq: readonly [number, number][] }
  | { readonly kind: 'delete'; readonly num: number; readonly shard: number }
  | { readonly kind: 'gc-done'; readonly num: number; readonly shard: number }
  /** A new leader's first entry of its term, so the entries of earlier terms commit even when no client writes to the group (Raft §8). */
  | { readonly kind: 'noop' };

export interface ShardKvReply {
  readonly err: string;
  readonly value?: string;
}

export interface Shard {
  status: ShardStatus;
  data: Map<string, string>;
}

/** One replica's machine: its group, the config it is at and the one before, the shards, the dedup table. */
export interface ShardKvState {
  gid: number;
  config: Config;
  prev: Config;
  readonly shards: Shard[];
  /** clientId → the highest seq of a Put/Append applied for it; migrates with each shard (merged by max). */
  readonly lastSeq: Map<number, number>;
}

/** A shard-kv server's configuration (StartServer(servers, me, persister, maxraftstate, gid, ctrlers, make_end)). */
export interface ShardKvServerConfig {
  readonly me: number;
  readonly peers: number;
  readonly gid: number;
  readonly maxraftstate: number;
  /** Controller servers: ends peers..peers+ctrlers−1. */
  readonly ctrlers: number;
}

/** A clerk's configuration: its id and how many controller servers its ends 0.. reach. */
export interface ShardKvClerkConfig {
  readonly clientId: number;
  readonly ctrlers: number;
}

export const GetCall = 'get';
export const PutCall = 'put';
export const AppendCall = 'append';

/** The servers poll the controller, pull and GC this often (lab page: about every 100 ms). */
export const POLL_US = 100_000;
export const POLL_TIMER = 'poll';
/** The clerk sleeps this long before re-asking the controller (the skeleton's 100 ms). */
export const CLERK_PAUSE_US = 100_000;
export const CLERK_TIMER = 'retry';
