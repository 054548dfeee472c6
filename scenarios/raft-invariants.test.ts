// The Raft invariant checker (checkers/raft) against the real Raft node and the bug zoo, end to end.
// It lives in scenarios/ because checkers/ never import protocols/.
/**
 * End to end: the real Raft node (and its known-bug variants) driven by the
 * protocol's testkit, its facts and applies turned into trace records as
 * they happen and streamed into the checker. Only this test reaches into
 * protocols/ and scenarios/; the checker itself knows the facts as data.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../sim/codec.ts';
import type { NodeDef } from '../sim/node.ts';
import { Prng } from '../sim/prng.ts';
import { TraceKind, type TraceRecord } from '../sim/trace.ts';
import { defineRaft, raft, raftParts, type RaftConfig, type RaftState } from '../protocols/raft/index.ts';
import { runInput } from '../sim/property.ts';
import type { FaultSchedule } from './faults/schedule.ts';
import { raftSafety } from './properties/raft.ts';
import { RaftCluster, playFigure8Takeover, setUpFigure8, setUpStaleCandidate } from '../protocols/raft/testkit.ts';
import {
  raftAppendNotPersisted,
  raftAppendTruncatesMatching,
  raftCommitOldTermByCount,
  raftElectionStorm,
  raftMatchFromOwnLog,
  raftNoElectionRestriction,
  raftVotedForNotPersisted,
} from './bugs/raft.ts';
import { RaftInvariantChecker, checkRaftTrace } from '../checkers/raft/checker.ts';
import { TraceBuilder } from '../checkers/raft/testing.ts';
import type { RaftCheckerOptions, RaftFact } from '../checkers/raft/types.ts';

type RaftNode = NodeDef<RaftState, RaftConfig>;

/** The testkit applier's snapshots: [index, commands] with commands[k] applied at k. */
const decodeSnapshot = (s: Uint8Array): unknown[] => (decode(s) as [number, unknown[]])[1];

interface Watched {
  readonly c: RaftCluster;
  readonly records: TraceRecord[];
  readonly checker: RaftInvariantChecker;
}

/**
 * A cluster whose facts, applies and crashes become trace records in the
 * order the nodes emit them (the probe appends facts and applies to two
 * lists as it applies a step's outputs, so both lists' pushes are
 * intercepted), each fed to a checker at once.
 */
function watch(c: RaftCluster, options: RaftCheckerOptions = {}): Watched {
  const b = new TraceBuilder();
  const checker = new RaftInvariantChecker(options);
  const record = (kind: TraceKind, node: number, payload: unknown) => {
    b.timeUs = c.nowUs;
    checker.observe(b.push(kind, String(node), payload));
  };
  for (const f of c.facts) record(TraceKind.Fact, f.node, f.fact); // the constructor's boots
  intercept(c.probe.facts, (f) => record(TraceKind.Fact, Number(f.node), f.value));
  intercept(c.probe.applies, (a) => record(TraceKind.Apply, Number(a.node), a.value));
  const crash = c.crash.bind(c);
  c.crash = (i: number) => {
    record(TraceKind.Crash, i, undefined);
    crash(i);
  };
  return { c, records: b.records, checker };
}

function intercept<T>(list: T[], onPush: (item: T) => void): void {
  list.push = (...items: T[]): number => {
    for (const item of items) onPush(item);
    return Array.prototype.push.apply(list, items);
  };
}

/**
 * A storm in the style of 3C's Figure 8 (unreliable): every live server is
 * asked to Start a command each round, messages are lost and reordered, the
 * leader is often crashed or cut off, and a random server comes back when
 * fewer than three are up; at the end all heal and must agree.
 */
function storm(seed: number, snapshotEvery: number, rounds: number): Watched {
  const w = watch(new RaftCluster(5, { seed, snapshotEvery }), { decodeSnapshot });
  const { c } = w;
  const rng = new Prng(seed).fork('storm');
  c.shuffle = true;
  c.dropIf = () => rng.chance(1, 8);
  const up = (i: number) => c.alive(i) && c.connected[i]!;
  for (let round = 0; round < rounds; round++) {
    let leader = -1;
    for (let i = 0; i < c.n; i++) if (c.alive(i) && c.start(i, 1000 * round + i).isLeader) leader = i;
    c.advance(rng.chance(1, 8) ? rng.below(600) * 1000 : rng.below(15) * 1000);
    if (leader >= 0 && rng.chance(1, 4)) {
      if (rng.chance(1, 2)) c.crash(leader);
      else c.disconnect(leader);
    }
    if ([0, 1, 2, 3, 4].filter(up).length < 3) {
      const i = rng.below(c.n);
      if (!c.alive(i)) c.restart(i);
      c.connect(i);
    }
  }
  c.dropIf = undefined;
  for (let i = 0; i < c.n; i++) {
    if (!c.alive(i)) c.restart(i);
    c.connect(i);
  }
  c.one('done', 5);
  return w;
}

