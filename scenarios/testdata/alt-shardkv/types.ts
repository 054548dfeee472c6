/**
 * A second shardkv (group service and clerk logic), written independently of
 * protocols/shardkv against the same roles, so that the shardkv tester is
 * seen to pass a correct implementation it was not written beside
 * (scenarios/shardkv/second-implementation.test.ts; as a command, see
 * server-impl.ts). The client RPCs are the lab skeleton's; the
 * group-to-group RPCs and the internals are its own: one pull, install and
 * delete may carry several shards, and the dedup table is merged by the
 * highest seq per client.
 *
 * The sharded key/value service (6.5840 lab 5B): replica groups, each a Raft
 * cluster, serve the shards the controller's current config assigns them,
 * and hand shards over as configs change.
 *
 * RPCs (labrpc service "ShardKV"); client args carry the clerk's id and a
 * per-clerk sequence number (a retry repeats it):
 *   ShardKV.Get          GetArgs                   → KvReply, ErrWrongGroup or ErrWrongLeader
 *   ShardKV.PutAppend    PutAppendArgs (op Put|Append) → KvReply, ErrWrongGroup or ErrWrongLeader
 * and between groups (pull-based migration, then garbage collection):
 *   ShardKV.PullShard    { num, shards }  → the shards' data as of config num and the dedup table, or ErrNotReady
 *   ShardKV.DeleteShard  { num, shards }  → OK once the old owner dropped them (through its log), or ErrNotReady
 *
 * Tester calls on a clerk (one at a time): "get" { key } → string;
 * "put" / "append" { key, value } → null.
 */
import type { Config } from '../../../protocols/shardctrler/types.ts';

export const ShardGet = 'ShardKV.Get';
export const ShardPutAppend = 'ShardKV.PutAppend';
export const PullShard = 'ShardKV.PullShard';
export const DeleteShard = 'ShardKV.DeleteShard';
export const SHARDKV_SERVICE = 'ShardKV.';

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';
export const ErrWrongGroup = 'ErrWrongGroup';
export const ErrNotReady = 'ErrNotReady';

export interface GetArgs {
  readonly clientId: number;
  readonly seq: number;
  readonly key: string;
}
export interface PutAppendArgs extends GetArgs {
  readonly op: 'Put' | 'Append';
  readonly value: string;
}

export interface KvReply {
  readonly err: typeof OK | typeof ErrNoKey | typeof ErrWrongGroup;
  /** Get's value ("" unless OK). */
  readonly value?: string;
}

/** Shard numbers of one config, asked of their previous owner. */
export interface ShardsArgs {
  readonly num: number;
  readonly shards: readonly number[];
}

/** What a shard's new owner installs: each shard's pairs and the old owner's dedup table. */
export interface ShardData {
  readonly stores: readonly (readonly [number, readonly (readonly [string, string])[]])[];
  readonly lastSeq: readonly (readonly [number, number])[];
}

export type PullReply = ({ readonly err: typeof OK } & ShardData) | { readonly err: typeof ErrNotReady };

/** A shard's place in its lifecycle (./lifecycle.ts). */
export type ShardStatus = 'Absent' | 'Serving' | 'Pulling' | 'BePulling' | 'GCing';

/** An entry of a group's Raft log. */
export type ShardOp =
  | { readonly type: 'get'; readonly clientId: number; readonly seq: number; readonly key: string }
  | { readonly type: 'put' | 'append'; readonly clientId: number; readonly seq: number; readonly key: string; readonly value: string }
  /** Move to the next config (applied only when it is the next one and every shard is settled). */
  | { readonly type: 'config'; readonly config: Config }
  /** Shards pulled for config num, with the old owner's dedup table. */
  | ({ readonly type: 'install'; readonly num: number } & ShardData)
  /** The old owner's garbage collection: drop shards handed over in config num. */
  | { readonly type: 'delete'; readonly num: number; readonly shards: readonly number[] }
  /** The new owner heard the old one drop them: the shards are plain Serving again. */
  | { readonly type: 'deleted'; readonly num: number; readonly shards: readonly number[] }
  /** A leader's first entry in its term, so that what earlier terms left in the log commits (and applies) even when no one asks the group anything. */
  | { readonly type: 'noop' };

export interface ShardMachineState {
  readonly gid: number;
  /** The config the group is in, and the one before it (where Pulling shards come from). */
  config: Config;
  prev: Config;
  readonly status: ShardStatus[];
  /** Each shard's pairs; a shard not held is an empty map. */
  readonly stores: Map<string, string>[];
  /** clientId → the highest seq of a Put or Append applied for it (migrated with the shards). */
  readonly lastSeq: Map<number, number>;
}

/** A server's configuration (StartServer(servers, me, persister, maxraftstate, gid, ctrlers, make_end)). */
export interface ShardServerConfig {
  readonly me: number;
  readonly peers: number;
  readonly gid: number;
  readonly ctrlers: number;
  readonly maxraftstate: number;
}

/** A clerk's configuration: its id, and its ends 0..ctrlers-1 to the controller servers. */
export interface ShardClerkConfig {
  readonly clientId: number;
  readonly ctrlers: number;
}

export const GetCall = 'get';
export const PutCall = 'put';
export const AppendCall = 'append';

/** The servers poll the controller this often (the lab page: about every 100 ms); pulls and deletes ride the same tick. */
export const POLL_US = 100_000;
/** The skeleton clerk sleeps this long after a pass over a group without an answer, then re-queries the config. */
export const CLERK_PAUSE_US = 100_000;

/** key2shard: the first byte of the key mod 10 (the empty key is shard 0). */
export function key2shard(key: string): number {
  return key.length === 0 ? 0 : key.charCodeAt(0) % 10;
}
