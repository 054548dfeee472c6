/**
 * The MapReduce coordinator (Go's mr.Coordinator): one map task per input
 * file, `nReduce` reduce tasks handed out only once every map is done, a task
 * not reported within `taskTimeoutUs` handed out again. It never runs a task
 * twice otherwise: the job-count test counts map executions.
 */
import { Out, type Input, type NodeDef, type Step, type StepContext } from '../../sim/contract.ts';
import { describeMr } from './describe.ts';
import { stepTask, type TaskEvent, type TaskStatus } from './task.ts';
import {
  DoneCall,
  ReportTask,
  RequestTask,
  type CoordinatorConfig,
  type ReportTaskArgs,
  type RequestTaskArgs,
  type TaskKind,
  type TaskReply,
} from './types.ts';

export interface CoordinatorTiming {
  /** A task not reported this long after it was handed out goes back to idle (the lab page's 10 s). */
  readonly taskTimeoutUs: number;
  /**
   * How long a worker that found nothing to do waits before asking again.
   * 200 ms: a freed or re-issued task waits at most that for a worker, small
   * next to the 1 s granularity of the tests' tasks and their 1 s Done() poll,
   * while an idle worker costs only 5 RPCs per second.
   */
  readonly retryAfterUs: number;
}

export const coordinatorTiming: CoordinatorTiming = {
  taskTimeoutUs: 10_000_000,
  retryAfterUs: 200_000,
};

export interface TaskRecord {
  readonly status: TaskStatus;
  /** How many times the task was handed out. */
  readonly issues: number;
  /** The worker of the latest hand-out; -1 before the first. */
  readonly pid: number;
}

export interface CoordinatorState {
  readonly files: readonly string[];
  readonly nReduce: number;
  readonly maps: readonly TaskRecord[];
  readonly reduces: readonly TaskRecord[];
  /** Invariant: the number of map tasks whose status is not 'done'. */
  readonly mapsLeft: number;
  /** Invariant: the number of reduce tasks whose status is not 'done'. */
  readonly reducesLeft: number;
}

const FRESH: TaskRecord = { status: 'idle', issues: 0, pid: -1 };

export const timeoutTimerName = (kind: TaskKind, task: number): string => `timeout:${kind}:${task}`;

export function isJobDone(s: CoordinatorState): boolean {
  return s.mapsLeft === 0 && s.reducesLeft === 0;
}

function tasksOf(s: CoordinatorState, kind: TaskKind): readonly TaskRecord[] {
  return kind === 'map' ? s.maps : s.reduces;
}

/** `s` with task `task` of `kind` replaced by `rec`, keeping the counters in step. */
function withTask(s: CoordinatorState, kind: TaskKind, task: number, rec: TaskRecord): CoordinatorState {
  const old = tasksOf(s, kind)[task]!;
  const finished = old.status !== 'done' && rec.status === 'done' ? 1 : 0;
  const list = tasksOf(s, kind).map((t, i) => (i === task ? rec : t));
  return kind === 'map'
    ? { ...s, maps: list, mapsLeft: s.mapsLeft - finished }
    : { ...s, reduces: list, reducesLeft: s.reducesLeft - finished };
}

function moveTask(s: CoordinatorState, kind: TaskKind, task: number, event: TaskEvent['type'], pid: number): CoordinatorState {
  const old = tasksOf(s, kind)[task]!;
  const status = stepTask(old.status, event);
  const issues = event === 'ISSUE' ? old.issues + 1 : old.issues;
  return withTask(s, kind, task, { status, issues, pid: event === 'ISSUE' ? pid : old.pid });
}

function isRequestArgs(a: unknown): a is RequestTaskArgs {
  return typeof a === 'object' && a !== null && typeof (a as RequestTaskArgs).pid === 'number';
}

function isReportArgs(a: unknown, s: CoordinatorState): a is ReportTaskArgs {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as ReportTaskArgs;
  if (r.kind !== 'map' && r.kind !== 'reduce') return false;
  return Number.isInteger(r.task) && r.task >= 0 && r.task < tasksOf(s, r.kind).length && typeof r.pid === 'number';
}

