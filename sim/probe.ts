/**
 * The synchronous probe (etcd's rafttest idea): a few nodes driven without
 * the event queue or the network, for protocol unit tests. Every message a
 * node sends becomes a flight in `flights`, which the test delivers, drops
 * or reorders by hand (or pumps, oldest first or in a seeded random order);
 * timers are armed on a manual clock and fire when the test says so or when
 * it advances the clock; a crash keeps exactly the persisted blobs and a
 * restart starts a new incarnation from them. A step's outputs mean what
 * they mean in the host (sim/outputs.ts applies them to a probe node as it
 * does to a host): persists first, then in order, applies delivered
 * synchronously to the node's listener, which may call the node again.
 *
 * Nodes have names; a node's end `to` leads to `peers[to]` for a number and
 * to the node named `to` for a string. A reply needs no same-step answer: it
 * becomes a response flight whenever the node emits it.
 */
import { CodecScratch } from './codec.ts';
import {
  bytesOf,
  type Bytes,
  type EndRef,
  type Input,
  type NodeDef,
  type Output,
  type Payload,
  type Persisted,
  type Step,
  type StepContext,
} from './node.ts';
import { applyOutputs, type OutputSink } from './outputs.ts';
import { Prng } from './prng.ts';
import { FileSystem } from './storage.ts';

/**
 * A message on its way: the request to the callee, or its outcome back to
 * the caller. It carries what the caller's `response` input will carry (the
 * end it sent through, method, args, tag; ok and reply once it has an
 * outcome), and who sent it to whom.
 */
export type ProbeFlight = Omit<Extract<Input, { kind: 'response' }>, 'kind'> & {
  readonly kind: 'request' | 'response';
  readonly caller: string;
  /** The caller's incarnation when it sent: a restarted node never hears its predecessor's outcomes. */
  readonly callerIncarnation: number;
  readonly callee: string;
};

/** A request that reached its callee, and what it answered (undefined until it did). */
export interface ProbeRpc {
  readonly caller: string;
  readonly callee: string;
  readonly method: string;
  readonly args: Payload;
  reply: Payload | undefined;
}

/** An output a test may want to look at later, with the node and incarnation that emitted it. */
export interface ProbeRecord<T> {
  readonly node: string;
  readonly incarnation: number;
  readonly atUs: number;
  readonly value: T;
}

export interface ProbeNodeOptions<S, C> {
  readonly name: string;
  readonly def: NodeDef<S, C>;
  readonly config: C;
  /** Where numbered ends lead: end j → node peers[j]. */
  readonly peers?: readonly string[];
  /** What the first incarnation finds persisted (default: nothing). */
  readonly persisted?: Persisted;
  /** Receives the node's applies synchronously (the tester's applier); it may call the node. */
  readonly onApply?: (msg: Payload, incarnation: number) => void;
}

export interface ProbeOptions {
  readonly seed?: number;
  /** The test's stream for random delivery orders (default: the seed's fork `probe`). */
  readonly rng?: Prng;
  /** The files the nodes share (default: an empty file system). */
  readonly fs?: FileSystem;
  /** The random stream of an incarnation (default: the seed's fork `node:<name>#<incarnation>`). */
  readonly rngOf?: (name: string, incarnation: number) => Prng;
}

interface Timer {
  readonly dueUs: number;
  readonly seq: number;
}

const NOTHING: Persisted = Object.freeze({ state: new Uint8Array(0), snapshot: new Uint8Array(0) });

/** One named node: its options, its persisted blobs and, while it runs, its incarnation's state. */
class ProbeNode<S = any> {
  state: S | undefined = undefined;
  persisted: Persisted;
  /** 0 for the first incarnation; a crash counts it up (so outcomes for the dead one are recognised at once). */
  incarnation = 0;
  rng: Prng;
  readonly timers = new Map<string, Timer>();
  constructor(
    readonly options: ProbeNodeOptions<S, any>,
    rng: Prng,
  ) {
    this.persisted = options.persisted ?? NOTHING;
    this.rng = rng;
  }
  get alive(): boolean {
    return this.state !== undefined;
  }
}

