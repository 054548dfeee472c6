import { describe, expect, it } from 'vitest';
import { type Input, type Output, type StepContext, Prng } from '../../sim/contract.ts';
import { coordinatorTiming, makeCoordinator, mrCoordinator, timeoutTimerName, type CoordinatorState } from './coordinator.ts';
import { describeMr } from './describe.ts';
import { IllegalTaskTransition, stepTask } from './task.ts';
import { ReportTask, RequestTask, type TaskReply } from './types.ts';

const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
const empty = { state: new Uint8Array(), snapshot: new Uint8Array() };

/** A coordinator driven one input at a time, remembering its last outputs. */
function driver(files = ['f0', 'f1'], nReduce = 2, def = mrCoordinator) {
  let state: CoordinatorState = def.init({ files, nReduce }, empty, ctx).state;
  let outputs: readonly Output[] = [];
  const step = (input: Input) => {
    const r = def.step(state, input, ctx);
    state = r.state;
    outputs = r.outputs;
    return r;
  };
  const reply = (): unknown => outputs.find((o) => o.kind === 'reply')?.reply;
  return {
    get state() {
      return state;
    },
    get outputs() {
      return outputs;
    },
    request(pid: number): TaskReply {
      step({ kind: 'request', reqId: 1, method: RequestTask, args: { pid } });
      return reply() as TaskReply;
    },
    report(pid: number, kind: 'map' | 'reduce', task: number) {
      step({ kind: 'request', reqId: 2, method: ReportTask, args: { pid, kind, task } });
      return reply();
    },
    timer(name: string) {
      return step({ kind: 'timer', name });
    },
    done(): unknown {
      const r = step({ kind: 'call', callId: 9, method: 'done', args: null });
      return r.outputs.find((o) => o.kind === 'return')?.value;
    },
  };
}

describe('task lifecycle chart', () => {
  it('allows issue, timeout, report and late report, and refuses the rest', () => {
    expect(stepTask('idle', 'ISSUE')).toBe('inProgress');
    expect(stepTask('inProgress', 'TIMEOUT')).toBe('idle');
    expect(stepTask('inProgress', 'REPORT')).toBe('done');
    expect(stepTask('idle', 'REPORT')).toBe('done');
    for (const [s, e] of [['idle', 'TIMEOUT'], ['inProgress', 'ISSUE'], ['done', 'ISSUE'], ['done', 'TIMEOUT'], ['done', 'REPORT']] as const) {
      expect(() => stepTask(s, e)).toThrow(IllegalTaskTransition);
    }
  });
});

describe('coordinator', () => {
  it('hands out each map once, in order, then makes workers wait', () => {
    const c = driver();
    expect(c.request(1)).toEqual({ kind: 'map', task: 0, file: 'f0', nReduce: 2 });
    expect(c.outputs).toContainEqual({ kind: 'setTimer', name: timeoutTimerName('map', 0), afterUs: 10_000_000 });
    expect(c.request(2)).toEqual({ kind: 'map', task: 1, file: 'f1', nReduce: 2 });
    const before = c.state;
    expect(c.request(3)).toEqual({ kind: 'wait', retryAfterUs: coordinatorTiming.retryAfterUs });
    expect(c.state).toBe(before); // a poll with nothing to hand out changes nothing
  });

  it('hands out reduces only after every map is done, then tells workers to exit', () => {
    const c = driver();
    c.request(1);
    c.request(2);
    c.report(1, 'map', 0);
    expect(c.outputs).toContainEqual({ kind: 'cancelTimer', name: timeoutTimerName('map', 0) });
    expect(c.request(1).kind).toBe('wait'); // map 1 still running
    c.report(2, 'map', 1);
    expect(c.request(1)).toEqual({ kind: 'reduce', task: 0, nMap: 2 });
    expect(c.request(2)).toEqual({ kind: 'reduce', task: 1, nMap: 2 });
    expect(c.done()).toBe(false);
    c.report(1, 'reduce', 0);
    c.report(2, 'reduce', 1);
    expect(c.outputs).toContainEqual({ kind: 'fact', fact: { type: 'mr/job-done' } });
    expect(c.done()).toBe(true);
    expect(c.request(3)).toEqual({ kind: 'exit' });
  });

  it('re-issues a task whose timeout fired, and accepts only the first report', () => {
    const c = driver(['f0'], 1);
    c.request(1);
    expect(c.request(2).kind).toBe('wait');
    c.timer(timeoutTimerName('map', 0));
    expect(c.state.maps[0]).toEqual({ status: 'idle', issues: 1, pid: 1 });
    expect(c.request(2)).toEqual({ kind: 'map', task: 0, file: 'f0', nReduce: 1 });
    expect(c.state.maps[0]).toEqual({ status: 'inProgress', issues: 2, pid: 2 });
    c.report(1, 'map', 0); // the slow first worker finishes first: its output counts
    expect(c.state.mapsLeft).toBe(0);
    const after = c.state;
    expect(c.report(2, 'map', 0)).toBe(null);
    expect(c.state).toBe(after);
    expect(c.outputs).toContainEqual({ kind: 'fact', fact: { type: 'mr/duplicate', kind: 'map', task: 0, pid: 2 } });
  });

  it('ignores a timeout for a task that is already done', () => {
    const c = driver(['f0'], 1);
    c.request(1);
    c.report(1, 'map', 0);
    const s = c.state;
    c.timer(timeoutTimerName('map', 0));
    expect(c.state).toBe(s);
    expect(c.outputs).toEqual([]);
  });

  it('takes its timeout from the timing piece', () => {
    const c = driver(['f0'], 1, makeCoordinator({ taskTimeoutUs: 1_000_000, retryAfterUs: 50_000 }));
    c.request(1);
    expect(c.outputs).toContainEqual({ kind: 'setTimer', name: timeoutTimerName('map', 0), afterUs: 1_000_000 });
    expect(c.request(2)).toEqual({ kind: 'wait', retryAfterUs: 50_000 });
  });

  it('refuses malformed reports without changing state', () => {
    const c = driver();
    const s = c.state;
    expect(c.report(1, 'map', 5)).toBe(null);
    expect(c.state).toBe(s);
    expect(c.outputs.some((o) => o.kind === 'note')).toBe(true);
  });
});

describe('describeMr', () => {
  it('renders every message on one line', () => {
    const lines = [
      describeMr(RequestTask, { pid: 3 }, false),
      describeMr(RequestTask, { kind: 'map', task: 2, file: 'pg-grimm.txt', nReduce: 10 }, true),
      describeMr(RequestTask, { kind: 'reduce', task: 4, nMap: 8 }, true),
      describeMr(RequestTask, { kind: 'wait', retryAfterUs: 200_000 }, true),
      describeMr(RequestTask, { kind: 'exit' }, true),
      describeMr(ReportTask, { pid: 3, kind: 'reduce', task: 4 }, false),
      describeMr(ReportTask, null, true),
    ];
    expect(lines).toEqual([
      'mr/RequestTask pid=3',
      'mr/RequestTask → map #2 pg-grimm.txt nReduce=10',
      'mr/RequestTask → reduce #4 nMap=8',
      'mr/RequestTask → wait 200ms',
      'mr/RequestTask → exit',
      'mr/ReportTask reduce #4 pid=3',
      'mr/ReportTask → ok',
    ]);
  });
});
