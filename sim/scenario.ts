/**
 * Scenarios: named, seeded tests that build a world, drive it in virtual
 * time and assert, like the Go tests they mirror. A scenario is a generator
 * (see sim/task.ts) given a context `t`:
 *
 *     defineScenario({
 *       name: 'raft/3A/initial-election',
 *       description: 'one leader is elected, terms stay stable',
 *       *run(t) {
 *         const c = makeConfig(t, 3, false, false); // scenarios/raft/config.ts
 *         yield* c.checkOneLeader();
 *       },
 *     });
 *
 * The registry is filled by the modules under scenarios/ at import time; the
 * kernel and the CLI only ever see the registry.
 */
import type { Prng } from './prng.ts';
import type { Co } from './task.ts';
import type { TraceOptions, TraceRecord } from './trace.ts';
import { SimError, World } from './world.ts';

/** How a run failed: an assertion of the test, a checker's safety verdict, missing progress, an exception in node code, or a kernel stop. */
export type FailureKind = 'assertion' | 'safety' | 'liveness' | 'crash' | 'deadlock' | 'time-limit' | 'event-budget';

/** A failure raised by scenario code (t.fail) or a checker, with its kind. */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind = 'assertion',
    /** The trace index of the record where it went wrong, when a checker knows it. */
    readonly atRecord?: number,
  ) {
    super(message);
  }
}

export interface ScenarioContext {
  readonly world: World;
  readonly seed: number;
  /** The test's own random stream (the Go test's rand). */
  readonly rng: Prng;
  /** Implementations chosen by the user (`--impl`), by role; see `impl()`. */
  readonly options: RunOptions;
  /** A line for the scenario log (shown with a failure, and with --verbose). */
  log(line: string): void;
  /** Fails the scenario now (`atRecord`: the trace index of the record where it went wrong, when known). */
  fail(message: string, kind?: FailureKind, atRecord?: number): never;
  /** Fails unless `condition` holds. */
  check(condition: boolean, message: string | (() => string)): void;
  /**
   * A "sometimes" property: declares `label`, and marks it reached when
   * `happened`. A scenario that ends with a declared label never reached fails,
   * so a run that exercised nothing cannot pass.
   */
  sometimes(label: string, happened: boolean): void;
  /** The node definition to use for `role` (the user's via --impl, else `fallback`). */
  impl<T>(role: string, fallback: T): T;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Hard stop in virtual time (µs); the default covers the Go tests' 120 s limit with room. */
  readonly timeLimitUs?: number;
  /** Hard stop in events. */
  readonly eventBudget?: number;
  run(t: ScenarioContext): Co<void>;
}

export interface RunOptions {
  readonly seed: number;
  readonly trace?: TraceOptions;
  /** Node implementations by role, overriding the scenario's defaults ("raft" → a NodeDef). */
  readonly impl?: Readonly<Record<string, unknown>>;
  /** Sees every trace record as it happens (turns record building on). */
  readonly onRecord?: (r: TraceRecord) => void;
  /** Receives log lines as they are written. */
  readonly onLog?: (line: string) => void;
}

export interface ScenarioResult {
  readonly name: string;
  readonly seed: number;
  readonly passed: boolean;
  readonly failure?: { readonly kind: FailureKind; readonly message: string };
  /** The trace index of the record the failure names (a checker's first bad record), when it names one. */
  readonly failedAt?: number;
  readonly virtualUs: number;
  readonly events: number;
  readonly traceHash: string;
  readonly log: readonly string[];
  /** The world, for callers that inspect it after the run (traces, counters). */
  readonly world: World;
}

const registry = new Map<string, Scenario>();

export const DEFAULT_TIME_LIMIT_US = 600_000_000;
export const DEFAULT_EVENT_BUDGET = 50_000_000;

/** Registers a scenario; names are unique. */
export function defineScenario(s: Scenario): Scenario {
  if (registry.has(s.name)) throw new Error(`a scenario named ${s.name} is already registered`);
  if (!/^[a-z0-9][a-z0-9._/-]*$/i.test(s.name)) throw new Error(`bad scenario name "${s.name}"`);
  registry.set(s.name, s);
  return s;
}

/** Every registered scenario, in registration order. */
export function allScenarios(): Scenario[] {
  return [...registry.values()];
}

export function findScenario(name: string): Scenario | undefined {
  return registry.get(name);
}

/**
 * Scenarios whose names match a pattern: `*` matches within one path
 * segment, `**` across segments, and a pattern without wildcards matches
 * the name itself or everything under it (`raft/3A`).
 */