export class Probe {
  nowUs = 0;
  /** Messages on their way, oldest first. */
  readonly flights: ProbeFlight[] = [];
  /** Requests that reached their callee, in order. */
  readonly rpcs: ProbeRpc[] = [];
  /** Messages the nodes sent, retries included (labrpc's total count). */
  sends = 0;
  readonly facts: ProbeRecord<Payload>[] = [];
  readonly applies: ProbeRecord<Payload>[] = [];
  readonly notes: ProbeRecord<string>[] = [];
  /** Nodes that exited by themselves, with their codes. */
  readonly exits: ProbeRecord<number>[] = [];
  /** The files of every node that uses them (survive crashes). */
  readonly fs: FileSystem;
  /** The test's stream for random delivery orders. */
  readonly rng: Prng;
  /** Whether calls from one node reach another now (default: always); a call that does not fails. */
  linked: (from: string, to: string) => boolean = () => true;
  /** Return true to lose a flight (a dropped request or reply): the caller sees ok = false. */
  dropIf: ((f: ProbeFlight) => boolean) | undefined = undefined;
  /** A running digest of every step's input and outputs: equal runs have equal digests. */
  digest = 0;
  /**
   * Sees every flight as it is queued, and every timer as it is armed: a
   * test that schedules deliveries and timers on a timeline of its own (a
   * fixed latency, test-mr.sh's clock) starts from these.
   */
  onFlight: ((f: ProbeFlight) => void) | undefined = undefined;
  onTimer: ((node: string, name: string, dueUs: number) => void) | undefined = undefined;

  private readonly nodes = new Map<string, ProbeNode>();
  private readonly rngOf: (name: string, incarnation: number) => Prng;
  private readonly codec = new CodecScratch();
  /** Requests delivered and not answered yet; one from the test itself has no flight. */
  private readonly pending = new Map<number, { flight: ProbeFlight; rpc: ProbeRpc } | null>();
  private readonly returns = new Map<number, Payload>();
  private readonly replies = new Map<number, Payload>();
  private nextReqId = 1;
  private nextCallId = 1;
  private timerSeq = 0;

  constructor(options: ProbeOptions = {}) {
    const root = new Prng(options.seed ?? 1);
    this.rng = options.rng ?? root.fork('probe');
    this.fs = options.fs ?? new FileSystem();
    this.rngOf = options.rngOf ?? ((name, k) => root.fork(`node:${name}#${k}`));
  }

  // ── nodes ─────────────────────────────────────────────────────────────────

  /** Adds a node and starts its first incarnation; returns what its init emitted (already applied). */
  add<S, C>(options: ProbeNodeOptions<S, C>): readonly Output[] {
    if (this.nodes.has(options.name)) throw new Error(`probe: a node named ${options.name} exists already`);
    const node = new ProbeNode<S>(options, this.rngOf(options.name, 0));
    this.nodes.set(options.name, node);
    return this.boot(node);
  }

  private node(name: string): ProbeNode {
    const node = this.nodes.get(name);
    if (node === undefined) throw new Error(`probe: no node named ${name}`);
    return node;
  }

  /** The state of a running node. */
  state<S>(name: string): S {
    const node = this.node(name);
    if (!node.alive) throw new Error(`probe: node ${name} is crashed`);
    return node.state as S;
  }

  alive(name: string): boolean {
    return this.node(name).alive;
  }

  /** The blobs the node saved last (what a restart starts from). */
  persisted(name: string): Persisted {
    return this.node(name).persisted;
  }

  incarnation(name: string): number {
    return this.node(name).incarnation;
  }

  /** Kills the node: its state, timers and in-flight outcomes are gone; its persisted blobs stay. */
  crash(name: string): void {
    const node = this.node(name);
    node.state = undefined;
    node.timers.clear();
    node.incarnation++;
  }

  /** Crashes the node if it runs, then starts a new incarnation from what it persisted. */
  restart(name: string): void {
    const node = this.node(name);
    if (node.alive) this.crash(name);
    node.rng = this.rngOf(name, node.incarnation);
    this.boot(node);
  }

  private boot(node: ProbeNode): readonly Output[] {
    const { def, config } = node.options;
    const result = def.init(config, node.persisted, this.ctx(node));
    this.absorb(node, 'init', result);
    return result.outputs;
  }

  private ctx(node: ProbeNode): StepContext {
    return { nowUs: this.nowUs, rng: node.rng, fs: this.fs };
  }

  /**
   * Runs one step of a running node on `input`; returns its outputs (already
   * applied). A request the probe did not deliver is the test's own: its
   * reply is kept for replyTo.
   */
  step(name: string, input: Input): readonly Output[] {
    const node = this.node(name);
    if (!node.alive) throw new Error(`probe: node ${name} is crashed`);
    if (input.kind === 'request' && !this.pending.has(input.reqId)) this.pending.set(input.reqId, null);
    const result = node.options.def.step(node.state, input, this.ctx(node));
    this.absorb(node, input, result);
    return result.outputs;
  }

