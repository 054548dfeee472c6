/**
 * The shard-controller tester, after src/shardctrler/config.go (spec §2.6):
 * 3 servers named "0".."2", each the controller service stacked on its Raft
 * peer in one labrpc server, on the server-group harness
 * (scenarios/cluster); a reliable network without long delays; clerks with
 * an end per server, handed over in a random order; ShutdownServer and
 * StartServer as kvraft's (what was persisted survives; the restarted
 * server is cut off until ConnectAll).
 *
 * `check(groups, ck)` and `checkSameConfig(c1, c2)` are the Go test's
 * helpers, message for message.
 *
 * Roles for --impl: `raft` (the lab-3 Raft under each server),
 * `shardctrler-server` (the service: an upper node of sim/stack over that
 * Raft), `shardctrler-clerk`.
 */
import { FactGate, RaftInvariantChecker } from '../../checkers/raft/index.ts';
import type { Host } from '../../sim/host.ts';
import type { ClientEnd } from '../../sim/network.ts';
import type { NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { stack } from '../../sim/stack.ts';
import type { Co } from '../../sim/task.ts';
import { formatRecord, TraceKind } from '../../sim/trace.ts';
import { raft } from '../../protocols/raft/index.ts';
import { RAFT_SERVICE, type GetStateResult, type RaftConfig } from '../../protocols/raft/api.ts';
import type { RsmConfig, ServiceDef } from '../../protocols/rsm/index.ts';
import {
  JoinCall,
  LeaveCall,
  MoveCall,
  NShards,
  QueryCall,
  shardctrlerClerk,
  shardctrlerService,
  type Config,
  type CtrlerClerkConfig,
  type Groups,
} from '../../protocols/shardctrler/index.ts';
import { ServerGroup, serverNames } from '../cluster/index.ts';

export const RAFT_ROLE = 'raft';
export const SHARDCTRLER_SERVER_ROLE = 'shardctrler-server';
export const SHARDCTRLER_CLERK_ROLE = 'shardctrler-clerk';

/** Every Go shardctrler test fails past two minutes from make_config. */
export const TEST_LIMIT_US = 120_000_000;

/** A controller server's configuration (StartServer(servers, me, persister)). */
export interface CtrlerServerConfig {
  readonly me: number;
  readonly peers: number;
}

export interface CtrlerClerk {
  readonly clientId: number;
  readonly host: Host;
  /** ends[j] reaches server j (the clerk itself sees them in a random order). */
  readonly ends: readonly ClientEnd[];
}

/** One controller server process: `service` over a Raft peer of `raftDef`, the only part that persists; it never snapshots (maxraftstate −1). */
export function shardctrlerServer(raftDef: NodeDef<any, RaftConfig>, service: ServiceDef<any, RsmConfig> = shardctrlerService): NodeDef<any, CtrlerServerConfig> {
  return stack({
    name: 'shardctrler',
    upper: service,
    children: { raft: { def: raftDef, service: RAFT_SERVICE, persists: true } },
    configure: (c: CtrlerServerConfig) => ({ upper: { me: c.me, maxraftstate: -1 }, children: { raft: { me: c.me, peers: c.peers } } }),
  });
}

export function makeConfig(t: ScenarioContext, n: number): CtrlerTester {
  return new CtrlerTester(t, n);
}



export class CtrlerTester {
  readonly group: ServerGroup;
  private readonly clerkDef: NodeDef<any, CtrlerClerkConfig>;
  private nextClientId = 0;
  private readonly startUs: number;
  private t0Us = 0;
  private description = '';
  /** Folds the Raft facts of this tester's servers (for a Raft that emits them) into the invariant checker. */
  private readonly checker = new RaftInvariantChecker();
  private readonly gate = new FactGate(this.checker);

  constructor(
    readonly t: ScenarioContext,
    readonly n: number,
    /** The servers' names ("0".."n-1" in the controller's own tests; shardkv's tester names them "ctlr-…"), and its clerks' prefix. */
    names: readonly string[] = serverNames(n),
    private readonly clerkPrefix = 'clerk',
  ) {
    const raftDef = t.impl<NodeDef<any, RaftConfig>>(RAFT_ROLE, raft);
    const service = t.impl<ServiceDef<any, RsmConfig>>(SHARDCTRLER_SERVER_ROLE, shardctrlerService);
    this.clerkDef = t.impl<NodeDef<any, CtrlerClerkConfig>>(SHARDCTRLER_CLERK_ROLE, shardctrlerClerk);
    this.group = new ServerGroup(t.world, {
      names,
      def: shardctrlerServer(raftDef, service),
      config: (i) => ({ me: i, peers: n }),
      leadership: (_i, host) => host.callSync('raft/getState') as GetStateResult,
    });
    this.startUs = t.world.nowUs;
    const mine = new Set(names);
    t.world.trace.addListener((r) => mine.has(r.node) && this.gate.observe(r), [TraceKind.Fact, TraceKind.Apply]);
    t.world.network.setLongDelays(false);
    for (let i = 0; i < n; i++) this.group.start(i);
    this.connectAll();
    t.world.network.setReliable(true);
    t.onFailure(() => [`servers: ${this.group.describeNetwork()}`]);
  }

  // ── servers ───────────────────────────────────────────────────────────────

  connectAll(): void {
    this.group.connectAll();
  }

  /** Cuts server i from its peers, deletes its labrpc server and kills it; what it had persisted survives. */
  shutdownServer(i: number): void {
    this.group.disconnect(i);
    this.group.shutdown(i);
  }

  /** Starts server i from a copy of its persister, cut off until connectAll(). */
  startServer(i: number): void {
    this.group.start(i);
  }

  /** Go's Leader(): the first live server whose Raft reports leadership. */
  leader(): number | undefined {
    return this.group.claimants()[0];
  }

  // ── clerks and their operations ──────────────────────────────────────────

  /** A clerk with an end per server, handed over in a random order, all enabled. */
  makeClient(): CtrlerClerk {
    const clientId = ++this.nextClientId;
    const ends = this.group.clerkEnds(`${this.clerkPrefix}-${clientId}`);
    const order = this.t.rng.shuffle(this.group.all());
    const host = this.t.world.startNode<unknown, CtrlerClerkConfig>({
      name: `${this.clerkPrefix}-${clientId}`,
      def: this.clerkDef,
      config: { clientId, servers: this.n },
      ends: order.map((j) => ends[j]!),
    });
    return { clientId, host, ends };
  }

  *query(ck: CtrlerClerk, num: number): Co<Config> {
    const c = yield* ck.host.call(QueryCall, { num });
    if (typeof c !== 'object' || c === null || !Array.isArray((c as { shards?: unknown }).shards)) this.t.fail(`Query(${num}) returned ${JSON.stringify(c)}, not a Config`);
    return c as unknown as Config;
  }

  *join(ck: CtrlerClerk, servers: Groups): Co<void> {
    yield* ck.host.call(JoinCall, { servers: servers as Record<string, string[]> });
  }

  *leave(ck: CtrlerClerk, gids: readonly number[]): Co<void> {
    yield* ck.host.call(LeaveCall, { gids: [...gids] });
  }

  *move(ck: CtrlerClerk, shard: number, gid: number): Co<void> {
    yield* ck.host.call(MoveCall, { shard, gid });
  }

  // ── the Go test's helpers ────────────────────────────────────────────────

  /** check(t, groups, ck): the latest config has exactly these groups, every shard on one of them, max − min ≤ 1. */
  *check(ck: CtrlerClerk, groups: readonly number[]): Co<void> {
    const c = yield* this.query(ck, -1);
    const gids = Object.keys(c.groups).map(Number);
    if (gids.length !== groups.length) this.t.fail(`wanted ${groups.length} groups, got ${gids.length}`);
    for (const g of groups) if (c.groups[g] === undefined) this.t.fail(`missing group ${g}`);
    if (groups.length > 0) c.shards.forEach((g, s) => c.groups[g] === undefined && this.t.fail(`shard ${s} -> invalid group ${g}`));
    const counts = gids.map((g) => c.shards.filter((x) => x === g).length);
    const max = Math.max(0, ...counts);
    const min = Math.min(257, ...counts);
    if (max > min + 1) this.t.fail(`max ${max} too much larger than min ${min}`);
  }

  /** check_same_config(t, c1, c2): equal numbers, shard arrays, gids, and server lists element by element. */
  checkSameConfig(c1: Config, c2: Config): void {
    if (c1.num !== c2.num) this.t.fail(`Num wrong (${c1.num} vs ${c2.num})`);
    if (c1.shards.length !== NShards || c1.shards.some((g, i) => g !== c2.shards[i])) this.t.fail(`Shards wrong in config ${c1.num}: [${c1.shards.join(' ')}] vs [${c2.shards.join(' ')}]`);
    const g1 = Object.entries(c1.groups);
    if (g1.length !== Object.keys(c2.groups).length) this.t.fail(`number of Groups is wrong in config ${c1.num}`);
    for (const [gid, sa] of g1) {
      const sa1 = c2.groups[gid];
      if (sa1 === undefined || sa1.length !== sa.length) this.t.fail(`len(Groups) wrong for gid ${gid} in config ${c1.num}`);
      if (sa.some((s, j) => s !== sa1[j])) this.t.fail(`Groups wrong for gid ${gid} in config ${c1.num}`);
    }
  }

  /** The server list of `gid` in `c` must be exactly `want`. */
  checkServers(c: Config, gid: number, want: readonly string[]): void {
    const sa = c.groups[gid];
    if (sa === undefined || sa.length !== want.length || sa.some((s, j) => s !== want[j])) this.t.fail(`wrong servers for gid ${gid}: ${JSON.stringify(sa ?? null)}`);
  }

  // ── the test's frame ──────────────────────────────────────────────────────

  begin(description: string): void {
    this.description = description;
    this.t.log(`${description} ...`);
    this.t0Us = this.t.world.nowUs;
  }

  end(): void {
    this.checkTimeout();
    this.checkSafety();
    this.t.log(`  ... Passed -- ${this.description}: ${((this.t.world.nowUs - this.t0Us) / 1e6).toFixed(1)}s`);
  }

  private checkTimeout(): void {
    if (this.t.world.nowUs - this.startUs > TEST_LIMIT_US) this.t.fail('test took longer than 120 seconds');
  }

  /** Fails as a safety failure if the Raft invariant checker has found a violation. */
  checkSafety(): void {
    const v = this.checker.violation;
    if (v !== null) this.t.fail(`${v.invariant}: ${v.message} — first at: ${formatRecord(v.record).trim()}`, 'safety');
  }

  cleanup(): void {
    this.group.stopAll();
    this.checkTimeout();
    this.checkSafety();
  }
}
