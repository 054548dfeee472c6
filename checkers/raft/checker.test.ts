import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../sim/codec.ts';
import { TraceKind } from '../../sim/trace.ts';
import { RaftInvariantChecker, checkRaftTrace } from './checker.ts';
import { TraceBuilder } from './testing.ts';
import type { RaftCheckerOptions, RaftViolation } from './types.ts';

/** The lab tester's snapshot: [index, commands] with commands[k] applied at k (commands[0] = null). */
const snapshotOf = (commands: readonly unknown[]): Uint8Array => encode([commands.length, [null, ...commands]]);
const decodeSnapshot = (s: Uint8Array): unknown[] => (decode(s) as [number, unknown[]])[1];
const withDecoder: RaftCheckerOptions = { decodeSnapshot };

function check(b: TraceBuilder, options: RaftCheckerOptions = withDecoder): RaftViolation | null {
  const checker = new RaftInvariantChecker(options);
  for (const r of b.records) checker.observe(r);
  return checker.violation;
}

const put = (value: number[]) => ({ op: 'put', key: 'k', value });

/**
 * Three nodes through two leaderships, a crash and restart, a truncated
 * uncommitted entry, a compaction, an InstallSnapshot to a lagging node and a
 * third election won by a node whose snapshot covers the committed log.
 * Commands are numbers, strings and objects rebuilt per node (equal by value only).
 */
function cleanHistory(): TraceBuilder {
  const b = new TraceBuilder();
  for (const n of ['0', '1', '2']) b.boot(n);
  b.elect('0', 1, ['0', '1'], 0);
  for (const n of ['0', '1', '2']) b.log(n, 1, [[1, 'a'], [1, put([1, 2])]]);
  b.commit('0', 2);
  b.apply('0', 1, 'a');
  b.apply('0', 2, put([1, 2]));
  b.commit('1', 2);
  b.apply('1', 1, 'a');
  b.apply('1', 2, put([1, 2]));
  b.log('0', 3, [[1, 'x']]); // never replicated: node 0 alone holds it
  b.crash('0');
  b.elect('1', 2, ['1', '2'], 2);
  b.log('1', 3, [[2, 3]]);
  b.log('2', 3, [[2, 3]]);
  b.commit('1', 3);
  b.apply('1', 3, 3);
  b.restart('0', 1, 0, 0, 3);
  b.log('0', 3, [[2, 3]]); // replaces the uncommitted x
  b.commit('0', 3);
  for (const [i, cmd] of [[1, 'a'], [2, put([1, 2])], [3, 3]] as const) b.apply('0', i, cmd); // a new incarnation re-applies
  b.log('1', 4, [[2, 'd']]);
  b.log('0', 4, [[2, 'd']]);
  b.commit('1', 4);
  b.apply('1', 4, 'd');
  b.compact('1', 4, 2);
  b.compact('0', 3, 2); // the service's Snapshot(3) on node 0, which has not committed 4
  b.compact('2', 4, 2); // InstallSnapshot: node 2 lacks index 4, so its log goes
  b.log('2', 5, []);
  b.commit('2', 4);
  b.applySnapshot('2', 4, 2, snapshotOf(['a', put([1, 2]), 3, 'd']));
  b.restart('2', 2, 1, 4, 4);
  b.restart('1', 2, 1, 4, 4);
  b.elect('2', 3, ['2', '1'], 4);
  b.log('2', 5, [[3, 'e']]);
  b.log('1', 5, [[3, 'e']]);
  b.commit('2', 5);
  b.apply('2', 5, 'e');
  b.vote('0', 2, 1); // a late vote for the term-2 leader; node 0 had not voted in term 2
  return b;
}

