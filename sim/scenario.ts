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
import { Registry } from './registry.ts';
import type { Co } from './task.ts';
import type { TraceOptions, TraceRecord } from './trace.ts';
import { SimError, World } from './world.ts';
import { allowNondeterminism, installDeterminismTrap, NodeStepError } from './step-guard.ts';

/** Name patterns, for the CLI's lists (sim/registry.ts). */
export { matchNames } from './registry.ts';

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
   * A "sometimes" label (Antithesis, Stateright): declares `label`, and marks
   * it reached when `happened`. It is a coverage claim over many runs, not a
   * check: a run never fails for an unreached label (`run` notes it); a sweep
   * or property run counts the runs that reached each label and fails only
   * when none did. What the mirrored Go test asserts is a `check`.
   */
  sometimes(label: string, happened: boolean): void;
  /** Adds `n` to the run's counter `label` (statistics: fault kinds fired, …). */
  count(label: string, n?: number): void;
  /** The node definition to use for `role` (the user's via --impl, else `fallback`). */
  impl<T>(role: string, fallback: T): T;
  /** A warning: logged as "warning: …" and counted in the result (a pass with warnings says so). */
  warn(line: string): void;
  /** Adds lines to a failure's report, made when the run fails, at the moment it fails (a tester's table of its servers). */
  onFailure(report: () => readonly string[]): void;
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
  /** Receives the run's operation history in simlab's format (checkers/history/simlab.ts), from scenarios that record one, before it is checked. */
  readonly onHistory?: (history: string) => void;
  /** Lets node code call Math.random, Date.now, performance.now and host timers (they throw during a step otherwise); default: the process's setting (allowNondeterminism). */
  readonly allowNondeterminism?: boolean;
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
  /** The warnings the run logged (t.warn). */
  readonly warnings: readonly string[];
  /** A failed run's report lines (t.onFailure), made after its trace hash was taken. */
  readonly failureReport?: readonly string[];
  /** Every sometimes label the run declared, and whether it reached it (in declaration order). */
  readonly sometimes: Readonly<Record<string, boolean>>;
  /** The run's counters (t.count). */
  readonly counts: Readonly<Record<string, number>>;
  /** The world, for callers that inspect it after the run (traces, counters). */
  readonly world: World;
}

export const DEFAULT_TIME_LIMIT_US = 600_000_000;
export const DEFAULT_EVENT_BUDGET = 50_000_000;

const roles = new Map<string, string>();
const rolesAsked = new Map<string, number>();

/** Declares a role scenarios take a node for (`t.impl(role, …)`), so `--impl ROLE=FILE` can check ROLE. */
export function defineRole(name: string, description: string): void {
  roles.set(name, description);
}

/** The declared roles, by name, with what they are. */
export function knownRoles(): ReadonlyMap<string, string> {
  return roles;
}

/** How many times runs in this process have asked for `role` (t.impl): compare two readings to see whether some runs did. */
export function roleAsks(role: string): number {
  return rolesAsked.get(role) ?? 0;
}

/**
 * The scenario registry (sim/registry.ts): defineScenario registers one
 * (names unique), allScenarios lists them in registration order,
 * findScenario looks one up, matchScenarios takes a pattern (`*` within a
 * path segment, `**` across, a plain name or everything under it).
 */
export const {
  define: defineScenario,
  all: allScenarios,
  find: findScenario,
  match: matchScenarios,
} = new Registry<Scenario>('scenario', /^[a-z0-9][a-z0-9._/-]*$/i);

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
  const warnings: string[] = [];
  const reporters: (() => readonly string[])[] = [];
  const declared: Record<string, boolean> = {};
  const counts: Record<string, number> = {};
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
      declared[label] = declared[label] === true || happened;
    },
    count(label, n = 1) {
      counts[label] = (counts[label] ?? 0) + n;
    },
    impl<T>(role: string, fallback: T): T {
      rolesAsked.set(role, (rolesAsked.get(role) ?? 0) + 1);
      const chosen = options.impl?.[role];
      return chosen === undefined ? fallback : (chosen as T);
    },
    warn(line) {
      warnings.push(line);
      t.log(`warning: ${line}`);
    },
    onFailure(report) {
      reporters.push(report);
    },
  };
  let failure: ScenarioResult['failure'];
  let failedAt: number | undefined;
  installDeterminismTrap();
  const allowedBefore = options.allowNondeterminism === undefined ? undefined : allowNondeterminism(options.allowNondeterminism);
  try {
    world.runTask('main', s.run(t));
  } catch (e) {
    failure = classify(e);
    failedAt = failureRecord(e);
  } finally {
    if (allowedBefore !== undefined) allowNondeterminism(allowedBefore);
  }
  const traceHash = world.trace.hash;
  const events = world.events;
  return {
    name: s.name,
    seed: options.seed,
    passed: failure === undefined,
    ...(failure ? { failure, failureReport: failureReport(reporters) } : {}),
    ...(failedAt !== undefined ? { failedAt } : {}),
    virtualUs: world.nowUs,
    events,
    traceHash,
    log,
    warnings,
    sometimes: declared,
    counts,
    world,
  };
}

function failureRecord(e: unknown): number | undefined {
  const inner = e instanceof SimError && e.reason === 'task-failed' ? e.cause : e;
  return inner instanceof ScenarioFailure ? inner.atRecord : undefined;
}

/** The report lines of a failed run; a reporter that throws is named instead of hiding the failure. */
function failureReport(reporters: readonly (() => readonly string[])[]): string[] {
  const lines: string[] = [];
  for (const r of reporters) {
    try {
      lines.push(...r());
    } catch (e) {
      lines.push(`(the failure report could not be made: ${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return lines;
}

function classify(e: unknown): { kind: FailureKind; message: string } {
  const caught = e instanceof SimError && e.reason === 'task-failed' ? e.cause : e;
  // A tester's failure raised inside a node's step (by a hook the step called) is the tester's verdict, not a crash of the node.
  const wrapped = caught instanceof NodeStepError && caught.error instanceof ScenarioFailure;
  const inner = wrapped ? caught.error : caught;
  if (inner instanceof ScenarioFailure) {
    const message = !wrapped && e instanceof SimError && e.message !== inner.message ? e.message : inner.message;
    return { kind: inner.kind, message };
  }
  if (inner instanceof SimError) return { kind: inner.reason === 'task-failed' ? 'crash' : inner.reason, message: inner.message };
  const err = inner instanceof Error ? inner : new Error(String(inner));
  // Node code's own error: its message names the node, input and time; its place is the node code's first frame.
  const own = err instanceof NodeStepError ? err.error : err;
  const stack = own instanceof Error ? (own.stack ?? '') : '';
  const frames = stack.split('\n').slice(1).map((l) => l.trim()).filter((l) => l.startsWith('at '));
  const users = frames.filter((l) => !/dist\/simlab\.mjs|sim\/step-guard\.ts/.test(l));
  const where = (users.length > 0 ? users : frames).slice(0, 2).join(' ');
  const head = err instanceof NodeStepError ? err.message : `${err.constructor.name}: ${err.message}`;
  return { kind: 'crash', message: `${head}${where ? ` (${where})` : ''}` };
}

/** The labels a run declared but did not reach. */
export function unreached(sometimes: Readonly<Record<string, boolean>>): string[] {
  return Object.keys(sometimes).filter((label) => !sometimes[label]);
}

/** The command that replays a run (with the --impl choices it ran with). */
export function replayCommand(name: string, seed: number, impl: readonly string[] = []): string {
  return `npx simlab run ${name} --seed ${seed}${impl.map((i) => ` --impl ${i}`).join('')}`;
}
