/**
 * The kvsrv tester, after src/kvsrv/config.go (spec 2.9): one server that
 * never crashes, a reliable or unreliable network without long delays, and
 * `makeClient()` = a fresh clerk node with a fresh enabled end to the server.
 * Client ids are unique per clerk.
 *
 * Every clerk operation goes through `get` / `put` / `append`, which stamp
 * its call and return and, given a history client id, record it as a
 * checker Operation (Get op 0, Put op 1, Append op 3 whose output is the old
 * value it returned). `checkHistory` runs the KV model over it and fails on
 * 'illegal' and on 'unknown' alike.
 *
 * History times are virtual nanoseconds: nowUs × 1000, raised when needed to
 * one more than the previous stamp. The simulated reliable network answers
 * in zero virtual time, so many operations can start and end within one µs;
 * stamping them in the order they happened keeps the real-time order the Go
 * tests' monotonic clock would see (an operation that returned before
 * another was called gets a smaller stamp), where equal µs would make them
 * all concurrent.
 *
 * Node definitions come from the roles below, so `--impl` (and the bug
 * tests) can swap them:
 *   kvsrv-server  the server (default protocols/kvsrv kvServer)
 *   kvsrv-clerk   the clerk  (default protocols/kvsrv kvClerk)
 */
import { encodedSize } from '../../sim/codec.ts';
import type { Host } from '../../sim/host.ts';
import type { ClientEnd } from '../../sim/network.ts';
import type { NodeDef } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import type { World } from '../../sim/world.ts';
import { checkOperations, explain, formatHistory, kvModel, type KvInput, type KvOutput, type Operation } from '../../checkers/index.ts';
import { kvClerk } from '../../protocols/kvsrv/clerk.ts';
import { kvServer, retainedBytes, type KvServerState } from '../../protocols/kvsrv/server.ts';
import { AppendCall, GetCall, PutCall, type ClerkConfig, type KvServerConfig } from '../../protocols/kvsrv/types.ts';

export const KVSRV_SERVER_ROLE = 'kvsrv-server';
export const KVSRV_CLERK_ROLE = 'kvsrv-clerk';

/** The server's labrpc name (config.go's server 0). */
export const SERVER_NAME = 'server-0';

/**
 * Search steps the linearizability check may take. Deterministic; far above
 * what the lab histories need (tens of thousands of steps), and a budget-out
 * fails the scenario rather than passing it.
 */
export const CHECK_BUDGET_STEPS = 20_000_000;

/** The output of a Put, and of a Get or Append that saw "" (shared: records are never changed). */
const NO_VALUE: KvOutput = Object.freeze({ value: '' });

export type KvOperation = Operation<KvInput, KvOutput>;

export interface Clerk {
  readonly clientId: number;
  readonly end: ClientEnd;
  readonly host: Host;
}

export class KvsrvTester {
  readonly world: World;
  readonly server: Host;
  /** The history of every recorded operation, in order of return. */
  readonly ops: KvOperation[] = [];
  /** Clerk operations completed, recorded or not (config.go's op count). */
  opCount = 0;
  /** The linearizability check's step budget. */
  checkBudgetSteps = CHECK_BUDGET_STEPS;
  private readonly clerkDef: NodeDef<unknown, ClerkConfig>;
  private nextClientId = 1;
  private lastStamp = -1;
  private lastInput: KvInput | undefined;

  constructor(
    readonly t: ScenarioContext,
    unreliable: boolean,
  ) {
    this.world = t.world;
    const serverDef = t.impl<NodeDef<unknown, KvServerConfig>>(KVSRV_SERVER_ROLE, kvServer as NodeDef<unknown, KvServerConfig>);
    this.clerkDef = t.impl<NodeDef<unknown, ClerkConfig>>(KVSRV_CLERK_ROLE, kvClerk as NodeDef<unknown, ClerkConfig>);
    this.server = this.world.startNode({ name: SERVER_NAME, def: serverDef, config: null });
    this.world.network.addServer(SERVER_NAME, this.server);
    this.world.network.setReliable(!unreliable);
  }

  /** config.go's makeClient: a clerk with a fresh end, enabled, to the server. */
  makeClient(): Clerk {
    const clientId = this.nextClientId++;
    const net = this.world.network;
    const end = net.makeEnd();
    net.connect(end, SERVER_NAME);
    net.enable(end, true);
    const host = this.world.startNode({ name: `clerk-${clientId}`, def: this.clerkDef, config: { clientId }, ends: [end] });
    return { clientId, end, host };
  }

  /** config.go's deleteClient: the clerk's end goes away. */
  deleteClient(ck: Clerk): void {
    this.world.network.deleteEnd(ck.end);
  }

