/**
 * The simulated network: labrpc, behaviour for behaviour (spec 2.1).
 *
 * - A ClientEnd is a one-way socket bound to one server name; it starts
 *   disabled and unconnected. Servers are named bundles (one node each here);
 *   deleting one makes it dead.
 * - Every call counts at send (global count, args bytes). A call on a
 *   disabled or unconnected end, or to a dead server, never runs the handler
 *   and fails after U[0,100) ms, or U[0,7000) ms with long delays.
 * - Unreliable: the request waits U[0,27) ms, is dropped with p = 100/1000
 *   (the call fails then), the reply is dropped with p = 100/1000.
 * - Long reordering: 600 of 900 replies arrive 200 + U[0, U[0,1999]] ms late.
 * - After the handler answers, deadness is checked again (end disabled, or
 *   the name now maps to another server or none): the caller sees a failure
 *   although the handler ran. While a handler has not answered, deadness is
 *   checked every 100 ms from dispatch, as labrpc's waiting loop does.
 * - Reply bytes count when the reply is delivered; per-server counts when
 *   dispatch starts.
 * All draws come from the network's own PRNG stream.
 */
import type { CodecScratch } from './codec.ts';
import type { EndRef, Payload } from './node.ts';
import { hashString32, type Prng } from './prng.ts';
import { TraceKind, type Describer, type Trace } from './trace.ts';

/** What the network needs from a node host. */
export interface NetHost {
  readonly name: string;
  /** Trace hash of the name. */
  readonly nameHash: number;
  readonly alive: boolean;
  /** Runs the node's step for an arriving request. */
  deliverRequest(call: RpcCall): void;
  /** Runs the node's step for the outcome of its own call. */
  deliverResponse(call: RpcCall, ok: boolean, reply: Payload): void;
  readonly describer: Describer;
}

/** What the network needs from the world: time and scheduling. */
export interface NetClock {
  readonly nowUs: number;
  schedule(atUs: number, call: RpcCall): void;
}

export class ClientEnd {
  enabled = false;
  server: string | null = null;
  /** Trace hash of `server` (kept with it, so sends need no lookup). */
  serverHash = 0;
  deleted = false;
  /** Calls sent through this end (a server's RPCs out, per incarnation: a restart gets fresh ends). */
  sent = 0;
  /** Trace hash of `name`. */
  readonly nameHash: number;
  constructor(readonly name: string) {
    this.nameHash = hashString32(name) | 0;
  }
}

/**
 * A server name's entry: the host it maps to (null once deleted) and its
 * dispatch count, which belongs to the name (it survives re-adding). A call
 * keeps the entry it was sent through, so neither dispatch nor the dead
 * check needs a lookup by name.
 */
class ServerSlot {
  count = 0;
  constructor(public host: NetHost | null) {}
}

const enum Phase {
  /** Request on its way (short delay), or failure on its way. */
  Travelling = 0,
  /** Dispatched; the handler has not answered. */
  Waiting = 1,
  /** Outcome decided; response on its way to the caller. */
  Responding = 2,
  Done = 3,
}

const MS = 1000;
const CHECK_PERIOD_US = 100 * MS;

/** One RPC: also the queue event for each of its hops. */
export class RpcCall {
  phase: Phase = Phase.Travelling;
  /** Scheduled action of the next hop. */
  next: 0 | 1 | 2 | 3 = 0; // 0 dispatch, 1 respond, 2 deadness check, 3 fail
  ok = false;
  reply: Payload = undefined;
  /** Encoded size of the reply, measured once when the handler answered. */
  replySize = 0;
  dispatchedAtUs = 0;
  /** Trace hashes of the method and of the server the end pointed at. */
  methodHash = 0;
  serverHash = 0;
  /** Whether the call is in the network's `waiting` table (its handler did not answer within its step). */
  listed = false;
  constructor(
    readonly id: number,
    readonly net: Network,
    readonly caller: NetHost,
    readonly end: ClientEnd,
    readonly to: EndRef,
    readonly method: string,
    readonly args: Payload,
    readonly tag: Payload,
    readonly serverName: string | null,
    /** The server name's entry at send, and the host it mapped to then. */
    readonly slot: ServerSlot | null,
    readonly server: NetHost | null,
  ) {}

  fire(): void {
    this.net.fire(this);
  }
}

export class Network {
  reliable = true;
  longDelays = false;
  longReordering = false;
  /**
   * Simlab-only (the Raft property's hold fault; never set by a lab
   * scenario): extra µs a call's request waits before dispatch ('request')
   * or its reply waits after the handler answered ('reply'), 0 for none.
   * It draws nothing from the network's stream, so unset changes nothing.
   */
  holdUs: ((call: RpcCall, hop: 'request' | 'reply') => number) | undefined = undefined;
  private totalCount = 0;
  private totalBytes = 0;
  private nextCallId = 1;
  private endSerial = 0;
  private cleanedUp = false;
  private readonly ends = new Map<string, ClientEnd>();
  private readonly servers = new Map<string, ServerSlot>();
  /**
   * Dispatched calls whose handler did not answer within its step, by call
   * id (in dispatch order). A handler that answers at once (the common case)
   * never enters it.
   */
  private readonly waiting = new Map<number, RpcCall>();

