/**
 * kvsrv's helpers over the one synchronous probe (sim/probe.ts): one server,
 * clerks, and flights delivered in a seeded random order; when unreliable,
 * requests and replies are lost like labrpc's (10 % each by default). A lost
 * request never reaches the server; a lost reply comes after the server
 * executed the request. Either way the clerk sees ok = false.
 */
import { Prng, Probe, type NodeDef, type Output, type Payload, type StepContext } from '../../sim/contract.ts';
import { kvClerk } from './clerk.ts';
import { kvServer, retainedBytes, type KvServerState } from './server.ts';
import { KvAppend, KvGet, KvPut, type KvServerConfig } from './types.ts';

export interface KvCall {
  readonly method: string;
  readonly args: Payload;
}

export interface KvWorldOptions {
  readonly seed?: number;
  readonly server?: NodeDef<KvServerState, KvServerConfig>;
  readonly unreliable?: boolean;
  /** Drop probability as [num, den] for requests and for replies (default [1, 10]). */
  readonly dropRatio?: readonly [number, number];
}

const SERVER = 'server';
const clerkName = (clientId: number) => `clerk-${clientId}`;

export class KvWorld {
  readonly server: NodeDef<KvServerState, KvServerConfig>;
  readonly probe: Probe;
  unreliable: boolean;

  constructor(opts: KvWorldOptions = {}) {
    this.server = opts.server ?? kvServer;
    this.unreliable = opts.unreliable ?? false;
    const [num, den] = opts.dropRatio ?? [1, 10];
    this.probe = new Probe({ seed: opts.seed ?? 1 });
    this.probe.dropIf = () => this.unreliable && this.probe.rng.chance(num, den);
    this.probe.add({ name: SERVER, def: this.server, config: null });
  }

  get serverState(): KvServerState {
    return this.probe.state<KvServerState>(SERVER);
  }

  /** RPCs sent, retries included (labrpc's total count). */
  get rpcCount(): number {
    return this.probe.sends;
  }

  /** Requests that reached the server. */
  get serverCount(): number {
    return this.probe.rpcs.length;
  }

  addClerk(clientId: number): void {
    this.probe.add({ name: clerkName(clientId), def: kvClerk, config: { clientId }, peers: [SERVER] });
  }

  /** Starts a tester call on a clerk; its value is `result(callId)` once the network has run. */
  start(clientId: number, call: KvCall): number {
    return this.probe.startCall(clerkName(clientId), call.method, call.args);
  }

  result(callId: number): Payload {
    return this.probe.returned(callId);
  }

  /** One operation on one clerk, run to completion. */
  op(clientId: number, method: string, args: Payload): Payload {
    const id = this.start(clientId, { method, args });
    this.pump();
    return this.result(id);
  }

  /** Each plan's calls in order on its clerk, all clerks concurrently; the values per plan. */
  runClients(plans: ReadonlyArray<{ readonly clientId: number; readonly calls: readonly KvCall[] }>): Payload[][] {
    const values: Payload[][] = plans.map(() => []);
    const pending = new Map<number, number>(); // callId → plan index
    const startNext = (p: number) => {
      const plan = plans[p]!;
      const next = plan.calls[values[p]!.length];
      if (next) pending.set(this.start(plan.clientId, next), p);
    };
    plans.forEach((_, p) => startNext(p));
    while (pending.size > 0) {
      if (!this.deliverOne()) throw new Error('calls outstanding but nothing in flight');
      for (const [callId, p] of pending) {
        if (!this.probe.hasReturned(callId)) continue;
        pending.delete(callId);
        values[p]!.push(this.probe.returned(callId));
        startNext(p);
      }
    }
    return values;
  }

  /** Delivers flights in a random order until none is left. */
  pump(): void {
    this.probe.pump({ shuffle: true });
  }

  private deliverOne(): boolean {
    const flights = this.probe.flights;
    return flights.length > 0 && this.probe.deliver(this.probe.rng.below(flights.length));
  }
}

// ---- workloads shared by the protocol's tests and the known-bug tests ---------------------

export const MiB = 1 << 20;

/** A value of `n` letters (random ones, like the Go test's randValue, but cheap to build). */
export function bigValue(n: number, seed: number): string {
  const rng = new Prng(seed);
  const chunk = Array.from({ length: 4096 }, () => String.fromCharCode(97 + rng.below(26))).join('');
  return chunk.repeat(Math.ceil(n / chunk.length)).slice(0, n);
}

const token = (c: number, j: number) => `x ${c} ${j} y`;

