import { describe, expect, it } from 'vitest';
import { FileSystem, Prng, Probe, type Input, type Output } from '../../sim/contract.ts';
import { partitionOf } from './ihash.ts';
import { ReportTask, RequestTask, type KeyValue, type TaskReply } from './types.ts';
import { mrWorker, pollTimer, workTimer, type WorkerState } from './worker.ts';

/** One worker on the probe (its sends stay in flight, nobody answers them): hand it replies and timers. */
function worker(app: string, fs = new FileSystem(), seed = 1) {
  const p = new Probe({ fs, rngOf: () => new Prng(seed) });
  let outputs: readonly Output[] = p.add({ name: 'w', def: mrWorker, config: { app, pid: 42 }, peers: ['coordinator'] });
  const step = (input: Input, atUs = p.nowUs) => {
    p.nowUs = atUs;
    outputs = p.step('w', input);
    return outputs;
  };
  return {
    fs,
    get alive() {
      return p.alive('w');
    },
    get state() {
      return p.state<WorkerState>('w');
    },
    get outputs() {
      return outputs;
    },
    task(reply: TaskReply, atUs?: number) {
      return step({ kind: 'response', to: 0, method: RequestTask, args: { pid: 42 }, tag: null, ok: true, reply }, atUs);
    },
    failed(method = RequestTask) {
      return step({ kind: 'response', to: 0, method, args: null, tag: null, ok: false, reply: undefined });
    },
    reported() {
      return step({ kind: 'response', to: 0, method: ReportTask, args: null, tag: null, ok: true, reply: null });
    },
    timer(name: string, atUs?: number) {
      return step({ kind: 'timer', name }, atUs);
    },
  };
}

const kinds = (outs: readonly Output[]) => outs.map((o) => o.kind).join(' ');