  constructor(
    private readonly clock: NetClock,
    private readonly rng: Prng,
    private readonly trace: Trace,
    private readonly codec: CodecScratch,
  ) {}

  // ---- configuration (the tester's labrpc API) ----

  /** Creates an end; the name must be new. Without a name one is made up. */
  makeEnd(name?: string): ClientEnd {
    if (name === undefined) return new ClientEnd(`#end-${++this.endSerial}`); // made-up names are unique: no bookkeeping
    if (name.startsWith('#')) throw new Error(`labrpc: end names starting with # are reserved, got ${name}`);
    if (this.ends.has(name)) throw new Error(`labrpc: an end named ${name} exists already`);
    const end = new ClientEnd(name);
    this.ends.set(name, end);
    return end;
  }

  deleteEnd(end: ClientEnd): void {
    end.deleted = true;
    end.enabled = false;
    this.ends.delete(end.name);
    this.recheck();
  }

  connect(end: ClientEnd, serverName: string): void {
    end.server = serverName;
    end.serverHash = this.trace.nameHash(serverName);
    this.recheck();
  }

  enable(end: ClientEnd, enabled: boolean): void {
    if (end.enabled === enabled) return;
    end.enabled = enabled && !end.deleted;
    const label = enabled ? 'enable' : 'disable';
    const peer = end.server ?? '';
    const trace = this.trace;
    trace.eventHashed(this.clock.nowUs, TraceKind.Net, end.nameHash, end.name, peer === '' ? 0 : trace.nameHash(peer), peer, trace.nameHash(label), label, undefined, -1, true, undefined);
    if (!enabled) this.recheck();
  }

  addServer(name: string, host: NetHost): void {
    const slot = this.servers.get(name);
    if (slot === undefined) this.servers.set(name, new ServerSlot(host));
    else slot.host = host;
    this.trace.event(this.clock.nowUs, TraceKind.Net, name, '', 'add-server', undefined);
    this.recheck();
  }

  deleteServer(name: string): void {
    const slot = this.servers.get(name);
    if (slot === undefined) this.servers.set(name, new ServerSlot(null));
    else slot.host = null;
    this.trace.event(this.clock.nowUs, TraceKind.Net, name, '', 'delete-server', undefined);
    this.recheck();
  }

  server(name: string): NetHost | null {
    return this.servers.get(name)?.host ?? null;
  }

  setReliable(reliable: boolean): void {
    this.reliable = reliable;
  }
  setLongDelays(on: boolean): void {
    this.longDelays = on;
  }
  setLongReordering(on: boolean): void {
    this.longReordering = on;
  }

  /** After cleanup every new call fails (Go's Network.Cleanup). */
  cleanup(): void {
    this.cleanedUp = true;
  }

  /** RPCs that reached dispatch at `server` (Go's GetCount). */
  getCount(server: string): number {
    return this.servers.get(server)?.count ?? 0;
  }
  /** Every call sent (Go's GetTotalCount). */
  getTotalCount(): number {
    return this.totalCount;
  }
  /** Args bytes at send plus reply bytes at delivery (Go's GetTotalBytes). */
  getTotalBytes(): number {
    return this.totalBytes;
  }

  // ---- the life of a call ----

  /** A node sends a call through `end`. */
  send(caller: NetHost, end: ClientEnd, to: EndRef, method: string, args: Payload, tag: Payload): void {
    const now = this.clock.nowUs;
    this.totalCount++;
    end.sent++;
    const codec = this.codec;
    this.totalBytes += codec.sizeAndHash(args, 0);
    const argsHash = codec.hash;
    const serverName = end.enabled && !end.deleted && !this.cleanedUp ? end.server : null;
    const slot = serverName === null ? null : (this.servers.get(serverName) ?? null);
    const server = slot === null ? null : slot.host;
    const call = new RpcCall(this.nextCallId++, this, caller, end, to, method, args, tag, serverName, slot, server);
    call.methodHash = this.trace.nameHash(method);
    call.serverHash = end.server === null ? this.trace.nameHash('?') : end.serverHash;
    this.trace.eventHashed(now, TraceKind.Send, caller.nameHash, caller.name, call.serverHash, end.server ?? '?', call.methodHash, method, args, argsHash, true, caller.describer);
    if (server === null) {
      const delayMs = this.longDelays ? this.rng.below(7000) : this.rng.below(100);
      call.next = 3;
      this.clock.schedule(now + delayMs * MS, call);
      return;
    }
    const held = this.holdUs === undefined ? 0 : this.holdUs(call, 'request');
    if (!this.reliable) {
      const delayMs = this.rng.below(27);
      if (this.rng.below(1000) < 100) {
        call.next = 3; // request dropped: fails after the short delay
        this.clock.schedule(now + delayMs * MS, call);
        return;
      }
      call.next = 0;
      this.clock.schedule(now + delayMs * MS + held, call);
      return;
    }
    call.next = 0;
    this.clock.schedule(now + held, call);
  }

