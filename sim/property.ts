/**
 * Properties: "for every input an arbitrary generates, this run passes",
 * checked by fast-check, shrunk to a minimal failing input, and replayed bit
 * for bit. The registry is filled by scenarios/properties at import time;
 * the CLI (sim/cli/properties.ts, replay.ts, sweep.ts) only sees it.
 *
 * A property's input (for Raft: a fault schedule) is plain JSON; one run of
 * an input is a scenario run (runScenario) whose world seed comes from the
 * input itself, so the input alone replays the run. How inputs relate to
 * fast-check's seeds and paths:
 *
 * - `checkProperty(p, { seed: S, numRuns: N })` is fc.check with seed S:
 *   run k (0-based) tests the k-th input fast-check draws from S.
 * - A failure is reported as (S, path): the path's first number is the run
 *   index, the rest the shrink steps taken. `inputAt(p, S, path)` walks that
 *   path without running anything and returns the shrunk input.
 * - A sweep seed S is fc.check with seed S and one run: its input is
 *   `inputAt(p, S, "0")`; shrinking it is `checkProperty(p, { seed: S, numRuns: 1 })`.
 *
 * fast-check reads seeds as 32-bit integers (negative ones too).
 *
 * Shrinking keeps the failure: a smaller input counts as a counterexample
 * only when it fails the way the first failing run did — the same kind and
 * the same invariant (failureSignature). An input that fails otherwise (a
 * safety violation shrunk into a liveness failure) is a different bug and is
 * not taken.
 */
import fc from 'fast-check';
import { Registry } from './registry.ts';
import { runScenario, type RunOptions, type Scenario, type ScenarioContext, type ScenarioResult } from './scenario.ts';
import type { Co } from './task.ts';

export interface Property<T = unknown> {
  /** "prop/<system>/<what>", unique across properties and scenarios. */
  readonly name: string;
  readonly description: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Reads an input back from JSON (an artifact, a hand-edited file); throws an Error with one line when it is malformed. */
  fromJson(json: unknown): T;
  /** The input as plain JSON (fromJson(toJson(x)) runs exactly like x). */
  toJson(input: T): unknown;
  /** The input as JSON text laid out for people (continuation lines start with `indent`); JSON.stringify otherwise. */
  formatJson?(input: T, indent: string): string;
  /** The world seed an input runs with. */
  seedOf(input: T): number;
  /** The input's size as people count it (fault actions), shown beside a shrunk input. */
  sizeOf(input: T): number;
  /** Lines describing an input for people (its options, the swarm, the actions). */
  describe(input: T): string[];
  /** One run of one input, as a scenario body. */
  run(t: ScenarioContext, input: T): Co<void>;
  readonly timeLimitUs?: number;
  readonly eventBudget?: number;
}

/** The property registry (sim/registry.ts), read as the scenario registry is. */
const properties = new Registry<Property<any>>('property', /^prop\/[a-z0-9][a-z0-9._/-]*$/i, 'prop/… expected');
export const { all: allProperties, find: findProperty, match: matchProperties } = properties;

/** Registers a property (names unique, under prop/); typed by its input. */
export function defineProperty<T>(p: Property<T>): Property<T> {
  return properties.define(p);
}

/** One input as a scenario (named after the property), for runScenario and the determinism check. */
export function propertyScenario<T>(p: Property<T>, input: T): Scenario {
  return {
    name: p.name,
    description: p.description,
    ...(p.timeLimitUs !== undefined ? { timeLimitUs: p.timeLimitUs } : {}),
    ...(p.eventBudget !== undefined ? { eventBudget: p.eventBudget } : {}),
    run: (t) => p.run(t, input),
  };
}

/** Runs one input; never throws for a failing run. */
export function runInput<T>(p: Property<T>, input: T, options: Omit<RunOptions, 'seed'> = {}): ScenarioResult {
  return runScenario(propertyScenario(p, input), { ...options, seed: p.seedOf(input) });
}