/** A copy of `records` with record `at`'s payload replaced. */
function tampered(records: readonly TraceRecord[], at: number, payload: unknown): TraceRecord[] {
  const copy = records.slice();
  copy[at] = { ...records[at]!, payload };
  return copy;
}

describe('the Raft checker on the real node', () => {
  it('finds nothing wrong in 3C-style storms (elections, loss, crashes, restarts), and notices one altered apply', () => {
    for (const seed of [1, 2, 3]) {
      const { c, records, checker } = storm(seed, 0, 200);
      expect(c.errors).toEqual([]);
      expect(checker.violation).toBeNull();
      const s = checker.summary();
      expect([s.leaderTerms >= 3, s.restarts > 0, s.highestCommit >= 20]).toEqual([true, true, true]);
      expect(checkRaftTrace(records, { decodeSnapshot })).toBeNull();

      const at = records.findIndex((r, k) => k > records.length / 2 && r.kind === TraceKind.Apply);
      const msg = records[at]!.payload as { command: unknown; commandIndex: number };
      const v = checkRaftTrace(tampered(records, at, { ...msg, command: 'altered' }));
      expect([v?.invariant, v?.record.index]).toEqual(['state-machine-safety', at]);
    }
  });

  it('finds nothing wrong in 3D-style storms with snapshots every 10 entries, and notices one altered snapshot', () => {
    let altered = 0;
    for (const seed of [11, 12, 13]) {
      const { c, records, checker } = storm(seed, 10, 300);
      expect(c.errors).toEqual([]);
      expect(checker.violation).toBeNull();
      expect(checker.summary().compactions).toBeGreaterThanOrEqual(5);

      const at = records.findIndex((r) => r.kind === TraceKind.Apply && (r.payload as { snapshotValid?: boolean }).snapshotValid);
      if (at < 0) continue; // no follower needed InstallSnapshot in this storm
      const msg = records[at]!.payload as { snapshot: Uint8Array; snapshotIndex: number };
      const commands = decodeSnapshot(msg.snapshot).slice();
      commands[1] = 'altered';
      const v = checkRaftTrace(tampered(records, at, { ...msg, snapshot: encode([msg.snapshotIndex, commands]) }), { decodeSnapshot });
      expect([v?.invariant, v?.record.index]).toEqual(['snapshot-contents', at]);
      altered++;
    }
    expect(altered).toBeGreaterThan(0); // some follower was caught up by InstallSnapshot
  });
});

describe('the Raft checker on known-bug variants', () => {
  it('raft/voted-for-not-persisted: a restarted server votes again in the term → vote-once at that vote', () => {
    const run = (node: RaftNode) => {
      const w = watch(new RaftCluster(3, { node }));
      const { c } = w;
      c.partition([0, 1], [2]);
      c.fire(1, 'election'); // term 1, with node 0's vote
      c.pump();
      c.restart(0);
      c.partition([0, 2], [1]);
      c.fire(2, 'election'); // also term 1: node 0 must refuse
      c.pump();
      return w;
    };
    expect(run(raft).checker.violation).toBeNull();
    const v = run(raftVotedForNotPersisted.node).checker.violation;
    expect(v?.invariant).toBe('vote-once');
    expect([v?.record.node, v?.record.payload]).toEqual(['0', { type: 'raft/vote', term: 1, for: 2 }]);
    expect(v?.message).toBe('node 0 voted for 2 in term 1, but it voted for 1 in that term before a restart');
  });

  it('raft/commit-old-term: an older-term entry counted committed (Figure 8) → leader-completeness when a leader without it wins', () => {
    const run = (node: RaftNode) => {
      const w = watch(new RaftCluster(5, { node }));
      const { c } = w;
      setUpFigure8(c);
      playFigure8Takeover(c);
      return w;
    };
    expect(run(raft).checker.violation).toBeNull();
    const v = run(raftCommitOldTermByCount.node).checker.violation;
    expect(v?.invariant).toBe('leader-completeness');
    expect([v?.record.node, (v?.record.payload as RaftFact).type]).toEqual(['4', 'raft/leader']);
    expect(v?.message).toMatch(/^leader 4 of term 4 lacks committed index 2 \(term 1 "b", committed by node 0\): it holds term 2 "c" there$/);
  });

  it('raft/no-election-restriction: a server missing a committed entry wins → leader-completeness at its election', () => {
    const run = (node: RaftNode) => {
      const w = watch(new RaftCluster(3, { node }));
      const { c } = w;
      setUpStaleCandidate(c);
      return w;
    };
    expect(run(raft).checker.violation).toBeNull();
    const v = run(raftNoElectionRestriction.node).checker.violation;
    expect(v?.invariant).toBe('leader-completeness');
    expect([v?.record.node, (v?.record.payload as RaftFact).type]).toEqual(['2', 'raft/leader']);
    expect(v?.message).toBe('leader 2 of term 2 lacks committed index 2 (term 1 102, committed by node 0): its log ends at index 1');
  });
});

