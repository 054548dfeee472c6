/**
 * kvraft (6.5840 lab 4): a key/value service replicated on Raft. The server
 * is protocols/rsm over the KV machine, stacked on a Raft peer; the clerk
 * finds the leader among the servers the tester hands it.
 *
 * RPCs (labrpc service "KVServer"), args carry the clerk's id and a
 * per-clerk sequence number (a retry repeats it):
 *   KVServer.Get     GetArgs        → KvReply (value; ErrNoKey when absent) or ErrWrongLeader
 *   KVServer.Put     PutAppendArgs  → KvReply or ErrWrongLeader
 *   KVServer.Append  PutAppendArgs  → KvReply or ErrWrongLeader (no old value: kvraft Append returns nothing)
 *
 * Tester calls on a clerk (one at a time): "get" { key } → string;
 * "put" / "append" { key, value } → null.
 */
import type { Encoded } from '../../sim/contract.ts';

// The requests are lab 2's (same service, same args; here a KvOp is also what rides in Raft's log).
export { KvAppend, KvGet, KvPut, type GetArgs, type KvMethod, type KvOp, type PutAppendArgs } from '../kvsrv/types.ts';

export const OK = 'OK';
export const ErrNoKey = 'ErrNoKey';

export interface KvReply {
  readonly err: typeof OK | typeof ErrNoKey;
  /** Get's value ("" with ErrNoKey); absent for Put and Append. */
  readonly value?: string;
}

/** The machine's state; the dedup table travels in the snapshot with the store. */
export interface KvMachineState {
  readonly store: Map<string, string>;
  /** clientId → the highest seq of a Put or Append applied for it (exactly-once). */
  readonly lastSeq: Map<number, number>;
  /**
   * A cache, not state (it is in no snapshot, and a restored machine starts
   * it empty): key → the encoding of its [key, value] pair and the value it
   * was encoded from, kept by snapshotOf (machine.ts) and used only while the
   * store still holds that value.
   */
  readonly pairs: Map<string, { readonly value: string; readonly bytes: Encoded }>;
}

/** A server's configuration (StartKVServer(servers, me, persister, maxraftstate)). */
export interface KvServerConfig {
  readonly me: number;
  readonly peers: number;
  readonly maxraftstate: number;
}

/** A clerk's configuration: its id, and how many servers its ends 0..servers-1 reach. */
export interface KvClerkConfig {
  readonly clientId: number;
  readonly servers: number;
}

export const GetCall = 'get';
export const PutCall = 'put';
export const AppendCall = 'append';

/** After a full round of servers without an answer, the clerk waits this long before the next. */
export const CLERK_ROUND_PAUSE_US = 50_000;
/** The clerk's timer between rounds. */
export const CLERK_RETRY_TIMER = 'retry';
