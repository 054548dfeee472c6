/**
 * A Raft cluster driven by a fault schedule (schedule.ts). It is a lighter
 * cousin of the lab tester (scenarios/raft/config.ts) built on the same
 * kernel pieces, with what schedules need and the tester lacks: per-link
 * state, so a partition can be any grouping and a cut can be one-way.
 *
 * Kept from the tester: servers "0".."n-1" on labrpc with long delays;
 * crash semantics (a crash keeps exactly what was persisted, a restart
 * reads it back, the service restores itself from the snapshot); the 3D
 * applier (applies in order, the same command at an index on every server,
 * a Snapshot call every SNAPSHOT_INTERVAL entries, so snapshot bugs can
 * show); and the Raft invariant checker over the trace. An apply error or a
 * broken invariant fails the run as 'safety'; a node that throws fails it as
 * 'crash'; no leader or no new commit within the bound after healing fails
 * it as 'liveness', saying what is still missing (`pendingReason()`).
 *
 * The link from i to j carries i's calls to j (and their replies). It is up
 * when both servers are connected and i → j is not cut; a server's own ends
 * die with the incarnation that owned them.
 *
 * Simlab-only faults (schedule.ts; none of them exists in the lab tester):
 * the schedule's snapshot policy replaces the applier's every-10th-index
 * Snapshot (any interval, a size trigger, Snapshot calls some time after the
 * apply); `hold` makes the network keep a server's replies or requests for a
 * long time (Network.holdUs); `flap` runs a task that isolates a leader and
 * re-admits it until it leads again.
 */
import { FactGate, RaftInvariantChecker, type RaftTermRaise } from '../../checkers/raft/index.ts';
import type { Host } from '../../sim/host.ts';
import type { Network } from '../../sim/network.ts';
import { encode } from '../../sim/codec.ts';
import type { RpcCall } from '../../sim/network.ts';
import { ms, type NodeDef, type Payload } from '../../sim/node.ts';
import type { Prng } from '../../sim/prng.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Persister } from '../../sim/storage.ts';
import { sleep, type Co } from '../../sim/task.ts';
import { formatRecord, formatTime, TraceKind, type TraceRecord } from '../../sim/trace.ts';
import { raft, type ApplyMsg, type GetStateResult, type RaftConfig, type StartResult } from '../../protocols/raft/index.ts';
import { describeAction, LAB_SNAPSHOT_POLICY, snapshotPolicyOf, type FaultAction, type FaultSchedule, type NodeRef, type SnapshotPolicy } from './schedule.ts';
import { AppliedLogs, SNAPSHOT_INTERVAL, snapshotCommands } from '../raft/applied.ts';
import { ServerGroup, serverNames } from '../cluster/group.ts';
import { awaitSteadyLeadership } from './raft-steady.ts';

/** How often the liveness phase (and a flap) looks at the cluster. */
const POLL_US = ms(50);

/** A flap lets a re-admitted server catch up this long before it isolates the next leader. */
const FLAP_SETTLE_US = ms(300);

/** Messages the network holds: `server`'s replies (or requests) sent before `untilUs` each wait `delayUs`. */
interface Hold {
  readonly server: string;
  readonly hop: 'request' | 'reply';
  readonly untilUs: number;
  readonly delayUs: number;
}

type RaftHost = Host<unknown, any>;

export class RaftFaultCluster {
  readonly n: number;
  private readonly net: Network;
  /** The servers, their persisters and the link state (connected flags and cuts). */
  private readonly group: ServerGroup<unknown, RaftConfig>;
  /** The tester's connect/disconnect. */
  readonly connected: readonly boolean[];
  /** What each server applied, by index; survives its crashes. */
  private readonly applied: AppliedLogs;
  private readonly checker: RaftInvariantChecker;
  private readonly gate: FactGate;
  /** The last reply each server sent to each other one ("1>0": 1's reply to 0's call), for liveness messages. */
  private readonly lastReplies = new Map<string, TraceRecord>();
  private nextCommand = 1;
  /** Commands Started so far (background load, bursts, the liveness probe). */
  starts = 0;
  private readonly snapshotPolicy: SnapshotPolicy;
  /** Active holds (hold actions whose window is open). */
  private holds: Hold[] = [];