  /** Get(key); recorded under `historyId` when one is given. */
  *get(ck: Clerk, key: string, historyId?: number): Co<string> {
    const call = this.stamp();
    const value = this.expectString(yield* ck.host.call(GetCall, { key }), 'Get', key);
    this.record(historyId, this.input(0, key, ''), value === '' ? NO_VALUE : { value }, call);
    return value;
  }

  *put(ck: Clerk, key: string, value: string, historyId?: number): Co<void> {
    const call = this.stamp();
    yield* ck.host.call(PutCall, { key, value });
    this.record(historyId, this.input(1, key, value), NO_VALUE, call);
  }

  /** Append(key, value); returns the value before the append. */
  *append(ck: Clerk, key: string, value: string, historyId?: number): Co<string> {
    const call = this.stamp();
    const old = this.expectString(yield* ck.host.call(AppendCall, { key, value }), 'Append', key);
    this.record(historyId, this.input(3, key, value), old === '' ? NO_VALUE : { value: old }, call);
    return old;
  }

  /**
   * Porcupine's check of the whole history with the KV model; fails on
   * 'illegal' and on 'unknown' alike. Long sequential histories (the memory
   * tests' 100,000 clerks) are cheap for the checker: it cuts a history
   * where no operation is pending.
   */
  checkHistory(): void {
    this.t.options.onHistory?.(formatHistory(this.ops, { model: 'kv' }));
    const result = checkOperations(kvModel, this.ops, { budgetSteps: this.checkBudgetSteps });
    this.t.log(`history: ${this.ops.length} operations, ${result.partitions.length} keys, ${result.steps} search steps, ${result.verdict}`);
    if (result.verdict === 'ok') return;
    const why = result.verdict === 'illegal' ? 'history is not linearizable' : `linearizability check undecided after ${result.steps} steps (never a pass)`;
    this.t.fail(`${why}\n${explain(kvModel, this.ops, result)}`, result.verdict === 'illegal' ? 'safety' : 'liveness');
  }

  /** Bytes the server retains (store plus duplicate-detection state); see serverStateBytes. */
  serverBytes(): number {
    return serverStateBytes(this.server.state);
  }

  /** The history time of now: virtual ns, strictly increasing in the order stamps are taken. */
  stamp(): number {
    this.lastStamp = Math.max(this.lastStamp + 1, this.world.nowUs * 1000);
    return this.lastStamp;
  }

  /**
   * The checker input of an operation: the one recorded last when it is the
   * same (100,000 clerks putting one value, or reading one key, share one).
   */
  private input(op: KvInput['op'], key: string, value: string): KvInput {
    const last = this.lastInput;
    if (last !== undefined && last.op === op && last.key === key && last.value === value) return last;
    return (this.lastInput = { op, key, value });
  }

  private record(historyId: number | undefined, input: KvInput, output: KvOutput, call: number): void {
    this.opCount++;
    const ret = this.stamp();
    if (historyId !== undefined) this.ops.push({ clientId: historyId, input, call, output, return: ret });
  }

  private expectString(v: unknown, what: string, key: string): string {
    if (typeof v !== 'string') this.t.fail(`${what}(${JSON.stringify(key)}) returned ${JSON.stringify(v)}, not a string`);
    return v;
  }
}

function isKvServerState(s: unknown): s is KvServerState {
  if (typeof s !== 'object' || s === null) return false;
  const k = s as Partial<KvServerState>;
  return k.store instanceof Map && k.clients instanceof Map && k.prefixHolders instanceof Map;
}

/**
 * The bytes a server's state retains, by the kernel's size measure
 * (sim/codec.ts encodedSize): for the lab server's state shape exactly
 * protocols/kvsrv's `retainedBytes` (store plus duplicate-detection tables);
 * for any other server (--impl) the encoded size of its whole state, with
 * Maps and Sets measured as lists of their entries.
 */
export function serverStateBytes(state: unknown): number {
  return isKvServerState(state) ? retainedBytes(state) : anyStateBytes(state);
}

function anyStateBytes(v: unknown): number {
  if (v instanceof Map) {
    let n = 2;
    for (const [k, x] of v) n += anyStateBytes(k) + anyStateBytes(x);
    return n;
  }
  if (v instanceof Set) {
    let n = 2;
    for (const x of v) n += anyStateBytes(x);
    return n;
  }
  if (Array.isArray(v)) {
    let n = 2;
    for (const x of v) n += anyStateBytes(x);
    return n;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    let n = 2;
    for (const [k, x] of Object.entries(v)) n += encodedSize(k) + anyStateBytes(x);
    return n;
  }
  return typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' ? 8 : encodedSize(v);
}
