/**
 * The Raft API a service is written against (types and constants only): the
 * configuration, the synchronous calls Start / GetState / Snapshot, the
 * applyCh messages, and the labrpc service prefix. A service on Raft
 * (protocols/rsm, kvraft, the shard controller) imports this file and never
 * the Raft implementation, so `--impl raft=FILE` plugs any lab-3 Raft under
 * it unchanged.
 */
import type { Payload } from '../../sim/contract.ts';

/** Peer `me` of a cluster of `peers` nodes; peer i is reached through end i. */
export interface RaftConfig {
  readonly me: number;
  readonly peers: number;
}

/** Every Raft RPC's method starts with this (labrpc service "Raft"). */
export const RAFT_SERVICE = 'Raft.';

// ── Calls (inputs of kind 'call', answered in the same step) ────────────────

export const CALL = { start: 'start', getState: 'getState', snapshot: 'snapshot' } as const;

export interface StartArgs {
  readonly command: Payload;
}
/** index is -1 when isLeader is false. */
export interface StartResult {
  readonly index: number;
  readonly term: number;
  readonly isLeader: boolean;
}
export interface GetStateResult {
  readonly term: number;
  readonly isLeader: boolean;
}
/** Go's Snapshot(index, bytes): the service's state holds everything through `index`. */
export interface SnapshotArgs {
  readonly index: number;
  readonly snapshot: Uint8Array;
}

// ── The applyCh ──────────────────────────────────────────────────────────────

export interface CommandApply {
  readonly commandValid: true;
  readonly snapshotValid?: undefined;
  readonly command: Payload;
  readonly commandIndex: number;
}
export interface SnapshotApply {
  readonly snapshotValid: true;
  readonly commandValid?: undefined;
  readonly snapshot: Uint8Array;
  readonly snapshotTerm: number;
  readonly snapshotIndex: number;
}
/** What `apply` outputs carry: commands in index order, exactly once per incarnation, or an installed snapshot. */
export type ApplyMsg = CommandApply | SnapshotApply;