  constructor(
    readonly t: ScenarioContext,
    n: number,
    options: { readonly snapshot?: SnapshotPolicy } = {},
  ) {
    this.n = n;
    this.snapshotPolicy = options.snapshot ?? LAB_SNAPSHOT_POLICY;
    this.net = t.world.network;
    this.group = new ServerGroup<unknown, RaftConfig>(t.world, {
      names: serverNames(n),
      def: t.impl<NodeDef<any, RaftConfig>>('raft', raft),
      config: (i) => ({ me: i, peers: n }),
      onApply: (i, m, h) => this.onApply(i, m as ApplyMsg, h),
      beforeStart: (i, persister) => this.restore(i, persister),
      leadership: (_, h) => h.callSync('getState') as GetStateResult,
    });
    this.connected = this.group.connected;
    this.applied = new AppliedLogs(n);

    const checker = new RaftInvariantChecker({ decodeSnapshot: snapshotCommands, peerNames: serverNames(n) });
    this.checker = checker;
    // Per server, only once it emits Raft facts (opt-in): a Raft without them is judged by its applies alone.
    const gate = new FactGate(checker);
    this.gate = gate;
    t.world.trace.addListener((r) => gate.observe(r), [TraceKind.Fact, TraceKind.Apply]);
    t.world.trace.addListener((r) => void this.lastReplies.set(`${r.node}>${r.peer}`, r), [TraceKind.Reply]);

    this.net.setLongDelays(true);
    for (let i = 0; i < n; i++) this.group.start(i);
    this.group.connectAll();
  }

  // ── safety ────────────────────────────────────────────────────────────────

  /** Fails the run as 'safety' if the invariant checker has found a violation. */
  checkSafety(): void {
    const v = this.checker.violation;
    if (v !== null) this.t.fail(`${v.invariant}: ${v.message} — first at: ${formatRecord(v.record).trim()}`, 'safety', v.record.index);
  }

  /** Whether every server emits Raft facts (the fact-based checks are on for all of them). */
  speaksFacts(): boolean {
    return this.gate.offLine(serverNames(this.n)) === null;
  }

  /** The highest term any server's facts named, and the fact that raised it (who started that election). */
  termRaise(): { readonly term: number; readonly raise: RaftTermRaise | null } {
    return { term: this.checker.highestTerm, raise: this.checker.lastTermRaise };
  }

  /**
   * How server i stands with `leader`, for a liveness message: what the facts
   * say (its log, commit point and acknowledgement; the leader's nextIndex
   * and matchIndex for it) and the last reply it sent the leader.
   */
  describeFollower(leader: number, i: number): string {
    const parts: string[] = [];
    const facts = this.checker.describeFollower(String(leader), String(i), i);
    if (facts !== null) parts.push(facts);
    const r = this.lastReplies.get(`${i}>${leader}`);
    const method = r?.label.replace(/^Raft\./, '');
    parts.push(r === undefined ? `no reply to ${leader} yet` : `last reply to ${leader}: ${method} ${r.describe ? r.describe(r.label, r.payload, true) : JSON.stringify(r.payload)} at ${formatTime(r.timeUs).trim()}`);
    return parts.join('; ');
  }

  private applyError(message: string): never {
    this.checkSafety();
    return this.t.fail(`apply error: ${message}`, 'safety');
  }

  // ── servers ───────────────────────────────────────────────────────────────

  alive(i: number): boolean {
    return this.group.alive(i);
  }

  /** Before server i starts: the service restores its applied state from the persisted snapshot. */
  private restore(i: number, persister: Persister): void {
    this.applied.setLastApplied(i, 0);
    const snap = persister.readSnapshot();
    if (snap.length > 0) this.ingestSnapshot(i, snap, -1);
  }

  /** Crashes server i if it runs: exactly what it persisted survives; peers' ends to it stay as they are. */
  crash(i: number): void {
    if (this.alive(i)) this.group.shutdown(i);
  }

