/**
 * The Raft tester (the Go lab's src/raft/config.go, spec §2.3–2.4) over a
 * simlab world: n servers named "0".."n-1" on a labrpc network with long
 * delays, the connected-clique model of connect/disconnect, crash1/start1
 * with the persister copies that decide what survives a crash, the two
 * appliers, and the helpers the tests call (checkOneLeader, one, wait, …)
 * with the Go constants. Every server's trace is also folded into the Raft
 * invariant checker; its first violation fails the run as a safety failure.
 *
 * Scenarios use it in the Go tests' own words:
 *
 *     const c = makeConfig(t, 3, false, false);
 *     c.begin('Test (3B): basic agreement');
 *     yield* c.one(100, 3, false);
 *     c.end();
 *     c.cleanup();
 *
 * The Raft node is `t.impl('raft', raft)`: users bring their own with
 * `--impl raft=./file.ts`. Its contract: config {me, peers}, peer j reached
 * through end j, synchronous calls start/getState/snapshot, and apply
 * messages shaped like protocols/raft's ApplyMsg.
 */
import { FactGate, RaftInvariantChecker } from '../../checkers/raft/index.ts';
import { decode } from '../../sim/codec.ts';
import type { Host } from '../../sim/host.ts';
import type { Network } from '../../sim/network.ts';
import { ms, type NodeDef, type Payload } from '../../sim/node.ts';
import type { Prng } from '../../sim/prng.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Persister } from '../../sim/storage.ts';
import { sleep, type Co } from '../../sim/task.ts';
import { formatRecord, TraceKind } from '../../sim/trace.ts';
import { ServerGroup, serverNames } from '../cluster/group.ts';
import { AppliedLogs, snapshotCommands } from './applied.ts';
import { raftStateTable } from './state-table.ts';
import { raft, type ApplyMsg, type GetStateResult, type RaftConfig, type StartResult } from '../../protocols/raft/index.ts';

/** The tester's election timeout (Go's RaftElectionTimeout): tests sleep multiples of it. */
export const ELECTION_TIMEOUT_US = 1_000_000;
/** 3D: the Raft state (not the snapshot) must stay under this many bytes. */
export const MAX_LOG_SIZE = 2000;
/** Every Go Raft test fails past two minutes from make_config. */
export const TEST_LIMIT_US = 120_000_000;

/** A Raft node as the tester drives it (the state type is the implementation's own). */
export type RaftNodeDef = NodeDef<any, RaftConfig>;
type RaftHost = Host<unknown, RaftConfig>;

