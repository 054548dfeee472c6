/**
 * A host runs one incarnation of a node: it feeds inputs to the node's pure
 * step and is the sink of the outputs (sim/outputs.ts fixes their order:
 * every `persist` of a step first, so no message or reply leaves before the
 * state it depends on is durable, then the rest as emitted).
 *
 * `apply` outputs go synchronously to the host's apply listener (the
 * tester's applier, or a service). The listener may call the node again
 * (Raft's Snapshot from the apply loop): that nested step sees the state
 * the outer step returned, and its outputs are applied at once; the outer
 * step's remaining outputs follow.
 *
 * A killed host (crash or exit) runs no more steps: its timers never fire,
 * its requests get no handler, responses to its calls are dropped, and its
 * outputs after the kill are ignored.
 */
import { mix, type CodecScratch } from './codec.ts';
import { hashString32 } from './prng.ts';
import type { Bytes, EndRef, Input, NodeDef, Payload, Persisted, Step, StepContext } from './node.ts';
import { applyOutputs, type OutputSink } from './outputs.ts';
import { enterStep, leaveStep, stepFailed } from './step-guard.ts';
import type { ClientEnd, NetHost, Network, RpcCall } from './network.ts';
import type { Prng } from './prng.ts';
import type { FileSystem, Persister } from './storage.ts';
import type { Task, Wait } from './task.ts';
import { TraceKind, type Describer, type Trace } from './trace.ts';

/** What a host needs from its world. */
export interface HostWorld {
  readonly nowUs: number;
  readonly queue: { push(atUs: number, event: { fire(tag: number): void }, tag: number): void };
  readonly network: Network;
  readonly trace: Trace;
  /** The world's scratch for measuring and hashing payloads. */
  readonly codec: CodecScratch;
  /** An independent random stream named by `label`. */
  fork(label: string): Prng;
  /** The context every step of this world's nodes is handed. */
  readonly stepContext: StepScope;
  /** The one describe function of a node definition, shared by its hosts. */
  describerOf(def: NodeDef<any, any>): Describer;
  /** The incarnation (1, 2, …) of the node started at `position` among all starts. */
  incarnationOf(position: number): number;
  at(atUs: number, fire: () => void): void;
  wake(task: Task, value: unknown): void;
  wakeWithError(task: Task, error: unknown): void;
}

export interface HostOptions<S, C> {
  /** Server / process name: the node's address on the network and its name in traces. */
  readonly name: string;
  readonly def: NodeDef<S, C>;
  readonly config: C;
  /** The node's client ends: `send(i, …)` goes through ends[i]. */
  readonly ends?: readonly ClientEnd[];
  /** Makes an end to a named server on first use (shardkv's make_end). */
  readonly makeEnd?: (server: string) => ClientEnd;
  /** Where `persist` outputs go; without one, persisting is an error. */
  readonly persister?: Persister;
  /** The shared file system, for nodes that use files. */
  readonly fs?: FileSystem;
  /** Receives `apply` outputs in order. */
  readonly onApply?: (msg: Payload, host: Host<S>) => void;
  /** Called when the node exits by itself. */
  readonly onExit?: (code: number, host: Host<S>) => void;
}

const EMPTY = new Uint8Array(0);
/** What a node without a persister starts from (shared: empty arrays hold nothing to change). */
const NOTHING_PERSISTED: Persisted = Object.freeze({ state: EMPTY, snapshot: EMPTY });
const PERSIST_LABEL_HASH = hashString32('persist');
const NO_RESULT: unique symbol = Symbol('no result');

export class HostError extends Error {}

/**
 * The context of the step that runs now: one object per world, pointed at
 * the stepping host before each step (steps never interleave: a nested step,
 * from an apply listener, starts after the outer step function returned). So
 * a node must use it during its step only, never keep it. 100,000 clerks
 * then cost no context object each.
 */