/** TestUnreliableOneKey2's checks on the old values each Append returned and the final value. */
export function checkOneKeyAppends(nClients: number, nAppends: number, oldValues: Payload[][], final: string): string[] {
  const bad: string[] = [];
  for (let c = 0; c < nClients; c++) {
    let last = -1;
    for (let j = 0; j < nAppends; j++) {
      const at = final.indexOf(token(c, j));
      if (at < 0 || final.indexOf(token(c, j), at + 1) >= 0) bad.push(`${token(c, j)} appears ${at < 0 ? 'never' : 'twice'}`);
      if (at <= last) bad.push(`${token(c, j)} out of order`);
      last = at;
      const old = oldValues[c]![j] as string;
      if (old.includes(token(c, j))) bad.push(`Append ${token(c, j)} returned a value containing itself`);
      if (j > 0 && !old.includes(token(c, j - 1))) bad.push(`Append ${token(c, j)} returned a value without ${token(c, j - 1)}`);
      if (!final.startsWith(old)) bad.push(`Append ${token(c, j)} returned a value that is not a prefix of the final one`);
    }
  }
  return bad;
}

/**
 * TestUnreliableOneKey2 in miniature: a main clerk Puts "k" = "", then
 * `nClients` clerks each Append `nAppends` tokens concurrently; returns every
 * violation of exactly-once and of the Append return values.
 */
export function runOneKeyAppends(world: KvWorld, nClients = 5, nAppends = 10): string[] {
  world.addClerk(100);
  world.op(100, 'put', { key: 'k', value: '' });
  const plans = Array.from({ length: nClients }, (_, c) => {
    world.addClerk(c);
    const calls: KvCall[] = Array.from({ length: nAppends }, (_, j) => ({ method: 'append', args: { key: 'k', value: token(c, j) } }));
    return { clientId: c, calls };
  });
  const oldValues = world.runClients(plans);
  return checkOneKeyAppends(nClients, nAppends, oldValues, world.op(100, 'get', { key: 'k' }) as string);
}

/** TestMemGet2 (unreliable): Put 10 MiB, Get it from two clerks, Put "0"; the bytes retained afterwards. */
export function memGetRetainedBytes(server: NodeDef<KvServerState, KvServerConfig> = kvServer): number {
  const w = new KvWorld({ seed: 3, unreliable: true, server });
  w.addClerk(0);
  w.addClerk(1);
  const v = bigValue(10 * MiB, 1);
  w.op(0, 'put', { key: 'k', value: v });
  if ((w.op(0, 'get', { key: 'k' }) as string) !== v) throw new Error('Get returned a wrong value');
  if ((w.op(1, 'get', { key: 'k' }) as string) !== v) throw new Error('Get returned a wrong value');
  w.op(0, 'put', { key: 'k', value: '0' });
  return retainedBytes(w.serverState);
}

const noCtx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };

/**
 * TestMemGetManyClients / TestMemPutManyClients, straight into the server's
 * step (no clerks, no network): growth of the retained bytes per client when
 * `clients` clients each do one Get of key "0" (or one Put of `putValue` to "k").
 */
export function manyClientsBytesPerClient(
  kind: 'get' | 'put',
  server: NodeDef<KvServerState, KvServerConfig> = kvServer,
  clients = 100_000,
  putValue = bigValue(1000, 5),
): number {
  let s = server.init(null, { state: new Uint8Array(), snapshot: new Uint8Array() }, noCtx).state;
  const step = (method: string, args: Payload) => {
    s = server.step(s, { kind: 'request', reqId: 0, method, args }, noCtx).state;
  };
  step(KvPut, { clientId: 0, seq: 1, key: '0', value: '' });
  const before = retainedBytes(s);
  for (let c = 1; c <= clients; c++) {
    if (kind === 'get') step(KvGet, { clientId: c, seq: 1, key: '0' });
    else step(KvPut, { clientId: c, seq: 1, key: 'k', value: putValue });
  }
  return (retainedBytes(s) - before) / clients;
}

/**
 * One server stepped directly, a request at a time (reqId 5), for
 * handler-level tests: each call returns the reply; `outputs` are the last
 * step's, `state` the server's state after it.
 */
export function serverSteps(server: NodeDef<KvServerState, KvServerConfig> = kvServer) {
  const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
  let s: KvServerState = server.init(null, { state: new Uint8Array(), snapshot: new Uint8Array() }, ctx).state;
  let last: readonly Output[] = [];
  const call = (method: string, args: Payload): Payload => {
    const r = server.step(s, { kind: 'request', reqId: 5, method, args }, ctx);
    s = r.state;
    last = r.outputs;
    const reply = r.outputs.find((o) => o.kind === 'reply');
    if (reply?.kind !== 'reply' || reply.reqId !== 5) throw new Error('no reply');
    return reply.reply;
  };
  return {
    get state() {
      return s;
    },
    get outputs() {
      return last;
    },
    call,
    get: (clientId: number, seq: number, key: string) => call(KvGet, { clientId, seq, key }),
    put: (clientId: number, seq: number, key: string, value: string) => call(KvPut, { clientId, seq, key, value }),
    append: (clientId: number, seq: number, key: string, value: string) => call(KvAppend, { clientId, seq, key, value }),
  };
}
