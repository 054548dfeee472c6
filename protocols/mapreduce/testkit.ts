/**
 * A tiny synchronous host for MapReduce unit tests, independent of the
 * simulator kernel: one coordinator, workers, a Map-backed shared directory,
 * a fixed RPC latency and timers, all ordered by (virtual time, sequence).
 * It follows the node contract as the kernel does: outputs applied in order
 * after each step, exit and crash stop a node (its timers and pending
 * responses vanish), calls to a deleted coordinator fail after 0–99 ms.
 *
 * `runJob` drives a whole job the way test-mr.sh does: coordinator first,
 * workers 1 s later, Done() polled every second, the coordinator deleted 1 s
 * after it says true, optional worker slots restarted 1 s after each exit.
 */
import { Out, type Input, type NodeDef, type Output, type Payload, type StepContext } from '../../sim/node.ts';
import { Prng } from '../../sim/prng.ts';
import { FileSystem } from '../../sim/storage.ts';
import { mrCoordinator, type CoordinatorState } from './coordinator.ts';
import type { InputFile } from './sequential.ts';
import { DoneCall, type CoordinatorConfig } from './types.ts';
import { mrWorker } from './worker.ts';

/** The kernel's file system, plus applying a node's file outputs as the host does. */
export class MemoryFs extends FileSystem {
  apply(o: Output): void {
    if (o.kind === 'writeFile') this.write(o.name, o.data);
    else if (o.kind === 'removeFile') this.remove(o.name);
    else if (o.kind === 'rename') this.rename(o.from, o.to);
  }
}

export interface Hosted {
  readonly id: string;
  readonly def: NodeDef<unknown, unknown>;
  state: unknown;
  alive: boolean;
  readonly rng: Prng;
  /** Timer name → generation of its live setting. */
  readonly timers: Map<string, number>;
}

export interface TraceEntry {
  readonly atUs: number;
  readonly node: string;
  readonly kind: 'fact' | 'note' | 'exit' | 'crash' | 'start';
  readonly detail: Payload;
}

interface Event {
  readonly atUs: number;
  readonly seq: number;
  readonly run: () => void;
}

export interface WorldOptions {
  readonly seed?: number;
  /** One-way RPC latency in microseconds (default 1 ms). */
  readonly latencyUs?: number;
  readonly inputs?: readonly InputFile[];
}

export class MrWorld {
  nowUs = 0;
  readonly fs = new MemoryFs();
  readonly trace: TraceEntry[] = [];
  readonly workers = new Map<number, Hosted>();
  coordinator: Hosted | undefined;
  private readonly events: Event[] = [];
  private seq = 0;
  private timerGeneration = 0;
  private readonly rng: Prng;
  private readonly latencyUs: number;

  constructor(opts: WorldOptions = {}) {
    this.rng = new Prng(opts.seed ?? 1);
    this.latencyUs = opts.latencyUs ?? 1000;
    for (const f of opts.inputs ?? []) this.fs.write(f.name, f.contents);
  }

