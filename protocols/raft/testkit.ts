/**
 * Raft's helpers over the one synchronous probe (sim/probe.ts): a cluster of
 * nodes named "0".."n-1" with the Go tester's view of them (connect and
 * disconnect, partitions, checkOneLeader, one, nCommitted) and an applier
 * that checks what the Go tester's appliers check (agreement across servers,
 * order; strictly consecutive indexes and a Snapshot call every
 * `snapshotEvery` entries in 3D mode); and one node driven directly for
 * handler-level tests. Delivery, timers, crashes and restarts, and the
 * meaning of a step's outputs are the probe's.
 */
import { decode, encode, Prng, Probe, sameBytes, type Input, type NodeDef, type Output, type Payload, type Persisted, type ProbeFlight } from '../../sim/contract.ts';
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

/** A request that reached its callee, and what it answered. */
export interface RpcRecord {
  readonly caller: number;
  readonly callee: number;
  readonly method: string;
  readonly args: Payload;
  readonly reply: Payload | undefined;
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

/** What the tester remembers per server; it survives crashes (spec §2.3). */
interface Applied {
  lastApplied: number;
  readonly cmds: Map<number, Payload>;
}

export class RaftCluster {
  readonly n: number;
  readonly node: NodeDef<RaftState, RaftConfig>;
  readonly snapshotEvery: number;
  /** The nodes, their flights and timers. */
  readonly probe: Probe;
  readonly connected: boolean[];
  /** What the appliers found wrong (the Go tester would fail the test). */
  readonly errors: string[] = [];
  /** Deliver queued flights in a seeded random order (unless a pump says otherwise). */
  shuffle = false;
  readonly rng: Prng;

  private readonly names: string[];
  private readonly up: boolean[][];
  private readonly applied: Applied[];
  private readonly committed = new Map<number, { node: number; bytes: Uint8Array }>();
  private cursor = 0;

  constructor(n: number, options: ClusterOptions = {}) {
    this.n = n;
    this.node = options.node ?? raft;
    this.snapshotEvery = options.snapshotEvery ?? 0;
    const seed = options.seed ?? 1;
    this.rng = new Prng(seed).fork('harness');
    this.probe = new Probe({ seed, rng: this.rng, rngOf: (name, k) => new Prng(seed).fork(`node:${name}:${k}`) });
    this.probe.linked = (a, b) => this.up[Number(a)]![Number(b)]!;
    this.names = Array.from({ length: n }, (_, i) => String(i));
    this.connected = new Array<boolean>(n).fill(true);
    this.up = Array.from({ length: n }, () => new Array<boolean>(n).fill(true));
    this.applied = Array.from({ length: n }, () => ({ lastApplied: 0, cmds: new Map<number, Payload>() }));
    for (let i = 0; i < n; i++) {
      this.probe.add({
        name: this.names[i]!,
        def: this.node,
        config: { me: i, peers: n },
        peers: this.names,
        onApply: (msg) => this.onApply(i, msg as ApplyMsg),
      });
    }
  }

  // ── Nodes ──────────────────────────────────────────────────────────────────

  get nowUs(): number {
    return this.probe.nowUs;
  }

  /** Each node's state, undefined while crashed. */
  get states(): (RaftState | undefined)[] {
    return this.names.map((name) => (this.probe.alive(name) ? this.probe.state<RaftState>(name) : undefined));
  }

  get persisted(): Persisted[] {
    return this.names.map((name) => this.probe.persisted(name));
  }

  /** How many times each node crashed. */
  get incarnation(): number[] {
    return this.names.map((name) => this.probe.incarnation(name));
  }

  /** Return true to drop a flight (a lost request or reply): labrpc then reports ok = false. */
  set dropIf(f: ((f: ProbeFlight) => boolean) | undefined) {
    this.probe.dropIf = f;
  }

  get rpcs(): RpcRecord[] {
    return this.probe.rpcs.map((r) => ({ ...r, caller: Number(r.caller), callee: Number(r.callee) }));
  }

  get facts(): FactRecord[] {
    return this.probe.facts.map((f) => ({ node: Number(f.node), incarnation: f.incarnation, fact: f.value as RaftFact }));
  }

  get applies(): ApplyRecord[] {
    return this.probe.applies.map((a) => ({ node: Number(a.node), incarnation: a.incarnation, msg: a.value as ApplyMsg }));
  }

  /** A running digest of every input and output: equal runs have equal digests. */
  get hash(): number {
    return this.probe.digest;
  }

  state(i: number): RaftState {
    return this.probe.state<RaftState>(this.names[i]!);
  }

  alive(i: number): boolean {
    return this.probe.alive(this.names[i]!);
  }

  /** Kills node i: its volatile state, timers and in-flight outcomes are gone; its persisted blobs stay. */
  crash(i: number): void {
    this.probe.crash(this.names[i]!);
  }

  /** Crashes node i if alive, then starts a new incarnation from what it persisted (links unchanged). */
  restart(i: number): void {
    if (this.alive(i)) this.crash(i);
    this.reloadApplied(i);
    this.probe.restart(this.names[i]!);
  }

