/**
 * A tiny synchronous harness for Raft unit tests, with no simulator: a few
 * nodes, a queue of RPC flights you pump by hand (or in a seeded random
 * order), links you cut and heal, timers you fire explicitly or by advancing
 * a clock, crashes and restarts from the last persisted blobs, and an applier
 * that checks what the Go tester's appliers check (agreement across servers,
 * order; strictly consecutive indexes and a Snapshot call every
 * `snapshotEvery` entries in 3D mode). It applies a step's outputs as the
 * host does: persists first, then the rest in order, delivering applies
 * synchronously (so Snapshot calls re-enter the node mid-delivery).
 */
import { decode, encode, hashValue } from '../../sim/codec.ts';
import { bytesOf, type Input, type NodeDef, type Output, type Payload, type Persisted, type Step, type StepContext } from '../../sim/node.ts';
import { Prng } from '../../sim/prng.ts';
import {
  CALL,
  raft,
  type ApplyMsg,
  type GetStateResult,
  type RaftConfig,
  type RaftFact,
  type RaftState,
  type StartResult,
} from './index.ts';

export interface ClusterOptions {
  readonly seed?: number;
  readonly node?: NodeDef<RaftState, RaftConfig>;
  /** 0 (default): the 3A–3C applier. n: the 3D applier, which calls Snapshot at every index ≡ n − 1 (mod n). */
  readonly snapshotEvery?: number;
}

/** An RPC on its way: the request to the callee, or the outcome back to the caller. */
export interface Flight {
  readonly kind: 'request' | 'response';
  readonly caller: number;
  /** The caller's incarnation when it sent: a restarted node never hears its predecessor's outcomes. */
  readonly callerIncarnation: number;
  readonly callee: number;
  readonly method: string;
  readonly args: Payload;
  readonly tag: Payload;
  readonly ok: boolean;
  readonly reply: Payload;
}

/** A request that reached its callee, and what it answered. */
export interface RpcRecord {
  readonly caller: number;
  readonly callee: number;
  readonly method: string;
  readonly args: Payload;
  reply: Payload | undefined;
}

export interface FactRecord {
  readonly node: number;
  readonly incarnation: number;
  readonly fact: RaftFact;
}

export interface ApplyRecord {
  readonly node: number;
  readonly incarnation: number;
  readonly msg: ApplyMsg;
}

interface Timer {
  readonly dueUs: number;
  readonly seq: number;
}

/** What the tester remembers per server; it survives crashes (spec §2.3). */
interface Applied {
  lastApplied: number;
  readonly cmds: Map<number, Payload>;
}

export class RaftCluster {
  readonly n: number;
  readonly node: NodeDef<RaftState, RaftConfig>;
  readonly snapshotEvery: number;
  nowUs = 0;
  readonly states: (RaftState | undefined)[];
  readonly persisted: Persisted[];
  readonly incarnation: number[];
  readonly connected: boolean[];
  readonly queue: Flight[] = [];
  readonly rpcs: RpcRecord[] = [];
  readonly facts: FactRecord[] = [];
  readonly applies: ApplyRecord[] = [];
  /** What the appliers found wrong (the Go tester would fail the test). */
  readonly errors: string[] = [];
  /** Return true to drop a flight (a lost request or reply): labrpc then reports ok = false. */
  dropIf: ((f: Flight) => boolean) | undefined;
  /** Deliver queued flights in a seeded random order (unless a pump says otherwise). */
  shuffle = false;
  /** A running digest of every input and output: equal runs have equal hashes. */
  hash = 0;

  private readonly seed: number;
  readonly rng: Prng;
  private readonly rngs: Prng[];
  private readonly timers: Map<string, Timer>[];
  private readonly up: boolean[][];
  private readonly applied: Applied[];
  private readonly committed = new Map<number, { node: number; bytes: Uint8Array }>();
  private readonly pending = new Map<number, { flight: Flight; record: RpcRecord }>();
  private readonly returns = new Map<number, Payload>();
  private nextReqId = 1;
  private nextCallId = 1;
  private timerSeq = 0;
  private cursor = 0;

