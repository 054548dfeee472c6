/**
 * The coordinator's handling of inputs the mr catalog never produces, found
 * by mutation testing (protocols/mapreduce/MUTATION.md): malformed requests
 * and configs, stray timers, calls and responses, and the facts and notes of
 * a timeout and of the last completion.
 */
import { describe, expect, it } from 'vitest';
import { type Input, type Output, type Payload, type StepContext, Prng } from '../../sim/contract.ts';
import { coordinatorTiming, mrCoordinator, timeoutTimerName, type CoordinatorState } from './coordinator.ts';
import { ReportTask, RequestTask } from './types.ts';

const ctx: StepContext = { nowUs: 0, rng: new Prng(1), fs: undefined };
const empty = { state: new Uint8Array(), snapshot: new Uint8Array() };

function driver(files: string[] = ['f0', 'f1'], nReduce = 2) {
  let state: CoordinatorState = mrCoordinator.init({ files, nReduce }, empty, ctx).state;
  let outputs: readonly Output[] = [];
  const step = (input: Input): readonly Output[] => {
    const r = mrCoordinator.step(state, input, ctx);
    state = r.state;
    outputs = r.outputs;
    return outputs;
  };
  return {
    get state() {
      return state;
    },
    get outputs() {
      return outputs;
    },
    step,
    request: (method: string, args: Payload) => step({ kind: 'request', reqId: 9, method, args }),
    facts: () => outputs.filter((o) => o.kind === 'fact').map((o) => (o as { fact: unknown }).fact),
    notes: () => outputs.filter((o) => o.kind === 'note').map((o) => (o as { text: string }).text),
  };
}

describe('mr coordinator guards', () => {
  it('refuses malformed requests with a note and a null reply, and changes nothing', () => {
    const bad: [string, Payload][] = [
      [RequestTask, null],
      [RequestTask, 5],
      [RequestTask, {}],
      [RequestTask, { pid: '7' }],
      [ReportTask, null],
      [ReportTask, 'map'],
      [ReportTask, { kind: 'x', task: 0, pid: 1 }],
      [ReportTask, { kind: 'map', task: -1, pid: 1 }],
      [ReportTask, { kind: 'map', task: 0.5, pid: 1 }],
      [ReportTask, { kind: 'map', task: 2, pid: 1 }], // two files: maps 0 and 1
      [ReportTask, { kind: 'reduce', task: 2, pid: 1 }],
      [ReportTask, { kind: 'map', task: 0, pid: 'w' }],
      ['Coordinator.Other', { kind: 'map', task: 0, pid: 1 }],
      ['Coordinator.Other', { pid: 1 }],
    ];
    for (const [method, args] of bad) {
      const d = driver();
      const before = d.state;
      const outs = d.request(method, args);
      expect(outs, `${method} ${JSON.stringify(args)}`).toEqual([
        { kind: 'note', text: `refusing ${method}: unknown method or malformed arguments` },
        { kind: 'reply', reqId: 9, reply: null },
      ]);
      expect(d.state).toEqual(before);
    }
  });

  it('refuses a config without a positive integer nReduce', () => {
    for (const nReduce of [0, -1, 1.5, Number.NaN]) {
      expect(() => mrCoordinator.init({ files: ['f'], nReduce }, empty, ctx)).toThrow(`nReduce must be a positive integer, got ${nReduce}`);
    }
    expect(mrCoordinator.init({ files: ['f'], nReduce: 1 }, empty, ctx).state.reducesLeft).toBe(1);
  });

  it('ignores timers that are not one of its task timeouts, or whose task is not in progress', () => {
    const files = Array.from({ length: 12 }, (_, k) => `f${k}`);
    const d = driver(files, 1);
    for (let k = 0; k < 12; k++) d.request(RequestTask, { pid: 100 + k });
    const before = d.state;
    for (const name of ['timeout:map:1x', 'xtimeout:map:1', 'timeout:map:', 'timeout:map:99', 'timeout:reduce:0', 'heartbeat']) {
      expect(d.step({ kind: 'timer', name }), name).toEqual([]);
      expect(d.state).toBe(before);
    }
    // Task 11 (two digits) times out: idle again, with a fact and a note that names worker and timeout.
    d.step({ kind: 'timer', name: timeoutTimerName('map', 11) });
    expect(d.facts()).toEqual([{ type: 'mr/timeout', kind: 'map', task: 11, pid: 111 }]);
    expect(d.notes()).toEqual([`map task 11 not reported by worker 111 within ${coordinatorTiming.taskTimeoutUs / 1e6} s: idle again`]);
    expect(d.state.maps[11]!.status).toBe('idle');
  });

  it('says the job is done only after the last completion, and answers other calls and stray responses with nothing', () => {
    const d = driver(['f0'], 1);
    const done = () => d.step({ kind: 'call', callId: 3, method: 'done', args: null });
    expect(done()).toEqual([{ kind: 'return', callId: 3, value: false }]);
    expect(d.step({ kind: 'call', callId: 4, method: 'other', args: null })).toEqual([
      { kind: 'note', text: 'unknown call other' },
      { kind: 'return', callId: 4, value: null },
    ]);
    expect(d.step({ kind: 'response', to: 0, method: RequestTask, args: null, tag: null, ok: true, reply: null })).toEqual([]);
    d.request(RequestTask, { pid: 1 });
    d.request(ReportTask, { kind: 'map', task: 0, pid: 1 });
    expect(d.facts()).toEqual([{ type: 'mr/complete', kind: 'map', task: 0, pid: 1 }]); // no mr/job-done yet
    d.request(RequestTask, { pid: 1 });
    d.request(ReportTask, { kind: 'reduce', task: 0, pid: 1 });
    expect(d.facts()).toEqual([{ type: 'mr/complete', kind: 'reduce', task: 0, pid: 1 }, { type: 'mr/job-done' }]);
    expect(done()).toEqual([{ kind: 'return', callId: 3, value: true }]);
  });
});

describe('the task chart', () => {
  it('names the state and the event it cannot take', async () => {
    const { stepTask, IllegalTaskTransition } = await import('./task.ts');
    expect(() => stepTask('done', 'ISSUE')).toThrow(IllegalTaskTransition);
    expect(() => stepTask('done', 'ISSUE')).toThrow('task in state done cannot take ISSUE');
    expect(() => stepTask('idle', 'TIMEOUT')).toThrow('task in state idle cannot take TIMEOUT');
  });
});