describe('RaftInvariantChecker: clean histories', () => {
  it('passes a clean history with elections, a restart, a truncation, compactions and an installed snapshot', () => {
    const b = cleanHistory();
    const checker = new RaftInvariantChecker(withDecoder);
    for (const r of b.records) checker.observe(r);
    expect(checker.violation).toBeNull();
    expect(checker.summary()).toEqual({ leaderTerms: 3, highestCommit: 5, compactions: 3, snapshotApplies: 1, restarts: 3 });
  });

  it('passes the same history through checkRaftTrace, with or without a decoder', () => {
    expect(checkRaftTrace(cleanHistory().records, withDecoder)).toBeNull();
    expect(checkRaftTrace(cleanHistory().records)).toBeNull();
  });

  it('ignores other records, other protocols\' facts and payloads it cannot read', () => {
    const b = cleanHistory();
    b.push(TraceKind.Fact, '0', { type: 'mr/issue', task: 3 });
    b.push(TraceKind.Fact, '0', null);
    b.push(TraceKind.Apply, '0', 'not an apply message');
    b.push(TraceKind.Send, '0', { type: 'raft/leader', term: 1, lastIndex: 0 }); // a message, not a fact
    b.push(TraceKind.Note, '1', { type: 'raft/commit', index: 99 });
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: traces that start mid-run', () => {
  it('holds entries the trace never showed against no one, and checks what it did show', () => {
    const b = new TraceBuilder();
    b.log('0', 3, [[2, 'c']]); // no boot fact: indexes 1 and 2 are unknown
    b.commit('0', 2);
    b.vote('1', 3, 1);
    b.leader('1', 3, 0); // nothing known committed: nothing to lack
    b.boot('2', 2, null, 0, 3); // booted from a log the trace never showed
    b.log('2', 4, [[2, 'd']]);
    b.commit('2', 4);
    b.apply('2', 4, 'd');
    expect(check(b)).toBeNull();
    const bad = b.log('0', 4, [[2, 'D']]);
    expect([check(b)?.invariant, check(b)?.record]).toEqual(['log-matching', bad]);
  });
});

describe('RaftInvariantChecker: election safety', () => {
  it('reports a second leader in a term, at its leader fact', () => {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.elect('0', 1, ['0', '1'], 0);
    b.vote('2', 1, 2);
    const second = b.leader('2', 1, 0);
    b.leader('1', 1, 0);
    const v = check(b);
    expect(v?.invariant).toBe('election-safety');
    expect(v?.record).toBe(second);
    expect(v?.message).toBe('term 1 has two leaders: node 0, then node 2');
  });

  it('allows one leader per term, the same node leading again later, and a repeated announcement', () => {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.elect('0', 1, ['0', '1'], 0);
    b.leader('0', 1, 0);
    b.elect('1', 2, ['1', '2'], 0);
    b.elect('0', 3, ['0', '2'], 0);
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: one vote per term', () => {
  it('reports a vote for another candidate in the same term after a restart (votedFor not persisted)', () => {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.vote('1', 1, 1);
    b.vote('0', 1, 1);
    b.leader('1', 1, 0);
    b.restart('0', 1, null, 0, 0);
    b.vote('2', 1, 2);
    const again = b.vote('0', 1, 2);
    const v = check(b);
    expect(v?.invariant).toBe('vote-once');
    expect(v?.record).toBe(again);
    expect(v?.message).toBe('node 0 voted for 2 in term 1, but it voted for 1 in that term before a restart');
  });

  it('reports two votes in one term within an incarnation, and a boot that claims another vote', () => {
    const b = new TraceBuilder();
    b.boot('0');
    b.vote('0', 4, 1);
    const twice = b.vote('0', 4, 2);
    expect(check(b)?.record).toBe(twice);

    const c = new TraceBuilder();
    c.boot('0');
    c.vote('0', 4, 1);
    const boot = c.restart('0', 4, 2, 0, 0);
    const v = check(c);
    expect([v?.invariant, v?.record]).toEqual(['vote-once', boot]);
    expect(v?.message).toBe('node 0 boots with a vote for 2 in term 4, but it voted for 1 in that term before a restart');
  });

  it('allows the same vote again, a boot that remembers it, and votes for others in later terms', () => {
    const b = new TraceBuilder();
    b.boot('0');
    b.vote('0', 1, 1);
    b.vote('0', 1, 1);
    b.restart('0', 1, 1, 0, 0);
    b.vote('0', 2, 2);
    b.vote('0', 3, 0);
    b.vote('1', 3, 1); // another node's vote in the same term is its own business
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: log matching', () => {
  function twoNodes(): TraceBuilder {
    const b = new TraceBuilder();
    b.boot('0');
    b.boot('1');
    b.log('0', 1, [[1, 'a'], [1, 'b'], [2, 'c']]);
    return b;
  }

  it('reports one (index, term) holding two commands', () => {
    const b = twoNodes();
    const bad = b.log('1', 1, [[1, 'a'], [1, 'B'], [2, 'c']]);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['log-matching', bad]);
    expect(v?.message).toBe('index 2 term 1 holds "B" at node 1 but "b" at node 0');
  });

  it('reports one (index, term) on two different prefixes', () => {
    const b = twoNodes();
    b.log('1', 1, [[1, 'a'], [2, 'z']]);
    const bad = b.log('1', 3, [[2, 'c']]); // (3, 2) after term 2 here, after term 1 on node 0
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['log-matching', bad]);
    expect(v?.message).toBe('index 3 term 2 follows term 2 at node 1 but term 1 at node 0: the logs differ at index 2');
  });

  it('allows different terms at one index, equal commands rebuilt per node, and rewrites after truncation', () => {
    const b = twoNodes();
    b.log('1', 1, [[1, 'a'], [1, 'b']]);
    b.log('1', 3, [[3, put([4])]]); // index 3 under another term
    b.log('0', 3, [[3, put([4])]]); // node 0 replaces its (3, 2) with the same (3, 3)
    b.log('1', 4, [[3, 9]]);
    b.log('1', 2, []); // truncated back to index 1
    b.log('1', 2, [[1, 'b'], [3, put([4])], [3, 9]]);
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: leader completeness', () => {
  /** Nodes 0–2; node 0 leads term 1 and commits a, b, c with node 1; node 2 holds only a. */
  function committedThrough3(): TraceBuilder {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.elect('0', 1, ['0', '1'], 0);
    b.log('0', 1, [[1, 'a'], [1, 'b'], [1, 'c']]);
    b.log('1', 1, [[1, 'a'], [1, 'b'], [1, 'c']]);
    b.log('2', 1, [[1, 'a']]);
    b.commit('0', 3);
    return b;
  }

  it('reports a leader whose log ends before the committed log does', () => {
    const b = committedThrough3();
    b.vote('2', 2, 2);
    b.vote('1', 2, 2);
    const bad = b.leader('2', 2, 1);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['leader-completeness', bad]);
    expect(v?.message).toBe('leader 2 of term 2 lacks committed index 2 (term 1 "b", committed by node 0): its log ends at index 1');
  });

  it('does not bind a leader of an earlier term elected late, after a later term committed (Figure 3: higher-numbered terms only)', () => {
    const b = new TraceBuilder();
    b.vote('1', 1, 1); // node 1 campaigns in term 1; its vote replies are slow
    b.elect('2', 2, ['2', '0'], 0);
    b.log('2', 1, [[2, 'a']]);
    b.log('0', 1, [[2, 'a']]);
    b.commit('2', 1);
    b.vote('0', 1, 1); // a term-1 vote granted before node 0 heard of term 2, delivered late
    b.leader('1', 1, 0);
    expect(check(b)).toBeNull();
    b.vote('1', 3, 1);
    b.vote('0', 3, 1);
    const bad = b.leader('1', 3, 0); // term 3 is higher than the commit's: bound
    expect(check(b)?.invariant).toBe('leader-completeness');
    expect(check(b)?.record).toBe(bad);
  });

  it('reports a leader holding another entry at a committed index, naming the first one it lacks', () => {
    const b = committedThrough3();
    b.log('2', 2, [[2, 'x'], [2, 'y']]);
    const bad = b.leader('2', 3, 3);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['leader-completeness', bad]);
    expect(v?.message).toBe('leader 2 of term 3 lacks committed index 2 (term 1 "b", committed by node 0): it holds term 2 "x" there');
  });

  it('reports a leader whose boot lost committed entries its facts had shown (a persistence bug)', () => {
    const b = committedThrough3();
    b.restart('1', 1, 0, 0, 1); // its facts said the log ends at 3
    b.vote('1', 2, 1);
    b.vote('2', 2, 1);
    const bad = b.leader('1', 2, 1);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['leader-completeness', bad]);
    expect(v?.message).toBe('leader 1 of term 2 lacks committed index 2 (term 1 "b", committed by node 0): its log ends at index 1');
  });

  it('counts entries under a leader\'s snapshot as held, and allows a leader with more than the committed log', () => {
    const b = committedThrough3();
    b.log('1', 4, [[1, 'd']]);
    b.elect('1', 2, ['1', '2'], 4);
    b.compact('0', 3, 1);
    b.log('0', 4, []);
    b.elect('0', 3, ['0', '2'], 3);
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: state machine safety', () => {
  function applied(): TraceBuilder {
    const b = new TraceBuilder();
    for (const n of ['0', '1']) b.boot(n);
    b.log('0', 1, [[1, 1], [1, 2]]);
    b.log('1', 1, [[1, 1], [1, 2]]);
    b.commit('0', 2);
    b.apply('0', 1, 1);
    b.apply('0', 2, 2);
    return b;
  }

  it('reports an index applied with two different commands', () => {
    const b = applied();
    b.commit('1', 2);
    b.apply('1', 1, 1);
    const bad = b.apply('1', 2, '2'); // a string is not the number
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('index 2 applied as "2" at node 1 but as 2 at node 0');
  });

  it('reports a command applied where another was committed', () => {
    const b = new TraceBuilder();
    b.boot('0');
    b.log('0', 1, [[1, 'a']]);
    b.commit('0', 1);
    const bad = b.apply('0', 1, 'z');
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('node 0 applies "z" at index 1, which was committed as term 1 "a", committed by node 0');
  });

  it('reports a node committing an index whose entry differs from the committed one', () => {
    const b = applied();
    b.boot('2');
    b.log('2', 1, [[1, 1], [2, 7]]);
    const bad = b.commit('2', 2);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('node 2 commits index 2 holding term 2 7 at index 2, which was committed as term 1 2, committed by node 0');
  });

  it('reports a node overwriting an entry it committed', () => {
    const b = applied();
    b.commit('1', 2);
    const bad = b.log('1', 2, [[3, 8]]);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('node 1 overwrites its committed index 2 (term 1 2, committed by node 0) with term 3 8');
  });

  it('reports a restarted node overwriting an entry it committed in an earlier incarnation', () => {
    const b = applied();
    b.restart('0', 1, null, 0, 2);
    b.commit('0', 1); // the new incarnation's commit point starts lower; what it committed before still counts
    const bad = b.log('0', 2, [[2, 5]]);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('node 0 overwrites its committed index 2 (term 1 2, committed by node 0) with term 2 5');
  });

  it('reports a log fact that claims another entry inside the node\'s snapshot at a committed index', () => {
    const b = applied();
    b.compact('0', 2, 1);
    const bad = b.log('0', 1, [[1, 1], [1, 3], [1, 4]]);
    expect([check(b)?.invariant, check(b)?.record]).toEqual(['state-machine-safety', bad]);
  });

  it('allows re-applying after a restart, overwriting uncommitted entries, and a log fact repeating entries inside the snapshot', () => {
    const b = applied();
    b.log('0', 3, [[1, 3]]);
    b.restart('0', 1, null, 0, 3);
    b.log('0', 3, [[2, 4]]); // index 3 was never committed
    b.commit('0', 3);
    for (const [i, c] of [[1, 1], [2, 2], [3, 4]]) b.apply('0', i!, c);
    b.commit('1', 2);
    b.apply('1', 2, 2);
    b.apply('1', 1, 1);
    b.compact('0', 2, 1);
    b.log('0', 1, [[1, 1], [1, 2], [2, 4], [2, 5]]); // the snapshot stays: index 2 is still its last
    b.log('1', 3, [[2, 4]]);
    b.elect('1', 2, ['1', '0'], 3);
    expect(check(b)).toBeNull();
  });
});

describe('RaftInvariantChecker: snapshots', () => {
  /** Node 0 commits and applies 1..3 (10, 20, 30) with node 1; node 2 is behind. */
  function committed3(): TraceBuilder {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.elect('0', 1, ['0', '1'], 0);
    b.log('0', 1, [[1, 10], [1, 20], [1, 30], [1, 40]]);
    b.log('1', 1, [[1, 10], [1, 20], [1, 30], [1, 40]]);
    b.commit('0', 3);
    for (const i of [1, 2, 3]) b.apply('0', i, i * 10);
    return b;
  }

  it('reports a compaction beyond every commit point', () => {
    const b = committed3();
    const bad = b.compact('1', 4, 1);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['snapshot-committed', bad]);
    expect(v?.message).toBe('node 1 compacts its log through index 4 (term 1), beyond the highest commit anywhere (3)');
  });

  it('reports a snapshot handed to a service beyond every commit point', () => {
    const b = committed3();
    const bad = b.applySnapshot('2', 4, 1, snapshotOf([10, 20, 30, 40]));
    expect([check(b)?.invariant, check(b)?.record]).toEqual(['snapshot-committed', bad]);
  });

  it('reports a compaction whose last term is not the committed one', () => {
    const b = committed3();
    const bad = b.compact('2', 3, 2);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['snapshot-contents', bad]);
    expect(v?.message).toBe('node 2 compacts its log through index 3 with term 2, but index 3 was committed as term 1 30, committed by node 0');
  });

  it('reports a snapshot whose commands disagree with what was applied, only when it can decode them', () => {
    const b = committed3();
    b.compact('2', 3, 1);
    b.commit('2', 3);
    const bad = b.applySnapshot('2', 3, 1, snapshotOf([10, 21, 30]));
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['snapshot-contents', bad]);
    expect(v?.message).toBe('node 2 is handed a snapshot through index 3 holding 21 at index 2, but 20 was applied there at node 0');
    expect(check(b, {})).toBeNull();
    expect(check(b, { decodeSnapshot: () => undefined })).toBeNull();
  });

  it('reports a snapshot whose commands disagree with the committed log where nothing was applied yet', () => {
    const b = new TraceBuilder();
    b.boot('0');
    b.log('0', 1, [[1, 10], [1, 20]]);
    b.commit('0', 2);
    const bad = b.applySnapshot('1', 2, 1, snapshotOf([10, 99]));
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['snapshot-contents', bad]);
    expect(v?.message).toBe('node 1 is handed a snapshot through index 2 holding 99 at index 2, but it was committed as term 1 20, committed by node 0');
  });

  it('reports a snapshot holding fewer commands than its index says', () => {
    const b = committed3();
    const bad = b.applySnapshot('2', 3, 1, snapshotOf([10, 20]));
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['snapshot-contents', bad]);
    expect(v?.message).toBe('node 2 is handed a snapshot through index 3 that holds commands through index 2');
  });

  it('counts a snapshot\'s commands as applied: a later apply must agree with them', () => {
    // A trace that starts mid-run: node 0 boots with a log the trace never showed, so the
    // committed commands are unknown and only the snapshot tells what index 1 holds.
    const b = new TraceBuilder();
    b.boot('0', 3, null, 0, 2);
    b.commit('0', 2);
    b.applySnapshot('1', 2, 3, snapshotOf([10, 20]));
    b.apply('2', 2, 20);
    const bad = b.apply('2', 1, 11);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['state-machine-safety', bad]);
    expect(v?.message).toBe('index 1 applied as 11 at node 2 but as 10 at node 1');
  });
});