/** Delivers the first queued flight `pick` accepts (the test's chosen order). */
function deliverFirst(c: RaftCluster, pick: (f: { kind: string; caller: string; callee: string; args: unknown }) => boolean): void {
  const at = c.probe.flights.findIndex(pick);
  expect(at, 'no such flight queued').toBeGreaterThanOrEqual(0);
  c.deliverOne(at);
}

const appendTo = (callee: string, n: number) => (f: { kind: string; callee: string; args: unknown }) =>
  f.kind === 'request' && f.callee === callee && (f.args as { entries?: unknown[] }).entries?.length === n;

describe('the Raft checker on variants only the fact-based invariants see', () => {
  /** Leader 0 of term 1 queues a heartbeat (no entries) and then, on Start, an AppendEntries carrying "a", to both followers. */
  function heartbeatThenStart(node: RaftNode): Watched {
    const w = watch(new RaftCluster(3, { node }));
    const { c } = w;
    c.fire(0, 'election');
    c.pump();
    c.fire(0, 'heartbeat');
    c.start(0, 'a');
    return w;
  }

  it('raft/append-truncates-matching: the older heartbeat arrives after "a" was acknowledged and cuts it → acknowledged-kept', () => {
    const run = (node: RaftNode) => {
      const w = heartbeatThenStart(node);
      deliverFirst(w.c, appendTo('1', 1)); // "a" first: node 1 appends and acknowledges index 1
      w.c.pump(); // then the heartbeat (prev 0, no entries)
      return w;
    };
    const good = run(raft);
    expect(good.checker.violation).toBeNull();
    expect(good.c.state(1).log.entries.length).toBe(1);
    const v = run(raftAppendTruncatesMatching.node).checker.violation;
    expect([v?.invariant, v?.record.node, v?.record.payload]).toEqual(['acknowledged-kept', '1', { type: 'raft/log', from: 1, entries: [] }]);
    expect(v?.message).toBe('node 1 acknowledged index 1 to the leader of term 1 and is still in that term, but loses index 1: its log now ends at index 0');
  });

  it('raft/match-from-own-log: the heartbeat\'s reply (acknowledging index 0) is counted as index 1 → match-acknowledged', () => {
    const run = (node: RaftNode) => {
      const w = heartbeatThenStart(node);
      deliverFirst(w.c, appendTo('1', 0)); // the heartbeat reaches node 1, which acknowledges index 0
      deliverFirst(w.c, (f) => f.kind === 'response' && f.callee === '1'); // its reply reaches the leader, whose log now ends at 1
      w.c.pump();
      return w;
    };
    expect(run(raft).checker.violation).toBeNull();
    const v = run(raftMatchFromOwnLog.node).checker.violation;
    expect([v?.invariant, v?.record.node]).toEqual(['match-acknowledged', '0']);
    expect(v?.message).toBe('leader 0 of term 1 sets matchIndex 1 for node 1, which acknowledged only through index 0 in that term');
  });

  it('raft/append-not-persisted: a follower restarts without the entries it acknowledged → acknowledged-kept at its boot', () => {
    const run = (node: RaftNode) => {
      const w = watch(new RaftCluster(3, { node }));
      w.c.checkOneLeader();
      w.c.one('a', 3);
      const follower = [0, 1, 2].find((i) => !w.c.getState(i).isLeader)!;
      w.c.restart(follower);
      return w;
    };
    expect(run(raft).checker.violation).toBeNull();
    const v = run(raftAppendNotPersisted.node).checker.violation;
    expect(v?.invariant).toBe('acknowledged-kept');
    expect((v?.record.payload as RaftFact).type).toBe('raft/boot');
    expect(v?.message).toMatch(/^node \d restarts with a log ending at index 0, but it acknowledged index 1 to the leader of term \d+ and no later leader replaced it/);
  });

  it('raft/election-storm: terms keep rising under a leader whose heartbeats all arrive (no safety invariant breaks)', () => {
    const run = (node: RaftNode) => {
      const w = watch(new RaftCluster(3, { node }));
      w.c.checkOneLeader();
      const before = w.checker.highestTerm;
      w.c.advance(3_000_000);
      return { w, rise: w.checker.highestTerm - before };
    };
    const good = run(raft);
    expect([good.w.checker.violation, good.rise]).toEqual([null, 0]);
    const bad = run(raftElectionStorm.node);
    expect(bad.w.checker.violation).toBeNull();
    expect(bad.rise).toBeGreaterThanOrEqual(3);
    expect(bad.w.checker.lastTermRaise?.how).toBe('started an election');
  });
});

