/**
 * The shardkv tester, after src/shardkv/config.go (spec §2.8), on the
 * server-group harness (scenarios/cluster): one controller service of 3
 * servers ("ctlr-0".."ctlr-2"), and 3 replica groups, gids 100, 101, 102
 * (gi = 0, 1, 2), of n servers each, named "server-<gid>-<i>". A group
 * server is the shardkv service stacked over { raft, ctrler clerk }: ends
 * 0..n-1 reach its Raft peers, ends n..n+2 the controller servers, and its
 * make_end reaches any server by name. ShutdownServer disables the server's
 * ends, deletes it and kills it (what it persisted survives); StartServer
 * gives a new incarnation fresh ends, all enabled (shardkv tests never
 * partition). Every clerk operation goes through get / put / append, which
 * stamp and record it for the KV model.
 *
 * Roles for --impl: `raft`, `shardctrler-server`, `shardctrler-clerk` (the
 * controller's, also embedded in every group server and clerk),
 * `shardkv-server` (the service over { raft, ctrler }), `shardkv-clerk`
 * (the clerk logic over a controller clerk).
 */
import { checkOperations, explain, kvModel, type KvInput, type KvOutput, type Operation } from '../../checkers/index.ts';
import { formatHistory } from '../../checkers/history/simlab.ts';
import type { Host } from '../../sim/host.ts';
import type { ClientEnd, Network } from '../../sim/network.ts';
import type { NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { stack } from '../../sim/stack.ts';
import type { Co } from '../../sim/task.ts';
import { raft } from '../../protocols/raft/index.ts';
import { RAFT_SERVICE, type GetStateResult, type RaftConfig } from '../../protocols/raft/api.ts';
import type { RsmConfig, ServiceDef } from '../../protocols/rsm/index.ts';
import { CTRLER_SERVICE, JoinCall, LeaveCall, QueryCall, shardctrlerClerk, shardctrlerService, type Config, type CtrlerClerkConfig } from '../../protocols/shardctrler/index.ts';
import { AppendCall, GetCall, PutCall, shardkvClerk, shardkvService, type ShardClerkConfig, type ShardServerConfig } from '../../protocols/shardkv/index.ts';
import { ServerGroup } from '../cluster/index.ts';
import { CHECK_BUDGET_STEPS } from '../kvraft/config.ts';
import { RAFT_ROLE, SHARDCTRLER_CLERK_ROLE, SHARDCTRLER_SERVER_ROLE, shardctrlerServer } from '../shardctrler/config.ts';

export const SHARDKV_SERVER_ROLE = 'shardkv-server';
export const SHARDKV_CLERK_ROLE = 'shardkv-clerk';

/** Every Go shardkv test fails past two minutes from make_config. */
export const TEST_LIMIT_US = 120_000_000;
/** RaftStateSize may reach this many times maxraftstate (checklogs). */
export const LOG_SIZE_FACTOR = 8;
export const NCTRLERS = 3;
export const GIDS = [100, 101, 102] as const;

export type KvOperation = Operation<KvInput, KvOutput>;
const NO_VALUE: KvOutput = Object.freeze({ value: '' });

export interface Clerk {
  readonly clientId: number;
  readonly host: Host;
}

/** One group server process: `service` over { raft: a Raft peer (ends 0..n-1), ctrler: a controller clerk (ends n..n+2) }. */
export function shardkvServer(n: number, raftDef: NodeDef<any, RaftConfig>, service: ServiceDef<any, ShardServerConfig>, ctrlerClerk: NodeDef<any, CtrlerClerkConfig>): NodeDef<any, ShardServerConfig> {
  return stack({
    name: 'shardkv',
    upper: service,
    children: {
      raft: { def: raftDef, service: RAFT_SERVICE, persists: true },
      ctrler: { def: ctrlerClerk, service: CTRLER_SERVICE, endOffset: n },
    },
    configure: (c: ShardServerConfig) => ({ upper: c, children: { raft: { me: c.me, peers: c.peers }, ctrler: { clientId: 0, servers: c.ctrlers } } }),
  });
}

/** A shardkv clerk process: the clerk logic over a controller clerk (ends 0..ctrlers-1). */
export function shardkvClerkNode(logic: ServiceDef<any, ShardClerkConfig>, ctrlerClerk: NodeDef<any, CtrlerClerkConfig>): NodeDef<any, ShardClerkConfig> {
  return stack({
    name: 'shardkv-clerk',
    upper: logic,
    children: { ctrler: { def: ctrlerClerk, service: CTRLER_SERVICE } },
    configure: (c: ShardClerkConfig) => ({ upper: c, children: { ctrler: { clientId: c.clientId, servers: c.ctrlers } } }),
  });
}

/** A controller service: NCTRLERS servers named `<prefix>-<i>`. */
export class Ctrler {
  readonly group: ServerGroup;
  constructor(
    t: ScenarioContext,
    readonly prefix: string,
  ) {
    const raftDef = t.impl<NodeDef<any, RaftConfig>>(RAFT_ROLE, raft);
    const service = t.impl<ServiceDef<any, RsmConfig>>(SHARDCTRLER_SERVER_ROLE, shardctrlerService);
    this.group = new ServerGroup(t.world, {
      names: Array.from({ length: NCTRLERS }, (_, i) => `${prefix}-${i}`),
      def: shardctrlerServer(raftDef, service),
      config: (i) => ({ me: i, peers: NCTRLERS }),
      leadership: (_i, host) => host.callSync('raft/getState') as GetStateResult,
    });
    for (let i = 0; i < NCTRLERS; i++) this.group.start(i);
    this.group.connectAll();
  }

  /** Ends named `<owner>-><server>` to every controller server, enabled (in server order). */
  endsFor(net: Network, owner: string): ClientEnd[] {
    return this.group.names.map((name) => {
      const end = net.makeEnd(`${owner}->${name}`);
      net.connect(end, name);
      net.enable(end, true);
      return end;
    });
  }
}

export class ShardkvTester {
  readonly net: Network;
  readonly ctrl: Ctrler;
  readonly groups: ServerGroup<unknown, ShardServerConfig>[];
  /** The test's own controller clerk (config.go's mck). */
  readonly mck: Host;
  /** The history of every recorded operation. */
  readonly ops: KvOperation[] = [];
  private readonly clerkDef: NodeDef<any, ShardClerkConfig>;
  private readonly ctrlerClerkDef: NodeDef<any, CtrlerClerkConfig>;
  private nextClientId = 0;
  private lastStamp = -1;
  private readonly startUs: number;
  private t0Us = 0;
  private description = '';

  constructor(
    readonly t: ScenarioContext,
    readonly n: number,
    unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    this.net = t.world.network;
    this.startUs = t.world.nowUs;
    this.net.setLongDelays(false);
    this.ctrlerClerkDef = t.impl<NodeDef<any, CtrlerClerkConfig>>(SHARDCTRLER_CLERK_ROLE, shardctrlerClerk);
    this.ctrl = new Ctrler(t, 'ctlr');
    const raftDef = t.impl<NodeDef<any, RaftConfig>>(RAFT_ROLE, raft);
    const service = t.impl<ServiceDef<any, ShardServerConfig>>(SHARDKV_SERVER_ROLE, shardkvService);
    const serverDef = shardkvServer(n, raftDef, service, this.ctrlerClerkDef);
    this.clerkDef = shardkvClerkNode(t.impl<ServiceDef<any, ShardClerkConfig>>(SHARDKV_CLERK_ROLE, shardkvClerk), this.ctrlerClerkDef);
    this.groups = GIDS.map((gid) => {
      const name = (i: number) => `server-${gid}-${i}`;
      const group = new ServerGroup<unknown, ShardServerConfig>(t.world, {
        names: Array.from({ length: n }, (_, i) => name(i)),
        def: serverDef,
        config: (i) => ({ me: i, peers: n, gid, ctrlers: NCTRLERS, maxraftstate }),
        leadership: (_i, host) => host.callSync('raft/getState') as GetStateResult,
        extraEnds: (i, inc) => this.ctrl.endsFor(this.net, `${name(i)}#${inc}`),
        makeEnd: (i, server, inc) => this.namedEnd(`${name(i)}#${inc}`, server),
      });
      return group;
    });
    for (let gi = 0; gi < GIDS.length; gi++) this.startGroup(gi);
    this.mck = this.ctrlerClerk(this.ctrl, 'mck');
    this.net.setReliable(!unreliable);
    t.onFailure(() => this.groups.map((g, gi) => `group ${GIDS[gi]}: ${g.describeNetwork()}`));
  }

  private namedEnd(owner: string, server: string): ClientEnd {
    const end = this.net.makeEnd(`${owner}->${server}`);
    this.net.connect(end, server);
    this.net.enable(end, true);
    return end;
  }

  private ctrlerClerk(ctl: Ctrler, name: string): Host {
    const ends = ctl.endsFor(this.net, name);
    const order = this.t.rng.shuffle([...ends.keys()]);
    return this.t.world.startNode<unknown, CtrlerClerkConfig>({ name, def: this.ctrlerClerkDef, config: { clientId: ++this.nextClientId, servers: NCTRLERS }, ends: order.map((j) => ends[j]!) });
  }

  /** A second controller service (TestRejection5A's). */
  makeCtrler(prefix: string): { ctl: Ctrler; mck: Host } {
    const ctl = new Ctrler(this.t, prefix);
    return { ctl, mck: this.ctrlerClerk(ctl, `mck-${prefix}`) };
  }

  // ── groups ────────────────────────────────────────────────────────────────

  shutdownServer(gi: number, i: number): void {
    this.groups[gi]!.shutdown(i);
  }

  startServer(gi: number, i: number): void {
    const g = this.groups[gi]!;
    g.start(i);
    g.connect(i);
  }

  shutdownGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.shutdownServer(gi, i);
  }

  startGroup(gi: number): void {
    for (let i = 0; i < this.n; i++) this.startServer(gi, i);
  }

  // ── the controller ────────────────────────────────────────────────────────

  /** join(gi) / joinm(gis) on the real controller, or on `mck` of another one (ctljoin). */
  *joinm(gis: readonly number[], mck: Host = this.mck): Co<void> {
    const servers: Record<string, string[]> = {};
    for (const gi of gis) servers[GIDS[gi]!] = [...this.groups[gi]!.names];
    yield* mck.call(JoinCall, { servers });
  }

  *join(gi: number): Co<void> {
    yield* this.joinm([gi]);
  }

  *leavem(gis: readonly number[]): Co<void> {
    yield* this.mck.call(LeaveCall, { gids: gis.map((gi) => GIDS[gi]!) });
  }

  *leave(gi: number): Co<void> {
    yield* this.leavem([gi]);
  }

  *query(): Co<Config> {
    return (yield* this.mck.call(QueryCall, { num: -1 })) as unknown as Config;
  }

  // ── clerks and their operations ──────────────────────────────────────────

  /** A clerk with ends to the controller `ctl` (the real one by default) and a make_end for the groups' servers. */
  makeClient(ctl: Ctrler = this.ctrl): Clerk {
    const clientId = ++this.nextClientId;
    const name = `clerk-${clientId}`;
    const ends = ctl.endsFor(this.net, name);
    const order = this.t.rng.shuffle([...ends.keys()]);
    const host = this.t.world.startNode<unknown, ShardClerkConfig>({
      name,
      def: this.clerkDef,
      config: { clientId, ctrlers: NCTRLERS },
      ends: order.map((j) => ends[j]!),
      makeEnd: (server) => this.namedEnd(name, server),
    });
    return { clientId, host };
  }

  *get(ck: Clerk, key: string): Co<string> {
    const call = this.stamp();
    const v = yield* ck.host.call(GetCall, { key });
    if (typeof v !== 'string') this.t.fail(`Get(${JSON.stringify(key)}) returned ${JSON.stringify(v)}, not a string`);
    this.record(ck, { op: 0, key, value: '' }, v === '' ? NO_VALUE : { value: v }, call);
    return v;
  }

  *put(ck: Clerk, key: string, value: string): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(PutCall, { key, value });
    this.record(ck, { op: 1, key, value }, NO_VALUE, call);
  }

  *append(ck: Clerk, key: string, value: string): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(AppendCall, { key, value });
    this.record(ck, { op: 2, key, value }, NO_VALUE, call);
  }

  /** check(t, ck, key, value): Get must return exactly `want`. */
  *check(ck: Clerk, key: string, want: string): Co<void> {
    const v = yield* this.get(ck, key);
    if (v !== want) this.t.fail(`Get(${key}): expected:\n${want}\nreceived:\n${v}`);
  }

  private stamp(): number {
    this.lastStamp = Math.max(this.lastStamp + 1, this.t.world.nowUs * 1000);
    return this.lastStamp;
  }

  private record(ck: Clerk, input: KvInput, output: KvOutput, call: number): void {
    this.ops.push({ clientId: ck.clientId, input, call, output, return: this.stamp() });
  }

  /** Every recorded operation through the KV model; 'illegal' and 'unknown' both fail. */
  checkHistory(): void {
    this.t.options.onHistory?.(formatHistory(this.ops, { model: 'kv' }));
    const result = checkOperations(kvModel, this.ops, { budgetSteps: CHECK_BUDGET_STEPS });
    this.t.log(`history: ${this.ops.length} operations, ${result.partitions.length} keys, ${result.steps} search steps, ${result.verdict}`);
    if (result.verdict === 'ok') return;
    const why = result.verdict === 'illegal' ? 'history is not linearizable' : `linearizability check undecided after ${result.steps} steps (never a pass)`;
    this.t.fail(`${why}\n${explain(kvModel, this.ops, result)}`, result.verdict === 'illegal' ? 'safety' : 'liveness');
  }

  /** checklogs(): every server's Raft state ≤ 8 × maxraftstate, or (maxraftstate < 0) no snapshot at all. */
  checklogs(): void {
    this.groups.forEach((g, gi) => {
      for (let i = 0; i < this.n; i++) {
        const p = g.persister(i);
        if (p === null) continue;
        if (this.maxraftstate >= 0 && p.raftStateSize() > LOG_SIZE_FACTOR * this.maxraftstate) {
          this.t.fail(`persister.RaftStateSize() ${p.raftStateSize()}, but maxraftstate ${this.maxraftstate} (group ${GIDS[gi]} server ${i})`);
        }
        if (this.maxraftstate < 0 && p.snapshotSize() > 0) this.t.fail(`maxraftstate is -1, but snapshot is non-empty (group ${GIDS[gi]} server ${i})`);
      }
    });
  }

  /** Sum over every group server of Raft state and snapshot bytes (TestChallenge1Delete's total). */
  totalStorage(): number {
    let total = 0;
    for (const g of this.groups) for (let i = 0; i < this.n; i++) total += (g.persister(i)?.raftStateSize() ?? 0) + (g.persister(i)?.snapshotSize() ?? 0);
    return total;
  }

  // ── the test's frame ──────────────────────────────────────────────────────

  begin(description: string): void {
    this.description = description;
    this.t.log(`${description} ...`);
    this.t0Us = this.t.world.nowUs;
  }

  end(): void {
    if (this.t.world.nowUs - this.startUs > TEST_LIMIT_US) this.t.fail('test took longer than 120 seconds');
    this.t.log(`  ... Passed -- ${this.description}: ${((this.t.world.nowUs - this.t0Us) / 1e6).toFixed(1)}s`);
  }

  cleanup(): void {
    for (const g of this.groups) g.stopAll();
    this.ctrl.group.stopAll();
  }
}

export function makeConfig(t: ScenarioContext, n: number, unreliable: boolean, maxraftstate: number): ShardkvTester {
  return new ShardkvTester(t, n, unreliable, maxraftstate);
}
