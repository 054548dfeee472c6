/** MapReduce (6.5840 Lab 1): coordinator and worker nodes, the test apps, the sequential reference. */
export * from './types.ts';
export { ihash, partitionOf, compareUtf8, fnv1a32Utf8 } from './ihash.ts';
export { mrApps, splitWords, formatSecondsTenths, type MrApp, type AppContext, type AppOutcome, type FsEffect } from './apps.ts';
export { stepTask, taskMachine, IllegalTaskTransition, type TaskStatus, type TaskEvent } from './task.ts';
export {
  makeCoordinator,
  mrCoordinator,
  coordinatorTiming,
  isJobDone,
  timeoutTimerName,
  type CoordinatorTiming,
  type CoordinatorState,
  type TaskRecord,
} from './coordinator.ts';
export { mrWorker, readPartition, groupInto, sortedGroups, workTimer, pollTimer, type WorkerState, type WorkerPhase, type ReduceGroup } from './worker.ts';
export { runSequential, sortedNonEmptyLines, sortedOutputs, type InputFile } from './sequential.ts';
export { describeMr } from './describe.ts';