describe('RaftInvariantChecker: streaming', () => {
  it('keeps the first violation and ignores every record after it', () => {
    const b = new TraceBuilder();
    for (const n of ['0', '1']) b.boot(n);
    b.vote('0', 1, 0);
    b.leader('0', 1, 0);
    const first = b.leader('1', 1, 0);
    b.vote('0', 1, 1); // would be vote-once
    b.log('0', 1, [[1, 'a']]);
    b.log('1', 1, [[1, 'b']]); // would be log matching
    const checker = new RaftInvariantChecker();
    const seen: (RaftViolation | null)[] = [];
    for (const r of b.records) {
      checker.observe(r);
      seen.push(checker.violation);
    }
    expect(seen.indexOf(checker.violation)).toBe(first.index);
    expect(checker.violation?.invariant).toBe('election-safety');
    expect(checkRaftTrace(b.records)).toEqual(checker.violation);
  });
});

describe('RaftInvariantChecker: acknowledged entries and matchIndex', () => {
  /** Leader 0 of term 1 replicates three entries to node 1, which acknowledges them; the leader counts them. */
  function acked(): TraceBuilder {
    const b = new TraceBuilder();
    for (const n of ['0', '1', '2']) b.boot(n);
    b.elect('0', 1, ['0', '1'], 0);
    b.log('0', 1, [[1, 'a'], [1, 'b'], [1, 'c']]);
    b.log('1', 1, [[1, 'a'], [1, 'b'], [1, 'c']]);
    b.ack('1', 1, 3);
    b.match('0', 1, 1, 3);
    return b;
  }

  it('allows a later leader to replace acknowledged entries, and the same entries rewritten in the same term', () => {
    const b = acked();
    b.log('1', 2, [[1, 'b'], [1, 'c']]); // a harmless rewrite of what it holds
    b.vote('2', 2, 2);
    b.term('1', 2);
    b.vote('1', 2, 2);
    b.leader('2', 2, 1);
    b.log('2', 2, [[2, 'x']]);
    b.log('1', 2, [[2, 'x']]); // the term-2 leader replaces indexes 2..3 (never committed)
    b.ack('1', 2, 2);
    b.match('2', 2, 1, 2);
    b.crash('1');
    b.restart('1', 2, 2, 0, 2);
    expect(check(b)).toBeNull();
  });

  it('reports a follower that loses an acknowledged entry while still in the term it acknowledged it in', () => {
    const b = acked();
    const cut = b.log('1', 3, []); // a late, shorter AppendEntries of term 1 cut index 3
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['acknowledged-kept', cut]);
    expect(v?.message).toBe('node 1 acknowledged index 3 to the leader of term 1 and is still in that term, but loses index 3: its log now ends at index 2');
  });

  it('reports an acknowledged entry replaced by another term while still in the term', () => {
    const b = acked();
    b.log('1', 2, [[0, 'z']]);
    expect(check(b)?.message).toBe('node 1 acknowledged index 3 to the leader of term 1 and is still in that term, but loses index 2: it replaces that index\'s term-1 entry with a term-0 one');
  });

  it('reports a restart whose log lacks acknowledged entries (they were not persisted before the reply)', () => {
    const b = acked();
    const boot = b.restart('1', 1, 0, 0, 1);
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['acknowledged-kept', boot]);
    expect(v?.message).toMatch(/^node 1 restarts with a log ending at index 1, but it acknowledged index 3 to the leader of term 1 and no later leader replaced it: indexes 2\.\.3 were lost/);
  });

  it('reports an acknowledgement of entries the log does not hold; entries under the snapshot are held', () => {
    const b = acked();
    b.commit('0', 3);
    b.commit('1', 3);
    b.compact('1', 3, 1);
    b.ack('1', 1, 2); // inside the snapshot: held
    expect(check(b)).toBeNull();
    const ack = b.ack('1', 1, 5);
    const v = check(b);
    expect([v?.invariant, v?.record, v?.message]).toEqual(['acknowledged-kept', ack, 'node 1 acknowledges index 5 to the leader of term 1, but its log ends at index 3']);
  });

  it('reports a leader whose matchIndex for a peer is above what that peer acknowledged in the term', () => {
    const b = acked();
    b.log('0', 4, [[1, 'd']]);
    const m = b.match('0', 1, 1, 4); // the leader took its own log length
    const v = check(b);
    expect([v?.invariant, v?.record]).toEqual(['match-acknowledged', m]);
    expect(v?.message).toBe('leader 0 of term 1 sets matchIndex 4 for node 1, which acknowledged only through index 3 in that term');
  });

  it('reports a matchIndex for a peer that acknowledged nothing in the term; ignores peers that never send acks', () => {
    const b = acked();
    b.match('0', 1, 2, 3); // node 2 emits no ack facts at all: not checked
    expect(check(b)).toBeNull();
    b.vote('1', 2, 1);
    b.vote('0', 2, 1);
    b.leader('1', 2, 3);
    b.match('1', 2, 0, 2); // match 2 of node 0, which never acknowledged anything in term 2 (it acks nothing anywhere: skipped)
    expect(check(b)).toBeNull();
    b.match('0', 1, 1, 3, 4); // a repeat within what was acknowledged
    expect(check(b)).toBeNull();
    const c = acked();
    c.vote('2', 2, 2);
    c.term('0', 2);
    c.vote('1', 2, 2);
    c.leader('2', 2, 3);
    c.match('2', 2, 1, 3);
    expect(check(c)?.message).toBe('leader 2 of term 2 sets matchIndex 3 for node 1, which acknowledged nothing in that term');
  });

  it('maps match facts\' peer indexes to node names with peerNames', () => {
    const b = new TraceBuilder();
    for (const n of ['s0', 's1']) b.boot(n);
    b.elect('s0', 1, ['s0'], 0);
    b.log('s0', 1, [[1, 'a'], [1, 'b']]);
    b.log('s1', 1, [[1, 'a']]);
    b.ack('s1', 1, 1);
    b.match('s0', 1, 1, 2);
    expect(check(b)).toBeNull(); // peer 1 is "1" by default, a node that never spoke
    expect(check(b, { peerNames: ['s0', 's1'] })?.invariant).toBe('match-acknowledged');
  });

  it('tells who raised the highest term, and how a follower stands with its leader', () => {
    const b = acked();
    const checker = new RaftInvariantChecker();
    for (const r of b.records) checker.observe(r);
    expect([checker.highestTerm, checker.lastTermRaise?.node, checker.lastTermRaise?.how]).toEqual([1, '0', 'started an election']);
    expect(checker.describeFollower('0', '1', 1)).toBe('term 1, log ends at 3, commit 0, acknowledged through 3 in term 1; leader 0 (term 1) has nextIndex 4, matchIndex 3');
    expect(checker.describeFollower('0', '2', 2)).toBe('term 0, log ends at 0, commit 0, acknowledged nothing; leader 0 (term 1) has nextIndex 1, matchIndex 0 (as elected)');
    checker.observe(b.term('2', 4));
    expect([checker.highestTerm, checker.lastTermRaise?.node, checker.lastTermRaise?.how]).toEqual([4, '2', 'adopted it']);
    expect(checker.describeFollower('7', '8', 8)).toBeNull();
  });
});
