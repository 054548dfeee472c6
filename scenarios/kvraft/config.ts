/**
 * The kvraft tester, after src/kvraft/config.go (spec §2.5), on the
 * server-group harness (scenarios/cluster): n servers named "0".."n-1",
 * each a kvraft service stacked on its Raft peer in one labrpc server; a
 * network without long delays; server↔server links that `partition`
 * switches, and clerk ends (one per server, handed in a random order) that
 * partitions never touch. ShutdownServer and
 * StartServer follow config.go: what the persister held at shutdown
 * survives, and the restarted server is unreachable by its peers until
 * ConnectAll.
 *
 * Every clerk operation goes through `get` / `put` / `append`, which stamp
 * its call and return and record it (Get op 0, Put op 1, Append op 2, which
 * returns nothing); `checkHistory` runs the KV model over the history and
 * fails on 'illegal' and on 'unknown' alike.
 *
 * Roles for --impl: `raft` (the lab-3 Raft under each server), `kvraft-server`
 * (the service: an upper node of sim/stack over that Raft), `kvraft-clerk`.
 */
import { checkOperations, explain, kvModel, type KvInput, type KvOutput, type Operation } from '../../checkers/index.ts';
import { formatHistory } from '../../checkers/history/simlab.ts';
import { FactGate, RaftInvariantChecker } from '../../checkers/raft/index.ts';
import type { Host } from '../../sim/host.ts';
import type { ClientEnd, Network } from '../../sim/network.ts';
import { ServerGroup, serverNames } from '../cluster/index.ts';
import { ms, type NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { stack } from '../../sim/stack.ts';
import { sleep, type Co } from '../../sim/task.ts';
import { formatRecord, TraceKind } from '../../sim/trace.ts';
import { raft } from '../../protocols/raft/index.ts';
import { RAFT_SERVICE, type GetStateResult, type RaftConfig } from '../../protocols/raft/api.ts';
import { AppendCall, GetCall, PutCall, kvraftClerk, kvraftService, type KvClerkConfig, type KvServerConfig } from '../../protocols/kvraft/index.ts';
import type { RsmConfig, ServiceDef } from '../../protocols/rsm/index.ts';

export const RAFT_ROLE = 'raft';
export const KVRAFT_SERVER_ROLE = 'kvraft-server';
export const KVRAFT_CLERK_ROLE = 'kvraft-clerk';

/** The tester's election timeout: tests sleep multiples of it. */
export const ELECTION_TIMEOUT_US = 1_000_000;
/** Every Go kvraft test fails past two minutes from make_config. */
export const TEST_LIMIT_US = 120_000_000;
/** Raft's persisted state may reach this many times maxraftstate (GenericTest, SnapshotRPC, SnapshotSize). */
export const LOG_SIZE_FACTOR = 8;
/** Search steps the linearizability check may take; a budget-out fails the run, never passes it. */
export const CHECK_BUDGET_STEPS = 20_000_000;

export type KvOperation = Operation<KvInput, KvOutput>;

const NO_VALUE: KvOutput = Object.freeze({ value: '' });

export interface Clerk {
  readonly clientId: number;
  readonly host: Host;
  /** ends[j] reaches server j (the clerk itself sees them in a random order). */
  readonly ends: ClientEnd[];
}

/** One kvraft server process: `service` over a Raft peer of `raftDef`, the only part that persists (sim/stack.ts). */
export function kvraftServer(raftDef: NodeDef<any, RaftConfig>, service: ServiceDef<any, RsmConfig> = kvraftService): NodeDef<any, KvServerConfig> {
  return stack({
    name: 'kvraft',
    upper: service,
    children: { raft: { def: raftDef, service: RAFT_SERVICE, persists: true } },
    configure: (c: KvServerConfig) => ({ upper: { me: c.me, maxraftstate: c.maxraftstate }, children: { raft: { me: c.me, peers: c.peers } } }),
  });
}

export function makeConfig(t: ScenarioContext, n: number, unreliable: boolean, maxraftstate: number): KvraftTester {
  return new KvraftTester(t, n, unreliable, maxraftstate);
}

export class KvraftTester {
  readonly net: Network;
  /** The servers: persisters, ends, links (scenarios/cluster). */
  readonly group: ServerGroup<unknown, KvServerConfig>;
  readonly serverDef: NodeDef<any, KvServerConfig>;
  private readonly clerkDef: NodeDef<any, KvClerkConfig>;
  private nextClientId = 0;
  private readonly startUs: number;
  /** The history of every recorded operation. */
  readonly ops: KvOperation[] = [];
  /** Clerk operations completed (config.go's op count). */
  opCount = 0;
  checkBudgetSteps = CHECK_BUDGET_STEPS;
  private lastStamp = -1;
  private t0Us = 0;
  private rpcs0 = 0;
  private ops0 = 0;
  private description = '';
  /** Folds the Raft facts of every server (for a Raft that emits them) into the invariant checker. */
  private readonly checker = new RaftInvariantChecker();
  private readonly gate = new FactGate(this.checker);

  constructor(
    readonly t: ScenarioContext,
    readonly n: number,
    unreliable: boolean,
    readonly maxraftstate: number,
  ) {
    this.net = t.world.network;
    const raftDef = t.impl<NodeDef<any, RaftConfig>>(RAFT_ROLE, raft);
    const service = t.impl<ServiceDef<any, RsmConfig>>(KVRAFT_SERVER_ROLE, kvraftService);
    this.serverDef = kvraftServer(raftDef, service);
    this.clerkDef = t.impl<NodeDef<any, KvClerkConfig>>(KVRAFT_CLERK_ROLE, kvraftClerk);
    this.group = new ServerGroup<unknown, KvServerConfig>(t.world, {
      names: serverNames(n),
      def: this.serverDef,
      config: (i) => ({ me: i, peers: n, maxraftstate }),
      leadership: (_i, host) => host.callSync('raft/getState') as GetStateResult,
    });
    this.startUs = t.world.nowUs;
    t.world.trace.addListener((r) => this.gate.observe(r), [TraceKind.Fact, TraceKind.Apply]);
    this.net.setLongDelays(false);
    for (let i = 0; i < n; i++) this.startServer(i);
    this.connectAll();
    this.net.setReliable(!unreliable);
  }

  // ── the server↔server network ─────────────────────────────────────────────

  all(): number[] {
    return this.group.all();
  }

  connectAll(): void {
    this.group.connectAll();
  }

  /** Servers in p1 reach each other, servers in p2 reach each other, and nothing crosses (clerks untouched). */
  partition(p1: readonly number[], p2: readonly number[]): void {
    this.group.partition([p1, p2]);
  }

  /** The leader (or 0) goes last into a minority: [majority of n/2+1 non-leaders, the others + leader]. */
  makePartition(): [number[], number[]] {
    const leader = this.leader() ?? 0;
    const others = this.all().filter((i) => i !== leader);
    const p1 = others.slice(0, Math.floor(this.n / 2) + 1);
    const p2 = [...others.slice(Math.floor(this.n / 2) + 1), leader];
    return [p1, p2];
  }

  /** The first live server whose Raft reports leadership (config.go's Leader()). */
  leader(): number | undefined {
    return this.all().find((i) => this.group.alive(i) && this.group.leadership(i).isLeader);
  }

  // ── servers (spec §2.3, kvraft) ───────────────────────────────────────────

  /** Cuts server i from its peers, deletes its labrpc server and kills it; what it had persisted survives. */
  shutdownServer(i: number): void {
    this.group.disconnect(i);
    this.group.shutdown(i);
  }

  /** Starts server i from a copy of its persister, with fresh ends to its peers (disabled until connected). */
  startServer(i: number): void {
    this.group.start(i);
  }

  // ── clerks ────────────────────────────────────────────────────────────────

  /** A clerk with an end per server, handed over in a random order; only the ends to `to` are enabled. */
  makeClient(to: readonly number[] = this.all()): Clerk {
    const clientId = ++this.nextClientId;
    const ends = this.all().map((j) => {
      const end = this.net.makeEnd(`clerk-${clientId}->${j}`);
      this.net.connect(end, String(j));
      return end;
    });
    const order = this.t.rng.shuffle(this.all());
    const host = this.t.world.startNode<unknown, KvClerkConfig>({
      name: `clerk-${clientId}`,
      def: this.clerkDef,
      config: { clientId, servers: this.n },
      ends: order.map((j) => ends[j]!),
    });
    const ck: Clerk = { clientId, host, ends };
    this.connectClient(ck, to);
    return ck;
  }

  connectClient(ck: Clerk, to: readonly number[]): void {
    this.group.connectClerk(ck.ends, to);
  }

  deleteClient(ck: Clerk): void {
    ck.host.kill('exit');
    for (const e of ck.ends) this.net.deleteEnd(e);
  }

  // ── operations, stamped and recorded ──────────────────────────────────────

  *get(ck: Clerk, key: string, historyId?: number): Co<string> {
    const call = this.stamp();
    const v = yield* ck.host.call(GetCall, { key });
    if (typeof v !== 'string') this.t.fail(`Get(${JSON.stringify(key)}) returned ${JSON.stringify(v)}, not a string`);
    this.record(historyId, { op: 0, key, value: '' }, v === '' ? NO_VALUE : { value: v }, call);
    return v;
  }

  *put(ck: Clerk, key: string, value: string, historyId?: number): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(PutCall, { key, value });
    this.record(historyId, { op: 1, key, value }, NO_VALUE, call);
  }

  *append(ck: Clerk, key: string, value: string, historyId?: number): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(AppendCall, { key, value });
    this.record(historyId, { op: 2, key, value }, NO_VALUE, call);
  }

  /** check(ck, key, want): Get must return exactly `want`. */
  *check(ck: Clerk, key: string, want: string): Co<void> {
    const v = yield* this.get(ck, key);
    if (v !== want) this.t.fail(`get(${JSON.stringify(key)}): expected:\n${want}\nreceived:\n${v}`);
  }

  /** History time: virtual ns, strictly increasing in the order stamps are taken (see scenarios/kvsrv/tester.ts). */
  private stamp(): number {
    this.lastStamp = Math.max(this.lastStamp + 1, this.t.world.nowUs * 1000);
    return this.lastStamp;
  }

  private record(historyId: number | undefined, input: KvInput, output: KvOutput, call: number): void {
    this.opCount++;
    const ret = this.stamp();
    if (historyId !== undefined) this.ops.push({ clientId: historyId, input, call, output, return: ret });
  }

  /** The whole history through the KV model; 'illegal' and 'unknown' both fail. */
  checkHistory(): void {
    this.checkSafety();
    this.t.options.onHistory?.(this.historyText());
    const result = checkOperations(kvModel, this.ops, { budgetSteps: this.checkBudgetSteps });
    this.t.log(`history: ${this.ops.length} operations, ${result.partitions.length} keys, ${result.steps} search steps, ${result.verdict}`);
    if (result.verdict === 'ok') return;
    const why = result.verdict === 'illegal' ? 'history is not linearizable' : `linearizability check undecided after ${result.steps} steps (never a pass)`;
    this.t.fail(`${why}\n${explain(kvModel, this.ops, result)}`, result.verdict === 'illegal' ? 'safety' : 'liveness');
  }

  /** The history in simlab's format (`simlab check FILE`). */
  historyText(): string {
    return formatHistory(this.ops, { model: 'kv' });
  }

  // ── measurements ──────────────────────────────────────────────────────────

  /** The largest Raft state any server has persisted (Go's LogSize). */
  logSize(): number {
    let size = 0;
    for (const i of this.all()) size = Math.max(size, this.group.persister(i)?.raftStateSize() ?? 0);
    return size;
  }

  /** The largest snapshot any server has persisted (Go's SnapshotSize). */
  snapshotSize(): number {
    let size = 0;
    for (const i of this.all()) size = Math.max(size, this.group.persister(i)?.snapshotSize() ?? 0);
    return size;
  }

  rpcTotal(): number {
    return this.net.getTotalCount();
  }

  // ── the test's frame ──────────────────────────────────────────────────────

  begin(description: string): void {
    this.description = description;
    this.t.log(`${description} ...`);
    this.t0Us = this.t.world.nowUs;
    this.rpcs0 = this.rpcTotal();
    this.ops0 = this.opCount;
  }

  private checkTimeout(): void {
    if (this.t.world.nowUs - this.startUs > TEST_LIMIT_US) this.t.fail('test took longer than 120 seconds');
  }

  /** Fails as a safety failure if the Raft invariant checker has found a violation. */
  checkSafety(): void {
    const v = this.checker.violation;
    if (v !== null) this.t.fail(`${v.invariant}: ${v.message} — first at: ${formatRecord(v.record).trim()}`, 'safety');
  }

  end(): void {
    this.checkTimeout();
    this.checkSafety();
    const seconds = (this.t.world.nowUs - this.t0Us) / 1e6;
    this.t.log(
      `  ... Passed -- ${this.description}: ${seconds.toFixed(1)}s ${this.n} peers, ${this.rpcTotal() - this.rpcs0} RPCs, ${this.opCount - this.ops0} ops`,
    );
  }

  cleanup(): void {
    this.group.stopAll();
    this.checkTimeout();
    this.checkSafety();
    const off = this.gate.offLine(this.all().map(String));
    if (off !== null) this.t.log(off);
  }
}

/** Sleeps ET + U[0, 199] ms (the partitioner's period). */
export function* partitionerPause(t: ScenarioContext): Co<void> {
  yield* sleep(ELECTION_TIMEOUT_US + ms(t.rng.below(200)));
}