  /** Starts a crashed server again; a running one is crashed first (a reboot). */
  restart(i: number): void {
    this.crash(i);
    this.group.start(i);
    this.group.syncLinks();
  }

  // ── the network ───────────────────────────────────────────────────────────

  connect(i: number): void {
    this.group.setConnected(i, true);
  }

  disconnect(i: number): void {
    this.group.setConnected(i, false);
  }

  /** Servers in different groups cannot reach each other; replaces all cuts. Servers in no group form one more group. */
  partition(groups: readonly (readonly number[])[]): void {
    this.group.partition(groups);
  }

  /** One-way: calls from each `from` server to each `to` server are lost. */
  cutLinks(from: readonly number[], to: readonly number[]): void {
    this.group.cutLinks(from, to);
  }

  heal(): void {
    this.group.heal();
  }

  /** The tester's view of what is up: "0 up, 1 crashed, 2 disconnected; cuts 3→4". */
  describeNetwork(): string {
    return this.group.describeNetwork();
  }

  // ── calls into servers ────────────────────────────────────────────────────

  getState(i: number): GetStateResult {
    return this.group.leadership(i);
  }

  /** The live server that claims leadership in the highest term (lowest index on a tie), or null. */
  leader(): number | null {
    return this.group.leader();
  }

  private command(): number {
    return this.nextCommand++;
  }

  /** Start(command) on server i; the tester's view of the result. */
  start(i: number, command: Payload): StartResult {
    this.starts++;
    return this.group.host(i)!.callSync('start', { command }) as StartResult;
  }

  /** Live servers that claim leadership (a stale leader cut off from the others still does), in index order. */
  claimants(): number[] {
    return this.group.claimants();
  }

  /** A client round: `count` new commands on every server that claims leadership (TestFigure8 Starts on all servers). */
  offerLoad(count = 1): void {
    this.checkSafety();
    for (const i of this.claimants()) for (let k = 0; k < count; k++) this.start(i, this.command());
  }

  // ── the 3D applier ────────────────────────────────────────────────────────

  private onApply(i: number, m: ApplyMsg, host: RaftHost): void {
    this.checkSafety();
    if (m.snapshotValid === true) {
      this.ingestSnapshot(i, m.snapshot, m.snapshotIndex);
      return;
    }
    if (m.commandValid !== true) return;
    const index = m.commandIndex;
    const expected = this.applied.lastApplied(i) + 1;
    if (index !== expected) this.applyError(`server ${i} applied index ${index} out of order (expected ${expected})`);
    const j = this.applied.conflict(index, m.command);
    if (j !== -1) this.applyError(`server ${i} applied ${show(m.command)} at index ${index}, server ${j} applied ${show(this.applied.at(j, index))}`);
    this.applied.record(i, index, m.command);
    this.applied.setLastApplied(i, index);
    const p = this.snapshotPolicy;
    if (p === LAB_SNAPSHOT_POLICY || (p.every === SNAPSHOT_INTERVAL && p.bytes === 0 && p.delayMs === 0)) {
      // The lab's 3D applier (old schedules replay exactly as before).
      const snapshot = this.applied.snapshotAt(i, index);
      if (snapshot !== null) host.callSync('snapshot', { index, snapshot });
      return;
    }
    const due = (p.every > 0 && (index + 1) % p.every === 0) || (p.bytes > 0 && (this.group.persister(i)?.raftStateSize() ?? 0) >= p.bytes);
    if (!due) return;
    const snapshot = this.snapshotThrough(i, index);
    if (p.delayMs === 0) {
      host.callSync('snapshot', { index, snapshot });
      return;
    }
    // Asynchronous: the service snapshots up to delayMs later (each server at its own pace), if this incarnation
    // still runs then (Raft may have moved past the index, or installed a newer snapshot, meanwhile).
    const delayUs = ms(1 + this.snapshotRng().below(p.delayMs));
    this.t.world.at(this.t.world.nowUs + delayUs, () => {
      if (this.group.host(i) !== host || !host.alive) return;
      this.checkSafety();
      this.t.count('snapshot late');
      host.callSync('snapshot', { index, snapshot });
    });
  }

