/**
 * Known-bug MapReduce coordinators, each the correct one with one piece
 * replaced, for scenarios that must catch them.
 */
import { coordinatorTiming, makeCoordinator } from '../../protocols/mapreduce/coordinator.ts';

/**
 * Gives up on a task after 1 s instead of 10 s and hands it out again: with
 * jobcount's 2–5 s maps, maps run twice and the job-count test sees more
 * than 8 executions.
 */
export const mrReissueAfter1s = makeCoordinator({ ...coordinatorTiming, taskTimeoutUs: 1_000_000 }, 'mrcoordinator-reissue-1s');