export class StepScope implements StepContext {
  nowUs = 0;
  fs: FileSystem | undefined = undefined;
  #host: Host<any, any> | undefined;
  /** @internal Points the context at `host` for a step at `nowUs`. */
  enter(host: Host<any, any>, nowUs: number, fs: FileSystem | undefined): this {
    this.#host = host;
    this.nowUs = nowUs;
    this.fs = fs;
    return this;
  }
  get rng(): Prng {
    return this.#host!.rng;
  }
}

export class Host<S = unknown, C = unknown> implements NetHost, OutputSink {
  readonly name: string;
  readonly def: NodeDef<S, C>;
  alive = true;
  state: S;
  /** Why the host stopped: 'crash', 'exit N', or '' while alive. */
  stopReason = '';
  private readonly ends: readonly ClientEnd[];
  /** The options with what is used after the start (persister, files, listeners, make_end); none for a plain clerk. */
  private readonly hooks: HostOptions<S, C> | undefined;
  /** This incarnation's random stream, forked on first use (see rng). */
  private rngStream: Prng | undefined;
  // Tables made on first use: a host that never needs one (100,000 clerks) pays nothing for it.
  private namedEnds: Map<string, ClientEnd> | undefined;
  private timers: Map<string, TimerSlot> | undefined;
  private timerSerial = 0;
  /** Hash of this host's name in the trace fingerprint. */
  readonly nameHash: number;
  /** Requests delivered and not yet replied to: the latest in `request`, earlier ones in the map. */
  private request: RpcCall | undefined;
  private pendingRequests: Map<number, RpcCall> | undefined;
  /** The task waiting on a call (the common case: one at a time, a clerk); more go to the map. */
  private waitCallId = -1;
  private waitTask: Task | undefined;
  private callWaiters: Map<number, Task> | undefined;
  private callSerial = 0;
  private syncCallId = -1;
  private syncResult: Payload | typeof NO_RESULT = NO_RESULT;
  readonly describer: Describer;

  /** `startIndex`: the position of this start among all the world's starts (see HostWorld.incarnationOf). */
  constructor(
    private readonly world: HostWorld,
    private readonly startIndex: number,
    options: HostOptions<S, C>,
  ) {
    this.name = options.name;
    this.def = options.def;
    this.ends = options.ends ?? [];
    const used = options.persister ?? options.fs ?? options.onApply ?? options.onExit ?? options.makeEnd;
    this.hooks = used === undefined ? undefined : options;
    this.nameHash = hashString32(this.name) | 0; // not cached in the trace: host names can be many and one-off
    const def = options.def;
    this.describer = world.describerOf(def);
    const persisted: Persisted = options.persister
      ? { state: options.persister.readRaftState(), snapshot: options.persister.readSnapshot() }
      : NOTHING_PERSISTED;
    world.trace.eventHashed(world.nowUs, TraceKind.Start, this.nameHash, this.name, 0, '', world.trace.nameHash(def.name), def.name, undefined, -1, true, undefined);
    let first: Step<S>;
    enterStep(); // the step guard (sim/step-guard.ts): no host nondeterminism in node code; its exceptions name node and input
    try {
      first = def.init(options.config, persisted, world.stepContext.enter(this, world.nowUs, options.fs));
    } catch (e) {
      throw stepFailed(e, this.name, undefined, world.nowUs);
    } finally {
      leaveStep();
    }
    this.state = first.state;
    applyOutputs(first.outputs, this);
  }

  /** Which start of this name this host is: 1 for the first. */
  get incarnation(): number {
    return this.world.incarnationOf(this.startIndex);
  }

  /**
   * @internal This incarnation's random stream, forked from the world's by
   * name and incarnation on first use: a fork depends on its label alone, so
   * when it is made changes nothing, and a node that never draws (100,000
   * clerks) never pays for one.
   */
  get rng(): Prng {
    return (this.rngStream ??= this.world.fork(`node:${this.name}#${this.incarnation}`));
  }

  /** The persister this incarnation writes to. */
  get persister(): Persister | undefined {
    return this.hooks?.persister;
  }

  // ---- inputs ----