export function matchScenarios(pattern: string): Scenario[] {
  return matchNames(pattern, allScenarios());
}

/**
 * The items whose `name` matches `pattern`: `*` within one path segment,
 * `**` across segments; without wildcards, the name itself or everything
 * under it. Shared by the scenario and property registries.
 */
export function matchNames<T extends { readonly name: string }>(pattern: string, items: readonly T[]): T[] {
  if (!/[*?]/.test(pattern)) {
    const exact = items.find((x) => x.name === pattern);
    if (exact) return [exact];
    const prefix = pattern.endsWith('/') ? pattern : pattern + '/';
    return items.filter((x) => x.name.startsWith(prefix));
  }
  const re = new RegExp(
    '^' +
      pattern
        .split('**')
        .map((part) =>
          part
            .split('*')
            .map((p) => p.replace(/[.+^${}()|[\]\\?]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('.*') +
      '$',
  );
  return items.filter((x) => re.test(x.name));
}

/** Runs one scenario for one seed. Never throws for a failing run: the result says why. */
export function runScenario(s: Scenario, options: RunOptions): ScenarioResult {
  const world = new World({
    seed: options.seed,
    trace: options.onRecord ? { ...options.trace, records: options.trace?.records ?? false } : options.trace,
    timeLimitUs: s.timeLimitUs ?? DEFAULT_TIME_LIMIT_US,
    eventBudget: s.eventBudget ?? DEFAULT_EVENT_BUDGET,
  });
  if (options.onRecord) world.trace.addListener(options.onRecord);
  const log: string[] = [];
  const declared = new Map<string, boolean>();
  const t: ScenarioContext = {
    world,
    seed: options.seed,
    rng: world.fork('test'),
    options,
    log(line) {
      const stamped = `${(world.nowUs / 1e6).toFixed(3)}s ${line}`;
      log.push(stamped);
      options.onLog?.(stamped);
    },
    fail(message, kind = 'assertion', atRecord) {
      throw new ScenarioFailure(message, kind, atRecord);
    },
    check(condition, message) {
      if (!condition) throw new ScenarioFailure(typeof message === 'function' ? message() : message);
    },
    sometimes(label, happened) {
      if (happened) declared.set(label, true);
      else if (!declared.has(label)) declared.set(label, false);
    },
    impl<T>(role: string, fallback: T): T {
      const chosen = options.impl?.[role];
      return chosen === undefined ? fallback : (chosen as T);
    },
  };
  let failure: ScenarioResult['failure'];
  let failedAt: number | undefined;
  try {
    world.runTask('main', s.run(t));
    const missed = [...declared].filter(([, reached]) => !reached).map(([label]) => label);
    if (missed.length > 0) failure = { kind: 'liveness', message: `never happened: ${missed.join(', ')}` };
  } catch (e) {
    failure = classify(e);
    failedAt = failureRecord(e);
  }
  return {
    name: s.name,
    seed: options.seed,
    passed: failure === undefined,
    ...(failure ? { failure } : {}),
    ...(failedAt !== undefined ? { failedAt } : {}),
    virtualUs: world.nowUs,
    events: world.events,
    traceHash: world.trace.hash,
    log,
    world,
  };
}

function failureRecord(e: unknown): number | undefined {
  const inner = e instanceof SimError && e.reason === 'task-failed' ? e.cause : e;
  return inner instanceof ScenarioFailure ? inner.atRecord : undefined;
}

function classify(e: unknown): { kind: FailureKind; message: string } {
  const inner = e instanceof SimError && e.reason === 'task-failed' ? e.cause : e;
  if (inner instanceof ScenarioFailure) {
    const message = e instanceof SimError && e.message !== inner.message ? e.message : inner.message;
    return { kind: inner.kind, message };
  }
  if (inner instanceof SimError) return { kind: inner.reason === 'task-failed' ? 'crash' : inner.reason, message: inner.message };
  const err = inner instanceof Error ? inner : new Error(String(inner));
  const where = err.stack?.split('\n').slice(1, 3).map((l) => l.trim()).join(' ') ?? '';
  return { kind: 'crash', message: `${err.constructor.name}: ${err.message}${where ? ` (${where})` : ''}` };
}

/** The command that replays a run (with the --impl choices it ran with). */
export function replayCommand(name: string, seed: number, impl: readonly string[] = []): string {
  return `npx simlab run ${name} --seed ${seed}${impl.map((i) => ` --impl ${i}`).join('')}`;
}