export function makeCoordinator(
  timing: CoordinatorTiming = coordinatorTiming,
  name = 'mrcoordinator',
): NodeDef<CoordinatorState, CoordinatorConfig> {
  function handleRequestTask(s: CoordinatorState, reqId: number, args: RequestTaskArgs, out: Out): CoordinatorState {
    if (isJobDone(s)) {
      out.reply(reqId, { kind: 'exit' } satisfies TaskReply);
      return s;
    }
    const kind: TaskKind = s.mapsLeft > 0 ? 'map' : 'reduce';
    const task = tasksOf(s, kind).findIndex((t) => t.status === 'idle');
    if (task < 0) {
      out.reply(reqId, { kind: 'wait', retryAfterUs: timing.retryAfterUs } satisfies TaskReply);
      return s;
    }
    const next = moveTask(s, kind, task, 'ISSUE', args.pid);
    const issue = tasksOf(next, kind)[task]!.issues;
    out.setTimer(timeoutTimerName(kind, task), timing.taskTimeoutUs);
    out.fact({ type: 'mr/issue', kind, task, pid: args.pid, issue });
    const reply: TaskReply =
      kind === 'map'
        ? { kind: 'map', task, file: s.files[task]!, nReduce: s.nReduce }
        : { kind: 'reduce', task, nMap: s.files.length };
    out.reply(reqId, reply);
    return next;
  }

  function handleReportTask(s: CoordinatorState, reqId: number, args: ReportTaskArgs, out: Out): CoordinatorState {
    out.reply(reqId, null);
    const { kind, task, pid } = args;
    if (tasksOf(s, kind)[task]!.status === 'done') {
      out.fact({ type: 'mr/duplicate', kind, task, pid });
      return s;
    }
    const next = moveTask(s, kind, task, 'REPORT', pid);
    out.cancelTimer(timeoutTimerName(kind, task));
    out.fact({ type: 'mr/complete', kind, task, pid });
    if (isJobDone(next)) out.fact({ type: 'mr/job-done' });
    return next;
  }

  function handleTimeout(s: CoordinatorState, timer: string, out: Out): CoordinatorState {
    const m = /^timeout:(map|reduce):(\d+)$/.exec(timer);
    if (!m) return s;
    const kind = m[1] as TaskKind;
    const task = Number(m[2]);
    const rec = tasksOf(s, kind)[task];
    if (rec?.status !== 'inProgress') return s;
    out.fact({ type: 'mr/timeout', kind, task, pid: rec.pid });
    out.note(`${kind} task ${task} not reported by worker ${rec.pid} within ${timing.taskTimeoutUs / 1e6} s: idle again`);
    return moveTask(s, kind, task, 'TIMEOUT', rec.pid);
  }

  function handleRequest(s: CoordinatorState, input: Extract<Input, { kind: 'request' }>, out: Out): CoordinatorState {
    if (input.method === RequestTask && isRequestArgs(input.args)) return handleRequestTask(s, input.reqId, input.args, out);
    if (input.method === ReportTask && isReportArgs(input.args, s)) return handleReportTask(s, input.reqId, input.args, out);
    out.note(`refusing ${input.method}: unknown method or malformed arguments`);
    out.reply(input.reqId, null);
    return s;
  }

  return {
    name,
    init(config: CoordinatorConfig): Step<CoordinatorState> {
      if (!Number.isInteger(config.nReduce) || config.nReduce < 1) {
        throw new RangeError(`nReduce must be a positive integer, got ${config.nReduce}`);
      }
      const state: CoordinatorState = {
        files: [...config.files],
        nReduce: config.nReduce,
        maps: config.files.map(() => FRESH),
        reduces: Array.from({ length: config.nReduce }, () => FRESH),
        mapsLeft: config.files.length,
        reducesLeft: config.nReduce,
      };
      return { state, outputs: [] };
    },
    step(s: CoordinatorState, input: Input, _ctx: StepContext): Step<CoordinatorState> {
      const out = new Out();
      switch (input.kind) {
        case 'request':
          return out.done(handleRequest(s, input, out));
        case 'timer':
          return out.done(handleTimeout(s, input.name, out));
        case 'call':
          if (input.method === DoneCall) return out.return(input.callId, isJobDone(s)).done(s);
          out.note(`unknown call ${input.method}`);
          return out.return(input.callId, null).done(s);
        case 'response':
          return out.done(s);
      }
    },
    describe: describeMr,
  };
}

export const mrCoordinator = makeCoordinator();
