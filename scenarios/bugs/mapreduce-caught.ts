/**
 * Which MapReduce scenario catches which known-bug node, and on which seed:
 * the table the caught-bug tests assert (each bug fails there, the correct
 * node passes the same seed).
 */
import type { NodeDef } from '../../sim/node.ts';
import { MR_COORDINATOR_ROLE, MR_WORKER_ROLE } from '../mr/tester.ts';
import { mrEarlyReduce, mrNonAtomicOutput, mrReissueAfter1s } from './mapreduce.ts';

export interface Catch {
  /** The known-bug node. */
  readonly bug: NodeDef<any, any>;
  /** The --impl role it replaces. */
  readonly role: string;
  readonly scenario: string;
  /** The first seed (1…100) on which the scenario fails with the bug. */
  readonly seed: number;
  /** What the failure message says. */
  readonly message: RegExp;
}

export const mapreduceCatches: readonly Catch[] = [
  {
    bug: mrReissueAfter1s,
    role: MR_COORDINATOR_ROLE,
    scenario: 'mr/job-count',
    seed: 1,
    message: /map jobs ran incorrect number of times: output \["a (9|1\d|2\d)"\]/,
  },
  {
    // mr/crash passes it (seeds 1–10 measured): the workers that find intermediate files missing exit like crashed ones.
    bug: mrEarlyReduce,
    role: MR_COORDINATOR_ROLE,
    scenario: 'mrx/crash-multikey',
    seed: 1,
    message: /^early-reduce: reduce task \d+ issued while map task\(s\) [\d, ]+ were not complete$/,
  },
  {
    // mr/crash passes it (seeds 1–10 measured): its reduces hold one key each, so nothing partial is ever written.
    bug: mrNonAtomicOutput,
    role: MR_WORKER_ROLE,
    scenario: 'mrx/crash-multikey',
    seed: 1,
    message: /^atomic-output: mr-out-\d+ is visible with \d+ of \d+ lines \(written by mrworker-\d+\)/,
  },
];
