/**
 * Environment variables that set what the flags set, for CI matrices and
 * vitest runs (madsim's MADSIM_TEST_SEED / NUM / JOBS). A flag wins over its
 * variable; a bad value is a one-line usage error naming the variable.
 *
 *   SIMLAB_SEED               run/all: the seed; sweep: the first seed; prop: fast-check's seed ("random": a fresh one each time)
 *   SIMLAB_RUNS               prop: --runs; sweep: how many seeds, from SIMLAB_SEED (default 1)
 *   SIMLAB_WORKERS            sweep: --workers
 *   SIMLAB_CHECK_DETERMINISM  1: --check-determinism for run, sweep and replay (0 or unset: off)
 *
 * The vitest helpers at the end read the same variables, so
 * `SIMLAB_SEED=5000 SIMLAB_RUNS=50 npx vitest run scenarios/raft` runs the
 * Raft scenarios over seeds 5000..5049 and the properties with seed 5000.
 */
import { randomInt } from 'node:crypto';
import { Coverage } from '../coverage.ts';
import { SEED_MAX } from '../prng.ts';
import { runScenario, type RunOptions, type Scenario, type ScenarioResult } from '../scenario.ts';
import { UsageError } from './args.ts';

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return Number(v);
}

/** SIMLAB_SEED as a world seed (run, all, sweep, testSeeds); "random" draws one (the output names the seed). */
export function envSeed(env: Env = process.env): number | undefined {
  return value(env, 'SIMLAB_SEED') === 'random' ? randomFcSeed() : int(env, 'SIMLAB_SEED', 0, SEED_MAX);
}

/** SIMLAB_SEED as given (prop reads it as fast-check's seed, "random" included). */
export function envFcSeed(env: Env = process.env): string | undefined {
  return value(env, 'SIMLAB_SEED');
}

export function envRuns(env: Env = process.env): number | undefined {
  return int(env, 'SIMLAB_RUNS', 1, 10_000_000);
}

export function envWorkers(env: Env = process.env): number | undefined {
  return int(env, 'SIMLAB_WORKERS', 1, 1024);
}

export function envDeterminism(env: Env = process.env): boolean {
  const v = value(env, 'SIMLAB_CHECK_DETERMINISM');
  if (v === undefined || v === '0') return false;
  if (v === '1') return true;
  throw new UsageError(`SIMLAB_CHECK_DETERMINISM must be 1 or 0, got "${v}"`);
}

/** A fresh fast-check seed (a non-negative 32-bit integer). */
export function randomFcSeed(): number {
  return randomInt(0, 2 ** 31);
}

// ---- vitest helpers ----

/** The seeds a test loops over: SIMLAB_RUNS seeds from SIMLAB_SEED when either is set, else `defaults`. */
export function testSeeds(defaults: readonly number[], env: Env = process.env): number[] {
  const first = envSeed(env);
  const runs = envRuns(env);
  if (first === undefined && runs === undefined) return [...defaults];
  return Array.from({ length: runs ?? defaults.length }, (_, i) => (first ?? 1) + i);
}

/** fast-check's seed and number of runs for a test: SIMLAB_SEED ("random" too) and SIMLAB_RUNS override `defaults`. */
export function testFcParams(defaults: { seed: number; numRuns: number }, env: Env = process.env): { seed: number; numRuns: number } {
  const raw = envFcSeed(env);
  let seed = defaults.seed;
  if (raw === 'random') seed = randomFcSeed();
  else if (raw !== undefined) {
    if (!/^-?\d{1,10}$/.test(raw)) throw new UsageError(`SIMLAB_SEED must be an integer or "random", got "${raw}"`);
    seed = Number(raw);
  }
  return { seed, numRuns: envRuns(env) ?? defaults.numRuns };
}

/**
 * runScenario for a test; with SIMLAB_CHECK_DETERMINISM=1 it runs twice and
 * turns a trace difference into a failure of kind 'crash' naming both hashes.
 */
export function testRun(s: Scenario, options: RunOptions, env: Env = process.env): ScenarioResult {
  const r = runScenario(s, options);
  if (!envDeterminism(env)) return r;
  const again = runScenario(s, options);
  if (again.traceHash === r.traceHash) return r;
  return { ...r, passed: false, failure: { kind: 'crash', message: `not deterministic: seed ${options.seed} ran with trace ${r.traceHash}, then ${again.traceHash}` } };
}

/**
 * A scenario over `seeds` (a test's testSeeds), as a sweep judges it: the
 * failing runs, and the sometimes labels no run reached — empty when the
 * scenario passes (a passing run longer than `maxVirtualUs` counts as failing). For
 * `expect(testSweep(s, testSeeds([1, 2, 3]))).toEqual({ failures: [], neverReached: [] })`.
 */
export function testSweep(
  s: Scenario,
  seeds: readonly number[],
  options: Omit<RunOptions, 'seed'> = {},
  maxVirtualUs = Infinity,
): { failures: string[]; neverReached: string[] } {
  const coverage = new Coverage();
  const failures: string[] = [];
  for (const seed of seeds) {
    const r = testRun(s, { ...options, seed });
    coverage.add(s.name, r.sometimes);
    if (!r.passed) failures.push(`seed ${seed}: ${r.failure!.kind}: ${r.failure!.message}`);
    else if (r.virtualUs > maxVirtualUs) failures.push(`seed ${seed}: took ${r.virtualUs} µs`);
  }
  return { failures, neverReached: coverage.neverReached().map((n) => n.label) };
}
