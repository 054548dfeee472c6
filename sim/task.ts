/**
 * Scenario tasks: the Go tests' goroutines, as generator coroutines resumed by
 * the kernel in virtual time.
 *
 * A task is a generator that yields `Wait` objects; the kernel parks it on the
 * wait, and resumes it through the event queue when the wait completes. Code
 * composes with `yield*`:
 *
 *     const leader = yield* c.checkOneLeader();
 *     yield* sleep(ms(500));
 *
 * Why generators and not async/await: resuming an async function goes through
 * the host's microtask queue, so the kernel cannot know when a woken task has
 * run up to its next await without a host timer to flush microtasks. A
 * generator runs synchronously up to its next yield, inside the event that
 * woke it: ordering is decided by the event queue alone, a whole run is one
 * synchronous call (it fits a synchronous fast-check property and a worker
 * thread), and a resume costs a function call instead of a promise job.
 */
/** Something a task can wait for. `park` arranges for `task` to be resumed later. */
export interface Wait {
  park(task: Task): void;
  /** What the task waits for, for deadlock reports ("sleep until 3.2s", "call clerk-2 get"). */
  describe(): string;
}

/** A coroutine: yields waits, returns T. */
export type Co<T = void> = Generator<Wait, T, unknown>;

/** The scheduler services a task needs; implemented by the world. */
export interface TaskHost {
  readonly nowUs: number;
  /** Schedules `fire` at time `atUs` (≥ now). */
  at(atUs: number, fire: () => void): void;
  /** Resumes `task` with `value` at the current time (after what is already due now). */
  wake(task: Task, value: unknown): void;
  /** Resumes `task` by throwing `error` into it at the current time. */
  wakeWithError(task: Task, error: unknown): void;
  /** A task ended by throwing: the run fails. */
  taskFailed(task: Task, error: unknown): void;
}

export type TaskStatus = 'ready' | 'waiting' | 'done' | 'failed';

export class Task<T = unknown> {
  status: TaskStatus = 'ready';
  result: T | undefined;
  error: unknown;
  /** What it waits for while status is 'waiting'. */
  waitingOn: Wait | null = null;
  private joiners: Task[] = [];

  constructor(
    readonly host: TaskHost,
    readonly name: string,
    private readonly gen: Co<T>,
  ) {}

  /** Runs the task until its next wait; `mode` 1 throws `value` into it. */
  step(value: unknown, mode: 0 | 1 = 0): void {
    if (this.status === 'done' || this.status === 'failed') return;
    this.status = 'ready';
    this.waitingOn = null;
    let r: IteratorResult<Wait, T>;
    try {
      r = mode === 0 ? this.gen.next(value) : this.gen.throw(value);
    } catch (e) {
      this.status = 'failed';
      this.error = e;
      this.finish();
      this.host.taskFailed(this, e);
      return;
    }
    if (r.done) {
      this.status = 'done';
      this.result = r.value;
      this.finish();
      return;
    }
    this.status = 'waiting';
    this.waitingOn = r.value;
    r.value.park(this);
  }

  private finish(): void {
    const joiners = this.joiners;
    this.joiners = [];
    for (const j of joiners) this.host.wake(j, undefined);
  }

  get finished(): boolean {
    return this.status === 'done' || this.status === 'failed';
  }

  /** Waits until this task ends and returns its result. */
  *join(): Co<T> {
    if (!this.finished) yield new JoinWait(this);
    return this.result as T;
  }

  /** @internal */
  addJoiner(task: Task): void {
    this.joiners.push(task);
  }
}

class JoinWait implements Wait {
  constructor(private readonly target: Task) {}
  park(task: Task): void {
    if (this.target.finished) task.host.wake(task, undefined);
    else this.target.addJoiner(task);
  }
  describe(): string {
    return `join ${this.target.name}`;
  }
}