  private step(input: Input): void {
    const world = this.world;
    let r: Step<S>;
    enterStep();
    try {
      r = this.def.step(this.state, input, world.stepContext.enter(this, world.nowUs, this.hooks?.fs));
    } catch (e) {
      throw stepFailed(e, this.name, input, world.nowUs);
    } finally {
      leaveStep();
    }
    this.state = r.state;
    if (r.outputs.length > 0) applyOutputs(r.outputs, this);
  }

  deliverRequest(call: RpcCall): void {
    if (!this.alive) return;
    if (this.request !== undefined) (this.pendingRequests ??= new Map()).set(this.request.id, this.request);
    this.request = call;
    const trace = this.world.trace;
    trace.eventHashed(this.world.nowUs, TraceKind.Deliver, this.nameHash, this.name, call.caller.nameHash, call.caller.name, call.methodHash, call.method, call.args, call.id, true, this.describer);
    this.step({ kind: 'request', reqId: call.id, method: call.method, args: call.args });
  }

  deliverResponse(call: RpcCall, ok: boolean, reply: Payload): void {
    if (!this.alive) return;
    this.world.trace.eventHashed(
      this.world.nowUs,
      TraceKind.Response,
      this.nameHash,
      this.name,
      call.serverHash,
      call.serverName ?? call.end.server ?? '?',
      call.methodHash,
      call.method,
      ok ? reply : undefined,
      call.id,
      ok,
      this.describer,
    );
    this.step({ kind: 'response', to: call.to, method: call.method, args: call.args, tag: call.tag, ok, reply });
  }

  /** @internal A timer event came due; stale if the timer was reset or cancelled since. */
  fireTimer(slot: TimerSlot, serial: number): void {
    if (!this.alive || slot.serial !== serial) return;
    slot.serial = 0;
    const now = this.world.nowUs;
    this.world.trace.eventHashed(now, TraceKind.Timer, this.nameHash, this.name, 0, '', slot.labelHash, slot.input.name, undefined, -1, true, undefined);
    this.step(slot.input);
  }

  /**
   * A synchronous call (Raft's Start, GetState, Snapshot): the node must
   * answer in the same step. Throws if the host is dead or did not answer.
   */
  callSync(method: string, args: Payload = null): Payload {
    if (!this.alive) throw new HostError(`call ${method} on ${this.name}, which is not running`);
    const callId = ++this.callSerial;
    const outerId = this.syncCallId;
    const outerResult = this.syncResult;
    this.syncCallId = callId;
    this.syncResult = NO_RESULT;
    try {
      this.traceCall(method, args);
      this.step({ kind: 'call', callId, method, args });
      const result = this.syncResult;
      if (result === NO_RESULT) {
        throw new HostError(`${this.name} (${this.def.name}) did not answer the synchronous call ${method} in the same step`);
      }
      return result;
    } finally {
      this.syncCallId = outerId;
      this.syncResult = outerResult;
    }
  }

  /** A call that may be answered later (a clerk operation): wait for it with `yield*`. */
  *call(method: string, args: Payload = null): Generator<Wait, Payload, unknown> {
    return yield new CallWait(this, method, args);
  }

  /** @internal Starts a call for a waiting task. */
  startCall(task: Task, method: string, args: Payload): void {
    if (!this.alive) {
      this.world.wakeWithError(task, new HostError(`call ${method} on ${this.name}, which is not running`));
      return;
    }
    const callId = ++this.callSerial;
    if (this.waitTask === undefined) {
      this.waitCallId = callId;
      this.waitTask = task;
    } else (this.callWaiters ??= new Map()).set(callId, task);
    this.traceCall(method, args);
    this.step({ kind: 'call', callId, method, args });
  }

  private traceCall(method: string, args: Payload): void {
    const trace = this.world.trace;
    trace.eventHashed(this.world.nowUs, TraceKind.Call, this.nameHash, this.name, 0, '', trace.nameHash(method), method, args, this.world.codec.hashValue(0, args), true, undefined);
  }