  private absorb(node: ProbeNode, cause: Input | 'init', result: Step<unknown>): void {
    node.state = result.state;
    const c = this.codec;
    this.digest = c.hashValue(c.hashValue(c.hashValue(this.digest, node.options.name), cause), result.outputs);
    applyOutputs(result.outputs, new NodeSink(this, node, node.incarnation));
  }

  // ── calls, requests and responses from the test ───────────────────────────

  /** A synchronous call (the node must return in the same step). */
  call(name: string, method: string, args: Payload = null): Payload {
    const callId = this.nextCallId++;
    this.step(name, { kind: 'call', callId, method, args });
    if (!this.returns.has(callId)) throw new Error(`probe: ${name} did not answer the call ${method} in the same step`);
    const value = this.returns.get(callId);
    this.returns.delete(callId);
    return value;
  }

  /** Starts a call that may return in a later step; its value is `returned(callId)` once it did. */
  startCall(name: string, method: string, args: Payload = null): number {
    const callId = this.nextCallId++;
    this.step(name, { kind: 'call', callId, method, args });
    return callId;
  }

  hasReturned(callId: number): boolean {
    return this.returns.has(callId);
  }

  returned(callId: number): Payload {
    if (!this.returns.has(callId)) throw new Error(`probe: call ${callId} has not returned`);
    return this.returns.get(callId);
  }

  /** Hands the node a request from outside; returns its id (see replyTo). */
  request(name: string, method: string, args: Payload): number {
    const reqId = this.nextReqId++;
    this.step(name, { kind: 'request', reqId, method, args });
    return reqId;
  }

  hasReply(reqId: number): boolean {
    return this.replies.has(reqId);
  }

  /** What the node replied to a request from the test. */
  replyTo(reqId: number): Payload {
    if (!this.replies.has(reqId)) throw new Error(`probe: request ${reqId} has no reply`);
    return this.replies.get(reqId);
  }

  // ── flights ───────────────────────────────────────────────────────────────

  /** Delivers the flight at `position` (default the oldest); false if there is none. */
  deliver(position = 0): boolean {
    const [f] = this.flights.splice(position, 1);
    if (f === undefined) return false;
    if (f.kind === 'request') this.deliverRequest(f);
    else this.deliverResponse(f);
    return true;
  }

  /** Removes the flight at `position` without delivering it (a message lost for good, no outcome). */
  drop(position = 0): ProbeFlight | undefined {
    return this.flights.splice(position, 1)[0];
  }

  /** Delivers until no flight is left, oldest first or (shuffle) in a seeded random order; returns how many. */
  pump(options: { shuffle?: boolean; limit?: number } = {}): number {
    const limit = options.limit ?? 1_000_000;
    let count = 0;
    while (this.flights.length > 0) {
      if (count++ >= limit) throw new Error(`probe: more than ${limit} deliveries (a message storm?)`);
      this.deliver(options.shuffle ? this.rng.below(this.flights.length) : 0);
    }
    return count;
  }

  private deliverRequest(f: ProbeFlight): void {
    if (f.callerIncarnation !== this.node(f.caller).incarnation) return;
    const callee = this.nodes.get(f.callee);
    if (callee === undefined || !callee.alive || !this.linked(f.caller, f.callee) || this.dropIf?.(f)) {
      this.queue({ ...f, kind: 'response', ok: false, reply: null });
      return;
    }
    const reqId = this.nextReqId++;
    const rpc: ProbeRpc = { caller: f.caller, callee: f.callee, method: f.method, args: f.args, reply: undefined };
    this.rpcs.push(rpc);
    this.pending.set(reqId, { flight: f, rpc });
    this.step(f.callee, { kind: 'request', reqId, method: f.method, args: f.args });
  }

  private deliverResponse(f: ProbeFlight): void {
    const caller = this.node(f.caller);
    if (f.callerIncarnation !== caller.incarnation || !caller.alive) return;
    const ok = f.ok && this.linked(f.caller, f.callee) && !this.dropIf?.(f);
    this.step(f.caller, { kind: 'response', to: f.to, method: f.method, args: f.args, tag: f.tag, ok, reply: ok ? f.reply : null });
  }

  /** @internal A node sent through end `to`. */
  sent(node: ProbeNode, incarnation: number, to: EndRef, method: string, args: Payload, tag: Payload): void {
    const callee = typeof to === 'string' ? to : node.options.peers?.[to];
    if (callee === undefined) throw new Error(`probe: ${node.options.name} sent to end ${to}, which leads nowhere`);
    const caller = node.options.name;
    this.sends++;
    this.queue({ kind: 'request', caller, callerIncarnation: incarnation, callee, to, method, args, tag, ok: false, reply: null });
  }

