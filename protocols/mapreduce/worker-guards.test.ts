/**
 * The worker's handling of what the mr catalog never hands it, found by
 * mutation testing (protocols/mapreduce/MUTATION.md): unknown apps, a
 * missing file system, unreadable or corrupt files, replies and timers in the
 * wrong phase, requests and calls, a step after it exited; and the notes,
 * facts and counters the catalog does not read.
 */
import { describe, expect, it } from 'vitest';
import { FileSystem, Prng, type Input, type Output, type StepContext } from '../../sim/contract.ts';
import { ReportTask, RequestTask, type TaskReply } from './types.ts';
import { mrWorker, pollTimer, workTimer, type WorkerState } from './worker.ts';

const empty = { state: new Uint8Array(), snapshot: new Uint8Array() };

/** A worker stepped directly (no probe), so it can be handed anything, even after it exited. */
function worker(app: string, fs = new FileSystem(), seed = 1) {
  const ctx: StepContext = { nowUs: 0, rng: new Prng(seed), fs };
  let state: WorkerState = mrWorker.init({ app, pid: 42 }, empty, ctx).state;
  let outputs: readonly Output[] = [];
  const step = (input: Input) => {
    const r = mrWorker.step(state, input, ctx);
    state = r.state;
    outputs = r.outputs;
    return outputs;
  };
  return {
    fs,
    get state() {
      return state;
    },
    step,
    task: (reply: TaskReply) => step({ kind: 'response', to: 0, method: RequestTask, args: { pid: 42 }, tag: null, ok: true, reply }),
    reported: (ok = true) => step({ kind: 'response', to: 0, method: ReportTask, args: null, tag: null, ok, reply: null }),
    asked: (ok = true, reply: TaskReply = { kind: 'exit' }) => step({ kind: 'response', to: 0, method: RequestTask, args: null, tag: null, ok, reply }),
    timer: (name: string) => step({ kind: 'timer', name }),
    notes: () => outputs.filter((o) => o.kind === 'note').map((o) => (o as { text: string }).text),
  };
}

