import { describe, expect, it } from 'vitest';
import type { NodeDef, Output } from '../../sim/node.ts';
import { findScenario, runScenario, unreached, type RunOptions, type ScenarioContext } from '../../sim/scenario.ts';
import { kvServer, type KvServerState } from '../../protocols/kvsrv/server.ts';
import { KvAppend, type KvServerConfig } from '../../protocols/kvsrv/types.ts';
import { testSeeds, testSweep } from '../../sim/cli/env.ts';
import './index.ts';
import { KVSRV_SERVER_ROLE, KvsrvTester, serverStateBytes } from './tester.ts';

const LIGHT = ['kvsrv/basic', 'kvsrv/concurrent', 'kvsrv/unreliable', 'kvsrv/unreliable-one-key', 'kvsrv/mem-get', 'kvsrv/mem-put', 'kvsrv/mem-append'];
/** Seconds each; their workload does not depend on the seed beyond the values' letters, so one seed. */
const HEAVY = ['kvsrv/mem-put-many-clients', 'kvsrv/mem-get-many-clients', 'kvsrv/mem-many-appends'];

function run(name: string, options: RunOptions) {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return runScenario(s, options);
}

/** A one-off scenario around the tester. */
function runWith(body: (t: ScenarioContext) => Generator<any, void, unknown>, impl?: Record<string, unknown>) {
  return runScenario({ name: 'test/kvsrv-tester', description: '', run: body }, { seed: 1, ...(impl ? { impl } : {}) });
}

/** The correct server with each Append's reply (the old value) rewritten. */
function appendReplyServer(name: string, rewrite: (old: string) => string): NodeDef<KvServerState, KvServerConfig> {
  return {
    ...kvServer,
    name,
    step(s, input, ctx) {
      const r = kvServer.step(s, input, ctx);
      if (input.kind !== 'request' || input.method !== KvAppend) return r;
      const outputs = r.outputs.map((o): Output => (o.kind === 'reply' ? { ...o, reply: rewrite(o.reply as string) } : o));
      return { state: r.state, outputs };
    },
  };
}

/** Drops the last "x c j y" token from an old value: still free of the new token, but stale. */
const dropLastToken = (old: string) => (old.lastIndexOf('x ') > 0 ? old.slice(0, old.lastIndexOf('x ')) : old);

const SEEDS = testSeeds([1, 2]); // SIMLAB_SEED / SIMLAB_RUNS choose others

describe('kvsrv scenarios', () => {
  it.each(LIGHT)(`%s passes seeds ${SEEDS.join(', ')}, reaching each sometimes label`, (name) => {
    expect(testSweep(findScenario(name)!, SEEDS)).toEqual({ failures: [], neverReached: [] });
  });

  it.each(HEAVY)('%s passes seed 1', (name) => {
    const r = run(name, { seed: 1 });
    expect(r.failure).toBeUndefined();
    expect(unreached(r.sometimes)).toEqual([]);
    // The checker cuts the sequential history where nothing is pending: about one search step per operation.
    const line = r.log.find((l) => /history: 10{3,5}1? operations, 1 keys, \d+ search steps, ok$/.test(l));
    expect(line).toBeDefined();
    const [, ops, steps] = /history: (\d+) operations, 1 keys, (\d+) search steps/.exec(line!)!.map(Number);
    expect(steps).toBeLessThanOrEqual(2 * ops!);
  }, 60_000);

  it('GenericTest checks its history with the checker (overlapping operations on the unreliable network)', () => {
    const r = run('kvsrv/unreliable', { seed: 3 });
    expect(r.passed).toBe(true);
    expect(r.log.find((l) => l.includes('history:'))).toMatch(/history: \d+ operations, 5 keys, \d+ search steps, ok$/);
    expect(run('kvsrv/unreliable', { seed: 3 }).traceHash).toBe(r.traceHash);
  });
});

