/**
 * The MapReduce worker (Go's mr.Worker): asks the coordinator for a task,
 * runs the app's map or reduce, writes its files through the shared file
 * system and reports. Every visible file appears by an atomic rename of a
 * temporary one, so a worker that dies mid-task leaves no partial mr-X-Y or
 * mr-out-Y. It exits when the coordinator says the job is done, and when a
 * call to the coordinator fails (the coordinator is gone: the MapReduce tests
 * run on a reliable network).
 *
 * App calls that take time (a Go sleep) hold their result until a 'work'
 * timer fires; a reduce task runs its calls one key after another, so each
 * call starts at the virtual time the previous one returned.
 */
import { Out, type FileView, type Input, type NodeDef, type Persisted, type Step, type StepContext } from '../../sim/contract.ts';
import { mrApps, type AppContext, type FsEffect, type MrApp } from './apps.ts';
import { describeMr } from './describe.ts';
import { compareUtf8, partitionOf } from './ihash.ts';
import {
  ReportTask,
  RequestTask,
  intermediateName,
  outputName,
  tempName,
  type KeyValue,
  type ReportTaskArgs,
  type RequestTaskArgs,
  type TaskKind,
  type TaskReply,
  type WorkerConfig,
} from './types.ts';

export interface ReduceGroup {
  readonly key: string;
  readonly values: readonly string[];
}

export type WorkerPhase =
  /** A RequestTask call is in flight. */
  | { readonly kind: 'asking' }
  /** Told to wait: the 'poll' timer is set. */
  | { readonly kind: 'waiting' }
  /** The map call of `task` returned `kvs` and is sleeping until the 'work' timer. */
  | {
      readonly kind: 'mapping';
      readonly task: number;
      readonly nReduce: number;
      readonly kvs: readonly KeyValue[];
      readonly atEnd: readonly FsEffect[];
    }
  /**
   * Reduce task `task`: `lines` are the outputs of groups[0 … lines.length-1];
   * the call for groups[lines.length] returned `value` and sleeps until the
   * 'work' timer. The temporary output holds the first `flushed` lines.
   */
  | {
      readonly kind: 'reducing';
      readonly task: number;
      readonly groups: readonly ReduceGroup[];
      readonly lines: readonly string[];
      readonly flushed: number;
      readonly value: string;
      readonly atEnd: readonly FsEffect[];
    }
  /** A ReportTask call is in flight. */
  | { readonly kind: 'reporting' }
  /** Exit was emitted; the host stops the node. */
  | { readonly kind: 'exited' };

export interface WorkerState {
  readonly app: string;
  readonly pid: number;
  /** Map calls made so far by this process (jobcount names its markers with it). */
  readonly mapCalls: number;
  readonly reduceCalls: number;
  readonly phase: WorkerPhase;
}

export const workTimer = 'work';
export const pollTimer = 'poll';

type Run = { state: WorkerState; out: Out; ctx: StepContext; app: MrApp; fs: FileView };

function appOf(name: string): MrApp {
  const app = mrApps[name];
  if (!app) throw new RangeError(`unknown MapReduce app "${name}" (known: ${Object.keys(mrApps).join(', ')})`);
  return app;
}

function fsOf(ctx: StepContext): FileView {
  if (!ctx.fs) throw new Error('a MapReduce worker needs the shared file system (ctx.fs)');
  return ctx.fs;
}

function appContext(r: Run, callIndex: number): AppContext {
  return { pid: r.state.pid, nowUs: r.ctx.nowUs, rng: r.ctx.rng, fs: r.fs, callIndex };
}

function applyEffects(out: Out, effects: readonly FsEffect[]): void {
  for (const e of effects) {
    if (e.kind === 'writeFile') out.writeFile(e.name, e.data);
    else out.removeFile(e.name);
  }
}

function exitWith(r: Run, code: number, why: string): WorkerState {
  r.out.note(why).exit(code);
  return { ...r.state, phase: { kind: 'exited' } };
}

function askForTask(r: Run): WorkerState {
  r.out.send(0, RequestTask, { pid: r.state.pid } satisfies RequestTaskArgs);
  return { ...r.state, phase: { kind: 'asking' } };
}

