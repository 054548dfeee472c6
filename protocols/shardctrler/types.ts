/**
 * The shard controller (6.5840 lab 5A): a replicated service that keeps the
 * numbered history of configurations — which replica group serves which of
 * the NShards shards, and which servers each group has.
 *
 * RPCs (labrpc service "ShardCtrler"); the writes carry the clerk's id and a
 * per-clerk sequence number (a retry repeats it), so each applies once:
 *   ShardCtrler.Join   { clientId, seq, servers: gid → server names } → CtrlerReply
 *   ShardCtrler.Leave  { clientId, seq, gids }                         → CtrlerReply
 *   ShardCtrler.Move   { clientId, seq, shard, gid }                   → CtrlerReply
 *   ShardCtrler.Query  { num }  (−1 or past the latest: the latest)    → CtrlerReply with config
 * and ErrWrongLeader (protocols/rsm) from a server that cannot answer.
 *
 * Tester calls on a clerk (one at a time): "query" { num } → Config;
 * "join" { servers }, "leave" { gids }, "move" { shard, gid } → null.
 */
export const NShards = 10;

export const CtrlerJoin = 'ShardCtrler.Join';
export const CtrlerLeave = 'ShardCtrler.Leave';
export const CtrlerMove = 'ShardCtrler.Move';
export const CtrlerQuery = 'ShardCtrler.Query';
export type CtrlerMethod = typeof CtrlerJoin | typeof CtrlerLeave | typeof CtrlerMove | typeof CtrlerQuery;
export const CTRLER_SERVICE = 'ShardCtrler.';

export const OK = 'OK';

/** Group id → the names of its servers, in the order given at Join. */
export type Groups = Readonly<Record<string, readonly string[]>>;

/** One configuration; every value handed out is frozen (an entry of the history never changes). */
export interface Config {
  readonly num: number;
  /** shard → gid; 0 means no group (config 0, or after the last group left). */
  readonly shards: readonly number[];
  readonly groups: Groups;
}

interface Write {
  readonly clientId: number;
  readonly seq: number;
}
export interface JoinArgs extends Write {
  readonly servers: Groups;
}
export interface LeaveArgs extends Write {
  readonly gids: readonly number[];
}
export interface MoveArgs extends Write {
  readonly shard: number;
  readonly gid: number;
}
export interface QueryArgs {
  readonly num: number;
}

/** An op of the controller machine: the request as it rides in Raft's log. */
export type CtrlerOp =
  | ({ readonly method: typeof CtrlerJoin } & JoinArgs)
  | ({ readonly method: typeof CtrlerLeave } & LeaveArgs)
  | ({ readonly method: typeof CtrlerMove } & MoveArgs)
  | ({ readonly method: typeof CtrlerQuery } & QueryArgs);

export interface CtrlerReply {
  readonly err: typeof OK;
  /** Query's answer; absent for the writes. */
  readonly config?: Config;
}

/** The machine's state: the history (configs[n].num === n) and the dedup table, both in every snapshot. */
export interface CtrlerState {
  readonly configs: Config[];
  /** clientId → the highest seq of a write applied for it (exactly-once). */
  readonly lastSeq: Map<number, number>;
}

/** A clerk's configuration: its id, and how many servers its ends 0..servers-1 reach. */
export interface CtrlerClerkConfig {
  readonly clientId: number;
  readonly servers: number;
}

export const QueryCall = 'query';
export const JoinCall = 'join';
export const LeaveCall = 'leave';
export const MoveCall = 'move';

/** The skeleton clerk sleeps this long after a full pass over the servers without an answer. */
export const CLERK_PASS_PAUSE_US = 100_000;
/** The clerk's timer between passes. */
export const CLERK_RETRY_TIMER = 'retry';