/** Go's rand.Int(): a large non-negative integer (53 bits here, so that it stays an exact number). */
export function randInt(rng: Prng): number {
  return rng.below(0x200000) * 0x1_0000_0000 + rng.u32();
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Go's randstring(n): n random characters of the base64url alphabet. */
export function randString(rng: Prng, n: number): string {
  const chars = new Array<string>(n);
  for (let k = 0; k < n; k++) chars[k] = BASE64URL[rng.below(64)]!;
  return chars.join('');
}

/** Builds the cluster (Go's make_config): every server started with start1, then all connected. */
export function makeConfig(t: ScenarioContext, n: number, unreliable: boolean, snapshot: boolean): RaftTester {
  return new RaftTester(t, n, unreliable, snapshot);
}

export class RaftTester {
  readonly n: number;
  readonly net: Network;
  /** The servers: incarnations, ends, persisters (Go's saved[i]) and the connected clique. */
  private readonly group: ServerGroup<unknown, RaftConfig>;
  /** Go's connected[i]: the connected servers form one clique. */
  readonly connected: readonly boolean[];
  /** What each server has applied, by index; survives crashes (spec §9.1). */
  private readonly applied: AppliedLogs;
  private readonly applyErr: string[];
  private readonly startUs: number;
  private finished = false;
  private readonly checker: RaftInvariantChecker;
  /** Switches the invariant checker on per server, for servers that emit Raft facts (opt-in). */
  private readonly gate: FactGate;
  /** Terms in which a server told the tester it leads (Start or GetState answered isLeader). */
  private readonly leaderTermsSeen = new Set<number>();
  /** Snapshots the servers handed the tester's applier. */
  private snapshotApplies = 0;
  private factsNoted = false;

  // begin()'s marks
  private t0Us = 0;
  private rpcs0 = 0;
  private bytes0 = 0;
  private maxIndex0 = 0;
  private description = '';

  constructor(
    readonly t: ScenarioContext,
    n: number,
    unreliable: boolean,
    snapshot: boolean,
  ) {
    this.n = n;
    this.net = t.world.network;
    this.group = new ServerGroup<unknown, RaftConfig>(t.world, {
      names: serverNames(n),
      def: t.impl<RaftNodeDef>('raft', raft),
      config: (i) => ({ me: i, peers: n }),
      onApply: snapshot ? (i, m, h) => this.applierSnap(i, m as ApplyMsg, h) : (i, m) => this.applier(i, m as ApplyMsg),
      beforeStart: (i, persister) => this.restore(i, persister),
    });
    this.connected = this.group.connected;
    this.applied = new AppliedLogs(n);
    this.applyErr = new Array<string>(n).fill('');
    this.startUs = t.world.nowUs;
    t.onFailure(() => raftStateTable(this));

    const checker = new RaftInvariantChecker({ decodeSnapshot: snapshotCommands });
    this.checker = checker;
    const gate = new FactGate(checker);
    this.gate = gate;
    t.world.trace.addListener((r) => gate.observe(r), [TraceKind.Fact, TraceKind.Apply]);

    this.setUnreliable(unreliable);
    this.net.setLongDelays(true);
    for (let i = 0; i < n; i++) this.start1(i);
    for (let i = 0; i < n; i++) this.connect(i);
  }

  // ── failures ──────────────────────────────────────────────────────────────

  /** Fails as a safety failure if the invariant checker has found a violation. */
  checkSafety(): void {
    const v = this.checker.violation;
    if (v !== null) this.t.fail(`${v.invariant}: ${v.message} — first at: ${formatRecord(v.record).trim()}`, 'safety', v.record.index);
  }

  /** Fails the test (Go's t.Fatalf); a safety violation found earlier is reported instead, being the cause. */
  fail(message: string): never {
    this.checkSafety();
    this.noteFacts();
    return this.t.fail(message);
  }

  /**
   * What the run exercised, as the tester sees it (never from facts, so a
   * Raft without them is measured the same): terms in which a server answered
   * Start or GetState as leader, the highest index applied, servers whose
   * persister holds a snapshot (Go's SnapshotSize() > 0), snapshots handed to
   * the applier, and restarts (start1 of a server that had run before).
   */
  summary(): { leaderTerms: number; highestCommit: number; compactions: number; snapshotApplies: number; restarts: number } {
    let compactions = 0;
    let restarts = 0;
    for (let i = 0; i < this.n; i++) {
      if ((this.group.persister(i)?.snapshotSize() ?? 0) > 0) compactions++;
      restarts += Math.max(0, this.group.incarnation(i) - 1);
    }
    return { leaderTerms: this.leaderTermsSeen.size, highestCommit: this.applied.maxIndex, compactions, snapshotApplies: this.snapshotApplies, restarts };
  }

  /** Logs, once, which servers the invariant checker is off for (they emit no Raft facts). */
  private noteFacts(): void {
    if (this.factsNoted) return;
    this.factsNoted = true;
    const line = this.gate.offLine(Array.from({ length: this.n }, (_, i) => String(i)));
    if (line !== null) this.t.log(line);
  }

  // ── the network (spec §2.4's clique) ──────────────────────────────────────

  setUnreliable(unreliable: boolean): void {
    this.net.setReliable(!unreliable);
  }

  setLongReordering(on: boolean): void {
    this.net.setLongReordering(on);
  }

  /** Attaches server i to the connected clique: its ends to connected servers and theirs to it are enabled. */
  connect(i: number): void {
    this.group.connect(i);
  }

  /** Detaches server i: all its outgoing ends and every peer's end to it are disabled. */
  disconnect(i: number): void {
    this.group.disconnect(i);
  }

  // ── crash and restart (spec §2.3) ─────────────────────────────────────────

  /** Shuts server i down; exactly what it had saved before this call survives. */
  crash1(i: number): void {
    this.disconnect(i);
    this.group.shutdown(i);
  }

  /** Starts (or restarts) server i from its persisted state; it stays unreachable until connect(i). */
  start1(i: number): void {
    this.crash1(i);
    this.group.start(i);
  }

  /** Before server i starts: the tester's record of it restarts from the persisted snapshot, as a KV service would restore itself. */
  private restore(i: number, persister: Persister): void {
    this.applied.setLastApplied(i, 0);
    const snap = persister.readSnapshot();
    if (snap.length === 0) return;
    const err = this.ingestSnap(i, snap, -1);
    if (err !== '') this.fail(err);
  }

  // ── the appliers ──────────────────────────────────────────────────────────

  /** Records server i's apply at index; returns an error if another server applied something else there, and whether index − 1 was applied. */
  private checkLogs(i: number, index: number, command: Payload): { err: string; prevOk: boolean } {
    const applied = this.applied;
    const j = applied.conflict(index, command);
    const err = j === -1 ? '' : `commit index=${index} server=${i} ${show(command)} != server=${j} ${show(applied.at(j, index))}`;
    const prevOk = applied.at(i, index - 1) !== undefined;
    applied.record(i, index, command);
    return { err, prevOk };
  }

  /** An apply error ends the run at once (Go: log.Fatalf from the applier goroutine). */
  private applyError(i: number, err: string): never {
    this.applyErr[i] = err;
    return this.fail(`apply error: ${err}`);
  }

  /** 3A–3C: cross-server consistency and no gaps; re-application is tolerated. */
  private applier(i: number, m: ApplyMsg): void {
    this.checkSafety();
    if (m.commandValid !== true) return;
    const index = m.commandIndex;
    const { err, prevOk } = this.checkLogs(i, index, m.command);
    if (index > 1 && !prevOk) this.applyError(i, `server ${i} apply out of order ${index}`);
    if (err !== '') this.applyError(i, err);
  }

  /** Installs a snapshot into the tester's record of server i (Go's ingestSnap); index −1 skips the index check. */
  private ingestSnap(i: number, snap: Uint8Array, index: number): string {
    const v = (() => {
      try {
        return decode(snap);
      } catch {
        return undefined;
      }
    })();
    if (!Array.isArray(v) || v.length < 2 || !Number.isSafeInteger(v[0]) || !Array.isArray(v[1])) {
      return 'snapshot Decode() error';
    }
    const lastIncludedIndex = v[0] as number;
    if (index !== -1 && index !== lastIncludedIndex) return `server ${i} snapshot doesn't match m.SnapshotIndex`;
    this.applied.install(i, v[1] as Payload[], lastIncludedIndex);
    return '';
  }

  /** 3D: strictly consecutive indexes after a snapshot, and a Snapshot call every SNAPSHOT_INTERVAL entries, from inside the apply. */
  private applierSnap(i: number, m: ApplyMsg, host: RaftHost): void {
    this.checkSafety();
    if (m.snapshotValid === true) {
      this.snapshotApplies++;
      const err = this.ingestSnap(i, m.snapshot, m.snapshotIndex);
      if (err !== '') this.applyError(i, err);
      return;
    }
    if (m.commandValid !== true) return;
    const index = m.commandIndex;
    const expected = this.applied.lastApplied(i) + 1;
    if (index !== expected) this.applyError(i, `server ${i} apply out of order, expected index ${expected}, got ${index}`);
    const { err, prevOk } = this.checkLogs(i, index, m.command);
    if (index > 1 && !prevOk) this.applyError(i, `server ${i} apply out of order ${index}`);
    if (err !== '') this.applyError(i, err);
    this.applied.setLastApplied(i, index);
    const snapshot = this.applied.snapshotAt(i, index);
    if (snapshot !== null) host.callSync('snapshot', { index, snapshot });
  }

  // ── calls into the servers ────────────────────────────────────────────────

  /** Server i's live incarnation, or null while crashed. */
  raft(i: number): RaftHost | null {
    return this.group.host(i);
  }

  private live(i: number): RaftHost {
    const h = this.group.host(i);
    if (!h) return this.fail(`server ${i} is not running`);
    return h;
  }

  /** Start(command) on server i (which must be running). */
  start(i: number, command: Payload): StartResult {
    const r = this.live(i).callSync('start', { command }) as StartResult;
    if (r !== null && typeof r === 'object' && r.isLeader === true) this.leaderTermsSeen.add(r.term);
    return r;
  }

  /** GetState() of server i (which must be running). */
  getState(i: number): GetStateResult {
    const r = this.live(i).callSync('getState') as GetStateResult;
    if (r !== null && typeof r === 'object' && r.isLeader === true) this.leaderTermsSeen.add(r.term);
    return r;
  }

  // ── the checks ────────────────────────────────────────────────────────────

  /** Polls the connected servers (10 rounds, 450–549 ms apart) until one claims leadership; fails on two leaders in a term. */
  *checkOneLeader(): Co<number> {
    for (let iters = 0; iters < 10; iters++) {
      yield* sleep(ms(450 + this.t.rng.below(100)));
      const leaders = new Map<number, number[]>();
      for (let i = 0; i < this.n; i++) {
        if (!this.connected[i]) continue;
        const { term, isLeader } = this.getState(i);
        if (!isLeader) continue;
        const list = leaders.get(term);
        if (list) list.push(i);
        else leaders.set(term, [i]);
      }
      this.checkSafety();
      let lastTermWithLeader = -1;
      for (const [term, list] of leaders) {
        if (list.length > 1) this.fail(`term ${term} has ${list.length} (>1) leaders`);
        if (term > lastTermWithLeader) lastTermWithLeader = term;
      }
      if (leaders.size !== 0) return leaders.get(lastTermWithLeader)![0]!;
    }
    return this.fail('expected one leader, got none');
  }

  /** All connected servers agree on the term; returns it (−1 if none is connected). */
  checkTerms(): number {
    let term = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i]) continue;
      const xterm = this.getState(i).term;
      if (term === -1) term = xterm;
      else if (term !== xterm) this.fail('servers disagree on term');
    }
    return term;
  }

  /** No connected server claims leadership. */
  checkNoLeader(): void {
    for (let i = 0; i < this.n; i++) {
      if (this.connected[i] && this.getState(i).isLeader) {
        this.fail(`expected no leader among connected servers, but ${i} claims to be leader`);
      }
    }
  }

  /** How many servers ever applied `index` (crashed ones too), and the command; fails if they disagree. */
  nCommitted(index: number): { count: number; command: Payload } {
    this.checkSafety();
    let count = 0;
    let command: Payload = null;
    for (let i = 0; i < this.n; i++) {
      if (this.applyErr[i] !== '') this.fail(this.applyErr[i]!);
      const cmd1 = this.applied.at(i, index);
      if (cmd1 === undefined) continue;
      if (count > 0 && command !== cmd1) {
        this.fail(`committed values do not match: index ${index}, ${show(command)}, ${show(cmd1)}`);
      }
      count++;
      command = cmd1;
    }
    return { count, command };
  }

  /**
   * Waits (back-off 10, 20, 40 … 1280 ms, 30 polls) until n servers have
   * applied `index`; returns the command, or −1 early if some server's term
   * passed `startTerm` (when startTerm > −1).
   */
  *wait(index: number, n: number, startTerm: number): Co<Payload> {
    let toMs = 10;
    for (let iters = 0; iters < 30; iters++) {
      if (this.nCommitted(index).count >= n) break;
      yield* sleep(ms(toMs));
      if (toMs < 1000) toMs *= 2;
      if (startTerm > -1) {
        for (let i = 0; i < this.n; i++) {
          const h = this.group.host(i);
          if (h && (h.callSync('getState') as GetStateResult).term > startTerm) return -1;
        }
      }
    }
    const { count, command } = this.nCommitted(index);
    if (count < n) this.fail(`only ${count} decided for index ${index}; wanted ${n}`);
    return command;
  }

  /**
   * Submits `cmd` to a leader among the connected servers and waits until
   * `expectedServers` have applied it; returns its index. Within 10 s; with
   * `retry` a command that did not commit in 2 s is submitted again.
   */
  *one(cmd: Payload, expectedServers: number, retry: boolean): Co<number> {
    const t0 = this.t.world.nowUs;
    let starts = 0;
    while (this.t.world.nowUs - t0 < 10_000_000 && !this.finished) {
      let index = -1;
      for (let si = 0; si < this.n; si++) {
        starts = (starts + 1) % this.n;
        const h = this.connected[starts] ? this.group.host(starts) : null;
        if (!h) continue;
        const r = h.callSync('start', { command: cmd }) as StartResult;
        if (r.isLeader) {
          index = r.index;
          break;
        }
      }
      if (index !== -1) {
        const t1 = this.t.world.nowUs;
        while (this.t.world.nowUs - t1 < 2_000_000) {
          const { count, command } = this.nCommitted(index);
          if (count > 0 && count >= expectedServers && command === cmd) return index;
          yield* sleep(ms(20));
        }
        if (!retry) this.fail(`one(${show(cmd)}) failed to reach agreement`);
      } else {
        yield* sleep(ms(50));
      }
    }
    if (!this.finished) this.fail(`one(${show(cmd)}) failed to reach agreement`);
    return -1;
  }

  // ── measurements ──────────────────────────────────────────────────────────

  /** The largest Raft state any server has persisted, in bytes. */
  logSize(): number {
    let size = 0;
    for (let i = 0; i < this.n; i++) size = Math.max(size, this.group.persister(i)?.raftStateSize() ?? 0);
    return size;
  }

  /** RPCs sent in total (labrpc's GetTotalCount). */
  rpcTotal(): number {
    return this.net.getTotalCount();
  }

  /** The highest index server i's applies reached (0: none). */
  lastAppliedIndex(i: number): number {
    return this.applied.highest(i);
  }

  /** Bytes of Raft state server i persisted (Go's RaftStateSize). */
  persistedBytes(i: number): number {
    return this.group.persister(i)?.raftStateSize() ?? 0;
  }

  /** RPCs server i's live incarnation has sent (0 while crashed). */
  rpcsSent(i: number): number {
    return (this.group.endsOf(i) ?? []).reduce((sum, end) => sum + end.sent, 0);
  }

  /** RPCs that reached dispatch at server i (labrpc's GetCount). */
  rpcCount(i: number): number {
    return this.net.getCount(String(i));
  }

  bytesTotal(): number {
    return this.net.getTotalBytes();
  }

  // ── the test's frame ──────────────────────────────────────────────────────

  begin(description: string): void {
    this.description = description;
    this.t.log(`${description} ...`);
    this.t0Us = this.t.world.nowUs;
    this.rpcs0 = this.rpcTotal();
    this.bytes0 = this.bytesTotal();
    this.maxIndex0 = this.applied.maxIndex;
  }

  private checkTimeout(): void {
    if (this.t.world.nowUs - this.startUs > TEST_LIMIT_US) this.fail('test took longer than 120 seconds');
  }

  /** Enforces the 120 s limit, then logs what the test cost (virtual time, peers, RPCs, bytes, agreements). */
  end(): void {
    this.checkTimeout();
    this.checkSafety();
    this.noteFacts();
    const seconds = (this.t.world.nowUs - this.t0Us) / 1e6;
    this.t.log(
      `  ... Passed -- ${this.description}: ${seconds.toFixed(1)}s ${this.n} peers, ${this.rpcTotal() - this.rpcs0} RPCs, ` +
        `${this.bytesTotal() - this.bytes0} bytes, ${this.applied.maxIndex - this.maxIndex0} agreements`,
    );
  }

  /** Kills every server, shuts the network, and checks the time limit and the invariants one last time. */
  cleanup(): void {
    this.finished = true;
    this.group.stopAll();
    this.checkTimeout();
    this.checkSafety();
    this.noteFacts();
  }
}

function show(v: Payload): string {
  if (typeof v === 'string') return v.length > 20 ? `"${v.slice(0, 17)}…"` : `"${v}"`;
  return String(v);
}