  private snapshotStream: Prng | undefined;
  /** The asynchronous snapshots' delays: a stream of their own, so they draw from nothing else. */
  private snapshotRng(): Prng {
    return (this.snapshotStream ??= this.t.world.fork('faults:snapshots'));
  }

  /** The applier's snapshot of server i through `index`: [index, the commands at 0..index] (the 3D tester's layout). */
  private snapshotThrough(i: number, index: number): Uint8Array {
    const xlog = new Array<Payload>(index + 1);
    for (let j = 0; j <= index; j++) xlog[j] = this.applied.at(i, j) ?? null;
    return encode([index, xlog]);
  }

  /** The service installs a snapshot (from InstallSnapshot, or its own on restart; index −1 skips the index check). */
  private ingestSnapshot(i: number, snap: Uint8Array, index: number): void {
    const xlog = snapshotCommands(snap);
    if (xlog === undefined) this.applyError(`server ${i} got a snapshot that does not decode`);
    const last = xlog.length - 1;
    if (index !== -1 && index !== last) this.applyError(`server ${i} got a snapshot through ${last} announced as through ${index}`);
    this.applied.install(i, xlog, last);
  }

  /** Whether server i has applied `command` at `index`. */
  hasApplied(i: number, index: number, command: Payload): boolean {
    return this.applied.at(i, index) === command;
  }

  appliedThrough(i: number): number {
    return this.applied.lastApplied(i);
  }

  // ── faults ────────────────────────────────────────────────────────────────

  /** The server an action names: "down" is the longest-crashed server for a restart, the longest-disconnected for a connect. */
  private resolve(node: NodeRef, kind: FaultAction['do']): number | null {
    if (node !== 'down') return this.group.select(node);
    return this.group.select(kind === 'restart' ? 'longest-crashed' : 'longest-disconnected');
  }

  /** Runs one action; counts it (t.count "fault KIND") when it did something; returns a log line. */
  perform(a: FaultAction): string {
    this.checkSafety();
    switch (a.do) {
      case 'partition':
        this.partition(a.groups);
        break;
      case 'cut':
        this.cutLinks(a.from, a.to);
        break;
      case 'heal':
        this.heal();
        break;
      case 'unreliable':
        this.net.setReliable(!a.on);
        break;
      case 'reorder':
        this.net.setLongReordering(a.on);
        break;
      case 'load': {
        const leaders = this.claimants();
        if (leaders.length > 0) this.t.count(`fault ${a.do}`);
        for (const i of leaders) for (let k = 0; k < a.count; k++) this.start(i, this.command());
        return `${describeAction(a, false)} on ${leaders.length > 0 ? leaders.join(',') : 'no leader'}`;
      }
      default: {
        const i = this.resolve(a.node, a.do);
        if (i === null) return `${describeAction(a, false)}: no such server, nothing done`;
        this.t.count(`fault ${a.do}`);
        if (a.do === 'hold') this.hold(i, a.what === 'replies' ? 'reply' : 'request', ms(a.ms));
        else if (a.do === 'flap') this.t.world.go(`flap ${i}`, this.flap(i, ms(a.ms), a.partner === true));
        else if (a.do === 'isolate') this.partition([[i]]);
        else if (a.do === 'crash') this.crash(i);
        else if (a.do === 'restart') this.restart(i);
        else if (a.do === 'connect') this.connect(i);
        else this.disconnect(i);
        return typeof a.node === 'string' ? `${describeAction(a, false)} (server ${i})` : describeAction(a, false);
      }
    }
    this.t.count(`fault ${a.do}`);
    return describeAction(a, false);
  }

  /**
   * For the next `forUs`, the network holds each reply (or request) server i
   * sends for `forUs`: the last ones arrive after fresher messages sent once
   * the window closed, the first ones after elections.
   */
  hold(i: number, hop: 'request' | 'reply', forUs: number, delayUs = forUs): Hold {
    const now = this.t.world.nowUs;
    this.holds = this.holds.filter((h) => h.untilUs > now);
    const h = { server: String(i), hop, untilUs: now + forUs, delayUs };
    this.holds.push(h);
    this.net.holdUs ??= (call, h) => this.heldFor(call, h);
    return h;
  }