  /** Schedules `run` at virtual time `atUs` (FIFO among equal times). */
  at(atUs: number, run: () => void): void {
    const ev: Event = { atUs: Math.max(atUs, this.nowUs), seq: this.seq++, run };
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.events[mid]!;
      if (m.atUs < ev.atUs || (m.atUs === ev.atUs && m.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.events.splice(lo, 0, ev);
  }

  /** Runs events up to and including time `untilUs`; returns false if `stop` became true first. */
  runUntil(untilUs: number, stop: () => boolean = () => false): boolean {
    while (this.events.length > 0 && this.events[0]!.atUs <= untilUs) {
      if (stop()) return false;
      const ev = this.events.shift()!;
      this.nowUs = ev.atUs;
      ev.run();
    }
    if (stop()) return false;
    this.nowUs = Math.max(this.nowUs, untilUs);
    return true;
  }

  get pendingEvents(): number {
    return this.events.length;
  }

  startCoordinator(config: CoordinatorConfig, def: NodeDef<CoordinatorState, CoordinatorConfig> = mrCoordinator): void {
    this.coordinator = this.boot('coordinator', def as NodeDef<unknown, unknown>, config);
  }

  /** Go's DeleteServer / the coordinator process exiting: later calls to it fail. */
  deleteCoordinator(): void {
    if (this.coordinator) this.coordinator.alive = false;
  }

  coordinatorState(): CoordinatorState | undefined {
    return this.coordinator?.state as CoordinatorState | undefined;
  }

  startWorker(app: string, pid: number): void {
    if (this.workers.has(pid)) throw new Error(`pid ${pid} already used`);
    this.workers.set(pid, this.boot(`worker-${pid}`, mrWorker as NodeDef<unknown, unknown>, { app, pid }));
  }

  /** Kills a worker process (SIGKILL): nothing of it survives but the files it wrote. */
  crashWorker(pid: number): void {
    const w = this.workers.get(pid);
    if (!w?.alive) return;
    w.alive = false;
    this.log(w.id, 'crash', null);
  }

  isWorkerAlive(pid: number): boolean {
    return this.workers.get(pid)?.alive ?? false;
  }

  /** A synchronous tester call (the node must return in the same step). */
  call(node: Hosted, method: string, args: Payload = null): Payload {
    const outputs = this.stepNode(node, { kind: 'call', callId: 1, method, args });
    const ret = outputs.find((o) => o.kind === 'return');
    if (!ret || ret.kind !== 'return') throw new Error(`${node.id} did not return from ${method}`);
    return ret.value;
  }

  coordinatorDone(): boolean {
    if (!this.coordinator?.alive) throw new Error('no live coordinator');
    return this.call(this.coordinator, DoneCall) === true;
  }

  facts(type: string): Array<{ atUs: number; node: string; fact: Record<string, unknown> }> {
    const found: Array<{ atUs: number; node: string; fact: Record<string, unknown> }> = [];
    for (const t of this.trace) {
      if (t.kind !== 'fact') continue;
      const fact = t.detail as Record<string, unknown>;
      if (fact.type === type) found.push({ atUs: t.atUs, node: t.node, fact });
    }
    return found;
  }

  exits(): Array<{ atUs: number; node: string; code: number }> {
    return this.trace.filter((t) => t.kind === 'exit').map((t) => ({ atUs: t.atUs, node: t.node, code: t.detail as number }));
  }

  private ctx(node: Hosted): StepContext {
    return { nowUs: this.nowUs, rng: node.rng, fs: this.fs };
  }

  private boot(id: string, def: NodeDef<unknown, unknown>, config: unknown): Hosted {
    const node: Hosted = { id, def, state: undefined, alive: true, rng: this.rng.fork(id), timers: new Map() };
    this.log(id, 'start', config as Payload);
    const first = def.init(config, { state: new Uint8Array(), snapshot: new Uint8Array() }, this.ctx(node));
    node.state = first.state;
    this.apply(node, first.outputs);
    return node;
  }

  private stepNode(node: Hosted, input: Input): readonly Output[] {
    const result = node.def.step(node.state, input, this.ctx(node));
    node.state = result.state;
    this.apply(node, result.outputs);
    return result.outputs;
  }

  private deliver(node: Hosted, input: Input): void {
    if (node.alive) this.stepNode(node, input);
  }

  private log(node: string, kind: TraceEntry['kind'], detail: Payload): void {
    this.trace.push({ atUs: this.nowUs, node, kind, detail });
  }

  private apply(node: Hosted, outputs: readonly Output[]): void {
    for (const o of outputs) {
      if (!node.alive) return;
      switch (o.kind) {
        case 'writeFile':
        case 'rename':
        case 'removeFile':
          this.fs.apply(o);
          break;
        case 'send':
          this.sendFrom(node, o);
          break;
        case 'setTimer': {
          const gen = ++this.timerGeneration;
          node.timers.set(o.name, gen);
          this.at(this.nowUs + o.afterUs, () => {
            if (!node.alive || node.timers.get(o.name) !== gen) return;
            node.timers.delete(o.name);
            this.stepNode(node, { kind: 'timer', name: o.name });
          });
          break;
        }
        case 'cancelTimer':
          node.timers.delete(o.name);
          break;
        case 'exit':
          node.alive = false;
          this.log(node.id, 'exit', o.code);
          return;
        case 'fact':
          this.log(node.id, 'fact', o.fact);
          break;
        case 'note':
          this.log(node.id, 'note', o.text);
          break;
        case 'reply':
        case 'return':
        case 'persist':
        case 'apply':
          break;
      }
    }
  }

  /** A worker's call to the coordinator: request after the latency, reply after the latency again. */
  private sendFrom(caller: Hosted, o: Extract<Output, { kind: 'send' }>): void {
    const respond = (ok: boolean, reply: Payload) =>
      this.deliver(caller, { kind: 'response', to: o.to, method: o.method, args: o.args, tag: o.tag, ok, reply });
    const server = this.coordinator;
    if (!server?.alive) {
      this.at(this.nowUs + this.rng.below(100) * 1000, () => respond(false, null));
      return;
    }
    this.at(this.nowUs + this.latencyUs, () => {
      if (!server.alive) return this.at(this.nowUs + this.rng.below(100) * 1000, () => respond(false, null));
      const outputs = this.stepNode(server, { kind: 'request', reqId: 0, method: o.method, args: o.args });
      const reply = outputs.find((x) => x.kind === 'reply');
      if (!reply || reply.kind !== 'reply') throw new Error(`coordinator left ${o.method} unanswered`);
      this.at(this.nowUs + this.latencyUs, () => respond(true, reply.reply));
    });
  }
}

export interface JobOptions {
  readonly app: string;
  readonly inputs: readonly InputFile[];
  readonly nReduce?: number;
  /** Workers started once, 1 s after the coordinator (pids 1, 2, …). */
  readonly workers: number;
  /** Worker slots restarted 1 s after each exit while the coordinator lives (the crash test's loops). */
  readonly loopingWorkers?: number;
  readonly coordinator?: NodeDef<CoordinatorState, CoordinatorConfig>;
  readonly seed?: number;
  /** Give up after this much virtual time (default 300 s). */
  readonly limitUs?: number;
}

export interface JobResult {
  readonly world: MrWorld;
  /** When the 1 s Done() poll first saw true; undefined if never. */
  readonly doneSeenAtUs: number | undefined;
  /** Whether every process had exited (and the coordinator was deleted) within the limit. */
  readonly finished: boolean;
}

/** Runs a whole job as test-mr.sh does (see the file comment). */
export function runJob(opts: JobOptions): JobResult {
  const world = new MrWorld({ seed: opts.seed ?? 1, inputs: opts.inputs });
  const limitUs = opts.limitUs ?? 300_000_000;
  world.startCoordinator({ files: opts.inputs.map((f) => f.name), nReduce: opts.nReduce ?? 10 }, opts.coordinator);
  let nextPid = 1;
  let doneSeenAtUs: number | undefined;
  const startSlot = (looping: boolean): void => {
    const pid = nextPid++;
    world.startWorker(opts.app, pid);
    if (looping) watchSlot(pid);
  };
  const watchSlot = (pid: number): void => {
    world.at(world.nowUs + 100_000, () => {
      if (world.isWorkerAlive(pid)) return watchSlot(pid);
      world.at(world.nowUs + 1_000_000, () => {
        if (world.coordinator?.alive && doneSeenAtUs === undefined) startSlot(true);
      });
    });
  };
  world.at(1_000_000, () => {
    for (let i = 0; i < opts.workers; i++) startSlot(false);
    for (let i = 0; i < (opts.loopingWorkers ?? 0); i++) startSlot(true);
  });
  const poll = (): void => {
    if (world.coordinatorDone()) {
      doneSeenAtUs = world.nowUs;
      world.at(world.nowUs + 1_000_000, () => world.deleteCoordinator());
    } else world.at(world.nowUs + 1_000_000, poll);
  };
  world.at(1_000_000, poll);
  // Once the coordinator is gone no slot restarts, so nothing can run again.
  const allGone = (): boolean => world.coordinator?.alive === false && [...world.workers.values()].every((w) => !w.alive);
  const finished = !world.runUntil(limitUs, allGone) || allGone();
  return { world, doneSeenAtUs, finished };
}
