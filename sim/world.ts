/**
 * The world: the one place that holds mutable simulation state — clock and
 * queue, the root PRNG and its forks, the network, the file system, the
 * hosts, the tasks and the trace — and the driver loop that runs it.
 *
 * Every run has an event budget and a virtual-time limit. An empty queue
 * while tasks still wait is a deadlock and is reported with what each task
 * waits for.
 */
import { CodecScratch } from './codec.ts';
import { Host, makeDescriber, StepScope, type HostOptions } from './host.ts';
import type { NodeDef } from './node.ts';
import { Network } from './network.ts';
import { Prng } from './prng.ts';
import { EventQueue } from './queue.ts';
import { FileSystem } from './storage.ts';
import { Task, type Co, type TaskHost } from './task.ts';
import { Trace, TraceKind, type Describer, type TraceOptions } from './trace.ts';

type Event = { fire(tag: number): void } | (() => void);

class TaskResume {
  constructor(
    readonly task: Task,
    readonly value: unknown,
    readonly mode: 0 | 1,
  ) {}
  fire(): void {
    this.task.step(this.value, this.mode);
  }
}

export interface WorldOptions {
  readonly seed: number;
  readonly trace?: TraceOptions;
  /** Hard stop for every run of this world, in µs of virtual time (default 1 hour). */
  readonly timeLimitUs?: number;
  /** Hard stop in events (default 200 million). */
  readonly eventBudget?: number;
}

