/**
 * MapReduce's helpers over the one synchronous probe (sim/probe.ts): one
 * coordinator, workers, the shared directory (the probe's files), on a
 * timeline of the test's own: a fixed RPC latency each way, node timers, and
 * test actions, all ordered by (virtual time, sequence). A call to a deleted
 * coordinator fails after 0–99 ms. The meaning of a step's outputs (files,
 * exit, timers) is the probe's.
 *
 * `runJob` drives a whole job the way test-mr.sh does: coordinator first,
 * workers 1 s later, Done() polled every second, the coordinator deleted 1 s
 * after it says true, optional worker slots restarted 1 s after each exit.
 */
import { Prng, Probe, type NodeDef, type Payload, type ProbeFlight } from '../../sim/contract.ts';
import { mrCoordinator, type CoordinatorState } from './coordinator.ts';
import type { InputFile } from './sequential.ts';
import { DoneCall, type CoordinatorConfig } from './types.ts';
import { mrWorker } from './worker.ts';

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

const COORDINATOR = 'coordinator';
const workerName = (pid: number) => `worker-${pid}`;

export class MrWorld {
  readonly probe: Probe;
  private readonly events: Event[] = [];
  private seq = 0;
  /** The latest setting of each node's timers: a timeline entry of an older one is stale. */
  private readonly timerSettings = new Map<string, number>();
  private timerGeneration = 0;
  private readonly rng: Prng;
  private readonly latencyUs: number;
  private readonly pids: number[] = [];

  constructor(opts: WorldOptions = {}) {
    const seed = opts.seed ?? 1;
    this.rng = new Prng(seed);
    this.latencyUs = opts.latencyUs ?? 1000;
    this.probe = new Probe({ seed, rngOf: (name) => new Prng(seed).fork(name) });
    this.probe.onFlight = (f) => this.schedule(f);
    this.probe.onTimer = (node, name, dueUs) => this.scheduleTimer(node, name, dueUs);
    for (const f of opts.inputs ?? []) this.fs.write(f.name, f.contents);
  }

  get nowUs(): number {
    return this.probe.nowUs;
  }

  /** The shared directory. */
  get fs() {
    return this.probe.fs;
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
      this.probe.nowUs = ev.atUs;
      ev.run();
    }
    if (stop()) return false;
    this.probe.nowUs = Math.max(this.nowUs, untilUs);
    return true;
  }

  get pendingEvents(): number {
    return this.events.length;
  }

  startCoordinator(config: CoordinatorConfig, def: NodeDef<CoordinatorState, CoordinatorConfig> = mrCoordinator): void {
    this.probe.add({ name: COORDINATOR, def, config });
  }

  /** Go's DeleteServer / the coordinator process exiting: later calls to it fail. */
  deleteCoordinator(): void {
    if (this.probe.alive(COORDINATOR)) this.probe.crash(COORDINATOR);
  }

  coordinatorAlive(): boolean {
    return this.probe.alive(COORDINATOR);
  }

  coordinatorState(): CoordinatorState | undefined {
    return this.probe.alive(COORDINATOR) ? this.probe.state<CoordinatorState>(COORDINATOR) : undefined;
  }

  startWorker(app: string, pid: number): void {
    if (this.pids.includes(pid)) throw new Error(`pid ${pid} already used`);
    this.pids.push(pid);
    this.probe.add({ name: workerName(pid), def: mrWorker, config: { app, pid }, peers: [COORDINATOR] });
  }

  /** Kills a worker process (SIGKILL): nothing of it survives but the files it wrote. */
  crashWorker(pid: number): void {
    if (this.isWorkerAlive(pid)) this.probe.crash(workerName(pid));
  }

  isWorkerAlive(pid: number): boolean {
    return this.pids.includes(pid) && this.probe.alive(workerName(pid));
  }

  /** Whether every worker started so far has exited or crashed. */
  workersGone(): boolean {
    return this.pids.every((pid) => !this.isWorkerAlive(pid));
  }

  coordinatorDone(): boolean {
    if (!this.coordinatorAlive()) throw new Error('no live coordinator');
    return this.probe.call(COORDINATOR, DoneCall) === true;
  }

  facts(type: string): Array<{ atUs: number; node: string; fact: Record<string, unknown> }> {
    return this.probe.facts
      .filter((f) => (f.value as { type?: unknown }).type === type)
      .map((f) => ({ atUs: f.atUs, node: f.node, fact: f.value as Record<string, unknown> }));
  }

  exits(): Array<{ atUs: number; node: string; code: number }> {
    return this.probe.exits.map((e) => ({ atUs: e.atUs, node: e.node, code: e.value }));
  }

  /**
   * A flight's place on the timeline: a request arrives after the latency
   * (one to a deleted coordinator fails at once, its failure travelling
   * 0–99 ms); a reply travels the latency, a failure 0–99 ms.
   */
  private schedule(f: ProbeFlight): void {
    if (f.kind === 'request') {
      if (!this.probe.alive(f.callee)) this.deliver(f);
      else this.at(this.nowUs + this.latencyUs, () => this.deliver(f));
      return;
    }
    this.at(this.nowUs + (f.ok ? this.latencyUs : this.rng.below(100) * 1000), () => this.deliver(f));
  }

  private deliver(f: ProbeFlight): void {
    const k = this.probe.flights.indexOf(f);
    if (k >= 0) this.probe.deliver(k);
  }

  /** A timer fires at its due time unless it was reset, cancelled or its node stopped since. */
  private scheduleTimer(node: string, name: string, dueUs: number): void {
    const key = `${node}/${name}`;
    const generation = ++this.timerGeneration;
    this.timerSettings.set(key, generation);
    this.at(dueUs, () => {
      const p = this.probe;
      if (!p.alive(node) || this.timerSettings.get(key) !== generation || p.timerDue(node, name) === undefined) return;
      p.fire(node, name);
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
        if (world.coordinatorAlive() && doneSeenAtUs === undefined) startSlot(true);
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
  const allGone = (): boolean => !world.coordinatorAlive() && world.workersGone();
  const finished = !world.runUntil(limitUs, allGone) || allGone();
  return { world, doneSeenAtUs, finished };
}