  /** Stops this incarnation (crash, Kill). Its persister keeps what was saved. */
  kill(reason = 'crash'): void {
    if (!this.alive) return;
    this.alive = false;
    this.stopReason = reason;
    this.timers?.clear();
    this.request = undefined;
    this.pendingRequests?.clear();
    this.world.trace.event(this.world.nowUs, reason === 'crash' ? TraceKind.Crash : TraceKind.Exit, this.name, '', reason, undefined);
    const waiters = this.callWaiters ? [...this.callWaiters.values()] : [];
    if (this.waitTask !== undefined) waiters.unshift(this.waitTask);
    this.waitTask = undefined;
    this.waitCallId = -1;
    this.callWaiters?.clear();
    for (const task of waiters) this.world.wakeWithError(task, new HostError(`${this.name} stopped (${reason}) with a call pending`));
  }

  // ---- outputs (the host is the sink of its own steps' outputs, sim/outputs.ts) ----

  /** @internal */
  send(to: EndRef, method: string, args: Payload, tag: Payload): void {
    this.world.network.send(this, this.end(to), to, method, args, tag);
  }

  /** @internal */
  reply(reqId: number, reply: Payload): void {
    const world = this.world;
    let call = this.request;
    if (call !== undefined && call.id === reqId) this.request = undefined;
    else {
      call = this.pendingRequests?.get(reqId);
      if (call === undefined) throw new HostError(`${this.name} replied to unknown request ${reqId}`);
      this.pendingRequests!.delete(reqId);
    }
    const codec = world.codec;
    const size = codec.sizeAndHash(reply, 0);
    world.trace.eventHashed(world.nowUs, TraceKind.Reply, this.nameHash, this.name, call.caller.nameHash, call.caller.name, call.methodHash, call.method, reply, codec.hash, true, this.describer);
    world.network.reply(call, reply, size);
  }

  /** @internal */
  setTimer(name: string, afterUs: number): void {
    if (!(afterUs >= 0) || !Number.isSafeInteger(afterUs)) {
      throw new HostError(`${this.name} set timer ${name} with a bad duration ${afterUs} (integer µs ≥ 0 expected)`);
    }
    const world = this.world;
    const timers = (this.timers ??= new Map());
    let slot = timers.get(name);
    if (slot === undefined) {
      slot = new TimerSlot(this, name, world.trace.nameHash(name));
      timers.set(name, slot);
    }
    const serial = ++this.timerSerial;
    slot.serial = serial;
    world.queue.push(world.nowUs + afterUs, slot, serial);
  }

  /** @internal */
  cancelTimer(name: string): void {
    const slot = this.timers?.get(name);
    if (slot !== undefined) slot.serial = 0;
  }

  /** @internal */
  apply(msg: Payload): void {
    const world = this.world;
    world.trace.event(world.nowUs, TraceKind.Apply, this.name, '', '', msg);
    this.hooks?.onApply?.(msg, this);
  }

  /** @internal */
  note(text: string): void {
    this.world.trace.event(this.world.nowUs, TraceKind.Note, this.name, '', text, undefined);
  }

  /** @internal */
  fact(fact: Payload): void {
    this.world.trace.event(this.world.nowUs, TraceKind.Fact, this.name, '', '', fact);
  }

  /** @internal */
  exit(code: number): void {
    this.kill(`exit ${code}`);
    this.hooks?.onExit?.(code, this);
  }

  /** @internal */
  writeFile(name: string, data: string): void {
    this.fs().write(name, data);
    this.world.trace.event(this.world.nowUs, TraceKind.File, this.name, '', 'write', { name, bytes: data.length });
  }

  /** @internal */
  rename(from: string, to: string): void {
    this.fs().rename(from, to);
    this.world.trace.event(this.world.nowUs, TraceKind.File, this.name, '', 'rename', { from, to });
  }

  /** @internal */
  removeFile(name: string): void {
    this.fs().remove(name);
    this.world.trace.event(this.world.nowUs, TraceKind.File, this.name, '', 'remove', { name });
  }

