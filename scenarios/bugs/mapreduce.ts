/**
 * Known-bug MapReduce nodes, each the correct one with one piece replaced,
 * for scenarios that must catch them.
 */
import { coordinatorTiming, makeCoordinator, type CoordinatorState } from '../../protocols/mapreduce/coordinator.ts';
import { outputName, RequestTask, tempName, type WorkerConfig } from '../../protocols/mapreduce/types.ts';
import { mrWorker, type WorkerState } from '../../protocols/mapreduce/worker.ts';
import type { NodeDef, Output } from '../../sim/node.ts';

/**
 * Gives up on a task after 1 s instead of 10 s and hands it out again: with
 * jobcount's 2–5 s maps, maps run twice and the job-count test sees more
 * than 8 executions.
 */
export const mrReissueAfter1s = makeCoordinator({ ...coordinatorTiming, taskTimeoutUs: 1_000_000 }, 'mrcoordinator-reissue-1s');

const correctCoordinator = makeCoordinator();

/**
 * Hands out a reduce task as soon as no map task is idle, while maps are
 * still running ("kind = an idle map ? map : reduce"): a reduce then misses
 * intermediate files. The correct worker gives up on such a task (exit 1),
 * which the crash test's loops cannot tell from an app crash.
 */
export const mrEarlyReduce: NodeDef<CoordinatorState, Parameters<typeof correctCoordinator.init>[0]> = {
  ...correctCoordinator,
  name: 'mrcoordinator-early-reduce',
  step(s, input, ctx) {
    const early = input.kind === 'request' && input.method === RequestTask && s.mapsLeft > 0 && !s.maps.some((m) => m.status === 'idle');
    if (!early) return correctCoordinator.step(s, input, ctx);
    const next = correctCoordinator.step({ ...s, mapsLeft: 0 }, input, ctx); // pick a reduce as if the maps were done
    return { ...next, state: { ...next.state, mapsLeft: s.mapsLeft } };
  },
};

/**
 * Writes a reduce's output straight into mr-out-Y as it goes (where the
 * correct worker writes a temporary file and renames it when the reduce is
 * complete): a worker that stalls or dies between two keys leaves a partial
 * mr-out-Y visible. With one key per reduce (test-mr.sh's crash app) there
 * is never anything partial to see.
 */
export const mrNonAtomicOutput: NodeDef<WorkerState, WorkerConfig> = {
  ...mrWorker,
  name: 'mrworker-non-atomic-output',
  step(s, input, ctx) {
    const next = mrWorker.step(s, input, ctx);
    return { ...next, outputs: inPlace(next.state, next.outputs) };
  },
};

/** The outputs with the reduce's temporary file replaced by its mr-out-Y, and the final rename dropped. */
function inPlace(s: WorkerState, outputs: readonly Output[]): Output[] {
  const result: Output[] = [];
  for (const o of outputs) {
    const task = o.kind === 'writeFile' ? reduceTaskOfTemp(s.pid, o.name) : undefined;
    if (o.kind === 'writeFile' && task !== undefined) result.push({ ...o, name: outputName(task) });
    else if (!(o.kind === 'rename' && o.to.startsWith('mr-out-'))) result.push(o);
  }
  return result;
}

function reduceTaskOfTemp(pid: number, name: string): number | undefined {
  const m = /^mr-tmp-\d+-reduce-(\d+)-0$/.exec(name);
  return m && name === tempName(pid, 'reduce', Number(m[1]), 0) ? Number(m[1]) : undefined;
}