describe('worker', () => {
  it('asks for a task as soon as it starts', () => {
    const w = worker('wc');
    expect(w.outputs).toEqual([{ kind: 'send', to: 0, method: RequestTask, args: { pid: 42 }, tag: null }]);
  });

  it('maps into nReduce intermediate files, each written under a temporary name then renamed, then reports', () => {
    const fs = new FileSystem();
    fs.write('in.txt', 'the cat and the hat and a bat');
    const w = worker('wc', fs);
    const outs = w.task({ kind: 'map', task: 3, file: 'in.txt', nReduce: 4 });
    expect(kinds(outs)).toBe('fact ' + 'writeFile rename '.repeat(4) + 'fact send');
    for (const o of outs) {
      if (o.kind === 'writeFile') expect(o.name.startsWith('mr-tmp-42-map-3-')).toBe(true);
    }
    expect(outs.at(-1)).toEqual({ kind: 'send', to: 0, method: ReportTask, args: { pid: 42, kind: 'map', task: 3 }, tag: null });
    const all: KeyValue[] = [];
    for (let y = 0; y < 4; y++) {
      const pairs = JSON.parse(fs.read(`mr-3-${y}`)!) as KeyValue[];
      expect(pairs.every(([k]) => partitionOf(k, 4) === y)).toBe(true);
      all.push(...pairs);
    }
    expect(all.map((kv) => kv[0]).sort()).toEqual(['a', 'and', 'and', 'bat', 'cat', 'hat', 'the', 'the']);
    expect(fs.list('mr-tmp')).toEqual([]);
    expect(kinds(w.reported())).toBe('send'); // next task
  });

  it('reduces sorted groups into mr-out-Y via a temporary file', () => {
    const fs = new FileSystem();
    fs.write('mr-0-1', JSON.stringify([['b', '1'], ['a', '1']]));
    fs.write('mr-1-1', JSON.stringify([['b', '1'], ['é', '1'], ['c', '1']]));
    const w = worker('wc', fs);
    const outs = w.task({ kind: 'reduce', task: 1, nMap: 2 });
    expect(kinds(outs)).toBe('fact writeFile rename fact send');
    expect(fs.read('mr-out-1')).toBe('a 1\nb 2\nc 1\né 1\n');
  });

  it('exits with 1 when an intermediate file is missing', () => {
    const w = worker('wc');
    expect(w.task({ kind: 'reduce', task: 0, nMap: 1 }).at(-1)).toEqual({ kind: 'exit', code: 1 });
  });

  it('holds a slow reduce call behind a timer, keeping partial output under the temporary name', () => {
    const fs = new FileSystem();
    fs.write('mr-0-0', JSON.stringify([['a.txt', '1'], ['pg-sherlock.txt', '1'], ['z.txt', '1']]));
    const w = worker('early_exit', fs);
    const outs = w.task({ kind: 'reduce', task: 0, nMap: 1 }, 5_000_000);
    expect(kinds(outs)).toBe('fact writeFile setTimer');
    expect(outs).toContainEqual({ kind: 'setTimer', name: workTimer, afterUs: 3_000_000 });
    expect(fs.read('mr-out-0')).toBe(undefined);
    expect(fs.read('mr-tmp-42-reduce-0-0')).toBe('a.txt 1\n');
    expect(kinds(w.timer(workTimer, 8_000_000))).toBe('writeFile rename fact send');
    expect(fs.read('mr-out-0')).toBe('a.txt 1\npg-sherlock.txt 1\nz.txt 1\n');
  });

  it('runs a timed map for its duration, with its markers around it', () => {
    const fs = new FileSystem();
    fs.write('in', 'x');
    const w = worker('mtiming', fs);
    w.task({ kind: 'map', task: 0, file: 'in', nReduce: 1 }, 2_000_000);
    expect(fs.read('mr-worker-map-42')).toBe('x');
    expect(w.outputs).toContainEqual({ kind: 'setTimer', name: workTimer, afterUs: 1_000_000 });
    expect(w.timer('poll')).toEqual([]); // a stray timer changes nothing
    w.timer(workTimer, 3_000_000);
    expect(fs.read('mr-worker-map-42')).toBe(undefined);
    expect(JSON.parse(fs.read('mr-0-0')!)).toEqual([['times-42', '2.0'], ['parallel-42', '1']]);
  });

  it('waits when told to, then asks again', () => {
    const w = worker('wc');
    expect(w.task({ kind: 'wait', retryAfterUs: 200_000 })).toEqual([{ kind: 'setTimer', name: pollTimer, afterUs: 200_000 }]);
    expect(kinds(w.timer(pollTimer))).toBe('send');
  });

  it('exits with 0 when told the job is done or when the coordinator cannot be reached', () => {
    expect(worker('wc').task({ kind: 'exit' }).at(-1)).toEqual({ kind: 'exit', code: 0 });
    expect(worker('wc').failed().at(-1)).toEqual({ kind: 'exit', code: 0 });
    const w = worker('wc');
    w.fs.write('in', 'a');
    w.task({ kind: 'map', task: 0, file: 'in', nReduce: 1 });
    expect(w.failed(ReportTask).at(-1)).toEqual({ kind: 'exit', code: 0 });
    expect(w.alive).toBe(false); // an exited worker is stopped: nothing steps it again
  });

  it('a crash-app worker that draws a crash exits with 1 and writes nothing', () => {
    let crashedSeed = -1;
    for (let seed = 1; seed < 50 && crashedSeed < 0; seed++) {
      const w = worker('crash', new FileSystem(), seed);
      w.fs.write('in', 'abc');
      const outs = w.task({ kind: 'map', task: 0, file: 'in', nReduce: 2 });
      if (outs.some((o) => o.kind === 'exit')) {
        crashedSeed = seed;
        expect(outs.at(-1)).toEqual({ kind: 'exit', code: 1 });
        expect(outs.filter((o) => o.kind === 'writeFile' || o.kind === 'rename')).toEqual([]);
      }
    }
    expect(crashedSeed).toBeGreaterThan(0);
  });
});