  constructor(n: number, options: ClusterOptions = {}) {
    this.n = n;
    this.node = options.node ?? raft;
    this.snapshotEvery = options.snapshotEvery ?? 0;
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed).fork('harness');
    const empty = (): Persisted => ({ state: new Uint8Array(0), snapshot: new Uint8Array(0) });
    this.states = new Array<RaftState | undefined>(n).fill(undefined);
    this.persisted = Array.from({ length: n }, empty);
    this.incarnation = new Array<number>(n).fill(0);
    this.connected = new Array<boolean>(n).fill(true);
    this.rngs = new Array<Prng>(n);
    this.timers = Array.from({ length: n }, () => new Map<string, Timer>());
    this.up = Array.from({ length: n }, () => new Array<boolean>(n).fill(true));
    this.applied = Array.from({ length: n }, () => ({ lastApplied: 0, cmds: new Map<number, Payload>() }));
    for (let i = 0; i < n; i++) this.boot(i);
  }

  // ── Nodes ──────────────────────────────────────────────────────────────────

  state(i: number): RaftState {
    const st = this.states[i];
    if (st === undefined) throw new Error(`node ${i} is crashed`);
    return st;
  }

  alive(i: number): boolean {
    return this.states[i] !== undefined;
  }

  /** Kills node i: its volatile state, timers and in-flight outcomes are gone; its persisted blobs stay. */
  crash(i: number): void {
    this.states[i] = undefined;
    this.timers[i]!.clear();
    this.incarnation[i]! += 1;
  }

  /** Crashes node i if alive, then starts a new incarnation from what it persisted (links unchanged). */
  restart(i: number): void {
    if (this.alive(i)) this.crash(i);
    this.boot(i);
  }

  private boot(i: number): void {
    this.rngs[i] = new Prng(this.seed).fork(`node:${i}:${this.incarnation[i]}`);
    this.reloadApplied(i);
    const result = this.node.init({ me: i, peers: this.n }, this.persisted[i]!, this.ctx(i));
    this.absorb(i, 'init', result);
  }

  /** Like the tester's start1: the service state comes back from the persisted snapshot, if any. */
  private reloadApplied(i: number): void {
    const a = this.applied[i]!;
    const snap = this.persisted[i]!.snapshot;
    if (snap.length === 0) {
      a.lastApplied = 0;
      return;
    }
    const [index, cmds] = decode(snap) as [number, Payload[]];
    a.cmds.clear();
    for (let k = 1; k <= index; k++) a.cmds.set(k, cmds[k]);
    a.lastApplied = index;
  }

  private ctx(i: number): StepContext {
    return { nowUs: this.nowUs, rng: this.rngs[i]!, fs: undefined };
  }

  private step(i: number, input: Input): void {
    this.absorb(i, input, this.node.step(this.state(i), input, this.ctx(i)));
  }

  /** Applies a step's outputs as the host does: every persist first, then the rest in order. */
  private absorb(i: number, cause: Input | 'init', result: Step<RaftState>): void {
    this.states[i] = result.state;
    this.hash = hashValue(hashValue(hashValue(this.hash, i), cause), result.outputs);
    const incarnation = this.incarnation[i]!;
    for (const o of result.outputs) if (o.kind === 'persist') this.persisted[i] = { state: bytesOf(o.state), snapshot: o.snapshot };
    for (const o of result.outputs) {
      switch (o.kind) {
        case 'send':
          this.queue.push({
            kind: 'request', caller: i, callerIncarnation: incarnation, callee: o.to as number,
            method: o.method, args: o.args, tag: o.tag, ok: false, reply: null,
          });
          break;
        case 'reply':
          this.answer(o.reqId, o.reply);
          break;
        case 'setTimer':
          this.timers[i]!.set(o.name, { dueUs: this.nowUs + o.afterUs, seq: this.timerSeq++ });
          break;
        case 'cancelTimer':
          this.timers[i]!.delete(o.name);
          break;
        case 'return':
          this.returns.set(o.callId, o.value);
          break;
        case 'apply':
          this.applies.push({ node: i, incarnation, msg: o.msg as ApplyMsg });
          if (this.incarnation[i] === incarnation) this.onApply(i, o.msg as ApplyMsg);
          break;
        case 'fact':
          this.facts.push({ node: i, incarnation, fact: o.fact as RaftFact });
          break;
        default:
          break;
      }
    }
  }

  private answer(reqId: number, reply: Payload): void {
    const p = this.pending.get(reqId);
    if (p === undefined) throw new Error(`reply to unknown request ${reqId}`);
    this.pending.delete(reqId);
    p.record.reply = reply;
    this.queue.push({ ...p.flight, kind: 'response', ok: true, reply });
  }

  // ── Tester calls ───────────────────────────────────────────────────────────

  call(i: number, method: string, args: Payload): Payload {
    const callId = this.nextCallId++;
    this.step(i, { kind: 'call', callId, method, args });
    if (!this.returns.has(callId)) throw new Error(`node ${i} did not answer call ${method} in the same step`);
    const value = this.returns.get(callId);
    this.returns.delete(callId);
    return value;
  }

  start(i: number, command: Payload): StartResult {
    return this.call(i, CALL.start, { command }) as StartResult;
  }

  getState(i: number): GetStateResult {
    return this.call(i, CALL.getState, null) as GetStateResult;
  }

  // ── Network ────────────────────────────────────────────────────────────────

  /** The tester's disconnect: cut every link of i. */
  disconnect(i: number): void {
    this.connected[i] = false;
    for (let j = 0; j < this.n; j++) this.up[i]![j] = this.up[j]![i] = false;
  }

  /** The tester's connect: link i with every connected node. */
  connect(i: number): void {
    this.connected[i] = true;
    for (let j = 0; j < this.n; j++) if (this.connected[j]) this.up[i]![j] = this.up[j]![i] = true;
  }

  /** Exactly these groups can talk inside themselves; nodes in no group are isolated. */
  partition(...groups: number[][]): void {
    for (let i = 0; i < this.n; i++) this.disconnect(i);
    for (const g of groups) for (const i of g) this.connect(i);
    for (const g of groups) for (const a of g) for (let b = 0; b < this.n; b++) if (!g.includes(b)) this.up[a]![b] = this.up[b]![a] = false;
  }

  linked(a: number, b: number): boolean {
    return this.up[a]![b]!;
  }

  /** Delivers the queued flight at `position` (default the oldest); false if the queue is empty. */
  deliverOne(position = 0): boolean {
    const [f] = this.queue.splice(position, 1);
    if (f === undefined) return false;
    if (f.kind === 'request') this.deliverRequest(f);
    else this.deliverResponse(f);
    return true;
  }

  /** Delivers until the queue is empty, oldest first or (shuffle) in a seeded random order. Returns how many. */
  pump(options: { shuffle?: boolean; limit?: number } = {}): number {
    const limit = options.limit ?? 1_000_000;
    let count = 0;
    while (this.queue.length > 0) {
      if (count++ >= limit) throw new Error(`pump: more than ${limit} deliveries (a message storm?)`);
      this.deliverOne((options.shuffle ?? this.shuffle) ? this.rng.below(this.queue.length) : 0);
    }
    return count;
  }

  private deliverRequest(f: Flight): void {
    if (f.callerIncarnation !== this.incarnation[f.caller]) return;
    const reachable = this.alive(f.callee) && this.linked(f.caller, f.callee) && !this.dropIf?.(f);
    if (!reachable) {
      this.queue.push({ ...f, kind: 'response', ok: false, reply: null });
      return;
    }
    const reqId = this.nextReqId++;
    const record: RpcRecord = { caller: f.caller, callee: f.callee, method: f.method, args: f.args, reply: undefined };
    this.rpcs.push(record);
    this.pending.set(reqId, { flight: f, record });
    this.step(f.callee, { kind: 'request', reqId, method: f.method, args: f.args });
  }

  private deliverResponse(f: Flight): void {
    if (f.callerIncarnation !== this.incarnation[f.caller] || !this.alive(f.caller)) return;
    const ok = f.ok && this.linked(f.caller, f.callee) && !this.dropIf?.(f);
    this.step(f.caller, {
      kind: 'response', to: f.callee, method: f.method, args: f.args, tag: f.tag, ok, reply: ok ? f.reply : null,
    });
  }

  // ── Time ───────────────────────────────────────────────────────────────────

  timerDue(i: number, name: string): number | undefined {
    return this.timers[i]!.get(name)?.dueUs;
  }

  /** Fires node i's timer `name` now (it must be armed). */
  fire(i: number, name: string): void {
    if (!this.timers[i]!.delete(name)) throw new Error(`node ${i} has no ${name} timer armed`);
    this.step(i, { kind: 'timer', name });
  }

  /** Moves the clock forward by `us`, firing due timers in time order and pumping the network after each. */
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

  private nextTimer(endUs: number): { node: number; name: string; dueUs: number } | undefined {
    let best: { node: number; name: string; dueUs: number; seq: number } | undefined;
    for (let i = 0; i < this.n; i++) {
      for (const [name, t] of this.timers[i]!) {
        if (t.dueUs > endUs) continue;
        if (best === undefined || t.dueUs < best.dueUs || (t.dueUs === best.dueUs && t.seq < best.seq)) {
          best = { node: i, name, dueUs: t.dueUs, seq: t.seq };
        }
      }
    }
    return best;
  }

  // ── The tester's view ──────────────────────────────────────────────────────

  /** Live nodes that believe they lead, with their terms. */
  leaders(): { node: number; term: number }[] {
    const out: { node: number; term: number }[] = [];
    for (let i = 0; i < this.n; i++) {
      const st = this.states[i];
      if (st !== undefined && st.role.kind === 'leader') out.push({ node: i, term: st.currentTerm });
    }
    return out;
  }

  /** Like the tester's checkOneLeader: up to 10 rounds of ~500 ms; throws on two leaders in a term or none. */
  checkOneLeader(): number {
    for (let round = 0; round < 10; round++) {
      this.advance(450_000 + this.rng.below(100) * 1000);
      const byTerm = new Map<number, number[]>();
      for (const l of this.leaders()) {
        if (!this.connected[l.node]) continue;
        byTerm.set(l.term, [...(byTerm.get(l.term) ?? []), l.node]);
      }
      let best: { term: number; node: number } | undefined;
      for (const [term, nodes] of byTerm) {
        if (nodes.length > 1) throw new Error(`term ${term} has ${nodes.length} leaders`);
        if (best === undefined || term > best.term) best = { term, node: nodes[0]! };
      }
      if (best !== undefined) return best.node;
    }
    throw new Error('expected one leader, got none');
  }

  /** How many servers have applied `index` (ever, as the tester counts), and the command. */
  nCommitted(index: number): { count: number; command: Payload } {
    let count = 0;
    let command: Payload;
    for (const a of this.applied) {
      if (a.cmds.has(index)) {
        count++;
        command = a.cmds.get(index);
      }
    }
    return { count, command };
  }

  /** Like the tester's one(cmd, expected, retry): submit to a connected leader and wait until `expected` servers applied it. */
  one(command: Payload, expected: number, retry = true): number {
    const deadlineUs = this.nowUs + 10_000_000;
    while (this.nowUs < deadlineUs) {
      let index = -1;
      for (let k = 0; k < this.n && index < 0; k++) {
        this.cursor = (this.cursor + 1) % this.n;
        const i = this.cursor;
        if (this.alive(i) && this.connected[i]) {
          const r = this.start(i, command);
          if (r.isLeader) index = r.index;
        }
      }
      if (index < 0) {
        this.advance(50_000);
        continue;
      }
      const untilUs = this.nowUs + 2_000_000;
      while (this.nowUs < untilUs) {
        this.pump();
        const { count, command: got } = this.nCommitted(index);
        if (count >= expected && samePayload(got, command)) return index;
        this.advance(20_000);
      }
      if (!retry) throw new Error(`one(${String(command)}) failed to reach agreement`);
    }
    throw new Error(`one(${String(command)}) failed to reach agreement in 10 s`);
  }

  /** The largest persisted Raft state, in bytes (the tester's LogSize). */
  logSize(): number {
    return Math.max(...this.persisted.map((p) => p.state.length));
  }

  factsOf<T extends RaftFact['type']>(type: T): (FactRecord & { fact: Extract<RaftFact, { type: T }> })[] {
    return this.facts.filter((f) => f.fact.type === type) as (FactRecord & { fact: Extract<RaftFact, { type: T }> })[];
  }

  /** Election safety from the trace: the terms in which two different nodes announced leadership. */
  termsWithTwoLeaders(): number[] {
    const leaderOf = new Map<number, number>();
    const bad: number[] = [];
    for (const { node, fact } of this.factsOf('raft/leader')) {
      const other = leaderOf.get(fact.term);
      if (other !== undefined && other !== node) bad.push(fact.term);
      leaderOf.set(fact.term, node);
    }
    return bad;
  }

  // ── The applier ────────────────────────────────────────────────────────────

  private onApply(i: number, msg: ApplyMsg): void {
    if (msg.snapshotValid) {
      this.onApplySnapshot(i, msg.snapshot, msg.snapshotIndex);
      return;
    }
    const index = msg.commandIndex;
    const a = this.applied[i]!;
    if (this.snapshotEvery > 0 ? index !== a.lastApplied + 1 : index > 1 && !a.cmds.has(index - 1)) {
      this.errors.push(`server ${i} apply out of order: got ${index}, last applied ${a.lastApplied}`);
    }
    const bytes = encode(msg.command);
    const first = this.committed.get(index);
    if (first === undefined) this.committed.set(index, { node: i, bytes });
    else if (!sameBytes(first.bytes, bytes)) {
      this.errors.push(`commit index=${index} server=${i} ${String(msg.command)} != server=${first.node}`);
    }
    a.cmds.set(index, msg.command);
    a.lastApplied = index;
    if (this.snapshotEvery > 0 && (index + 1) % this.snapshotEvery === 0) {
      const cmds: Payload[] = [null];
      for (let k = 1; k <= index; k++) cmds.push(a.cmds.get(k));
      this.call(i, CALL.snapshot, { index, snapshot: encode([index, cmds]) });
    }
  }

  private onApplySnapshot(i: number, snapshot: Uint8Array, snapshotIndex: number): void {
    if (this.snapshotEvery === 0) return; // the 3A–3C applier ignores snapshots
    const [index, cmds] = decode(snapshot) as [number, Payload[]];
    if (index !== snapshotIndex) this.errors.push(`server ${i} snapshot index ${snapshotIndex} but blob says ${index}`);
    const a = this.applied[i]!;
    a.cmds.clear();
    for (let k = 1; k <= index; k++) a.cmds.set(k, cmds[k]);
    a.lastApplied = index;
  }
}