function report(r: Run, kind: TaskKind, task: number): WorkerState {
  r.out.fact({ type: 'mr/output', kind, task, pid: r.state.pid });
  r.out.send(0, ReportTask, { pid: r.state.pid, kind, task } satisfies ReportTaskArgs);
  return { ...r.state, phase: { kind: 'reporting' } };
}

// ---- map ---------------------------------------------------------------------------------

function startMap(r: Run, task: number, file: string, nReduce: number): WorkerState {
  const contents = r.fs.read(file);
  if (contents === undefined) return exitWith(r, 1, `cannot read ${file}`);
  r.out.fact({ type: 'mr/run', kind: 'map', task, pid: r.state.pid });
  const outcome = r.app.map(file, contents, appContext(r, r.state.mapCalls));
  r.state = { ...r.state, mapCalls: r.state.mapCalls + 1 };
  if (outcome.kind === 'crash') return exitWith(r, outcome.code, `${r.app.name} map crashed the worker`);
  applyEffects(r.out, outcome.atStart);
  const phase = { kind: 'mapping', task, nReduce, kvs: outcome.result, atEnd: outcome.atEnd } as const;
  if (outcome.durationUs > 0) {
    r.out.setTimer(workTimer, outcome.durationUs);
    return { ...r.state, phase };
  }
  return finishMap(r, phase);
}

function finishMap(r: Run, phase: Extract<WorkerPhase, { kind: 'mapping' }>): WorkerState {
  applyEffects(r.out, phase.atEnd);
  const buckets: KeyValue[][] = Array.from({ length: phase.nReduce }, () => []);
  for (const kv of phase.kvs) buckets[partitionOf(kv[0], phase.nReduce)]!.push(kv);
  for (let y = 0; y < phase.nReduce; y++) {
    const tmp = tempName(r.state.pid, 'map', phase.task, y);
    r.out.writeFile(tmp, JSON.stringify(buckets[y]));
    r.out.rename(tmp, intermediateName(phase.task, y));
  }
  return report(r, 'map', phase.task);
}

// ---- reduce ------------------------------------------------------------------------------

/** The pairs of reduce partition `task` grouped by key, keys sorted, or why they cannot be read. */
export function readPartition(fs: FileView, task: number, nMap: number): ReduceGroup[] | string {
  const byKey = new Map<string, string[]>();
  for (let x = 0; x < nMap; x++) {
    const name = intermediateName(x, task);
    const text = fs.read(name);
    if (text === undefined) return `missing ${name}`;
    let pairs: unknown;
    try {
      pairs = JSON.parse(text);
    } catch {
      return `corrupt ${name}`;
    }
    if (!Array.isArray(pairs)) return `corrupt ${name}`;
    groupInto(byKey, pairs as KeyValue[]);
  }
  return sortedGroups(byKey);
}

/** Adds pairs to their key's list of values, in order of arrival. */
export function groupInto(byKey: Map<string, string[]>, kvs: readonly KeyValue[]): void {
  for (const [key, value] of kvs) {
    const values = byKey.get(key);
    if (values) values.push(value);
    else byKey.set(key, [value]);
  }
}

/** Groups in bytewise key order (sorting the distinct keys only, not every pair). */
export function sortedGroups(byKey: Map<string, string[]>): ReduceGroup[] {
  const keys = [...byKey.keys()].sort(compareUtf8);
  return keys.map((key) => ({ key, values: byKey.get(key)! }));
}

function startReduce(r: Run, task: number, nMap: number): WorkerState {
  const groups = readPartition(r.fs, task, nMap);
  if (typeof groups === 'string') return exitWith(r, 1, `reduce ${task}: ${groups}`);
  r.out.fact({ type: 'mr/run', kind: 'reduce', task, pid: r.state.pid });
  return runReduceCalls(r, task, groups, [], 0);
}

