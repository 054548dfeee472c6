/** Fault schedules as data, their swarm arbitrary, and the Raft harness that runs them. */
export * from './schedule.ts';
export { faultSchedule, type FaultScheduleOptions } from './arbitrary.ts';
export { RaftFaultCluster, RaftProgress, awaitProgress, runRaftSchedule } from './raft.ts';