  /** Runs the next hop of a call (the queue calls this). */
  fire(call: RpcCall): void {
    switch (call.next) {
      case 0:
        return this.dispatch(call);
      case 1:
        return this.respond(call);
      case 2:
        return this.checkWaiting(call);
      case 3:
        call.ok = false;
        call.reply = undefined;
        return this.respond(call);
    }
  }

  private dispatch(call: RpcCall): void {
    const server = call.server!;
    call.slot!.count++;
    if (!server.alive) {
      // A killed instance runs no handler; labrpc's dead check then fails the call at once.
      call.ok = false;
      return this.respond(call);
    }
    call.phase = Phase.Waiting;
    call.dispatchedAtUs = this.clock.nowUs;
    server.deliverRequest(call);
    if (call.phase !== Phase.Waiting) return;
    // The handler did not answer in its step: the call waits, and is rechecked on topology changes
    // (one made during the step, by an apply listener, is looked at now).
    call.listed = true;
    this.waiting.set(call.id, call);
    if (call.next !== 2 && this.isDead(call)) this.scheduleCheck(call, this.clock.nowUs);
  }

  /** The server node answered request `call` (possibly long after dispatch); `replySize` as measured by the host. */
  reply(call: RpcCall, reply: Payload, replySize: number): void {
    if (call.phase !== Phase.Waiting) return; // the caller already gave up (dead check) — discard
    this.unlist(call);
    if (this.isDead(call)) {
      call.ok = false;
      return this.finishNow(call);
    }
    if (!this.reliable && this.rng.below(1000) < 100) {
      call.ok = false; // reply dropped
      return this.finishNow(call);
    }
    call.ok = true;
    call.reply = reply;
    call.replySize = replySize;
    const held = this.holdUs === undefined ? 0 : this.holdUs(call, 'reply');
    if (this.longReordering && this.rng.below(900) < 600) {
      const delayMs = 200 + this.rng.below(1 + this.rng.below(2000));
      call.phase = Phase.Responding;
      call.next = 1;
      this.clock.schedule(this.clock.nowUs + Math.max(delayMs * MS, held), call);
      return;
    }
    if (held > 0) {
      call.phase = Phase.Responding;
      call.next = 1;
      this.clock.schedule(this.clock.nowUs + held, call);
      return;
    }
    this.finishNow(call);
  }

  private finishNow(call: RpcCall): void {
    call.phase = Phase.Responding;
    call.next = 1;
    this.clock.schedule(this.clock.nowUs, call);
  }

  private respond(call: RpcCall): void {
    if (call.phase === Phase.Done) return;
    call.phase = Phase.Done;
    this.unlist(call);
    if (call.ok) this.totalBytes += call.replySize;
    call.caller.deliverResponse(call, call.ok, call.reply);
  }

  private isDead(call: RpcCall): boolean {
    const end = call.end;
    return !end.enabled || end.deleted || call.slot!.host !== call.server;
  }

  private unlist(call: RpcCall): void {
    if (!call.listed) return;
    call.listed = false;
    this.waiting.delete(call.id);
  }

  /**
   * Topology changed: every waiting call that is now dead gets a check at its
   * next 100 ms tick since dispatch (labrpc polls on that period).
   */
  private recheck(): void {
    if (this.waiting.size === 0) return;
    const now = this.clock.nowUs;
    for (const call of this.waiting.values()) {
      if (call.next === 2 || !this.isDead(call)) continue;
      this.scheduleCheck(call, now);
    }
  }

  /** A dead check for a waiting call at its next 100 ms tick since dispatch. */
  private scheduleCheck(call: RpcCall, now: number): void {
    const ticks = Math.floor((now - call.dispatchedAtUs) / CHECK_PERIOD_US) + 1;
    call.next = 2;
    this.clock.schedule(call.dispatchedAtUs + ticks * CHECK_PERIOD_US, call);
  }

  private checkWaiting(call: RpcCall): void {
    if (call.phase !== Phase.Waiting) return;
    call.next = 0;
    if (this.isDead(call)) {
      this.unlist(call);
      call.ok = false;
      call.phase = Phase.Responding;
      this.respond(call);
    }
    // Alive again (re-enabled before the tick): keep waiting; a later change rechecks.
  }
}