  /** @internal A node answered request `reqId`. */
  answered(name: string, reqId: number, reply: Payload): void {
    const p = this.pending.get(reqId);
    if (p === undefined) throw new Error(`probe: ${name} replied to unknown request ${reqId}`);
    this.pending.delete(reqId);
    if (p === null) {
      this.replies.set(reqId, reply);
      return;
    }
    p.rpc.reply = reply;
    this.queue({ ...p.flight, kind: 'response', ok: true, reply });
  }

  /** @internal A node returned from call `callId`. */
  returnedValue(callId: number, value: Payload): void {
    this.returns.set(callId, value);
  }

  // ── time ──────────────────────────────────────────────────────────────────

  /** When the node's timer `name` is due, or undefined if it is not armed. */
  timerDue(node: string, name: string): number | undefined {
    return this.node(node).timers.get(name)?.dueUs;
  }

  /** The node's armed timers: name → due time. */
  timers(node: string): Map<string, number> {
    return new Map([...this.node(node).timers].map(([name, t]) => [name, t.dueUs]));
  }

  /** Fires the node's timer `name` now (it must be armed). */
  fire(node: string, name: string): readonly Output[] {
    if (!this.node(node).timers.delete(name)) throw new Error(`probe: ${node} has no ${name} timer armed`);
    return this.step(node, { kind: 'timer', name });
  }

  /** Moves the clock forward by `us`, firing due timers in time order and pumping the flights after each. */
  advance(us: number, options: { shuffle?: boolean } = {}): void {
    const endUs = this.nowUs + us;
    this.pump(options);
    for (;;) {
      const next = this.nextTimer(endUs);
      if (next === undefined) break;
      this.nowUs = next.dueUs;
      this.fire(next.node, next.name);
      this.pump(options);
    }
    this.nowUs = endUs;
  }

  private nextTimer(endUs: number): { node: string; name: string; dueUs: number } | undefined {
    let best: { node: string; name: string; dueUs: number; seq: number } | undefined;
    for (const [node, n] of this.nodes) {
      for (const [name, t] of n.timers) {
        if (t.dueUs > endUs) continue;
        if (best === undefined || t.dueUs < best.dueUs || (t.dueUs === best.dueUs && t.seq < best.seq)) {
          best = { node, name, dueUs: t.dueUs, seq: t.seq };
        }
      }
    }
    return best;
  }

  /** @internal */
  armed(node: ProbeNode, name: string, afterUs: number): void {
    const dueUs = this.nowUs + afterUs;
    node.timers.set(name, { dueUs, seq: this.timerSeq++ });
    this.onTimer?.(node.options.name, name, dueUs);
  }

  private queue(f: ProbeFlight): void {
    this.flights.push(f);
    this.onFlight?.(f);
  }
}

/** Where one incarnation's outputs go: the probe's flights, timers, records and files. */
class NodeSink implements OutputSink {
  constructor(
    private readonly probe: Probe,
    private readonly node: ProbeNode,
    private readonly incarnation: number,
  ) {}
  get alive(): boolean {
    return this.node.alive && this.node.incarnation === this.incarnation;
  }
  private record<T>(value: T): ProbeRecord<T> {
    return { node: this.node.options.name, incarnation: this.incarnation, atUs: this.probe.nowUs, value };
  }
  persist(state: Bytes, snapshot: Uint8Array): void {
    this.node.persisted = { state: bytesOf(state), snapshot };
  }
  send(to: EndRef, method: string, args: Payload, tag: Payload): void {
    this.probe.sent(this.node, this.incarnation, to, method, args, tag);
  }
  reply(reqId: number, reply: Payload): void {
    this.probe.answered(this.node.options.name, reqId, reply);
  }
  setTimer(name: string, afterUs: number): void {
    this.probe.armed(this.node, name, afterUs);
  }
  cancelTimer(name: string): void {
    this.node.timers.delete(name);
  }
  returnValue(callId: number, value: Payload): void {
    this.probe.returnedValue(callId, value);
  }
  apply(msg: Payload): void {
    this.probe.applies.push(this.record(msg));
    this.node.options.onApply?.(msg, this.incarnation);
  }
  note(text: string): void {
    this.probe.notes.push(this.record(text));
  }
  fact(fact: Payload): void {
    this.probe.facts.push(this.record(fact));
  }
  exit(code: number): void {
    this.probe.exits.push(this.record(code));
    this.probe.crash(this.node.options.name);
  }
  writeFile(name: string, data: string): void {
    this.probe.fs.write(name, data);
  }
  rename(from: string, to: string): void {
    this.probe.fs.rename(from, to);
  }
  removeFile(name: string): void {
    this.probe.fs.remove(name);
  }
}
