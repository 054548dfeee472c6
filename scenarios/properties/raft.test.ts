/**
 * The Raft property as a vitest user writes it, with @fast-check/vitest's
 * test.prop (the one file that imports it: its import is slow, and with
 * isolate: false it is paid once). A failure is reported by fast-check as
 * { seed, path }, followed (replayReporter) by the command
 * `npx simlab replay --seed S --path P prop/raft/safety` that runs that very
 * schedule again. SIMLAB_SEED (a number or "random") and
 * SIMLAB_RUNS override the seed and the number of schedules.
 */
import { test } from '@fast-check/vitest';
import { testFcParams } from '../../sim/cli/env.ts';
import { runInput } from '../../sim/property.ts';
import { replayReporter } from '../../sim/replay-reporter.ts';
import { describeSchedule } from '../faults/schedule.ts';
import { raftSafety, raftSafety5 } from './raft.ts';

test.prop([raftSafety.arbitrary], { ...testFcParams({ numRuns: 150, seed: 2024 }), reporter: replayReporter(raftSafety) })('the correct Raft keeps its invariants and makes progress under any schedule (3 servers)', (schedule) => {
  const r = runInput(raftSafety, schedule);
  if (!r.passed) throw new Error(`${r.failure!.kind}: ${r.failure!.message}\n${describeSchedule(schedule).join('\n')}`);
});

test.prop([raftSafety5.arbitrary], { ...testFcParams({ numRuns: 60, seed: 2024 }), reporter: replayReporter(raftSafety5) })('the correct Raft keeps its invariants and makes progress under any schedule (5 servers)', (schedule) => {
  const r = runInput(raftSafety5, schedule);
  if (!r.passed) throw new Error(`${r.failure!.kind}: ${r.failure!.message}\n${describeSchedule(schedule).join('\n')}`);
});