  /** Like the tester's start1: the service state comes back from the persisted snapshot, if any. */
  private reloadApplied(i: number): void {
    const a = this.applied[i]!;
    const snap = this.probe.persisted(this.names[i]!).snapshot;
    if (snap.length === 0) {
      a.lastApplied = 0;
      return;
    }
    const [index, cmds] = decode(snap) as [number, Payload[]];
    a.cmds.clear();
    for (let k = 1; k <= index; k++) a.cmds.set(k, cmds[k]);
    a.lastApplied = index;
  }

  // ── Tester calls ───────────────────────────────────────────────────────────

  call(i: number, method: string, args: Payload): Payload {
    return this.probe.call(this.names[i]!, method, args);
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
    return this.probe.deliver(position);
  }

  /** Delivers until the queue is empty, oldest first or (shuffle) in a seeded random order. Returns how many. */
  pump(options: { shuffle?: boolean; limit?: number } = {}): number {
    return this.probe.pump({ ...options, shuffle: options.shuffle ?? this.shuffle });
  }

  // ── Time ───────────────────────────────────────────────────────────────────

  timerDue(i: number, name: string): number | undefined {
    return this.probe.timerDue(this.names[i]!, name);
  }

  /** Fires node i's timer `name` now (it must be armed). */
  fire(i: number, name: string): void {
    this.probe.fire(this.names[i]!, name);
  }

  /** Moves the clock forward by `us`, firing due timers in time order and pumping the network after each. */
  advance(us: number, options: { shuffle?: boolean } = {}): void {
    this.probe.advance(us, { shuffle: options.shuffle ?? this.shuffle });
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

/**
 * One node driven directly, for handler-level tests: hand it requests,
 * responses, timers and calls, and look at what it emitted. Its sends stay
 * in the probe's flights (nobody delivers them). `onApply` runs
 * synchronously while a step's applies are delivered, as the tester's
 * applier does (it may call back into the node).
 */
export class RaftProbe {
  readonly config: RaftConfig;
  readonly node: NodeDef<RaftState, RaftConfig>;
  readonly probe: Probe;
  onApply: ((msg: ApplyMsg) => void) | undefined;
  private readonly name: string;

  constructor(config: RaftConfig, options: { node?: NodeDef<RaftState, RaftConfig>; seed?: number; persisted?: Persisted } = {}) {
    this.config = config;
    this.node = options.node ?? raft;
    const seed = options.seed ?? 1;
    this.probe = new Probe({ seed, rngOf: (_, k) => new Prng(seed).fork(`probe:${k}`) });
    this.name = String(config.me);
    const peers = Array.from({ length: config.peers }, (_, j) => String(j));
    this.probe.add({
      name: this.name,
      def: this.node,
      config,
      peers,
      ...(options.persisted ? { persisted: options.persisted } : {}),
      onApply: (msg) => this.onApply?.(msg as ApplyMsg),
    });
  }

  get st(): RaftState {
    return this.probe.state<RaftState>(this.name);
  }

  get persisted(): Persisted {
    return this.probe.persisted(this.name);
  }

  get incarnation(): number {
    return this.probe.incarnation(this.name);
  }

  get nowUs(): number {
    return this.probe.nowUs;
  }

  set nowUs(us: number) {
    this.probe.nowUs = us;
  }

  get facts(): RaftFact[] {
    return this.probe.facts.map((f) => f.value as RaftFact);
  }

  get applies(): ApplyMsg[] {
    return this.probe.applies.map((a) => a.value as ApplyMsg);
  }

  /** Every send of the current incarnation, in order. */
  get sends(): { to: number; method: string; args: Payload }[] {
    const k = this.incarnation;
    return this.probe.flights.filter((f) => f.callerIncarnation === k).map((f) => ({ to: f.to as number, method: f.method, args: f.args }));
  }

  /** The armed timers: name → due time. */
  get timers(): Map<string, number> {
    return this.probe.timers(this.name);
  }

  /** Runs one step and returns its outputs (after delivering them). */
  step(input: Input): readonly Output[] {
    return this.probe.step(this.name, input);
  }

  /** Delivers a request; returns the reply the node gave in the same step. */
  request(method: string, args: Payload): Payload {
    const reqId = this.probe.request(this.name, method, args);
    if (!this.probe.hasReply(reqId)) throw new Error(`no reply to ${method}`);
    return this.probe.replyTo(reqId);
  }

  /** Delivers the successful outcome of a call this node made to `from`. */
  respond(from: number, method: string, args: Payload, reply: Payload): readonly Output[] {
    return this.step({ kind: 'response', to: from, method, args, tag: null, ok: true, reply });
  }

  fire(name: string): readonly Output[] {
    return this.probe.fire(this.name, name);
  }

  call(method: string, args: Payload): Payload {
    return this.probe.call(this.name, method, args);
  }

  /** A crash and a restart from the last persisted blobs. */
  restart(): void {
    this.probe.restart(this.name);
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
