/**
 * The replicated state machine layer (Go's 2025 `rsm` package): a service
 * written as a deterministic machine over ops, replicated by the Raft peer it
 * is stacked on (sim/stack.ts). Services implement `ServiceMachine`; the
 * layer does the rest: Start, wait for the index, answer or ErrWrongLeader,
 * snapshots past maxraftstate, restore on init.
 */
import type { Input, Payload, Persisted, Step, StepContext } from '../../sim/contract.ts';

export interface ServiceMachine<S, Op, R> {
  /** Short name for traces, e.g. "kvraft". */
  readonly name: string;
  /** The op a request asks for ("KVServer.Get" → op), or undefined when the method is not the service's. */
  toOp(method: string, args: Payload): Op | undefined;
  init(): S;
  /** Deterministic: every replica runs every committed op, in log order. May mutate `s`. */
  doOp(s: S, op: Op): R;
  snapshot(s: S): Uint8Array;
  restore(bytes: Uint8Array): S;
  describe?(method: string, payload: Payload, isReply: boolean): string;
}

/**
 * What a service stacked over Raft is stepped with (sim/stack.ts gives
 * exactly this): the ordinary inputs, and each apply of its Raft child with
 * the size of Raft's latest persisted state (Go's RaftStateSize()).
 */
export type ServiceInput = Input | { readonly kind: 'apply'; readonly from: string; readonly msg: Payload; readonly lowerStateBytes: number };

/** A service node: the upper node of a stack (sim/stack.ts's UpperDef), written against the contract alone. */
export interface ServiceDef<S, C> {
  readonly name: string;
  init(config: C, persisted: Persisted, ctx: StepContext): Step<S>;
  step(state: S, input: ServiceInput, ctx: StepContext): Step<S>;
  describe?(method: string, payload: Payload, isReply: boolean): string;
}

/** The error a request gets when this server cannot answer it; the clerk tries another server. */
export const ErrWrongLeader = 'ErrWrongLeader';
export interface WrongLeaderReply {
  readonly err: typeof ErrWrongLeader;
}

/** The service's configuration (Go's StartKVServer arguments). */
export interface RsmConfig {
  readonly me: number;
  /** Snapshot when Raft's persisted state reaches this many bytes; −1: never. */
  readonly maxraftstate: number;
}

/** What goes into Raft's log: the op, tagged with who submitted it and a nonce drawn for it. */
export interface RsmCommand<Op> {
  readonly op: Op;
  readonly by: number;
  readonly nonce: number;
}

/** A request waiting for its entry to commit. */
export interface Pending {
  readonly reqId: number;
  /** The term Start answered in. */
  readonly term: number;
  readonly nonce: number;
  readonly sinceUs: number;
}

export interface RsmState<S> {
  readonly me: number;
  readonly maxraftstate: number;
  machine: S;
  /** The last index the machine holds (applied, or through the restored snapshot). */
  lastApplied: number;
  /** Index → the request waiting for it. */
  readonly pending: Map<number, Pending>;
  /** Whether the tick timer is set (it runs while anything is pending). */
  ticking: boolean;
}

/** The pieces a bug variant may replace (scenarios/bugs/kvraft.ts). */
export interface RsmParts {
  /** Does the command committed at a pending request's index answer it? */
  answers(p: Pending, committed: RsmCommand<unknown>, me: number): boolean;
  /** After an apply: is a snapshot due, given Raft's persisted state size? */
  snapshotDue(lowerStateBytes: number, maxraftstate: number): boolean;
}

/** How often pending requests are checked against Raft's term. */
export const TICK_US = 100_000;
/** A request that has not committed in this long is given up (a leader cut off in a minority never commits). */
export const PENDING_TIMEOUT_US = 800_000;
/** The tick timer's name. */
export const TICK_TIMER = 'tick';