/**
 * The invariant a failure names: checkers write "INVARIANT: details"
 * (leader-completeness: …, apply error: …), possibly behind a task's name
 * ("client: leader-completeness: …"). It is the last of the leading
 * ": "-separated parts made of letters, spaces and hyphens only; a message
 * that starts with anything else (a number, a node name: "no progress 10s
 * after healing: …", "node 2 handling …") names none.
 */
export function failureInvariant(message: string): string | undefined {
  let invariant: string | undefined;
  for (const part of message.split(': ').slice(0, -1)) {
    if (!/^[a-z][a-z -]*$/i.test(part)) break;
    invariant = part;
  }
  return invariant;
}

/** How a failure is told apart from another while shrinking: its kind and the invariant it names. */
export function failureSignature(failure: { readonly kind: string; readonly message: string }): string {
  const invariant = failureInvariant(failure.message);
  return invariant === undefined ? failure.kind : `${failure.kind} (${invariant})`;
}

/** What a run left behind, without the world (small enough to keep many). */
export type InputRun<T> = Omit<ScenarioResult, 'name' | 'seed' | 'world' | 'warnings'> & { readonly input: T };

function slim<T>(input: T, r: ScenarioResult): InputRun<T> {
  return {
    input,
    passed: r.passed,
    ...(r.failure ? { failure: r.failure } : {}),
    virtualUs: r.virtualUs,
    events: r.events,
    traceHash: r.traceHash,
    log: r.log,
    sometimes: r.sometimes,
    counts: r.counts,
  };
}

export interface CheckParams {
  /** fast-check's seed (32-bit). */
  readonly seed: number;
  /** Inputs to try (default 100). */
  readonly numRuns?: number;
  /** Start from this fast-check path (replays a reported failure). */
  readonly path?: string;
  /** Stop at the first failure without shrinking. */
  readonly endOnFailure?: boolean;
  /** Runs allowed for shrinking; once used up, the smallest failure so far is reported (default: no limit). */
  readonly maxShrinkRuns?: number;
  /** Asked before every run: once true, no more inputs are run (an interrupt) and the report says so. */
  readonly stop?: () => boolean;
}

export interface CheckHooks<T> {
  /** After every run: its number (1-based), whether it belongs to shrinking, and how it went. */
  onRun?(n: number, shrinking: boolean, run: InputRun<T>): void;
}

export interface CheckReport<T> {
  readonly property: string;
  readonly seed: number;
  readonly failed: boolean;
  /** Runs done before shrinking started: the 1-based number of the failing run, or every run when none failed. */
  readonly runsToFailure: number;
  /** Runs done while shrinking. */
  readonly shrinkRuns: number;
  /** Shrinking runs that failed otherwise than the first failing run (another kind or invariant), so were not taken. */
  readonly shrinkOtherFailures: number;
  /** Successful shrink steps (fast-check's numShrinks). */
  readonly numShrinks: number;
  /** Whether shrinking stopped at maxShrinkRuns rather than at a minimum. */
  readonly shrinkLimited: boolean;
  /** Whether `stop` ended the check early (before a failure, or while shrinking one). */
  readonly interrupted: boolean;
  /** The path to replay the reported failure (fast-check's counterexamplePath). */
  readonly path?: string;
  /** The first failing input and its run, before shrinking. */
  readonly original?: InputRun<T>;
  /** The shrunk failing input and its run. */
  readonly counterexample?: InputRun<T>;
}