  /** Closes a hold's window now (what it held stays held). */
  private release(h: Hold): void {
    this.holds = this.holds.filter((x) => x !== h);
  }

  private heldFor(call: RpcCall, hop: 'request' | 'reply'): number {
    const now = this.t.world.nowUs;
    const who = hop === 'reply' ? call.server?.name : call.caller.name;
    let delay = 0;
    for (const h of this.holds) if (h.hop === hop && h.server === who && h.untilUs > now && h.delayUs > delay) delay = h.delayUs;
    if (delay > 0) this.t.count(`held ${hop}`);
    return delay;
  }

  private claims(i: number): boolean {
    return this.alive(i) && this.getState(i).isLeader;
  }

  /**
   * Leader flapping for `forUs` (or until the heal): isolate server i (after
   * a Start it cannot commit; with a partner, i and the next server, whose
   * replies are each held `forUs` until both are back); once another server
   * leads a higher term, give it a Start and re-admit i, whose tail that
   * leader then truncates; then, while i does not lead again, isolate
   * whoever leads, one at a time, re-admitting the last one. Heals
   * partitions and cuts at the end.
   */
  private *flap(i: number, forUs: number, partner: boolean): Co<void> {
    const t = this.t;
    const untilUs = t.world.nowUs + forUs;
    const over = () => t.world.nowUs >= untilUs || this.healed;
    const firstTerm = this.alive(i) ? this.getState(i).term : 0;
    const mate = (i + 1) % this.n;
    const held = partner ? this.hold(mate, 'reply', forUs) : null;
    this.partition(partner ? [[i, mate]] : [[i]]);
    if (this.claims(i)) this.start(i, this.command());
    // Away: until another server leads a term after i's.
    for (;;) {
      if (over()) return this.endFlap();
      const l = this.leader();
      if (l !== null && l !== i && this.getState(l).term > firstTerm) {
        this.start(l, this.command());
        break;
      }
      yield* sleep(POLL_US);
    }
    yield* sleep(POLL_US);
    if (held) this.release(held);
    if (over()) return this.endFlap();
    this.heal();
    t.count('flap re-admitted');
    // Back: isolate other leaders until i leads again.
    for (;;) {
      yield* sleep(FLAP_SETTLE_US);
      if (over()) return this.endFlap();
      const l = this.leader();
      if (l === i && this.getState(i).term > firstTerm) {
        t.count('flap led twice');
        return this.endFlap();
      }
      if (l === null) continue;
      this.partition([[l]]);
      for (;;) {
        yield* sleep(POLL_US);
        if (over()) return this.endFlap();
        const next = this.leader();
        if (next !== null && next !== l) break;
      }
      this.heal();
    }
  }

  private endFlap(): void {
    if (!this.healed) this.heal();
  }

  /** Set by healAll: flaps stop. */
  private healed = false;

  /** Ends every fault: all servers running and connected, no cuts, a reliable network without reordering, nothing held from now on. */
  healAll(): void {
    this.healed = true;
    this.holds = [];
    for (let i = 0; i < this.n; i++) if (!this.alive(i)) this.group.start(i);
    this.net.setReliable(true);
    this.net.setLongReordering(false);
    this.group.connectAll();
  }

  /** Stops every server (end of run). */
  shutdown(): void {
    this.group.stopAll();
  }
}

/**
 * The progress goal after healing: a leader, and a command Started on it
 * applied at its index by every server. Whenever leadership changes before
 * that, a fresh command goes to the new leader (as the lab's one() retries).
 */
export class RaftProgress {
  private pending: { command: number; index: number; term: number; server: number } | null = null;
  private lastLeader: number | null = null;

  constructor(private readonly c: RaftFaultCluster) {}

