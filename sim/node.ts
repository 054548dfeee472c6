/**
 * The node contract: every simulated process (Raft peer, KV server, clerk,
 * MapReduce coordinator and worker) is a pure step function
 *
 *     step(state, input, ctx) → { state, outputs }
 *
 * A node never sees the simulator, another node, a global or the wall clock.
 * Time and randomness come in through `ctx`; effects leave as `outputs`, plain
 * immutable objects that the host applies. A node's state is owned by its host
 * (it may be mutated in place by the step, or replaced); a step that changes
 * nothing may return the same state object and no outputs.
 *
 * Messaging follows labrpc, as the 6.5840 tests drive it: a node *calls* a
 * remote method through one of its client ends and later gets a `response`
 * input (ok = false when labrpc would return false: dropped request or reply,
 * disabled end, dead server). The callee gets a `request` input and answers
 * with a `reply` output — in the same step or any later one (a handler that
 * "blocks", like a kvraft Get waiting for its entry to commit).
 */
import type { Prng } from './prng.ts';

/** Plain data: what messages, call arguments and results may contain (see sim/codec.ts). */
export type Payload = unknown;

/**
 * Where a call goes: a number is an index into the ends the host was given
 * for this node (Raft's `peers[]`, a clerk's `servers[]`); a string is a server
 * name, for which the host makes an end on first use (shardkv's make_end).
 */
export type EndRef = number | string;

/**
 * Bytes to persist: one array, or pieces whose concatenation is the bytes. A
 * node that keeps unchanged parts of its state encoded (a Raft log's old
 * entries) hands the same pieces to every save instead of copying them.
 */
export type Bytes = Uint8Array | readonly Uint8Array[];

/** The bytes of a `Bytes` value as one array (pieces are concatenated). */
export function bytesOf(b: Bytes): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b.length === 1) return b[0]!;
  let n = 0;
  for (const piece of b) n += piece.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const piece of b) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Length of a `Bytes` value. */
export function bytesLength(b: Bytes): number {
  if (b instanceof Uint8Array) return b.length;
  let n = 0;
  for (const piece of b) n += piece.length;
  return n;
}

/** What a node had saved in its persister when it (re)started. Both blobs may be empty. */
export interface Persisted {
  readonly state: Uint8Array;
  readonly snapshot: Uint8Array;
}

/** Read-only view of the simulated file system (MapReduce); writes are outputs. */
export interface FileView {
  read(name: string): string | undefined;
  /** Names starting with `prefix`, sorted. */
  list(prefix: string): string[];
}

/**
 * What a step may read besides its state and input. Valid during the step it
 * is handed to only: the host reuses the object for the next step (of any
 * node), so a node must not keep it.
 */
export interface StepContext {
  /** Virtual time in integer microseconds. */
  readonly nowUs: number;
  /** This incarnation's own random stream. */
  readonly rng: Prng;
  /** The shared file system, for nodes that were given one. */
  readonly fs: FileView | undefined;
}

export type Input =
  /** A remote call arrived (labrpc dispatch). Answer with a `reply` output carrying `reqId`. */
  | { readonly kind: 'request'; readonly reqId: number; readonly method: string; readonly args: Payload }
  /** A call this node made has completed; `reply` is present only when ok. */
  | {
      readonly kind: 'response';
      readonly to: EndRef;
      readonly method: string;
      readonly args: Payload;
      readonly tag: Payload;
      readonly ok: boolean;
      readonly reply: Payload;
    }
  /** A named timer set with `setTimer` fired. */
  | { readonly kind: 'timer'; readonly name: string }
  /**
   * A call from the tester or the local service (Raft's Start, GetState,
   * Snapshot; a clerk's Get). Answer with a `return` output carrying `callId`:
   * in the same step for synchronous calls, in any later step for a clerk
   * operation that must wait for the network.
   */
  | { readonly kind: 'call'; readonly callId: number; readonly method: string; readonly args: Payload };

