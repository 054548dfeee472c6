import { describe, expect, it } from 'vitest';
import { Out, type NodeDef } from '../../sim/node.ts';
import { runScenario, type Scenario } from '../../sim/scenario.ts';
import { sleep } from '../../sim/task.ts';
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import { ms } from '../../sim/node.ts';
import { RaftFaultCluster, runRaftSchedule } from './raft.ts';
import { reachOf, REACH_PATHS, type ReachCounts } from './reach.ts';
import { LAB_SNAPSHOT_POLICY, type FaultSchedule } from './schedule.ts';

const schedule = (actions: FaultSchedule['actions'], over: Partial<FaultSchedule> = {}): FaultSchedule => ({
  servers: 3,
  seed: 4,
  loadIntervalMs: 100,
  loadPerAction: 0,
  healAtMs: 3000,
  livenessMs: 10_000,
  actions,
  ...over,
});

const scenarioOf = (s: FaultSchedule): Scenario => ({ name: 'faults/test', description: '', run: (t) => runRaftSchedule(t, s) });

describe('the Raft fault harness', () => {
  it('cuts one way only: i cannot call j, j still calls i', () => {
    const records: TraceRecord[] = [];
    const r = runScenario(
      {
        name: 'faults/cut',
        description: '',
        *run(t) {
          const c = new RaftFaultCluster(t, 3);
          yield* sleep(ms(10));
          c.cutLinks([0], [1]);
          yield* sleep(ms(10));
          c.heal();
        },
      },
      { seed: 1, onRecord: (rec) => rec.kind === TraceKind.Net && records.push(rec) },
    );
    expect(r.passed).toBe(true);
    const at10ms = records.filter((rec) => rec.timeUs === 10_000).map((rec) => `${rec.label} ${rec.node}`);
    expect(at10ms).toEqual(['disable 0->1#1']);
    const at20ms = records.filter((rec) => rec.timeUs === 20_000).map((rec) => `${rec.label} ${rec.node}`);
    expect(at20ms).toEqual(['enable 0->1#1']);
  });

  it('runs every kind of action against the correct Raft, resolving leader and down, then makes progress', () => {
    const r = runScenario(
      scenarioOf(
        schedule([
          { at: 500, do: 'isolate', node: 'leader' },
          { at: 900, do: 'cut', from: [2], to: [0, 1] },
          { at: 1000, do: 'crash', node: 'leader' },
          { at: 1200, do: 'disconnect', node: 0 },
          { at: 1300, do: 'unreliable', on: true },
          { at: 1400, do: 'reorder', on: true },
          { at: 1500, do: 'partition', groups: [[0, 1], [2]] },
          { at: 1600, do: 'load', count: 12 },
          { at: 1800, do: 'restart', node: 'down' },
          { at: 2000, do: 'connect', node: 'down' },
          { at: 2100, do: 'heal' },
          { at: 2200, do: 'restart', node: 'leader' },
        ]),
      ),
      { seed: 4 },
    );
    expect(r.failure).toBeUndefined();
    const log = r.log.join('\n');
    expect(log).toMatch(/isolate leader \(server \d\)/);
    expect(log).toMatch(/restart down \(server \d\)/);
    expect(log).toMatch(/connect down \(server 0\)/);
    expect(log).toContain('heal all');
    expect(log).toContain('progress: a leader and a new commit on all 3 servers');
  });

  it('replays a schedule bit for bit (same world seed, same trace hash)', () => {
    const s = schedule([
      { at: 300, do: 'crash', node: 'leader' },
      { at: 800, do: 'restart', node: 'down' },
    ]);
    const a = runScenario(scenarioOf(s), { seed: s.seed });
    const b = runScenario(scenarioOf(s), { seed: s.seed });
    expect(a.traceHash).toBe(b.traceHash);
    expect(runScenario(scenarioOf({ ...s, seed: 5 }), { seed: 5 }).traceHash).not.toBe(a.traceHash);
  });

  it('fails as liveness, saying what is missing, when no leader appears after healing', () => {
    // A node that never campaigns: the cluster stays leaderless.
    const mute: NodeDef<null, unknown> = {
      name: 'mute',
      init: () => new Out().done(null),
      step(st, input) {
        const out = new Out();
        if (input.kind === 'call') {
          out.return(input.callId, input.method === 'start' ? { index: -1, term: 0, isLeader: false } : { term: 0, isLeader: false });
        }
        return out.done(st);
      },
    };
    const s = schedule([], { livenessMs: 2000 });
    const r = runScenario(scenarioOf(s), { seed: 1, impl: { raft: mute } });
    expect(r.failure?.kind).toBe('liveness');
    expect(r.failure?.message).toBe('no progress 2s after healing: no leader (0 term 0, 1 term 0, 2 term 0)');
  });

  it('replays a schedule without a snapshot policy exactly as with the lab policy written out (old schedules replay the same)', () => {
    const s = schedule([
      { at: 300, do: 'isolate', node: 'leader' },
      { at: 900, do: 'heal' },
    ]);
    const a = runScenario(scenarioOf(s), { seed: s.seed });
    const b = runScenario(scenarioOf({ ...s, snapshot: LAB_SNAPSHOT_POLICY }), { seed: s.seed });
    const c = runScenario(scenarioOf({ ...s, snapshot: { every: 10, bytes: 0, delayMs: 0 } }), { seed: s.seed });
    expect(a.passed).toBe(true);
    expect(b.traceHash).toBe(a.traceHash);
    expect(c.traceHash).toBe(a.traceHash);
    expect(runScenario(scenarioOf({ ...s, snapshot: { every: 3, bytes: 0, delayMs: 0 } }), { seed: s.seed }).traceHash).not.toBe(a.traceHash);
  });

  it('holds a server\'s replies for the time asked, snapshots late, and flaps a leader until it leads again', () => {
    const s = schedule(
      [
        { at: 600, do: 'hold', node: 0, what: 'replies', ms: 1500 },
        { at: 2500, do: 'flap', node: 'leader', ms: 5000 },
      ],
      { healAtMs: 8000, snapshot: { every: 2, bytes: 0, delayMs: 400 } },
    );
    // Replies of server 0, a follower (Responses from it, at their callers), by when they arrived.
    const arrivals: number[] = [];
    const r = runScenario(scenarioOf(s), {
      seed: s.seed,
      onRecord: (rec) => void (rec.kind === TraceKind.Response && rec.peer === '0' && rec.ok && arrivals.push(rec.timeUs)),
    });
    expect(r.failure).toBeUndefined();
    // Sent from 0.6 s to 2.1 s, each held 1.5 s: none arrives from 0.7 s to 2.1 s, all of them from 2.1 s to 3.6 s.
    expect(arrivals.filter((us) => us > 700_000 && us < 2_100_000)).toEqual([]);
    expect(arrivals.filter((us) => us >= 2_100_000 && us <= 3_600_000).length).toBeGreaterThan(0);
    expect(r.counts['held reply']).toBeGreaterThan(0);
    expect(r.counts['snapshot late']).toBeGreaterThan(0);
    expect(r.counts['flap re-admitted']).toBe(1);
    expect(r.counts['flap led twice']).toBe(1);
    expect(r.log.join('\n')).toMatch(/flap leader for 5000 ms \(server \d\)/);
  });

  it('reaches InstallSnapshot at and below a follower\'s commit index and AppendEntries below its snapshot only with the new faults', () => {
    const zero = (): ReachCounts => {
      const z = Object.fromEntries(REACH_PATHS.map((k) => [k, 0])) as Record<(typeof REACH_PATHS)[number], number>;
      return { schedules: 0, ...z, schedulesReaching: { ...z } };
    };
    const faults: FaultSchedule['actions'] = [
      { at: 1000, do: 'hold', node: 1, what: 'replies', ms: 3000 },
      { at: 4000, do: 'hold', node: 0, what: 'requests', ms: 300 },
      { at: 4000, do: 'hold', node: 2, what: 'requests', ms: 300 },
    ];
    const neu = zero();
    const old = zero();
    for (const seed of [7, 8, 9]) {
      expect(reachOf(schedule(faults, { seed, healAtMs: 5000, snapshot: { every: 2, bytes: 0, delayMs: 500 } }), neu)).toBe(true);
      // The same run in the old harness: no holds, the lab's snapshot policy.
      expect(reachOf(schedule([], { seed, healAtMs: 5000 }), old)).toBe(true);
    }
    expect(neu.installAtCommit).toBeGreaterThan(0);
    expect(neu.installBelowCommit).toBeGreaterThan(0);
    expect(neu.appendBelowSnapshot).toBeGreaterThan(0);
    expect([old.installAtCommit, old.installBelowCommit, old.appendBelowSnapshot]).toEqual([0, 0, 0]);
  });
});
