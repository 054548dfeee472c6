import { describe, expect, it } from 'vitest';
import { Out, type Input, type NodeDef, type Step } from './node.ts';
import { Persister } from './storage.ts';
import { Channel, joinAll, Signal, sleep } from './task.ts';
import { TraceKind, type TraceRecord } from './trace.ts';
import { SimError, World } from './world.ts';
import { echoServer, rpcCaller } from './testkit.ts';

const MS = 1000;

/** A node whose behaviour is given per input by the test. */
function scripted<S>(name: string, init: S, onInput: (s: S, input: Input, out: Out) => void): NodeDef<S, null> {
  return {
    name,
    init: (): Step<S> => ({ state: structuredClone(init), outputs: [] }),
    step(state, input) {
      const out = new Out();
      onInput(state, input, out);
      return out.done(state);
    },
  };
}

describe('driver', () => {
  it('reports a deadlock with what each task waits on', () => {
    const w = new World({ seed: 1 });
    const host = w.startNode({ name: 'silent', def: scripted('s', {}, () => {}), config: null });
    expect(() => w.runTask('main', host.call('never-answered'))).toThrow(/deadlock at .*main waits on call silent never-answered/);
  });

  it('stops at the virtual-time limit and the event budget', () => {
    const w = new World({ seed: 1, timeLimitUs: 5 * MS });
    w.go('sleeper', sleep(10 * MS));
    try {
      w.run(() => false);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SimError);
      expect((e as SimError).reason).toBe('time-limit');
      expect((e as SimError).message).toMatch(/sleeper waits on sleep until 0.010000s/);
    }
    const w2 = new World({ seed: 1, eventBudget: 100 });
    const ticker = scripted('tick', {}, (_s, input, out) => {
      if (input.kind === 'call') out.setTimer('t', 1).return(input.callId, null);
      if (input.kind === 'timer') out.setTimer('t', 1);
    });
    w2.startNode({ name: 'ticker', def: ticker, config: null }).callSync('go');
    expect(() => w2.run(() => false)).toThrow(/event budget of 100 events used up/);
  });

  it('runFor advances the clock even with nothing to do', () => {
    const w = new World({ seed: 1 });
    w.runFor(1234);
    expect(w.nowUs).toBe(1234);
  });

  it('a failing task fails the run with its name', () => {
    const w = new World({ seed: 1 });
    w.go('helper', (function* () {
      yield* sleep(5);
      throw new Error('boom');
    })());
    expect(() => w.runTask('main', sleep(100))).toThrow(/helper: boom/);
  });
});

describe('tasks', () => {
  it('channels and signals hand values over in order, with timeouts', () => {
    const w = new World({ seed: 1 });
    const ch = new Channel<number>('nums');
    const sig = new Signal();
    const got: string[] = [];
    w.go('producer', (function* () {
      for (let i = 0; i < 3; i++) {
        yield* sleep(10);
        ch.send(i);
      }
      yield* sleep(100);
      sig.notify();
    })());
    const result = w.runTask('consumer', (function* () {
      for (;;) {
        const r = yield* ch.recv(50);
        if (!r.ok) break;
        got.push(`${r.value}@${w.nowUs}`);
      }
      const early = yield* sig.wait(10);
      const late = yield* sig.wait();
      return [early, late, w.nowUs];
    })());
    expect(got).toEqual(['0@10', '1@20', '2@30']);
    expect(result).toEqual([false, true, 130]);
  });

  it('joinAll returns results in task order', () => {
    const w = new World({ seed: 1 });
    const tasks = [30, 10, 20].map((d, i) =>
      w.go(`t${i}`, (function* () {
        yield* sleep(d);
        return d;
      })()),
    );
    expect(w.runTask('main', joinAll(tasks))).toEqual([30, 10, 20]);
    expect(w.nowUs).toBe(30);
  });
});