/** Why a run stopped without its goal. */
export class SimError extends Error {
  constructor(
    readonly reason: 'deadlock' | 'time-limit' | 'event-budget' | 'task-failed',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export class World implements TaskHost {
  readonly seed: number;
  readonly queue = new EventQueue<Event>();
  readonly rng: Prng;
  /** Measuring and hashing payloads, with what it remembers between calls (the codec keeps no state of its own). */
  readonly codec = new CodecScratch();
  readonly trace: Trace;
  readonly network: Network;
  readonly fs = new FileSystem();
  /** The context handed to every node step (see StepScope). */
  readonly stepContext = new StepScope();
  readonly timeLimitUs: number;
  readonly eventBudget: number;
  /** Events fired so far. */
  events = 0;
  private readonly tasks: Task[] = [];
  /** Names of the nodes started, in order; a host knows its position (see incarnationOf). */
  private readonly started: string[] = [];
  /** Starts per name among started[0 .. incarnationAt.length), and the incarnation of each of those starts. */
  private readonly startCounts = new Map<string, number>();
  private readonly incarnationAt: number[] = [];
  /** One describe function per node definition (see describerOf). */
  private readonly describers = new Map<NodeDef<any, any>, Describer>();
  private failure: SimError | null = null;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.rng = new Prng(options.seed);
    this.trace = new Trace(options.trace, this.codec);
    this.timeLimitUs = options.timeLimitUs ?? 3_600_000_000;
    this.eventBudget = options.eventBudget ?? 200_000_000;
    const queue = this.queue;
    this.network = new Network(
      {
        get nowUs() {
          return queue.now;
        },
        schedule: (at, call) => queue.push(at, call),
      },
      this.rng.fork('net'),
      this.trace,
      this.codec,
    );
  }

  get nowUs(): number {
    return this.queue.now;
  }

  /** An independent random stream for a named purpose ("test", "faults", …). */
  fork(label: string): Prng {
    return this.rng.fork(label);
  }

  // ---- scheduling (TaskHost) ----

  at(atUs: number, fire: () => void): void {
    this.queue.push(atUs, fire);
  }

  wake(task: Task, value: unknown): void {
    this.queue.pushNow(new TaskResume(task, value, 0));
  }

  wakeWithError(task: Task, error: unknown): void {
    this.queue.pushNow(new TaskResume(task, error, 1));
  }

  taskFailed(task: Task, error: unknown): void {
    if (this.failure) return;
    const message = error instanceof Error ? error.message : String(error);
    this.failure = new SimError('task-failed', task.name === 'main' ? message : `${task.name}: ${message}`, error);
  }

  /** Starts a task (a goroutine) at the current time. */
  go<T>(name: string, co: Co<T>): Task<T> {
    const task = new Task<T>(this, name, co);
    this.tasks.push(task);
    this.trace.event(this.nowUs, TraceKind.Task, name, '', 'start', undefined);
    this.queue.pushNow(new TaskResume(task, undefined, 0));
    return task;
  }

  // ---- nodes ----

  /** Starts an incarnation of a node; its random stream is forked by name and incarnation. */
  startNode<S, C>(options: HostOptions<S, C>): Host<S, C> {
    return new Host<S, C>(this, this.started.push(options.name) - 1, options);
  }

  describerOf(def: NodeDef<any, any>): Describer {
    let d = this.describers.get(def);
    if (d === undefined) {
      d = makeDescriber(def);
      this.describers.set(def, d);
    }
    return d;
  }

  /**
   * The incarnation (1, 2, …) of the node started at `position`: how many
   * times its name was started up to then. Counted on demand (a node asks
   * when it first draws a random number), so a world of 100,000 one-off
   * clerks that never draw keeps no table of names.
   */
  incarnationOf(position: number): number {
    const at = this.incarnationAt;
    for (let p = at.length; p <= position; p++) {
      const name = this.started[p]!;
      const n = (this.startCounts.get(name) ?? 0) + 1;
      this.startCounts.set(name, n);
      at.push(n);
    }
    return at[position]!;
  }

  // ---- the driver ----

  /** Fires the next event; false when the queue is empty. */
  private fireNext(): boolean {
    const ev = this.queue.pop();
    if (ev === undefined) return false;
    this.events++;
    if (typeof ev === 'function') ev();
    else ev.fire(this.queue.lastTag);
    return true;
  }

  /**
   * Runs until `done()` holds (checked between events), the time limit
   * `untilUs` passes (the clock then stands at `untilUs`), or an error.
   * Throws SimError on deadlock (empty queue while not done), exhausted
   * budgets, or a failed task; any other exception from a node or the tester
   * propagates as it is.
   */
  run(done: () => boolean, untilUs = Infinity, quietIsDone = false): void {
    const limit = Math.min(untilUs, this.timeLimitUs);
    while (!done()) {
      if (this.failure) throw this.failure;
      const next = this.queue.peekTime();
      if (next === Infinity) {
        if (quietIsDone) break;
        if (untilUs !== Infinity && untilUs <= this.timeLimitUs) {
          this.queue.advanceTo(untilUs);
          break;
        }
        throw new SimError('deadlock', `deadlock at ${fmt(this.nowUs)}: no event left; ${this.pendingReason()}`);
      }
      if (next > limit) {
        if (limit === untilUs) {
          this.queue.advanceTo(untilUs);
          break;
        }
        throw new SimError('time-limit', `virtual-time limit of ${fmt(this.timeLimitUs)} reached; ${this.pendingReason()}`);
      }
      if (this.events >= this.eventBudget) {
        throw new SimError('event-budget', `event budget of ${this.eventBudget} events used up at ${fmt(this.nowUs)}; ${this.pendingReason()}`);
      }
      this.fireNext();
    }
    if (this.failure) throw this.failure;
  }

  /** Runs a task to completion and returns its result. */
  runTask<T>(name: string, co: Co<T>): T {
    const task = this.go(name, co);
    this.run(() => task.finished);
    if (task.status === 'failed') throw this.failure ?? task.error;
    return task.result as T;
  }

  /** Runs until no event is left (quiescence), within the limits. */
  runUntilQuiet(): void {
    this.run(() => false, Infinity, true);
  }

  /** Runs for `us` microseconds of virtual time. */
  runFor(us: number): void {
    const until = this.nowUs + us;
    this.run(() => false, until);
  }

  /** What is still outstanding, for error messages: each waiting task and its wait. */
  pendingReason(): string {
    const waiting = this.tasks.filter((t) => t.status === 'waiting');
    if (waiting.length === 0) return 'no task is waiting';
    const shown = waiting.slice(0, 6).map((t) => `${t.name} waits on ${t.waitingOn?.describe() ?? '?'}`);
    if (waiting.length > 6) shown.push(`and ${waiting.length - 6} more`);
    return shown.join('; ');
  }
}

function fmt(us: number): string {
  return `${(us / 1e6).toFixed(6)}s`;
}