/** Calls reduce for groups[lines.length …] until one sleeps, the worker crashes, or all are done. */
function runReduceCalls(r: Run, task: number, groups: readonly ReduceGroup[], lines: string[], flushed: number): WorkerState {
  const tmp = tempName(r.state.pid, 'reduce', task, 0);
  while (lines.length < groups.length) {
    const g = groups[lines.length]!;
    const outcome = r.app.reduce(g.key, g.values, appContext(r, r.state.reduceCalls));
    r.state = { ...r.state, reduceCalls: r.state.reduceCalls + 1 };
    if (outcome.kind === 'crash') return exitWith(r, outcome.code, `${r.app.name} reduce crashed the worker`);
    applyEffects(r.out, outcome.atStart);
    if (outcome.durationUs > 0) {
      if (flushed < lines.length) r.out.writeFile(tmp, lines.join(''));
      r.out.setTimer(workTimer, outcome.durationUs);
      const phase = { kind: 'reducing', task, groups, lines, flushed: lines.length, value: outcome.result, atEnd: outcome.atEnd } as const;
      return { ...r.state, phase };
    }
    applyEffects(r.out, outcome.atEnd);
    lines.push(`${g.key} ${outcome.result}\n`);
  }
  r.out.writeFile(tmp, lines.join(''));
  r.out.rename(tmp, outputName(task));
  return report(r, 'reduce', task);
}

function resumeReduce(r: Run, phase: Extract<WorkerPhase, { kind: 'reducing' }>): WorkerState {
  applyEffects(r.out, phase.atEnd);
  const g = phase.groups[phase.lines.length]!;
  const lines = [...phase.lines, `${g.key} ${phase.value}\n`];
  return runReduceCalls(r, phase.task, phase.groups, lines, phase.flushed);
}

// ---- dispatch ----------------------------------------------------------------------------

function handleTask(r: Run, reply: TaskReply): WorkerState {
  switch (reply.kind) {
    case 'map':
      return startMap(r, reply.task, reply.file, reply.nReduce);
    case 'reduce':
      return startReduce(r, reply.task, reply.nMap);
    case 'wait':
      r.out.setTimer(pollTimer, reply.retryAfterUs);
      return { ...r.state, phase: { kind: 'waiting' } };
    case 'exit':
      return exitWith(r, 0, 'job done');
  }
}

function handleResponse(r: Run, input: Extract<Input, { kind: 'response' }>): WorkerState {
  const phase = r.state.phase.kind;
  if (input.method === RequestTask && phase === 'asking') {
    if (!input.ok) return exitWith(r, 0, 'coordinator unreachable: exiting');
    return handleTask(r, input.reply as TaskReply);
  }
  if (input.method === ReportTask && phase === 'reporting') {
    if (!input.ok) return exitWith(r, 0, 'coordinator unreachable: exiting');
    return askForTask(r);
  }
  return r.state;
}

function handleTimer(r: Run, name: string): WorkerState {
  const phase = r.state.phase;
  if (name === pollTimer && phase.kind === 'waiting') return askForTask(r);
  if (name === workTimer && phase.kind === 'mapping') return finishMap(r, phase);
  if (name === workTimer && phase.kind === 'reducing') return resumeReduce(r, phase);
  return r.state;
}

export const mrWorker: NodeDef<WorkerState, WorkerConfig> = {
  name: 'mrworker',
  init(config: WorkerConfig, _persisted: Persisted, ctx: StepContext): Step<WorkerState> {
    const app = appOf(config.app);
    const state: WorkerState = { app: config.app, pid: config.pid, mapCalls: 0, reduceCalls: 0, phase: { kind: 'asking' } };
    const r: Run = { state, out: new Out(), ctx, app, fs: fsOf(ctx) };
    return r.out.done(askForTask(r));
  },
  step(state: WorkerState, input: Input, ctx: StepContext): Step<WorkerState> {
    if (state.phase.kind === 'exited') return { state, outputs: [] };
    const r: Run = { state, out: new Out(), ctx, app: appOf(state.app), fs: fsOf(ctx) };
    switch (input.kind) {
      case 'response':
        return r.out.done(handleResponse(r, input));
      case 'timer':
        return r.out.done(handleTimer(r, input.name));
      case 'request':
        r.out.reply(input.reqId, null);
        return r.out.done(state);
      case 'call':
        r.out.return(input.callId, null);
        return r.out.done(state);
    }
  },
  describe: describeMr,
};