describe('prop/raft/safety\'s liveness messages name where each stuck follower stands', () => {
  /** A Raft whose server 2 rejects every AppendEntries as a log mismatch (it compares prevLogTerm with a term it does not hold). */
  const stuckFollower = defineRaft({
    ...raftParts,
    handleAppendEntries: (sc, args) => raftParts.handleAppendEntries(sc, sc.st.me === 2 ? { ...args, prevLogTerm: -1 } : args),
  });
  const quiet: FaultSchedule = { servers: 3, seed: 1, loadIntervalMs: 0, loadPerAction: 0, healAtMs: 1000, livenessMs: 3000, actions: [] };

  it('no progress: the follower\'s log, commit and acknowledgement, the leader\'s nextIndex/matchIndex for it, and its last reply', () => {
    const r = runInput(raftSafety, quiet, { impl: { raft: stuckFollower } });
    expect(r.failure?.kind).toBe('liveness');
    expect(r.failure!.message).toMatch(
      /^no progress 3s after healing: command \d+ \(index 1, term (\d+), started on (\d)\) applied by 2\/3; missing 2 \(applied through 0; term \1, log ends at 0, commit 0, acknowledged nothing; leader \2 \(term \1\) has nextIndex 1, matchIndex 0 \(as elected\); last reply to \2: AppendEntries t=\1 conflict=0\/\d+ at [\d.]+s\)$/,
    );
    expect(runInput(raftSafety, quiet).failure).toBeUndefined();
  });

  it('commit-pace: a leader that commits in batches (at most once per 1.2 s) falls behind the steady load', () => {
    const lastCommitUs = new WeakMap<object, number>();
    const batchingLeader = defineRaft({
      ...raftParts,
      maybeAdvanceCommit(sc) {
        const last = lastCommitUs.get(sc.st);
        if (last !== undefined && sc.ctx.nowUs - last < 1_200_000) return false;
        const acted = raftParts.maybeAdvanceCommit(sc);
        if (acted) lastCommitUs.set(sc.st, sc.ctx.nowUs);
        return acted;
      },
    });
    const r = runInput(raftSafety, quiet, { impl: { raft: batchingLeader } });
    expect(r.failure?.kind).toBe('liveness');
    expect(r.failure!.message).toMatch(/^commit-pace: command \d+ \(index \d+, Started on leader (\d) at [\d.]+s\) is not applied by every server 1\.00 s later, under a load of one command per 0\.10 s; missing \d \(applied through \d+\)/);
  });

  it('a steady healed cluster passes the steady phase, and says so', () => {
    const r = runInput(raftSafety, quiet);
    expect(r.failure).toBeUndefined();
    expect(r.log.some((l) => /^[\d.]+s steady: leader \d kept term \d+ for 2\.00 s; \d+ commands applied by every server, each within 1\.00 s$/.test(l))).toBe(true);
  });
});
