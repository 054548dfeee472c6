/**
 * Messages, configurations and constants of the MapReduce lab (6.5840 Lab 1)
 * as simlab nodes: one coordinator, any number of workers, a shared file
 * system. RPC methods (labrpc names, as in the Go skeleton's "Coordinator.X"):
 *
 *   Coordinator.RequestTask  args RequestTaskArgs  → reply TaskReply
 *   Coordinator.ReportTask   args ReportTaskArgs   → reply null
 *
 * Tester call on the coordinator: "done" (no args) → boolean, Go's Done().
 */

/** One intermediate pair, as the Go lab's mr.KeyValue{Key, Value}. */
export type KeyValue = readonly [key: string, value: string];

export type TaskKind = 'map' | 'reduce';

export interface CoordinatorConfig {
  /** Input file names; map task i reads files[i]. */
  readonly files: readonly string[];
  /** Number of reduce tasks (10 in the lab's tests). */
  readonly nReduce: number;
}

export interface WorkerConfig {
  /** A key of `mrApps` ("wc", "indexer", …). */
  readonly app: string;
  /** The worker process id: names marker files and app keys, like os.Getpid(). */
  readonly pid: number;
}

export interface RequestTaskArgs {
  readonly pid: number;
}

export type TaskReply =
  /** Run map task `task` over `file`, partitioning into `nReduce` intermediate files. */
  | { readonly kind: 'map'; readonly task: number; readonly file: string; readonly nReduce: number }
  /** Run reduce task `task` over mr-0-task … mr-(nMap-1)-task. */
  | { readonly kind: 'reduce'; readonly task: number; readonly nMap: number }
  /** Nothing to hand out now (every task is in progress): ask again after `retryAfterUs`. */
  | { readonly kind: 'wait'; readonly retryAfterUs: number }
  /** The job is complete: exit. */
  | { readonly kind: 'exit' };

export interface ReportTaskArgs {
  readonly pid: number;
  readonly kind: TaskKind;
  readonly task: number;
}

export const RequestTask = 'Coordinator.RequestTask';
export const ReportTask = 'Coordinator.ReportTask';

/** The tester's poll of the coordinator (Go's Done()). */
export const DoneCall = 'done';

/** Names of the files the job leaves in the shared file system. */
export const intermediateName = (mapTask: number, reduceTask: number): string => `mr-${mapTask}-${reduceTask}`;
export const outputName = (reduceTask: number): string => `mr-out-${reduceTask}`;
/**
 * Temporary names: unique per worker and task, and chosen so that no glob of
 * the tests matches them ("mr-out*", "mr-worker-*", mr-X-Y).
 */
export const tempName = (pid: number, kind: TaskKind, task: number, part: number): string =>
  `mr-tmp-${pid}-${kind}-${task}-${part}`;