class SleepWait implements Wait {
  private untilUs = 0;
  constructor(private readonly us: number) {}
  park(task: Task): void {
    this.untilUs = task.host.nowUs + this.us;
    task.host.at(this.untilUs, () => task.step(undefined));
  }
  describe(): string {
    return `sleep until ${(this.untilUs / 1e6).toFixed(6)}s`;
  }
}

/** Sleeps `us` microseconds of virtual time. */
export function* sleep(us: number): Co<void> {
  if (!Number.isFinite(us) || us < 0) throw new RangeError(`sleep needs a non-negative duration, got ${us}`);
  yield new SleepWait(Math.round(us));
}

/** Waits for every task and returns their results in order. */
export function* joinAll<T>(tasks: readonly Task<T>[]): Co<T[]> {
  const out: T[] = [];
  for (const t of tasks) out.push(yield* t.join());
  return out;
}

/**
 * A one-shot or repeatable notification: tasks wait until `notify()`. With a
 * timeout, `wait` returns false when the time ran out first.
 */
export class Signal {
  private waiters: { task: Task; done: boolean }[] = [];
  notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      if (w.done) continue;
      w.done = true;
      w.task.host.wake(w.task, true);
    }
  }
  *wait(timeoutUs?: number): Co<boolean> {
    return (yield new SignalWait(this, timeoutUs)) as boolean;
  }
  /** @internal */
  add(entry: { task: Task; done: boolean }): void {
    this.waiters.push(entry);
  }
}

class SignalWait implements Wait {
  constructor(
    private readonly signal: Signal,
    private readonly timeoutUs: number | undefined,
  ) {}
  park(task: Task): void {
    const entry = { task, done: false };
    this.signal.add(entry);
    if (this.timeoutUs !== undefined) {
      task.host.at(task.host.nowUs + this.timeoutUs, () => {
        if (entry.done) return;
        entry.done = true;
        task.step(false);
      });
    }
  }
  describe(): string {
    return this.timeoutUs === undefined ? 'signal' : `signal (timeout ${this.timeoutUs} µs)`;
  }
}

/** An unbounded FIFO channel between tasks (Go's buffered channel without a bound). */
export class Channel<T> {
  private readonly items: T[] = [];
  private head = 0;
  private readonly waiters: { task: Task; done: boolean }[] = [];
  private waiterHead = 0;

  constructor(readonly name = 'channel') {}

  get length(): number {
    return this.items.length - this.head;
  }

  send(value: T): void {
    while (this.waiterHead < this.waiters.length) {
      const w = this.waiters[this.waiterHead++]!;
      if (w.done) continue;
      w.done = true;
      w.task.host.wake(w.task, { ok: true, value });
      return;
    }
    this.items.push(value);
  }

  /** Takes the next value, waiting for one; with a timeout, `ok` is false when it ran out. */
  *recv(timeoutUs?: number): Co<{ ok: true; value: T } | { ok: false }> {
    if (this.head < this.items.length) {
      const value = this.items[this.head++]!;
      if (this.head === this.items.length) {
        this.items.length = 0;
        this.head = 0;
      }
      return { ok: true, value };
    }
    return (yield new RecvWait(this, timeoutUs)) as { ok: true; value: T } | { ok: false };
  }

  /** Takes the next value if there is one, without waiting. */
  tryRecv(): { ok: true; value: T } | { ok: false } {
    if (this.head >= this.items.length) return { ok: false };
    return { ok: true, value: this.items[this.head++]! };
  }

  /** @internal */
  addWaiter(entry: { task: Task; done: boolean }): void {
    this.waiters.push(entry);
  }
}

class RecvWait<T> implements Wait {
  constructor(
    private readonly channel: Channel<T>,
    private readonly timeoutUs: number | undefined,
  ) {}
  park(task: Task): void {
    const entry = { task, done: false };
    this.channel.addWaiter(entry);
    if (this.timeoutUs !== undefined) {
      task.host.at(task.host.nowUs + this.timeoutUs, () => {
        if (entry.done) return;
        entry.done = true;
        task.step({ ok: false });
      });
    }
  }
  describe(): string {
    return `receive on ${this.channel.name}`;
  }
}