  /** @internal */
  persist(state: Bytes, snapshot: Uint8Array): void {
    const p = this.hooks?.persister;
    if (p === undefined) throw new HostError(`${this.name} persisted but was started without a persister`);
    const pieces = state instanceof Uint8Array || (Array.isArray(state) && state.every((x) => x instanceof Uint8Array));
    if (!pieces || !(snapshot instanceof Uint8Array)) {
      throw new HostError(`${this.name} persisted something that is not bytes (Uint8Array, or an array of them, expected)`);
    }
    p.save(state, snapshot);
    const stateSize = p.raftStateSize();
    const trace = this.world.trace;
    const sizes = { state: stateSize, snapshot: snapshot.length };
    trace.eventHashed(this.world.nowUs, TraceKind.Persist, this.nameHash, this.name, 0, '', PERSIST_LABEL_HASH, 'persist', sizes, mix(stateSize, snapshot.length), true, undefined);
  }

  /** @internal */
  returnValue(callId: number, value: Payload): void {
    this.world.trace.eventHashed(this.world.nowUs, TraceKind.Return, this.nameHash, this.name, 0, '', 0, '', value, this.world.codec.hashValue(0, value), true, undefined);
    if (callId === this.syncCallId) {
      this.syncResult = value;
      return;
    }
    let task: Task | undefined;
    if (callId === this.waitCallId && this.waitTask !== undefined) {
      task = this.waitTask;
      this.waitTask = undefined;
      this.waitCallId = -1;
    } else {
      task = this.callWaiters?.get(callId);
      if (task === undefined) throw new HostError(`${this.name} returned from unknown call ${callId}`);
      this.callWaiters!.delete(callId);
    }
    this.world.wake(task, value);
  }

  private end(to: number | string): ClientEnd {
    if (typeof to === 'number') {
      const end = this.ends[to];
      if (end === undefined) throw new HostError(`${this.name} sent to end ${to}, but has ${this.ends.length} ends`);
      return end;
    }
    let end = this.namedEnds?.get(to);
    if (end === undefined) {
      const makeEnd = this.hooks?.makeEnd;
      if (!makeEnd) throw new HostError(`${this.name} sent to server "${to}" but has no make_end`);
      end = makeEnd(to);
      (this.namedEnds ??= new Map()).set(to, end);
    }
    return end;
  }

  private fs(): FileSystem {
    const fs = this.hooks?.fs;
    if (fs === undefined) throw new HostError(`${this.name} used files but was started without a file system`);
    return fs;
  }
}

/**
 * One named timer of a host, and its queue event: the slot itself stands in
 * the queue, tagged with the serial of the setting that put it there, so a
 * reset or cancelled timer's old entry is recognised as stale when it pops.
 */
class TimerSlot {
  /** Serial of the live setting (0: not set). */
  serial = 0;
  readonly input: { readonly kind: 'timer'; readonly name: string };
  constructor(
    private readonly host: Host<any, any>,
    name: string,
    readonly labelHash: number,
  ) {
    this.input = { kind: 'timer', name };
  }
  fire(tag: number): void {
    this.host.fireTimer(this, tag);
  }
}

class CallWait implements Wait {
  constructor(
    private readonly host: Host<any, any>,
    private readonly method: string,
    private readonly args: Payload,
  ) {}
  park(task: Task): void {
    this.host.startCall(task, this.method, this.args);
  }
  describe(): string {
    return `call ${this.host.name} ${this.method}`;
  }
}

/** The trace's describe function for a node definition (the world keeps one per definition, shared by its hosts). */
export function makeDescriber(def: NodeDef<any, any>): Describer {
  return def.describe ? (m, p, r) => def.describe!(m, p, r) : (m, p) => `${m} ${shortJson(p)}`;
}

/** A payload as one short line (the default describer; stacks use it too). */
export function shortJson(p: unknown): string {
  try {
    const s = JSON.stringify(p, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? '';
    return s.length > 100 ? s.slice(0, 99) + '…' : s;
  } catch {
    return String(p);
  }
}

/** The context type as nodes see it. */
export type { StepContext };
