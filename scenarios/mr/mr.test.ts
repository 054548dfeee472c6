import { describe, expect, it } from 'vitest';
import type { NodeDef, Output } from '../../sim/node.ts';
import { findScenario, runScenario, type RunOptions } from '../../sim/scenario.ts';
import { makeCoordinator, coordinatorTiming, mrCoordinator } from '../../protocols/mapreduce/coordinator.ts';
import { RequestTask, type TaskReply } from '../../protocols/mapreduce/types.ts';
import { mrWorker, type WorkerState } from '../../protocols/mapreduce/worker.ts';
import { testSeeds, testSweep } from '../../sim/cli/env.ts';
import './index.ts';
import { MR_COORDINATOR_ROLE, MR_WORKER_ROLE } from './tester.ts';

const NAMES = ['mr/wc', 'mr/indexer', 'mr/map-parallelism', 'mr/reduce-parallelism', 'mr/job-count', 'mr/early-exit', 'mr/crash'];

function run(name: string, options: RunOptions) {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return runScenario(s, options);
}

/** mrWorker with its outputs rewritten after each step. */
function patchedWorker(name: string, patch: (outputs: readonly Output[], state: WorkerState) => Output[]): NodeDef<WorkerState, unknown> {
  return {
    ...mrWorker,
    name,
    step(state, input, ctx) {
      const r = mrWorker.step(state, input, ctx);
      return { state: r.state, outputs: patch(r.outputs, r.state) };
    },
  } as NodeDef<WorkerState, unknown>;
}

const SEEDS = testSeeds([1, 2]); // SIMLAB_SEED / SIMLAB_RUNS choose others

describe('mr scenarios', () => {
  it.each(NAMES)(`%s passes seeds ${SEEDS.join(', ')}, reaching each sometimes label`, (name) => {
    expect(testSweep(findScenario(name)!, SEEDS)).toEqual({ failures: [], neverReached: [] });
  });

  it('are deterministic: the same seed gives the same trace hash, another seed another', () => {
    const a = run('mr/crash', { seed: 5 });
    const b = run('mr/crash', { seed: 5 });
    const c = run('mr/crash', { seed: 6 });
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.virtualUs).toBe(b.virtualUs);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('mr/crash replaces crashed workers by the loops, as the script does', () => {
    const r = run('mr/crash', { seed: 3 });
    expect(r.passed).toBe(true);
    const line = r.log.find((l) => l.includes('crash: '))!;
    const [, workers, crashed, restarts] = /(\d+) workers, (\d+) crashed, (\d+) restarted/.exec(line)!.map(Number);
    expect(crashed).toBeGreaterThan(0);
    expect(restarts).toBeGreaterThan(0);
    expect(workers).toBe(1 + 3 + restarts!); // the bg worker, the loops' first workers, their restarts
  });
});

describe('the mr tester catches what test-mr.sh catches', () => {
  it('wc: a coordinator that says Done at once fails (outputs not final when it exits)', () => {
    const hasty: typeof mrCoordinator = {
      ...mrCoordinator,
      step(s, input, ctx) {
        if (input.kind === 'call') return { state: s, outputs: [{ kind: 'return', callId: input.callId, value: true }] };
        return mrCoordinator.step(s, input, ctx);
      },
    };
    const r = run('mr/wc', { seed: 1, impl: { [MR_COORDINATOR_ROLE]: hasty } });
    expect(r.passed).toBe(false);
    expect(r.failure!.message).toMatch(/^wc output is not the same as mr-correct-wc\.txt when the coordinator exited: line 1:/);
  });

  it('early-exit: a worker that exits when told to wait exits before the slow reduces end', () => {
    const impatient = patchedWorker('mrworker-exits-on-wait', (outputs) => {
      const waiting = outputs.find((o) => o.kind === 'setTimer' && o.name === 'poll');
      return waiting ? [{ kind: 'exit', code: 0 }] : [...outputs];
    });
    const r = run('mr/early-exit', { seed: 1, impl: { [MR_WORKER_ROLE]: impatient } });
    expect(r.passed).toBe(false);
    expect(r.failure!.message).toMatch(/^output changed after the first process exited: line \d+: expected "pg-/);
    expect(run('mr/early-exit', { seed: 1 }).passed).toBe(true);
  });

  it("a worker that never exits is stopped by the script's 45 s timeout", () => {
    const immortal = patchedWorker('mrworker-immortal', (outputs) => outputs.filter((o) => o.kind !== 'exit'));
    const r = run('mr/indexer', { seed: 1, impl: { [MR_WORKER_ROLE]: immortal } });
    expect(r.failure).toEqual({ kind: 'liveness', message: expect.stringMatching(/^mrworker-\d+ still running 45 s after it started/) });
    expect(r.virtualUs).toBe(46_000_000); // started at 1 s
  });

  it('crash: a coordinator that never re-issues a lost task hits the 120 s limit', () => {
    const patient = makeCoordinator({ ...coordinatorTiming, taskTimeoutUs: 3_600_000_000 }, 'mrcoordinator-never-reissues');
    const r = run('mr/crash', { seed: 1, impl: { [MR_COORDINATOR_ROLE]: patient } });
    expect(r.failure).toEqual({ kind: 'liveness', message: expect.stringMatching(/still running 120 s after it started/) });
  });

  it('map-parallelism: a coordinator that gives out one task at a time fails the parallelism check', () => {
    const serial: typeof mrCoordinator = {
      ...mrCoordinator,
      step(s, input, ctx) {
        const busy = [...s.maps, ...s.reduces].some((task) => task.status === 'inProgress');
        if (busy && input.kind === 'request' && input.method === RequestTask) {
          const wait: TaskReply = { kind: 'wait', retryAfterUs: 200_000 };
          return { state: s, outputs: [{ kind: 'reply', reqId: input.reqId, reply: wait }] };
        }
        return mrCoordinator.step(s, input, ctx);
      },
    };
    const r = run('mr/map-parallelism', { seed: 1, impl: { [MR_COORDINATOR_ROLE]: serial } });
    expect(r.passed).toBe(false);
    expect(r.failure!.message).toMatch(/^map workers did not run in parallel: no "parallel-" line with " 2"/);
  });
});