  /** Looks at the cluster, Starting the probe command when a new leader appears; true once the goal holds. */
  poll(): boolean {
    const c = this.c;
    const leader = c.leader();
    this.lastLeader = leader;
    if (this.pending !== null && this.appliedBy().length === c.n) return true;
    if (leader === null) return false;
    const term = c.getState(leader).term;
    if (this.pending === null || this.pending.term !== term || this.pending.server !== leader) {
      // A new leader commits older entries only with one of its own term (Figure 8), so it gets a fresh command.
      const command = 1_000_000_000 + c.starts;
      const r = c.start(leader, command);
      if (r.isLeader) this.pending = { command, index: r.index, term: r.term, server: leader };
    }
    return false;
  }

  private appliedBy(): number[] {
    const p = this.pending;
    if (p === null) return [];
    return Array.from({ length: this.c.n }, (_, i) => i).filter((i) => this.c.hasApplied(i, p.index, p.command));
  }

  /** What is still missing, in one line. */
  pendingReason(): string {
    const c = this.c;
    if (this.lastLeader === null) {
      const views = Array.from({ length: c.n }, (_, i) => {
        if (!c.alive(i)) return `${i} down`;
        const s = c.getState(i);
        return `${i} term ${s.term}`;
      });
      return `no leader (${views.join(', ')})${this.pending ? `; command ${this.pending.command} at index ${this.pending.index} not applied everywhere` : ''}`;
    }
    const p = this.pending;
    if (p === null) return `leader ${this.lastLeader} has not accepted a command yet`;
    const by = this.appliedBy();
    const missing = Array.from({ length: c.n }, (_, i) => i)
      .filter((i) => !by.includes(i))
      .map((i) => `${i} (applied through ${c.appliedThrough(i)}${i === p.server ? '' : `; ${c.describeFollower(p.server, i)}`})`);
    return `command ${p.command} (index ${p.index}, term ${p.term}, started on ${p.server}) applied by ${by.length}/${c.n}; missing ${missing.join(', ')}`;
  }
}

/**
 * Waits up to `boundUs` for `goal.poll()` to hold, polling every 50 ms;
 * fails the run as 'liveness' with the goal's pendingReason().
 */
export function* awaitProgress(t: ScenarioContext, goal: { poll(): boolean; pendingReason(): string }, boundUs: number): Co<void> {
  const start = t.world.nowUs;
  for (;;) {
    if (goal.poll()) return;
    if (t.world.nowUs - start >= boundUs) {
      t.fail(`no progress ${boundUs / 1e6}s after healing: ${goal.pendingReason()}`, 'liveness');
    }
    yield* sleep(POLL_US);
  }
}

/**
 * One schedule against a Raft cluster: the background client and the
 * actions until healAtMs, then heal everything and require progress.
 */
export function* runRaftSchedule(t: ScenarioContext, s: FaultSchedule): Co<void> {
  const c = new RaftFaultCluster(t, s.servers, { snapshot: snapshotPolicyOf(s) });
  const healAtUs = ms(s.healAtMs);
  if (s.loadIntervalMs > 0) {
    const interval = ms(s.loadIntervalMs);
    t.world.go('client', (function* () {
      for (;;) {
        yield* sleep(interval);
        if (t.world.nowUs >= healAtUs) return;
        c.offerLoad();
      }
    })());
  }
  for (const a of s.actions) {
    const atUs = ms(a.at);
    if (atUs > t.world.nowUs) yield* sleep(atUs - t.world.nowUs);
    t.log(c.perform(a));
    if (s.loadPerAction > 0) c.offerLoad(s.loadPerAction);
  }
  if (healAtUs > t.world.nowUs) yield* sleep(healAtUs - t.world.nowUs);
  c.checkSafety();
  t.log(`heal all (was: ${c.describeNetwork()})`);
  c.healAll();
  yield* awaitProgress(t, new RaftProgress(c), ms(s.livenessMs));
  c.checkSafety();
  t.log(`progress: a leader and a new commit on all ${c.n} servers`);
  yield* awaitSteadyLeadership(t, c);
  c.shutdown();
}

function show(v: Payload): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 20 ? v.slice(0, 17) + '…' : v) : String(v);
}