describe('host', () => {
  it('applies persists before sends, and a crash keeps exactly what was saved', () => {
    const order: string[] = [];
    const w = new World({ seed: 1, trace: { records: true } });
    const server = w.startNode({ name: 'server', def: echoServer, config: null });
    w.network.addServer('server', server);
    const end = w.network.makeEnd();
    w.network.connect(end, 'server');
    w.network.enable(end, true);
    const p = new Persister();
    const node = scripted('writer', { n: 0 }, (s, input, out) => {
      if (input.kind !== 'call') return;
      s.n++;
      // Emitted send first, persist second: the host must still persist first.
      out.send(0, 'Echo.Handler', s.n).persist(new Uint8Array([s.n]), new Uint8Array()).return(input.callId, s.n);
    });
    const h = w.startNode({ name: 'writer', def: node, config: null, ends: [end], persister: p });
    h.callSync('write');
    h.callSync('write');
    for (const r of w.trace.records!) if (r.kind === TraceKind.Persist || r.kind === TraceKind.Send) order.push(TraceKind.Persist === r.kind ? 'persist' : 'send');
    expect(order).toEqual(['persist', 'send', 'persist', 'send']);
    const saved = p.copy();
    h.kill();
    expect(h.alive).toBe(false);
    expect(() => h.callSync('write')).toThrow(/not running/);
    expect(Array.from(saved.readRaftState())).toEqual([2]);
  });

  it('a killed host never fires timers or receives responses, and its pending caller is told', () => {
    const w = new World({ seed: 1 });
    let fired = 0;
    const node = scripted('t', {}, (_s, input, out) => {
      if (input.kind === 'timer') fired++;
      if (input.kind === 'call') out.setTimer('x', 10 * MS);
    });
    const h = w.startNode({ name: 'n', def: node, config: null });
    const waiting = w.go('caller', (function* () {
      try {
        yield* h.call('slow');
        return 'answered';
      } catch (e) {
        return String(e);
      }
    })());
    w.runFor(MS);
    h.kill();
    w.runFor(20 * MS);
    expect(fired).toBe(0);
    expect(waiting.result).toMatch(/n stopped \(crash\) with a call pending/);
  });

  it('apply outputs reach the listener in order, and the listener may call the node re-entrantly', () => {
    const w = new World({ seed: 1 });
    const seen: unknown[] = [];
    const node = scripted('applier', { applied: 0, snapshots: [] as number[] }, (s, input, out) => {
      if (input.kind !== 'call') return;
      if (input.method === 'snapshot') {
        s.snapshots.push(s.applied);
        out.return(input.callId, null);
        return;
      }
      for (let i = 1; i <= 3; i++) {
        s.applied = i;
        out.apply(i);
      }
      out.return(input.callId, 'done');
    });
    const h = w.startNode({
      name: 'a',
      def: node,
      config: null,
      onApply: (msg, host) => {
        seen.push(msg);
        if (msg === 2) host.callSync('snapshot');
      },
    });
    expect(h.callSync('go')).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    // The nested call saw the state the outer step returned.
    expect(h.state.snapshots).toEqual([3]);
  });

  it('a synchronous call that is not answered in the same step is an error', () => {
    const w = new World({ seed: 1 });
    const h = w.startNode({ name: 'mute', def: scripted('m', {}, () => {}), config: null });
    expect(() => h.callSync('start')).toThrow(/did not answer the synchronous call start/);
  });

  it('sending through an end index the node does not have is an error naming it', () => {
    const w = new World({ seed: 1 });
    const node = scripted('bad', {}, (_s, input, out) => {
      if (input.kind === 'call') out.send(3, 'X', null).return(input.callId, null);
    });
    const h = w.startNode({ name: 'bad', def: node, config: null });
    expect(() => h.callSync('go')).toThrow(/sent to end 3, but has 0 ends/);
  });

  it('nodes get independent random streams per name and incarnation', () => {
    const draws = (seed: number) => {
      const w = new World({ seed });
      const node = scripted('r', { x: 0 }, () => {});
      const a = w.startNode({ name: 'a', def: node, config: null });
      const a2 = w.startNode({ name: 'a', def: node, config: null });
      const b = w.startNode({ name: 'b', def: node, config: null });
      const rng = (h: typeof a) => (h as unknown as { rng: { u32(): number } }).rng.u32();
      return [rng(a), rng(a2), rng(b)];
    };
    const [a, a2, b] = draws(5);
    expect(new Set([a, a2, b]).size).toBe(3);
    expect(draws(5)).toEqual([a, a2, b]);

    // A stream depends on the name and incarnation alone: not on other nodes started between, nor on who drew first.
    const w = new World({ seed: 5 });
    const node = scripted('r', { x: 0 }, () => {});
    const others = Array.from({ length: 50 }, (_, i) => w.startNode({ name: `other-${i}`, def: node, config: null }));
    const b1 = w.startNode({ name: 'b', def: node, config: null });
    const a1 = w.startNode({ name: 'a', def: node, config: null });
    const a21 = w.startNode({ name: 'a', def: node, config: null });
    const rng = (h: typeof a1) => (h as unknown as { rng: { u32(): number } }).rng.u32();
    expect([rng(a21), rng(b1), rng(a1)]).toEqual([a2, b, a]);
    expect([a1.incarnation, a21.incarnation, b1.incarnation, others[7]!.incarnation]).toEqual([1, 2, 1, 1]);
  });
});

describe('trace', () => {
  it('prints one line per event and fingerprints runs', () => {
    const run = (seed: number) => {
      const w = new World({ seed, trace: { records: true } });
      const server = w.startNode({ name: 'server', def: echoServer, config: null });
      w.network.addServer('server', server);
      w.network.setReliable(false);
      const end = w.network.makeEnd();
      w.network.connect(end, 'server');
      w.network.enable(end, true);
      const c = w.startNode({ name: 'client', def: rpcCaller, config: null, ends: [end] });
      w.runTask('main', (function* () {
        for (let i = 0; i < 20; i++) yield* c.call('rpc', { end: 0, method: 'Echo.Handler', args: i });
      })());
      return w.trace;
    };
    const a = run(1);
    expect(run(1).hash).toBe(a.hash);
    expect(run(2).hash).not.toBe(a.hash);
    const records: TraceRecord[] = a.records!;
    expect(records.some((r) => r.kind === TraceKind.Response && !r.ok)).toBe(true);
  });
});