export function samePayload(a: Payload, b: Payload): boolean {
  return sameBytes(encode(a), encode(b));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * One node driven directly, for handler-level tests: hand it requests,
 * responses, timers and calls, and look at what it emitted. `onApply` runs
 * synchronously while a step's applies are delivered, as the tester's
 * applier does (it may call back into the node).
 */
export class RaftProbe {
  readonly config: RaftConfig;
  readonly node: NodeDef<RaftState, RaftConfig>;
  st: RaftState;
  persisted: Persisted;
  incarnation = 0;
  nowUs = 0;
  readonly facts: RaftFact[] = [];
  readonly applies: ApplyMsg[] = [];
  /** Every send of the current incarnation, in order. */
  readonly sends: { to: number; method: string; args: Payload }[] = [];
  readonly timers = new Map<string, number>();
  onApply: ((msg: ApplyMsg) => void) | undefined;
  private readonly seed: number;
  private rng: Prng;
  private nextId = 1;

  constructor(config: RaftConfig, options: { node?: NodeDef<RaftState, RaftConfig>; seed?: number; persisted?: Persisted } = {}) {
    this.config = config;
    this.node = options.node ?? raft;
    this.seed = options.seed ?? 1;
    this.persisted = options.persisted ?? { state: new Uint8Array(0), snapshot: new Uint8Array(0) };
    this.rng = new Prng(this.seed).fork('probe:0');
    const result = this.node.init(config, this.persisted, this.ctx());
    this.st = result.state;
    this.absorb(result);
  }

  private ctx(): StepContext {
    return { nowUs: this.nowUs, rng: this.rng, fs: undefined };
  }

  /** Runs one step and returns its outputs (after delivering them). */
  step(input: Input): readonly Output[] {
    const result = this.node.step(this.st, input, this.ctx());
    this.st = result.state;
    this.absorb(result);
    return result.outputs;
  }

  private absorb(result: Step<RaftState>): void {
    for (const o of result.outputs) if (o.kind === 'persist') this.persisted = { state: bytesOf(o.state), snapshot: o.snapshot };
    for (const o of result.outputs) {
      if (o.kind === 'send') this.sends.push({ to: o.to as number, method: o.method, args: o.args });
      else if (o.kind === 'setTimer') this.timers.set(o.name, this.nowUs + o.afterUs);
      else if (o.kind === 'cancelTimer') this.timers.delete(o.name);
      else if (o.kind === 'fact') this.facts.push(o.fact as RaftFact);
      else if (o.kind === 'apply') {
        this.applies.push(o.msg as ApplyMsg);
        this.onApply?.(o.msg as ApplyMsg);
      }
    }
  }

  /** Delivers a request; returns the reply the node gave in the same step. */
  request(method: string, args: Payload): Payload {
    const reqId = this.nextId++;
    const outputs = this.step({ kind: 'request', reqId, method, args });
    const reply = outputs.find((o) => o.kind === 'reply' && o.reqId === reqId);
    if (reply === undefined || reply.kind !== 'reply') throw new Error(`no reply to ${method}`);
    return reply.reply;
  }

  /** Delivers the successful outcome of a call this node made to `from`. */
  respond(from: number, method: string, args: Payload, reply: Payload): readonly Output[] {
    return this.step({ kind: 'response', to: from, method, args, tag: null, ok: true, reply });
  }

  fire(name: string): readonly Output[] {
    if (!this.timers.delete(name)) throw new Error(`no ${name} timer armed`);
    return this.step({ kind: 'timer', name });
  }

  call(method: string, args: Payload): Payload {
    const callId = this.nextId++;
    const outputs = this.step({ kind: 'call', callId, method, args });
    const ret = outputs.find((o) => o.kind === 'return' && o.callId === callId);
    if (ret === undefined || ret.kind !== 'return') throw new Error(`no return for ${method}`);
    return ret.value;
  }

  /** A crash and a restart from the last persisted blobs. */
  restart(): void {
    this.incarnation++;
    this.sends.length = 0;
    this.timers.clear();
    this.rng = new Prng(this.seed).fork(`probe:${this.incarnation}`);
    const result = this.node.init(this.config, this.persisted, this.ctx());
    this.st = result.state;
    this.absorb(result);
  }
}

/**
 * Figure 8 (c), in a 5-node cluster: node 0 leads term 3 and has just
 * replicated index 2, an entry of term 1 that only node 1 had, to a majority
 * (nodes 0–3), while node 4 (cut off) holds a different index 2 of term 2.
 * A correct leader must not count that entry committed. Returns the cluster
 * with node 4 isolated and nodes 0–3 connected.
 */
export function setUpFigure8(c: RaftCluster): void {
  if (c.n !== 5) throw new Error('setUpFigure8 needs 5 nodes');
  c.fire(0, 'election');
  c.pump();
  c.start(0, 'a');
  c.pump();
  c.partition([0, 1], [2, 3, 4]);
  c.start(0, 'b'); // term 1, index 2: reaches node 1 only
  c.pump();
  c.fire(4, 'election'); // term 2 with votes from 2 and 3
  c.pump();
  c.partition([0, 1, 2, 3]);
  c.start(4, 'c'); // term 2, index 2: stays on node 4
  c.pump();
  c.fire(0, 'heartbeat'); // node 0 (term 1) learns term 2 and steps down
  c.pump();
  c.fire(0, 'election'); // term 3: nodes 1–3 vote for it; its first round puts b on 2 and 3
  c.pump();
}

/**
 * The election-restriction situation on 3 nodes: 101 is committed everywhere,
 * 102 on nodes 0 and 1 only; then node 0 is cut off and node 2 (missing 102)
 * stands for election with node 1. A correct node 1 refuses its vote; if
 * node 2 wins anyway it starts 999 and sends a heartbeat, overwriting 102.
 */
export function setUpStaleCandidate(c: RaftCluster): void {
  if (c.n !== 3) throw new Error('setUpStaleCandidate needs 3 nodes');
  c.fire(0, 'election');
  c.pump();
  c.one(101, 3);
  c.disconnect(2);
  c.one(102, 2); // committed on nodes 0 and 1
  c.disconnect(0);
  c.connect(2);
  c.fire(2, 'election');
  c.pump();
  if (c.state(2).role.kind === 'leader') {
    c.start(2, 999);
    c.pump();
    c.fire(2, 'heartbeat');
    c.pump();
  }
}

/**
 * Figure 8 (c) then (d), after setUpFigure8: the term-3 leader sends one
 * heartbeat (a buggy leader commits the term-1 entry at index 2 here) and
 * dies; node 4, whose term-2 entry at index 2 beats the others' term 1,
 * wins term 4, starts 'e' and sends a heartbeat, overwriting index 2.
 */
export function playFigure8Takeover(c: RaftCluster): void {
  c.fire(0, 'heartbeat');
  c.pump();
  c.crash(0);
  c.partition([1, 2, 3, 4]);
  c.fire(4, 'heartbeat'); // node 4 learns term 3 and steps down
  c.pump();
  c.fire(4, 'election'); // term 4: its last term (2) beats theirs (1)
  c.pump();
  c.start(4, 'e');
  c.pump();
  c.fire(4, 'heartbeat');
  c.pump();
}