describe('the kvsrv tester', () => {
  it('fails a stale Append return that only the linearizability check sees (unreliable-one-key)', () => {
    const stale = appendReplyServer('kvsrv-stale-append', dropLastToken);
    const r = run('kvsrv/unreliable-one-key', { seed: 1, impl: { [KVSRV_SERVER_ROLE]: stale } });
    expect(r.failure?.kind).toBe('safety');
    expect(r.failure?.message).toMatch(/^history is not linearizable\n/);
  });

  it('fails a wrong Get in GenericTest at once', () => {
    const forgetful = appendReplyServer('kvsrv-forgets', () => '');
    const r = run('kvsrv/basic', { seed: 1, impl: { [KVSRV_SERVER_ROLE]: forgetful } });
    expect(r.failure?.message).toMatch(/^client-0: error: old x 0 \d+ y not in return/);
  });

  it('checks a sequential history with the checker, and fails an illegal one naming the operation', () => {
    const ok = runWith(function* (t) {
      const kv = new KvsrvTester(t, false);
      const a = kv.makeClient();
      const b = kv.makeClient();
      yield* kv.append(a, 'k', 'x 0 0 y', 0);
      yield* kv.append(b, 'k', 'x 1 0 y', 1);
      t.check((yield* kv.get(a, 'k', 0)) === 'x 0 0 yx 1 0 y', 'value');
      expect(kv.ops.map((o) => [o.call, o.return])).toEqual([[0, 1], [2, 3], [4, 5]]); // one µs: stamps in order
      kv.checkHistory();
    });
    expect(ok.failure).toBeUndefined();
    expect(ok.log.at(-1)).toMatch(/history: 3 operations, 1 keys, \d+ search steps, ok$/);

    const stale = appendReplyServer('kvsrv-stale-append', dropLastToken);
    const bad = runWith(
      function* (t) {
        const kv = new KvsrvTester(t, false);
        const a = kv.makeClient();
        for (let j = 0; j < 3; j++) yield* kv.append(a, 'k', `x 0 ${j} y`, 0);
        kv.checkHistory();
      },
      { [KVSRV_SERVER_ROLE]: stale },
    );
    expect(bad.failure?.kind).toBe('safety');
    expect(bad.failure?.message).toMatch(/^history is not linearizable\nnot linearizable: partition "k" \(3 operations\)\n/);
    expect(bad.failure?.message).toContain('2. client 0 [2, 3] append("k", "x 0 1 y") → "x 0 0 y"  ⇒ "x 0 0 yx 0 1 y"');
    expect(bad.failure?.message).toContain('cannot be placed next: client 0 [4, 5] append("k", "x 0 2 y") → "x 0 0 y"');
  });

  it('never passes an undecided check: a budget-out fails', () => {
    const history = function* (t: ScenarioContext) {
      const kv = new KvsrvTester(t, false);
      // 12 concurrent appends and a read of them all: legal, but the search has to find the one order.
      for (let i = 0; i < 12; i++) kv.ops.push({ clientId: i, input: { op: 3, key: 'k', value: `${i % 10}` }, call: 0, output: undefined, return: 10 });
      kv.ops.push({ clientId: 12, input: { op: 0, key: 'k', value: '' }, call: 11, output: { value: '012345678901' }, return: 12 });
      return kv;
    };
    const ok = runWith(function* (t) {
      (yield* history(t)).checkHistory();
    });
    expect(ok.failure).toBeUndefined();
    const r = runWith(function* (t) {
      const kv = yield* history(t);
      kv.checkBudgetSteps = 5;
      kv.checkHistory();
    });
    expect(r.failure?.kind).toBe('liveness');
    expect(r.failure?.message).toMatch(/^linearizability check undecided after \d+ steps \(never a pass\)/);
  });

  it('measures a foreign server state by its encoded size, Maps and Sets as entry lists', () => {
    expect(serverStateBytes({ store: new Map([['k', 'vv']]), seen: new Set([1, 2]) })).toBeGreaterThan(0);
    const small = serverStateBytes({ data: new Map([['k', 'v']]) });
    const big = serverStateBytes({ data: new Map([['k', 'v'.repeat(1000)]]) });
    expect(big - small).toBe(999 + 1); // 999 more characters, and a 2-byte length varint
  });
});
