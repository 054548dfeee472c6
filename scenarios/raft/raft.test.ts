import { describe, expect, it } from 'vitest';
import { defineRaft, raftParts } from '../../protocols/raft/index.ts';
import { ms } from '../../sim/node.ts';
import { matchScenarios, runScenario, type Scenario, type ScenarioContext } from '../../sim/scenario.ts';
import { sleep, type Co } from '../../sim/task.ts';
import { testSeeds, testSweep } from '../../sim/cli/env.ts';
import { makeConfig, type RaftTester } from './config.ts';
import './index.ts';

const SEEDS = testSeeds([1, 2, 3]); // SIMLAB_SEED / SIMLAB_RUNS choose others

/** A scenario made on the spot (not registered), for testing the tester itself. */
function adHoc(name: string, run: (t: ScenarioContext) => Co<void>): Scenario {
  return { name, description: name, run };
}

function runTester(body: (c: RaftTester, t: ScenarioContext) => Co<void>, n = 3, impl?: unknown) {
  const s = adHoc('raft/test/ad-hoc', function* (t) {
    const c = makeConfig(t, n, false, false);
    yield* body(c, t);
    c.cleanup();
  });
  return runScenario(s, { seed: 1, ...(impl ? { impl: { raft: impl } } : {}) });
}

describe('the Raft lab scenarios', () => {
  const all = matchScenarios('raft/**');

  it('are the 28 tests of 3A–3D, by their Go names', () => {
    expect(all.length).toBe(28);
    expect(all.filter((s) => s.name.startsWith('raft/3A/')).length).toBe(3);
    expect(all.filter((s) => s.name.startsWith('raft/3B/')).length).toBe(10);
    expect(all.filter((s) => s.name.startsWith('raft/3C/')).length).toBe(8);
    expect(all.filter((s) => s.name.startsWith('raft/3D/')).length).toBe(7);
  });

  for (const s of all) {
    it(`${s.name} passes seeds ${SEEDS.join(', ')} with the correct Raft, reaching each sometimes label`, () => {
      expect(testSweep(s, SEEDS, {}, 120_000_000)).toEqual({ failures: [], neverReached: [] });
    });
  }

  it('are deterministic: a seed gives the same trace twice, another seed another', () => {
    const s = matchScenarios('raft/3C/figure8-unreliable')[0]!;
    const a = runScenario(s, { seed: 5 });
    expect(runScenario(s, { seed: 5 }).traceHash).toBe(a.traceHash);
    expect(runScenario(s, { seed: 6 }).traceHash).not.toBe(a.traceHash);
  });
});

describe('the Raft tester', () => {
  it('fails a test that runs past 120 s of virtual time', () => {
    const r = runTester(function* (c) {
      c.begin('slow');
      yield* sleep(121_000_000);
      c.end();
    });
    expect(r.failure).toEqual({ kind: 'assertion', message: 'test took longer than 120 seconds' });
  });

  it('one() without retry fails after 2 s when no majority can commit', () => {
    const r = runTester(function* (c) {
      const leader = yield* c.checkOneLeader();
      c.disconnect((leader + 1) % 3);
      c.disconnect((leader + 2) % 3);
      yield* c.one(7, 1, false);
    });
    expect(r.failure?.message).toBe('one(7) failed to reach agreement');
  });

  it('keeps a restarted server unreachable until connect(), and forgets nothing it persisted', () => {
    const r = runTester(function* (c, t) {
      yield* c.one(11, 3, false);
      c.start1(2);
      const before = c.rpcCount(2);
      yield* sleep(ms(1000));
      t.check(c.rpcCount(2) === before, `server 2 was reached before connect: ${c.rpcCount(2) - before} RPCs`);
      c.connect(2);
      yield* c.one(12, 3, true);
      t.check(c.nCommitted(1).count === 3, 'index 1 should be applied everywhere (server 2 re-applied it)');
    });
    expect(r.failure).toBeUndefined();
  });

  it('connect() only joins the connected clique: two disconnected servers stay apart', () => {
    const r = runTester(function* (c, t) {
      const leader = yield* c.checkOneLeader();
      const a = (leader + 1) % 5;
      const b = (leader + 2) % 5;
      c.disconnect(a);
      c.disconnect(b);
      c.disconnect(leader);
      c.connect(a); // the clique is now {a, the two others}: b and the old leader are isolated
      yield* c.one(5, 3, true);
      t.check(c.connected.filter(Boolean).length === 3, 'three servers connected');
    }, 5);
    expect(r.failure).toBeUndefined();
  });

  it('fails a Raft that never elects a leader: "expected one leader, got none"', () => {
    const mute = defineRaft({ ...raftParts, handleElectionTimeout: () => undefined });
    const r = runTester(function* (c) {
      yield* c.checkOneLeader();
    }, 3, mute);
    expect(r.failure?.message).toBe('expected one leader, got none');
  });

  it('fails on a snapshot whose contents do not match its SnapshotIndex, as a safety failure naming the apply', () => {
    const off = defineRaft({
      ...raftParts,
      acceptSnapshot: (sc, index, term, data) => {
        raftParts.acceptSnapshot(sc, index, term, data);
        const last = sc.out.list.at(-1)!;
        if (last.kind === 'apply') sc.out.list[sc.out.list.length - 1] = { kind: 'apply', msg: { ...(last.msg as object), snapshotIndex: index + 1 } };
      },
    });
    const r = runScenario(matchScenarios('raft/3D/install')[0]!, { seed: 1, impl: { raft: off } });
    // The invariant checker sees the apply before the tester's applier does (which would say "snapshot doesn't match m.SnapshotIndex").
    expect(r.failure?.kind).toBe('safety');
    expect(r.failure?.message).toMatch(/^snapshot-contents: node \d is handed a snapshot through index (\d+) that holds commands through index \d+ — first at: .* apply /);
  });
});