export type Output =
  /** Replace both persisted blobs atomically (Go's persister.Save). The host applies every persist of a step before anything else. */
  | { readonly kind: 'persist'; readonly state: Bytes; readonly snapshot: Uint8Array }
  /** Call `method` on the end `to`; the outcome comes back as a `response` input echoing `args` and `tag`. */
  | { readonly kind: 'send'; readonly to: EndRef; readonly method: string; readonly args: Payload; readonly tag: Payload }
  /** Answer the request `reqId`. */
  | { readonly kind: 'reply'; readonly reqId: number; readonly reply: Payload }
  /** Set (or reset) the timer `name` to fire after `afterUs` microseconds. */
  | { readonly kind: 'setTimer'; readonly name: string; readonly afterUs: number }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  /** Answer the call `callId`. */
  | { readonly kind: 'return'; readonly callId: number; readonly value: Payload }
  /** Hand a message to the local service (Raft's applyCh): delivered in order, synchronously. */
  | { readonly kind: 'apply'; readonly msg: Payload }
  /** A line for the trace, for people. */
  | { readonly kind: 'note'; readonly text: string }
  /**
   * A structured fact for checkers that read the trace (a Raft peer became
   * leader in term 3, truncated and appended log entries, committed index 7).
   * The vocabulary belongs to the protocol; checkers/ know it as data.
   */
  | { readonly kind: 'fact'; readonly fact: Payload }
  /** The process exits by itself (a MapReduce worker): the host stops it as if crashed. */
  | { readonly kind: 'exit'; readonly code: number }
  /** Write a whole file (visible at once). */
  | { readonly kind: 'writeFile'; readonly name: string; readonly data: string }
  /** Atomically rename a file, replacing the target. */
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'removeFile'; readonly name: string };

export interface Step<S> {
  readonly state: S;
  readonly outputs: readonly Output[];
}

/**
 * A kind of node. `init` builds the state of a fresh incarnation from its
 * configuration and what it had persisted (empty blobs on a first start).
 */
export interface NodeDef<S, C = unknown> {
  /** Short protocol name used in traces, e.g. "raft". */
  readonly name: string;
  init(config: C, persisted: Persisted, ctx: StepContext): Step<S>;
  step(state: S, input: Input, ctx: StepContext): Step<S>;
  /** One line describing a message payload for traces, e.g. "AppendEntries t=3 prev=1/11 n=1". */
  describe?(method: string, payload: Payload, isReply: boolean): string;
}

/**
 * Builder for a step's outputs: handlers append, the step returns
 * `out.done(state)`. Only appends plain objects; no effect happens until the
 * host applies the returned list.
 */
export class Out {
  readonly list: Output[] = [];

  persist(state: Bytes, snapshot: Uint8Array): this {
    this.list.push({ kind: 'persist', state, snapshot });
    return this;
  }
  send(to: EndRef, method: string, args: Payload, tag: Payload = null): this {
    this.list.push({ kind: 'send', to, method, args, tag });
    return this;
  }
  reply(reqId: number, reply: Payload): this {
    this.list.push({ kind: 'reply', reqId, reply });
    return this;
  }
  setTimer(name: string, afterUs: number): this {
    this.list.push({ kind: 'setTimer', name, afterUs });
    return this;
  }
  cancelTimer(name: string): this {
    this.list.push({ kind: 'cancelTimer', name });
    return this;
  }
  return(callId: number, value: Payload): this {
    this.list.push({ kind: 'return', callId, value });
    return this;
  }
  apply(msg: Payload): this {
    this.list.push({ kind: 'apply', msg });
    return this;
  }
  note(text: string): this {
    this.list.push({ kind: 'note', text });
    return this;
  }
  fact(fact: Payload): this {
    this.list.push({ kind: 'fact', fact });
    return this;
  }
  exit(code: number): this {
    this.list.push({ kind: 'exit', code });
    return this;
  }
  writeFile(name: string, data: string): this {
    this.list.push({ kind: 'writeFile', name, data });
    return this;
  }
  rename(from: string, to: string): this {
    this.list.push({ kind: 'rename', from, to });
    return this;
  }
  removeFile(name: string): this {
    this.list.push({ kind: 'removeFile', name });
    return this;
  }
  done<S>(state: S): Step<S> {
    return { state, outputs: this.list };
  }
}

/** Virtual-time units: everything in the kernel is integer microseconds. */
export const US_PER_MS = 1000;
export const ms = (n: number): number => Math.round(n * US_PER_MS);
export const seconds = (n: number): number => Math.round(n * 1_000_000);