describe('mr worker guards', () => {
  it('refuses an unknown app and a context without a file system', () => {
    expect(() => mrWorker.init({ app: 'nope', pid: 1 }, empty, { nowUs: 0, rng: new Prng(1), fs: new FileSystem() })).toThrow(
      /^unknown MapReduce app "nope" \(known: wc, indexer, .*multikey_nocrash\)$/,
    );
    expect(() => mrWorker.init({ app: 'wc', pid: 1 }, empty, { nowUs: 0, rng: new Prng(1), fs: undefined })).toThrow(
      'a MapReduce worker needs the shared file system (ctx.fs)',
    );
    expect(worker('wc').state.phase).toEqual({ kind: 'asking' });
  });

  it('exits with a note naming what went wrong, and after exiting does nothing', () => {
    const w = worker('wc');
    expect(w.task({ kind: 'map', task: 0, file: 'absent', nReduce: 1 })).toEqual([{ kind: 'note', text: 'cannot read absent' }, { kind: 'exit', code: 1 }]);
    expect(w.state.phase).toEqual({ kind: 'exited' });
    expect(w.asked(true, { kind: 'map', task: 0, file: 'absent', nReduce: 1 })).toEqual([]);
    expect(w.step({ kind: 'request', reqId: 1, method: 'x', args: null })).toEqual([]);
    expect(worker('wc').task({ kind: 'exit' })).toEqual([{ kind: 'note', text: 'job done' }, { kind: 'exit', code: 0 }]);
    expect(worker('wc').asked(false)).toEqual([{ kind: 'note', text: 'coordinator unreachable: exiting' }, { kind: 'exit', code: 0 }]);
  });

  it('names a missing or corrupt intermediate file in its exit note', () => {
    const missing = worker('wc');
    missing.task({ kind: 'reduce', task: 0, nMap: 1 });
    expect(missing.notes()).toEqual(['reduce 0: missing mr-0-0']);
    for (const [text, why] of [['{not json', 'corrupt'], ['{"a":1}', 'corrupt'], ['"s"', 'corrupt']] as const) {
      const fs = new FileSystem();
      fs.write('mr-0-0', text);
      const w = worker('wc', fs);
      expect(w.task({ kind: 'reduce', task: 0, nMap: 1 }).at(-1)).toEqual({ kind: 'exit', code: 1 });
      expect(w.notes()).toEqual([`reduce 0: ${why} mr-0-0`]);
    }
  });

  it('counts its map and reduce calls, and marks a reduce run with a fact', () => {
    const fs = new FileSystem();
    fs.write('in', 'a b');
    const w = worker('wc', fs);
    w.task({ kind: 'map', task: 0, file: 'in', nReduce: 1 });
    expect(w.state.mapCalls).toBe(1);
    w.reported();
    fs.write('mr-0-0', JSON.stringify([['a', '1'], ['b', '1']])); // stepped directly: outputs are not applied to fs
    const outs = w.task({ kind: 'reduce', task: 0, nMap: 1 });
    expect(outs[0]).toEqual({ kind: 'fact', fact: { type: 'mr/run', kind: 'reduce', task: 0, pid: 42 } });
    expect(w.state.reduceCalls).toBe(2); // keys a and b
  });

  it('names the app when its map or reduce crashes the worker', () => {
    for (let seed = 1; seed < 60; seed++) {
      const fs = new FileSystem();
      fs.write('in', 'abc');
      const w = worker('crash', fs, seed);
      const outs = w.task({ kind: 'map', task: 0, file: 'in', nReduce: 1 });
      if (outs.at(-1)?.kind === 'exit') {
        expect(w.notes()).toEqual(['crash map crashed the worker']);
        break;
      }
    }
    for (let seed = 1; seed < 60; seed++) {
      const fs = new FileSystem();
      fs.write('mr-0-0', JSON.stringify([['a', 'x']]));
      const w = worker('crash', fs, seed);
      const outs = w.task({ kind: 'reduce', task: 0, nMap: 1 });
      if (outs.at(-1)?.kind === 'exit') {
        expect(w.notes()).toEqual(['crash reduce crashed the worker']);
        return;
      }
    }
    throw new Error('no seed crashed a reduce');
  });

  it('ignores replies and timers meant for another phase, and answers requests and calls with null', () => {
    const w = worker('wc'); // asking
    expect(w.reported()).toEqual([]); // a ReportTask reply while asking
    expect(w.timer(pollTimer)).toEqual([]);
    expect(w.timer(workTimer)).toEqual([]);
    expect(w.state.phase).toEqual({ kind: 'asking' });
    w.task({ kind: 'wait', retryAfterUs: 100 });
    expect(w.asked(true, { kind: 'exit' })).toEqual([]); // a RequestTask reply while waiting
    expect(w.timer(workTimer)).toEqual([]);
    expect(w.state.phase).toEqual({ kind: 'waiting' });
    w.fs.write('in', 'x');
    w.timer(pollTimer);
    w.task({ kind: 'map', task: 0, file: 'in', nReduce: 1 }); // reporting
    expect(w.asked(true, { kind: 'exit' })).toEqual([]);
    expect(w.timer(pollTimer)).toEqual([]);
    expect(w.state.phase).toEqual({ kind: 'reporting' });
    expect(w.reported(false)).toEqual([{ kind: 'note', text: 'coordinator unreachable: exiting' }, { kind: 'exit', code: 0 }]);
    const v = worker('wc');
    expect(v.step({ kind: 'request', reqId: 3, method: 'x', args: null })).toEqual([{ kind: 'reply', reqId: 3, reply: null }]);
    expect(v.step({ kind: 'call', callId: 4, method: 'x', args: null })).toEqual([{ kind: 'return', callId: 4, value: null }]);
  });

  it("flushes a sleeping reduce's finished lines once, with nothing between them", () => {
    const fs = new FileSystem();
    fs.write('mr-0-0', JSON.stringify([['a.txt', '1'], ['b.txt', '1'], ['pg-sherlock.txt', '1'], ['pg-tom.txt', '1']]));
    const w = worker('early_exit', fs);
    const first = w.task({ kind: 'reduce', task: 0, nMap: 1 });
    expect(first.filter((o) => o.kind === 'writeFile')).toEqual([{ kind: 'writeFile', name: 'mr-tmp-42-reduce-0-0', data: 'a.txt 1\nb.txt 1\n' }]);
    expect(w.timer(pollTimer)).toEqual([]); // not the work timer: still sleeping
    const second = w.timer(workTimer); // sherlock done, tom sleeps: one more line flushed
    expect(second.filter((o) => o.kind === 'writeFile')).toEqual([{ kind: 'writeFile', name: 'mr-tmp-42-reduce-0-0', data: 'a.txt 1\nb.txt 1\npg-sherlock.txt 1\n' }]);
  });

  it('writes nothing when the first key of a reduce sleeps (no line is finished yet)', () => {
    const fs = new FileSystem();
    fs.write('mr-0-0', JSON.stringify([['pg-sherlock.txt', '1'], ['z.txt', '1']]));
    const w = worker('early_exit', fs);
    const outs = w.task({ kind: 'reduce', task: 0, nMap: 1 });
    expect(outs.filter((o) => o.kind === 'writeFile')).toEqual([]);
    expect(outs.at(-1)).toEqual({ kind: 'setTimer', name: workTimer, afterUs: 3_000_000 });
  });
});