/** One check's bookkeeping, shared by checkProperty and checkPropertyAsync: the predicate fast-check calls, and the report. */
function checkSession<T>(p: Property<T>, params: CheckParams, options: Omit<RunOptions, 'seed'>, hooks: CheckHooks<T>) {
  let runs = 0;
  let runsToFailure = 0;
  let shrinkRuns = 0;
  let otherFailures = 0;
  let limited = false;
  let interrupted = false;
  let original: InputRun<T> | undefined;
  let last: InputRun<T> | undefined;
  const maxShrink = params.maxShrinkRuns ?? Infinity;
  const predicate = (input: T): boolean => {
    const shrinking = original !== undefined;
    if (params.stop?.()) {
      interrupted = true;
      throw new fc.PreconditionFailure(true); // fast-check's own interrupt: no more runs; the smallest failure so far is reported
    }
    if (shrinking && shrinkRuns >= maxShrink) {
      limited = true;
      return true; // budget used up: report the smallest failure found so far
    }
    const run = slim(input, runInput(p, input, options));
    runs++;
    if (shrinking) shrinkRuns++;
    else runsToFailure = runs;
    hooks.onRun?.(runs, shrinking, run);
    if (run.passed) return true;
    if (!original) original = run;
    else if (failureSignature(run.failure!) !== failureSignature(original.failure!)) {
      otherFailures++;
      return true; // another failure than the one being shrunk: not a smaller counterexample of it
    }
    last = run;
    return false;
  };
  const fcParams = {
    seed: params.seed,
    numRuns: params.numRuns ?? 100,
    ...(params.path !== undefined ? { path: params.path } : {}),
    ...(params.endOnFailure ? { endOnFailure: true } : {}),
  };
  const report = (details: fc.RunDetails<[T]>): CheckReport<T> => {
    if (details.failed && details.errorInstance !== null && last === undefined) {
      throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
    }
    return {
      property: p.name,
      seed: params.seed,
      failed: details.failed && original !== undefined, // interrupted before any run, fast-check says failed
      runsToFailure,
      shrinkRuns,
      shrinkOtherFailures: otherFailures,
      numShrinks: details.numShrinks,
      shrinkLimited: limited,
      interrupted,
      ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
      ...(original ? { original } : {}),
      ...(last ? { counterexample: last } : {}),
    };
  };
  return { predicate, fcParams, report };
}

/**
 * fc.check over the property with synchronous runs. Keeps the first and the
 * last failing run (fast-check's counterexample is the last input that
 * failed while shrinking).
 */
export function checkProperty<T>(p: Property<T>, params: CheckParams, options: Omit<RunOptions, 'seed'> = {}, hooks: CheckHooks<T> = {}): CheckReport<T> {
  const s = checkSession(p, params, options, hooks);
  return s.report(fc.check(fc.property(p.arbitrary, s.predicate), s.fcParams));
}

/**
 * checkProperty, awaiting `between()` before every run, so that the caller's
 * event loop turns (the CLI sees a Ctrl-C and sets `params.stop`). The same
 * inputs in the same order as checkProperty.
 */
export async function checkPropertyAsync<T>(
  p: Property<T>,
  params: CheckParams,
  between: () => Promise<void>,
  options: Omit<RunOptions, 'seed'> = {},
  hooks: CheckHooks<T> = {},
): Promise<CheckReport<T>> {
  const s = checkSession(p, params, options, hooks);
  const property = fc.asyncProperty(p.arbitrary, async (input) => {
    await between();
    return s.predicate(input);
  });
  return s.report(await fc.check(property, s.fcParams));
}

/**
 * The input fast-check reached at `path` from `seed` (what a failure report
 * names), found by walking the path: nothing is run.
 */
export function inputAt<T>(p: Property<T>, seed: number, path: string): T {
  if (!/^\d+(:\d+)*$/.test(path)) throw new PathError(`a fast-check path looks like 12 or 12:0:3, got "${path}"`);
  let found: { value: T } | undefined;
  const details = fc.check(
    fc.property(p.arbitrary, (input) => {
      found = { value: input };
      return false;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (!found) throw new PathError(`fast-check could not follow path ${path} from seed ${seed}: ${String(details.errorInstance ?? 'no value')}`);
  return found.value;
}

export class PathError extends Error {}
