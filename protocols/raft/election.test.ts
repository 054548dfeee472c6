import { describe, expect, it } from 'vitest';
import { RaftCluster, RaftProbe } from './testkit.ts';
import { RPC, electionTimeoutUsMax, electionTimeoutUsMin, type RequestVoteReply } from './types.ts';

describe('raft election', () => {
  it('elects exactly one leader, and the term stays put while all is well', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = new RaftCluster(3, { seed });
      const leader = c.checkOneLeader();
      const terms = c.states.map((s) => s!.currentTerm);
      expect(new Set(terms).size).toBe(1);
      expect(terms[0]).toBeGreaterThanOrEqual(1);
      c.advance(2_000_000);
      expect(c.states.map((s) => s!.currentTerm)).toEqual(terms);
      expect(c.leaders()).toEqual([{ node: leader, term: terms[0] }]);
      expect(c.termsWithTwoLeaders()).toEqual([]);
    }
  });

  it('arms a random election timeout in [300, 600) ms at boot', () => {
    const c = new RaftCluster(5, { seed: 9 });
    const due = [0, 1, 2, 3, 4].map((i) => c.timerDue(i, 'election')!);
    for (const d of due) {
      expect(d).toBeGreaterThanOrEqual(electionTimeoutUsMin);
      expect(d).toBeLessThan(electionTimeoutUsMax);
    }
    expect(new Set(due).size).toBeGreaterThan(1);
  });

  it('elects a new leader when the leader is cut off, and the old one steps down on return', () => {
    const c = new RaftCluster(3, { seed: 11 });
    const leader1 = c.checkOneLeader();
    c.disconnect(leader1);
    const leader2 = c.checkOneLeader();
    expect(leader2).not.toBe(leader1);
    c.connect(leader1);
    expect(c.checkOneLeader()).toBe(leader2);
    expect(c.leaders().map((l) => l.node)).toEqual([leader2]); // the old leader heard the newer term
    expect(c.termsWithTwoLeaders()).toEqual([]);
  });

  it('elects no leader without a majority, and one once a majority is back', () => {
    const c = new RaftCluster(3, { seed: 12 });
    const leader = c.checkOneLeader();
    const other = (leader + 1) % 3;
    const lone = (leader + 2) % 3;
    c.disconnect(leader);
    c.disconnect(other);
    const termBefore = c.state(lone).currentTerm;
    c.advance(2_000_000);
    expect(c.state(lone).role.kind).not.toBe('leader');
    expect(c.state(lone).currentTerm).toBeGreaterThan(termBefore); // it did try
    c.connect(other);
    const next = c.checkOneLeader();
    expect([other, lone]).toContain(next);
    c.connect(leader);
    c.checkOneLeader();
    expect(c.termsWithTwoLeaders()).toEqual([]);
  });

  it('keeps within TestCount3B budgets: ≤ 30 RPCs to the first leader, ≤ 42 for 12 Starts, ≤ 60 idle per second', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const c = new RaftCluster(3, { seed });
      const leader = c.checkOneLeader();
      expect(c.rpcs.length).toBeLessThanOrEqual(30);
      const before = c.rpcs.length;
      const first = c.start(leader, 1).index;
      for (let k = 0; k < 11; k++) expect(c.start(leader, 1000 + k).index).toBe(first + 1 + k);
      for (let t = 0; t < 20 && c.nCommitted(first + 11).count < 3; t++) c.advance(20_000);
      expect(c.nCommitted(first + 11).count).toBe(3);
      expect(c.rpcs.length - before).toBeLessThanOrEqual(42);
      const idle = c.rpcs.length;
      c.advance(1_000_000);
      expect(c.rpcs.length - idle).toBeLessThanOrEqual(60);
      expect(c.rpcs.length - idle).toBeGreaterThanOrEqual(18); // heartbeats do flow
    }
  });

  it('grants one vote per term, and only to a log at least as up to date (§5.4.1)', () => {
    const p = new RaftProbe({ me: 0, peers: 5 });
    // Give the probe a log ending at term 2, index 2.
    p.request(RPC.appendEntries, {
      term: 2, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0,
      entries: [{ term: 1, cmd: 'a' }, { term: 2, cmd: 'b' }], leaderCommit: 0,
    });
    const vote = (term: number, candidateId: number, lastLogTerm: number, lastLogIndex: number) =>
      (p.request(RPC.requestVote, { term, candidateId, lastLogTerm, lastLogIndex }) as RequestVoteReply).voteGranted;
    expect(vote(3, 2, 1, 5)).toBe(false); // older last term, longer log
    expect(vote(3, 2, 2, 1)).toBe(false); // same last term, shorter log
    expect(p.st.currentTerm).toBe(3); // denied, but the term is adopted
    expect(vote(3, 3, 2, 2)).toBe(true); // same last term and length
    expect(vote(3, 3, 2, 2)).toBe(true); // a repeat to the same candidate
    expect(vote(3, 4, 9, 9)).toBe(false); // already voted in term 3
    expect(vote(4, 4, 3, 1)).toBe(true); // newer last term wins even if shorter
    expect(p.facts.filter((f) => f.type === 'raft/vote')).toEqual([
      { type: 'raft/vote', term: 3, for: 3 },
      { type: 'raft/vote', term: 4, for: 4 },
    ]);
  });

  it('a candidate with a stale log cannot win; the up-to-date peer does', () => {
    const c = new RaftCluster(3, { seed: 5 });
    const leader = c.checkOneLeader();
    c.one(101, 3);
    const stale = (leader + 1) % 3;
    const fresh = (leader + 2) % 3;
    c.disconnect(stale);
    c.one(102, 2);
    c.disconnect(leader);
    c.connect(stale);
    c.fire(stale, 'election');
    c.pump();
    expect(c.state(stale).role.kind).toBe('candidate');
    const denied = c.rpcs.filter((r) => r.method === RPC.requestVote && r.caller === stale && r.callee === fresh);
    expect((denied.at(-1)!.reply as RequestVoteReply).voteGranted).toBe(false);
    expect(c.checkOneLeader()).toBe(fresh);
    expect(c.one(103, 2)).toBe(3);
    expect(c.nCommitted(2).command).toBe(102);
  });

  it('reports its self-vote, its leadership, its appends, its followers\' progress and its commits as facts', () => {
    const c = new RaftCluster(3, { seed: 3 });
    c.fire(1, 'election');
    c.pump();
    c.one('x', 3);
    const mine = c.facts.filter((f) => f.node === 1).map((f) => f.fact);
    expect(mine).toEqual([
      { type: 'raft/boot', term: 0, votedFor: null, snapshotIndex: 0, lastIndex: 0 },
      { type: 'raft/vote', term: 1, for: 1 },
      { type: 'raft/leader', term: 1, lastIndex: 0 },
      { type: 'raft/log', from: 1, entries: [{ term: 1, cmd: 'x' }] },
      { type: 'raft/match', term: 1, peer: 0, match: 1, next: 2 },
      { type: 'raft/commit', index: 1 },
      { type: 'raft/match', term: 1, peer: 2, match: 1, next: 2 },
    ]);
    // The follower adopts term 1 from the RequestVote, acknowledges the empty
    // heartbeat (index 0) and then the entry, once each.
    const follower = c.facts.filter((f) => f.node === 0).map((f) => f.fact);
    expect(follower).toEqual([
      { type: 'raft/boot', term: 0, votedFor: null, snapshotIndex: 0, lastIndex: 0 },
      { type: 'raft/term', term: 1 },
      { type: 'raft/vote', term: 1, for: 1 },
      { type: 'raft/ack', term: 1, index: 0 },
      { type: 'raft/log', from: 1, entries: [{ term: 1, cmd: 'x' }] },
      { type: 'raft/ack', term: 1, index: 1 },
      { type: 'raft/commit', index: 1 },
    ]);
  });

  it('a candidate that hears of a newer term steps down', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election');
    expect(p.st.role.kind).toBe('candidate');
    const args = p.sends[0]!.args;
    p.respond(1, RPC.requestVote, args, { term: 7, voteGranted: false });
    expect([p.st.role.kind, p.st.currentTerm, p.st.votedFor]).toEqual(['follower', 7, null]);
  });

  it('ignores a vote granted for an earlier candidacy', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election'); // term 1
    const oldArgs = p.sends[0]!.args;
    p.fire('election'); // term 2
    p.respond(1, RPC.requestVote, oldArgs, { term: 1, voteGranted: true });
    expect(p.st.role.kind).toBe('candidate');
    p.respond(1, RPC.requestVote, p.sends.at(-1)!.args, { term: 2, voteGranted: true });
    expect(p.st.role.kind).toBe('leader');
  });
});
