/**
 * The shardkv tester, after src/shardkv/config.go (spec §2.8): one
 * controller service of 3 servers ("ctlr-0".."ctlr-2", the controller
 * tester of scenarios/shardctrler), 3 replica groups, gids 100, 101, 102,
 * of n servers each, named "server-<gid>-<i>", each server the shardkv
 * service stacked on { its Raft peer, a controller clerk } with ends to its
 * group, ends to the controller servers and a make_end for any server by
 * name. join/leave (and joinm/leavem) go through the tester's own
 * controller clerk; ShutdownGroup/StartGroup; checklogs. Every clerk
 * operation is stamped and recorded; `checkHistory` runs the KV model over
 * the whole history and fails on 'illegal' and on 'unknown' alike.
 *
 * Roles for --impl: `raft`, `shardkv-server` (the service over that Raft and
 * a controller clerk), `shardkv-clerk`, and the controller's roles.
 */
import { checkOperations, explain, kvModel, type KvInput, type KvOutput, type Operation } from '../../checkers/index.ts';
import type { Host } from '../../sim/host.ts';
import { FactGate, RaftInvariantChecker } from '../../checkers/raft/index.ts';
import type { ClientEnd } from '../../sim/network.ts';
import type { NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { stack } from '../../sim/stack.ts';
import type { Co } from '../../sim/task.ts';
import { formatRecord, TraceKind } from '../../sim/trace.ts';
import { raft } from '../../protocols/raft/index.ts';
import { RAFT_SERVICE, type GetStateResult, type RaftConfig } from '../../protocols/raft/api.ts';
import type { ServiceDef } from '../../protocols/rsm/index.ts';
import { CTRLER_SERVICE, shardctrlerClerk, type Config, type CtrlerClerkConfig } from '../../protocols/shardctrler/index.ts';
import { AppendCall, GetCall, PutCall, shardkvClerkUpper, shardkvService, type ShardKvClerkConfig, type ShardKvServerConfig } from '../../protocols/shardkv/index.ts';
import { ServerGroup } from '../cluster/index.ts';
import { CtrlerTester, SHARDCTRLER_CLERK_ROLE, type CtrlerClerk } from '../shardctrler/config.ts';

export const SHARDKV_SERVER_ROLE = 'shardkv-server';
export const SHARDKV_CLERK_ROLE = 'shardkv-clerk';
export const GIDS = [100, 101, 102] as const;
export const NCTRLERS = 3;
/** Every Go shardkv test fails past two minutes from make_config. */
export const TEST_LIMIT_US = 120_000_000;
/** Search steps the linearizability check may take; a budget-out fails the run. */
export const CHECK_BUDGET_STEPS = 20_000_000;

export type KvOperation = Operation<KvInput, KvOutput>;
const NO_VALUE: KvOutput = Object.freeze({ value: '' });

export interface SkvClerk {
  readonly clientId: number;
  readonly host: Host;
}

/** A shardkv server process of a group of `n`: ends 0..n−1 to the group (Raft's), n.. to the controller servers (the embedded clerk's). */
function serverDef(n: number, raftDef: NodeDef<any, RaftConfig>, service: ServiceDef<any, ShardKvServerConfig>, ctrlerClerk: NodeDef<any, CtrlerClerkConfig>): NodeDef<any, ShardKvServerConfig> {
  return stack({
    name: 'shardkv',
    upper: service,
    children: {
      raft: { def: raftDef, service: RAFT_SERVICE, persists: true },
      ctrler: { def: ctrlerClerk, service: CTRLER_SERVICE, endOffset: n },
    },
    configure: (c: ShardKvServerConfig) => ({
      upper: c,
      children: { raft: { me: c.me, peers: c.peers }, ctrler: { clientId: 1_000_000 + c.gid * 100 + c.me, servers: c.ctrlers } },
    }),
  });
}

function clerkDef(upper: ServiceDef<any, ShardKvClerkConfig>, ctrlerClerk: NodeDef<any, CtrlerClerkConfig>): NodeDef<any, ShardKvClerkConfig> {
  return stack({
    name: 'shardkv-clerk',
    upper,
    children: { ctrler: { def: ctrlerClerk, service: CTRLER_SERVICE } },
    configure: (c: ShardKvClerkConfig) => ({ upper: c, children: { ctrler: { clientId: c.clientId, servers: c.ctrlers } } }),
  });
}

export class ShardKvTester {
  readonly ctl: CtrlerTester;
  readonly groups: ServerGroup[];
  private readonly ck: CtrlerClerk;
  private readonly clerkDef: NodeDef<any, ShardKvClerkConfig>;
  private readonly serverDef: NodeDef<any, ShardKvServerConfig>;
  private nextClientId = 0;
  private nextEnd = 0;
  private readonly startUs: number;
  private lastStamp = -1;
  /** One Raft invariant checker per group, fed the facts of its servers. */
  private readonly checkers: RaftInvariantChecker[] = [];
  readonly ops: KvOperation[] = [];

  constructor(
    readonly t: ScenarioContext,
    readonly n: number,
    unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    this.ctl = new CtrlerTester(t, NCTRLERS, ['ctlr-0', 'ctlr-1', 'ctlr-2'], 'ctlr-clerk');
    this.ck = this.ctl.makeClient();
    const ctrlerClerk = t.impl<NodeDef<any, CtrlerClerkConfig>>(SHARDCTRLER_CLERK_ROLE, shardctrlerClerk);
    const raftDef = t.impl<NodeDef<any, RaftConfig>>('raft', raft);
    this.serverDef = serverDef(n, raftDef, t.impl<ServiceDef<any, ShardKvServerConfig>>(SHARDKV_SERVER_ROLE, shardkvService), ctrlerClerk);
    this.clerkDef = clerkDef(t.impl<ServiceDef<any, ShardKvClerkConfig>>(SHARDKV_CLERK_ROLE, shardkvClerkUpper), ctrlerClerk);
    this.startUs = t.world.nowUs;
    this.groups = GIDS.map((gid) => this.makeGroup(gid));
    for (const g of this.groups) for (let i = 0; i < n; i++) this.startServer(g, i);
    t.world.network.setReliable(!unreliable);
    t.onFailure(() => this.describeGroups());
  }

  /** One line per live server: its config and each shard's lifecycle state (for this project's service; others say nothing). */
  describeGroups(): string[] {
    const short: Record<string, string> = { Absent: '-', Serving: 'S', Pulling: 'P', BePulling: 'B', GCing: 'G' };
    const lines: string[] = [];
    for (const g of this.groups) {
      g.all().forEach((i) => {
        const m = (g.host(i)?.state as { upper?: { inner?: { machine?: { config: Config; shards: { status: string }[] } } } } | undefined)?.upper?.inner?.machine;
        if (m?.shards) lines.push(`${g.names[i]}: config ${m.config.num} [${m.config.shards.join(' ')}], shards ${m.shards.map((x) => short[x.status] ?? '?').join('')}`);
      });
    }
    return lines;
  }

  private makeGroup(gid: number): ServerGroup {
    const names = Array.from({ length: this.n }, (_, i) => `server-${gid}-${i}`);
    const checker = new RaftInvariantChecker();
    const gate = new FactGate(checker);
    const mine = new Set(names);
    this.checkers.push(checker);
    this.t.world.trace.addListener((r) => mine.has(r.node) && gate.observe(r), [TraceKind.Fact, TraceKind.Apply]);
    return new ServerGroup(this.t.world, {
      names,
      def: this.serverDef,
      config: (i) => ({ me: i, peers: this.n, gid, maxraftstate: this.maxraftstate, ctrlers: NCTRLERS }),
      extraEnds: (i, incarnation) => this.ctl.group.names.map((c) => this.freshEnd(`server-${gid}-${i}#${incarnation}->${c}`, c)),
      makeEnd: (i) => (server) => this.freshEnd(`server-${gid}-${i}->${server}#${++this.nextEnd}`, server),
      leadership: (_i, host) => host.callSync('raft/getState') as GetStateResult,
    });
  }

  /** A fresh end to `server`, connected and enabled (config.go's make_end). */
  private freshEnd(name: string, server: string): ClientEnd {
    const net = this.t.world.network;
    const e = net.makeEnd(name);
    net.connect(e, server);
    net.enable(e, true);
    return e;
  }

  private startServer(g: ServerGroup, i: number): void {
    g.start(i);
    g.connect(i);
  }

  // ── groups ─────────────────────────────────────────────────────────────────

  shutdownServer(gi: number, i: number): void {
    const g = this.groups[gi]!;
    g.disconnect(i);
    g.shutdown(i);
  }

  startServerOf(gi: number, i: number): void {
    this.startServer(this.groups[gi]!, i);
  }

  shutdownGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.shutdownServer(gi, i);
  }

  startGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.startServerOf(gi, i);
  }

  private servers(gi: number): Record<number, string[]> {
    return { [GIDS[gi]!]: [...this.groups[gi]!.names] };
  }

  *join(gi: number): Co<void> {
    yield* this.joinm([gi]);
  }

  *joinm(gis: readonly number[]): Co<void> {
    yield* this.ctl.join(this.ck, Object.assign({}, ...gis.map((gi) => this.servers(gi))));
  }

  *leave(gi: number): Co<void> {
    yield* this.leavem([gi]);
  }

  *leavem(gis: readonly number[]): Co<void> {
    yield* this.ctl.leave(this.ck, gis.map((gi) => GIDS[gi]!));
  }

  /** The tester's own Query (config.go's mck.Query). */
  *query(num: number): Co<Config> {
    return yield* this.ctl.query(this.ck, num);
  }

  /** Join on another controller (TestRejection's second controller service). */
  *ctljoin(gi: number, ctl: CtrlerTester, ck: CtrlerClerk): Co<void> {
    yield* ctl.join(ck, this.servers(gi));
  }

  // ── clerks ────────────────────────────────────────────────────────────────

  /** A clerk with ends to `ctl`'s servers (in a random order) and a make_end. */
  makeClient(ctl: CtrlerTester = this.ctl): SkvClerk {
    const clientId = ++this.nextClientId;
    const ends = ctl.group.clerkEnds(`skv-clerk-${clientId}`);
    const order = this.t.rng.shuffle(ctl.group.all());
    const host = this.t.world.startNode<unknown, ShardKvClerkConfig>({
      name: `skv-clerk-${clientId}`,
      def: this.clerkDef,
      config: { clientId, ctrlers: ctl.n },
      ends: order.map((j) => ends[j]!),
      makeEnd: (server) => this.freshEnd(`skv-clerk-${clientId}->${server}#${++this.nextEnd}`, server),
    });
    return { clientId, host };
  }

  deleteClient(ck: SkvClerk): void {
    ck.host.kill('exit');
  }

  *get(ck: SkvClerk, key: string): Co<string> {
    const call = this.stamp();
    const v = yield* ck.host.call(GetCall, { key });
    if (typeof v !== 'string') this.t.fail(`Get(${JSON.stringify(key)}) returned ${JSON.stringify(v)}, not a string`);
    this.record(ck, { op: 0, key, value: '' }, v === '' ? NO_VALUE : { value: v }, call);
    return v;
  }

  *put(ck: SkvClerk, key: string, value: string): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(PutCall, { key, value });
    this.record(ck, { op: 1, key, value }, NO_VALUE, call);
  }

  *append(ck: SkvClerk, key: string, value: string): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(AppendCall, { key, value });
    this.record(ck, { op: 2, key, value }, NO_VALUE, call);
  }

  /** check(t, ck, key, value): Get must return exactly `want`. */
  *check(ck: SkvClerk, key: string, want: string): Co<void> {
    const v = yield* this.get(ck, key);
    if (v !== want) this.t.fail(`Get(${key}): expected:\n${want}\nreceived:\n${v}`);
  }

  private stamp(): number {
    this.lastStamp = Math.max(this.lastStamp + 1, this.t.world.nowUs * 1000);
    return this.lastStamp;
  }

  private record(ck: SkvClerk, input: KvInput, output: KvOutput, call: number): void {
    this.ops.push({ clientId: ck.clientId, input, call, output, return: this.stamp() });
  }

  /** The whole history through the KV model; 'illegal' and 'unknown' both fail. */
  checkHistory(): void {
    const result = checkOperations(kvModel, this.ops, { budgetSteps: CHECK_BUDGET_STEPS });
    this.t.log(`history: ${this.ops.length} operations, ${result.partitions.length} keys, ${result.verdict}`);
    if (result.verdict === 'ok') return;
    const why = result.verdict === 'illegal' ? 'history is not linearizable' : `linearizability check undecided after ${result.steps} steps (never a pass)`;
    this.t.fail(`${why}\n${explain(kvModel, this.ops, result)}`, result.verdict === 'illegal' ? 'safety' : 'liveness');
  }

  // ── measurements ──────────────────────────────────────────────────────────

  /** checklogs(): every server's Raft state ≤ 8 × maxraftstate, or no snapshot at all when maxraftstate < 0. */
  checklogs(): void {
    for (const g of this.groups) {
      for (let i = 0; i < this.n; i++) {
        const p = g.persister(i);
        if (!p) continue;
        if (this.maxraftstate >= 0 && p.raftStateSize() > 8 * this.maxraftstate) this.t.fail(`persister.RaftStateSize() ${p.raftStateSize()}, but maxraftstate ${this.maxraftstate}`);
        if (this.maxraftstate < 0 && p.snapshotSize() > 0) this.t.fail('maxraftstate is -1, but snapshot is non-empty!');
      }
    }
  }

  /** Sum over every server of its Raft state and snapshot sizes (TestChallenge1Delete). */
  totalStorage(): number {
    let total = 0;
    for (const g of this.groups) for (let i = 0; i < this.n; i++) total += (g.persister(i)?.raftStateSize() ?? 0) + (g.persister(i)?.snapshotSize() ?? 0);
    return total;
  }

  begin(description: string): void {
    this.t.log(`${description} ...`);
  }

  end(): void {
    if (this.t.world.nowUs - this.startUs > TEST_LIMIT_US) this.t.fail('test took longer than 120 seconds');
    this.checkSafety();
    this.t.log('  ... Passed');
  }

  /** Fails as a safety failure if a Raft invariant checker (of the controller or of a group) has found a violation. */
  checkSafety(): void {
    this.ctl.checkSafety();
    for (const c of this.checkers) {
      const v = c.violation;
      if (v !== null) this.t.fail(`${v.invariant}: ${v.message} — first at: ${formatRecord(v.record).trim()}`, 'safety');
    }
  }

  cleanup(): void {
    for (const g of this.groups) g.stopAll();
    this.ctl.cleanup();
    this.checkSafety();
  }
}
