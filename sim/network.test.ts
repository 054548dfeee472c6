/**
 * labrpc's own self-tests (spec §10), against the simulated network.
 */
import { describe, expect, it } from 'vitest';
import type { Payload } from './node.ts';
import type { Co } from './task.ts';
import { echoServer, rpcCaller, type RpcOutcome } from './testkit.ts';
import { World } from './world.ts';

const MS = 1000;

function setup(seed = 1) {
  const w = new World({ seed });
  const server = w.startNode({ name: 'server', def: echoServer, config: null });
  w.network.addServer('server', server);
  const clients: ReturnType<typeof client>[] = [];
  function client(name: string, enabled = true) {
    const end = w.network.makeEnd();
    w.network.connect(end, 'server');
    w.network.enable(end, enabled);
    const host = w.startNode({ name, def: rpcCaller, config: null, ends: [end] });
    return { end, host };
  }
  function* rpc(c: ReturnType<typeof client>, method: string, args: Payload): Co<RpcOutcome> {
    return (yield* c.host.call('rpc', { end: 0, method, args })) as RpcOutcome;
  }
  return { w, server, client, clients, rpc };
}

describe('labrpc', () => {
  it('basic: a call reaches the handler and its reply comes back', () => {
    const { w, client, rpc } = setup();
    const c = client('c');
    const r = w.runTask('main', rpc(c, 'Echo.Handler', 'hello'));
    expect(r).toEqual({ ok: true, reply: 'hello' });
  });

  it('types: integer, string and structured arguments round-trip', () => {
    const { w, client, rpc } = setup();
    const c = client('c');
    const r = w.runTask(
      'main',
      (function* () {
        return [yield* rpc(c, 'Echo.Handler', 111), yield* rpc(c, 'Echo.Handler', 'x'), yield* rpc(c, 'Echo.Handler', { a: [1, 2] })];
      })(),
    );
    expect(r.map((x) => x.reply)).toEqual([111, 'x', { a: [1, 2] }]);
  });

  it('disconnect: a call on a connected but disabled end fails; after enable it succeeds', () => {
    const { w, client, rpc, server } = setup();
    const c = client('c', false);
    const first = w.runTask('main', rpc(c, 'Echo.Handler', 'a'));
    expect(first).toEqual({ ok: false, reply: null });
    expect(server.state.handled).toBe(0);
    w.network.enable(c.end, true);
    expect(w.runTask('again', rpc(c, 'Echo.Handler', 'b'))).toEqual({ ok: true, reply: 'b' });
  });

  it('counts: 17 calls give a server count of exactly 17', () => {
    const { w, client, rpc } = setup();
    const c = client('c');
    w.runTask(
      'main',
      (function* () {
        for (let i = 0; i < 17; i++) {
          const r = yield* rpc(c, 'Echo.Handler', i);
          if (r.reply !== i) throw new Error(`wrong reply ${String(r.reply)}`);
        }
      })(),
    );
    expect(w.network.getCount('server')).toBe(17);
    expect(w.network.getTotalCount()).toBe(17);
  });

  it('bytes: 17 calls with a 284-character argument cost 4828..6000 bytes, 17 with a 107-character reply 1800..2500 more', () => {
    const { w, client, rpc } = setup();
    const c = client('c');
    w.runTask(
      'main',
      (function* () {
        for (let i = 0; i < 17; i++) {
          const r = yield* rpc(c, 'Echo.Len', 'x'.repeat(284));
          if (r.reply !== 284) throw new Error(`wrong length ${String(r.reply)}`);
        }
      })(),
    );
    const b1 = w.network.getTotalBytes();
    expect(b1).toBeGreaterThanOrEqual(4828);
    expect(b1).toBeLessThanOrEqual(6000);
    w.runTask(
      'main2',
      (function* () {
        for (let i = 0; i < 17; i++) yield* rpc(c, 'Echo.Int', i);
      })(),
    );
    const b2 = w.network.getTotalBytes() - b1;
    expect(b2).toBeGreaterThanOrEqual(1800);
    expect(b2).toBeLessThanOrEqual(2500);
  });

  it('concurrent many: 20 clients × 10 calls all succeed, server count 200', () => {
    const { w, client, rpc } = setup();
    const tasks = Array.from({ length: 20 }, (_, i) => {
      const c = client(`c${i}`);
      return w.go(
        `client${i}`,
        (function* () {
          let ok = 0;
          for (let j = 0; j < 10; j++) if ((yield* rpc(c, 'Echo.Handler', i * 100 + j)).reply === i * 100 + j) ok++;
          return ok;
        })(),
      );
    });
    w.run(() => tasks.every((t) => t.finished));
    expect(tasks.map((t) => t.result)).toEqual(new Array(20).fill(10));
    expect(w.network.getCount('server')).toBe(200);
  });

  it('unreliable: of 300 concurrent calls neither all nor none succeed', () => {
    const { w, client, rpc } = setup();
    w.network.setReliable(false);
    const c = client('c');
    const tasks = Array.from({ length: 300 }, (_, i) => w.go(`t${i}`, rpc(c, 'Echo.Handler', i)));
    w.run(() => tasks.every((t) => t.finished));
    const ok = tasks.filter((t) => t.result!.ok).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(300);
    // 10% request and 10% reply loss: about 81% succeed.
    expect(ok).toBeGreaterThan(200);
    for (const t of tasks) if (t.result!.ok) expect(t.result!.reply).toBe(tasks.indexOf(t));
  });

  it('concurrent one: 20 concurrent calls on one end are each delivered once', () => {
    const { w, client, rpc, server } = setup();
    const c = client('c');
    const tasks = Array.from({ length: 20 }, (_, i) => w.go(`t${i}`, rpc(c, 'Echo.Handler', i)));
    w.run(() => tasks.every((t) => t.finished));
    expect(tasks.every((t) => t.result!.ok)).toBe(true);
    expect(server.state.handled).toBe(20);
    expect(w.network.getCount('server')).toBe(20);
  });

  it('regression1: calls pending on a disabled end do not delay a new call after enable, and never reach the handler', () => {
    const { w, client, rpc, server } = setup();
    w.network.setLongDelays(true);
    const c = client('c', false);
    const pending = Array.from({ length: 20 }, (_, i) => w.go(`p${i}`, rpc(c, 'Echo.Handler', i)));
    w.runFor(10 * MS);
    w.network.enable(c.end, true);
    const t0 = w.nowUs;
    const r = w.runTask('fresh', rpc(c, 'Echo.Handler', 99));
    expect(r.ok).toBe(true);
    expect(w.nowUs - t0).toBeLessThanOrEqual(30 * MS);
    expect(server.state.handled).toBe(1);
    expect(w.network.getCount('server')).toBe(1);
    // The earlier calls still fail, later (long delays: up to 7 s).
    w.run(() => pending.every((t) => t.finished));
    expect(pending.every((t) => !t.result!.ok)).toBe(true);
    expect(w.nowUs).toBeLessThan(7_100 * MS);
  });

  it('killed: a call stuck in a handler fails within 100 ms of DeleteServer', () => {
    const { w, client, rpc } = setup();
    const c = client('c');
    const stuck = w.go('stuck', rpc(c, 'Echo.Block', 1));
    w.runFor(1234 * MS);
    expect(stuck.finished).toBe(false);
    const t0 = w.nowUs;
    w.network.deleteServer('server');
    w.run(() => stuck.finished);
    expect(stuck.result).toEqual({ ok: false, reply: null });
    expect(w.nowUs - t0).toBeLessThanOrEqual(100 * MS);
    expect(w.nowUs - t0).toBeGreaterThan(0);
  });

  it('a handler that ran is still a failure for the caller when its end was disabled meanwhile', () => {
    const { w, client, rpc, server } = setup();
    const c = client('c');
    const stuck = w.go('stuck', rpc(c, 'Echo.Block', 1));
    w.runFor(50 * MS);
    expect(server.state.held.length).toBe(1);
    w.network.enable(c.end, false);
    w.run(() => stuck.finished);
    expect(stuck.result!.ok).toBe(false);
    // Checked at the 100 ms tick since dispatch.
    expect(w.nowUs).toBe(100 * MS);
  });

  it('a call whose end is disabled during its own handler step (by an apply listener) fails at the 100 ms tick', () => {
    const w = new World({ seed: 1 });
    const end = w.network.makeEnd();
    const server = w.startNode({ name: 'server', def: echoServer, config: null, onApply: () => w.network.enable(end, false) });
    w.network.addServer('server', server);
    w.network.connect(end, 'server');
    w.network.enable(end, true);
    const c = w.startNode({ name: 'c', def: rpcCaller, config: null, ends: [end] });
    const stuck = w.go('stuck', c.call('rpc', { end: 0, method: 'Echo.BlockAndApply', args: 1 }));
    w.runFor(10 * MS);
    expect(server.state.held.length).toBe(1);
    expect(stuck.finished).toBe(false);
    w.run(() => stuck.finished);
    expect(stuck.result).toEqual({ ok: false, reply: null });
    expect(w.nowUs).toBe(100 * MS);
  });

  it('calls to a deleted server fail after at most 99 ms without long delays, 6999 ms with', () => {
    for (const [longDelays, max] of [
      [false, 99 * MS],
      [true, 6999 * MS],
    ] as const) {
      const { w, client, rpc } = setup(7);
      w.network.setLongDelays(longDelays);
      w.network.deleteServer('server');
      const c = client('c');
      let worst = 0;
      w.runTask(
        'main',
        (function* () {
          for (let i = 0; i < 50; i++) {
            const t0 = w.nowUs;
            const r = yield* rpc(c, 'Echo.Handler', i);
            if (r.ok) throw new Error('a call to a dead server succeeded');
            worst = Math.max(worst, w.nowUs - t0);
          }
        })(),
      );
      expect(worst).toBeLessThanOrEqual(max);
      expect(worst).toBeGreaterThan(max / 3);
    }
  });

  it('long reordering delays about 2/3 of replies by 200..2199 ms', () => {
    const { w, client, rpc } = setup(3);
    w.network.setLongReordering(true);
    const c = client('c');
    const delays: number[] = [];
    w.runTask(
      'main',
      (function* () {
        for (let i = 0; i < 300; i++) {
          const t0 = w.nowUs;
          yield* rpc(c, 'Echo.Handler', i);
          delays.push(w.nowUs - t0);
        }
      })(),
    );
    const late = delays.filter((d) => d > 0);
    expect(late.every((d) => d >= 200 * MS && d <= 2199 * MS)).toBe(true);
    expect(late.length).toBeGreaterThan(170);
    expect(late.length).toBeLessThan(230);
  });
});
