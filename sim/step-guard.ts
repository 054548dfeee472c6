/**
 * What guards a node's step: an exception in node code is rethrown naming the
 * node, what it was handling and when ("node 2 handling request
 * Raft.AppendEntries at 1.027523s"); and while a step runs, the host's
 * sources of nondeterminism (Math.random, Date.now, new Date(), performance.now,
 * host timers) throw, telling the author to use ctx.rng and ctx.nowUs. The host
 * (sim/host.ts) brackets each step with enterStep/leaveStep; runScenario
 * installs the trap and says whether a run allows them.
 */
import type { Input } from './node.ts';

const ADVICE = 'use ctx.rng / ctx.nowUs: node code must be deterministic';

/** An exception thrown by node code, with the node, its input and the virtual time. */
export class NodeStepError extends Error {
  constructor(
    readonly node: string,
    readonly handling: string,
    readonly atUs: number,
    readonly error: unknown,
  ) {
    const inner = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    super(`node ${node} handling ${handling} at ${(atUs / 1e6).toFixed(6)}s: ${inner}`);
  }
}

/** A source of nondeterminism used during a step. */
export class NondeterminismError extends Error {}

/** "request Raft.AppendEntries", "response to Raft.RequestVote", "timer election", "call start". */
export function describeInput(input: Input | undefined): string {
  if (input === undefined) return 'init';
  switch (input.kind) {
    case 'request':
      return `request ${input.method}`;
    case 'response':
      return `response to ${input.method}${input.ok ? '' : ' (failed)'}`;
    case 'timer':
      return `timer ${input.name}`;
    case 'call':
      return `call ${input.method}`;
  }
}

/** The error a step threw, with its context (a nested step's error keeps the innermost context). */
export function stepFailed(error: unknown, node: string, input: Input | undefined, atUs: number): unknown {
  if (error instanceof NodeStepError) return error;
  return new NodeStepError(node, describeInput(input), atUs, error);
}

let depth = 0;
let allowed = false;
let installed = false;

/** @internal The host calls this as a step starts. */
export function enterStep(): void {
  depth++;
}

/** @internal …and this as it ends, however it ends. */
export function leaveStep(): void {
  depth--;
}

/** Whether node code may use the host's clocks, randomness and timers; returns the previous setting. */
export function allowNondeterminism(on: boolean): boolean {
  const before = allowed;
  allowed = on;
  return before;
}

export function nondeterminismAllowed(): boolean {
  return allowed;
}

/** Replaces the host's nondeterministic functions with ones that throw during a step (once per process). */
export function installDeterminismTrap(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as Record<string, Record<string, unknown>>;
  const targets: [Record<string, unknown>, string, string][] = [
    [g.Math!, 'random', 'Math.random()'],
    [g.Date!, 'now', 'Date.now()'],
    [g.performance!, 'now', 'performance.now()'],
    [g, 'setTimeout', 'setTimeout'],
    [g, 'setInterval', 'setInterval'],
    [g, 'setImmediate', 'setImmediate'],
  ];
  for (const [owner, key, label] of targets) {
    const original = owner[key];
    if (typeof original !== 'function') continue;
    const guarded = function (this: unknown, ...args: unknown[]) {
      guardClock(label);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    for (const sym of Object.getOwnPropertySymbols(original)) (guarded as unknown as Record<symbol, unknown>)[sym] = (original as unknown as Record<symbol, unknown>)[sym];
    owner[key] = guarded;
  }
  // `new Date()` and `Date()` read the host's clock too; `new Date(ms)` and the
  // statics (Date.UTC, Date.parse, the guarded Date.now) stay as they were.
  const OriginalDate = g.Date as unknown as DateConstructor;
  (g as Record<string, unknown>).Date = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) guardClock('new Date()');
      return Reflect.construct(target, args, newTarget);
    },
    apply(target, thisArg, args) {
      guardClock('Date()');
      return Reflect.apply(target, thisArg, args);
    },
  });
}

function guardClock(label: string): void {
  if (depth > 0 && !allowed) throw new NondeterminismError(`${label} during a step: ${ADVICE} (--allow-nondeterminism allows it)`);
}
