/**
 * The handlers' guards that no lab test or property reaches on its own
 * (found by mutation testing, protocols/raft/MUTATION.md): each case is one
 * input a real network or service can hand a Raft server, and what Figure 2
 * (or the service API) says it must do with it.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../sim/contract.ts';
import { RaftProbe } from './testkit.ts';
import { majorityMatchIndex } from './replication.ts';
import { RPC, type AppendEntriesArgs, type InstallSnapshotArgs, type InstallSnapshotReply, type RequestVoteReply, type StartResult } from './types.ts';

const snapshotArgs = (term: number, index: number) => ({ term, leaderId: 1, lastIncludedIndex: index, lastIncludedTerm: 1, data: encode(['snap', index]) });

describe('raft guards', () => {
  it('a leader handed an election timeout anyway keeps its term and office', () => {
    // becomeLeader cancels the timer and simlab's host never fires a cancelled one; a step input is another harness's.
    const p = new RaftProbe({ me: 0, peers: 1 });
    p.fire('election');
    expect([p.st.role.kind, p.st.currentTerm]).toEqual(['leader', 1]);
    expect(p.step({ kind: 'timer', name: 'election' })).toEqual([]);
    expect([p.st.role.kind, p.st.currentTerm]).toEqual(['leader', 1]);
  });

  it('with an even number of peers, half the votes is not a majority', () => {
    const p = new RaftProbe({ me: 0, peers: 4 });
    p.fire('election');
    const args = { term: 1, candidateId: 0, lastLogIndex: 0, lastLogTerm: 0 };
    p.respond(1, RPC.requestVote, args, { term: 1, voteGranted: true } satisfies RequestVoteReply);
    expect(p.st.role.kind).toBe('candidate'); // 2 of 4
    p.respond(2, RPC.requestVote, args, { term: 1, voteGranted: true } satisfies RequestVoteReply);
    expect(p.st.role.kind).toBe('leader'); // 3 of 4
  });

  it('refuses a vote to a candidate of an older term, and keeps its vote of this term free', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, { term: 5, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    const stale = p.request(RPC.requestVote, { term: 4, candidateId: 2, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply;
    expect(stale).toEqual({ term: 5, voteGranted: false });
    expect(p.st.votedFor).toBeNull();
    expect((p.request(RPC.requestVote, { term: 5, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply).voteGranted).toBe(true);
  });

  it('Start on a server that does not lead answers index -1, its term, not leader', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, { term: 3, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    expect(p.call('start', { command: 'x' }) as StartResult).toEqual({ index: -1, term: 3, isLeader: false });
    expect(p.st.log.entries).toEqual([]);
  });

  it('ignores an InstallSnapshot of an older term: no step down, no install', () => {
    // A follower that learned term 2 from a request...
    const f = new RaftProbe({ me: 0, peers: 3 });
    f.request(RPC.appendEntries, { term: 2, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    const reply = f.request(RPC.installSnapshot, snapshotArgs(1, 5)) as InstallSnapshotReply;
    expect(reply).toEqual({ term: 2 });
    expect([f.st.log.base, f.st.commitIndex]).toEqual([0, 0]);
    expect(f.applies).toEqual([]);
    // ...and a leader that gets one from a deposed leader of an older term keeps leading.
    const q = new RaftProbe({ me: 0, peers: 1 });
    q.request(RPC.appendEntries, { term: 4, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    q.fire('election');
    expect([q.st.role.kind, q.st.currentTerm]).toEqual(['leader', 5]);
    expect(q.request(RPC.installSnapshot, snapshotArgs(3, 9))).toEqual({ term: 5 });
    expect([q.st.role.kind, q.st.log.base, q.st.commitIndex]).toEqual(['leader', 0, 0]);
  });

  it('a candidate that gets an InstallSnapshot of its own term follows its sender', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election');
    expect([p.st.role.kind, p.st.currentTerm]).toEqual(['candidate', 1]);
    expect(p.request(RPC.installSnapshot, snapshotArgs(1, 4))).toEqual({ term: 1 });
    expect(p.st.role.kind).toBe('follower');
    expect([p.st.log.base, p.st.commitIndex, p.st.lastApplied]).toEqual([4, 4, 4]);
  });

  it("a Snapshot at the index already snapshotted is ignored, and the snapshot kept is a copy of the service's bytes", () => {
    const p = new RaftProbe({ me: 0, peers: 1 });
    p.fire('election');
    for (let k = 1; k <= 12; k++) p.call('start', { command: k });
    const blob = encode(['through', 10]);
    p.call('snapshot', { index: 10, snapshot: blob });
    const saved = p.persisted.snapshot.slice();
    expect(p.step({ kind: 'call', callId: 5, method: 'snapshot', args: { index: 10, snapshot: encode(['again', 10]) } })).toEqual([
      { kind: 'return', callId: 5, value: null },
    ]);
    expect(p.st.snapshot).toEqual(saved);
    blob.fill(0); // the service reuses its buffer
    expect(p.st.snapshot).toEqual(saved);
    expect(p.persisted.snapshot).toEqual(saved);
  });

  /** Node 0 leads term `term` of 3 (voted in by node 1) and holds `commands` entries of that term. */
  function leader(commands: number, term = 1): RaftProbe {
    const p = new RaftProbe({ me: 0, peers: 3 });
    if (term > 1) p.request(RPC.appendEntries, { term: term - 1, leaderId: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    p.fire('election');
    const vote = p.sends.filter((x) => x.method === RPC.requestVote).at(-1)!;
    p.respond(1, RPC.requestVote, vote.args, { term, voteGranted: true } satisfies RequestVoteReply);
    expect([p.st.role.kind, p.st.currentTerm]).toEqual(['leader', term]);
    for (let k = 1; k <= commands; k++) p.call('start', { command: k });
    return p;
  }
  const role = (p: RaftProbe) => p.st.role as { kind: 'leader'; nextIndex: number[]; matchIndex: number[] };
  const append = (term: number, prev: number, n: number): AppendEntriesArgs => ({
    term,
    leaderId: 0,
    prevLogIndex: prev,
    prevLogTerm: prev === 0 ? 0 : term,
    entries: Array.from({ length: n }, (_, k) => ({ term, cmd: prev + 1 + k })),
    leaderCommit: 0,
  });

  it('a success reply that arrives late, after a later one, lowers neither matchIndex nor nextIndex', () => {
    const p = leader(3);
    p.respond(1, RPC.appendEntries, append(1, 0, 3), { term: 1, success: true });
    expect([role(p).matchIndex[1], role(p).nextIndex[1]]).toEqual([3, 4]);
    p.respond(1, RPC.appendEntries, append(1, 0, 1), { term: 1, success: true }); // the older request's reply
    expect([role(p).matchIndex[1], role(p).nextIndex[1]]).toEqual([3, 4]);
  });

  it("a new leader's first heartbeat success from a follower holding its whole log is a raft/match fact, though nextIndex does not move", () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, { ...append(1, 0, 3), leaderId: 2 }); // three entries of term 1 from leader 2
    p.fire('election');
    const vote = p.sends.filter((x) => x.method === RPC.requestVote).at(-1)!;
    p.respond(1, RPC.requestVote, vote.args, { term: 2, voteGranted: true } satisfies RequestVoteReply);
    expect([role(p).matchIndex[1], role(p).nextIndex[1]]).toEqual([0, 4]);
    const heartbeat: AppendEntriesArgs = { term: 2, leaderId: 0, prevLogIndex: 3, prevLogTerm: 1, entries: [], leaderCommit: 0 };
    p.respond(1, RPC.appendEntries, heartbeat, { term: 2, success: true });
    expect([role(p).matchIndex[1], role(p).nextIndex[1]]).toEqual([3, 4]);
    expect(p.facts.filter((f) => f.type === 'raft/match').at(-1)).toEqual({ type: 'raft/match', term: 2, peer: 1, match: 3, next: 4 });
  });

  it('a reply to an AppendEntries or InstallSnapshot of an earlier term is ignored, by a leader and by a follower', () => {
    const p = leader(2, 3);
    const match = () => [role(p).matchIndex[1], role(p).nextIndex[1], p.st.commitIndex];
    const before = match();
    p.respond(1, RPC.appendEntries, append(2, 0, 2), { term: 3, success: true }); // sent when it led term 2, say
    expect(match()).toEqual(before);
    const old: InstallSnapshotArgs = { term: 2, leaderId: 0, lastIncludedIndex: 2, lastIncludedTerm: 3, data: encode('s') };
    p.respond(1, RPC.installSnapshot, old, { term: 3 } satisfies InstallSnapshotReply);
    expect(match()).toEqual(before);
    // A follower (term 1) gets replies to requests it sent as an earlier leader of the same term.
    const f = new RaftProbe({ me: 0, peers: 3 });
    f.request(RPC.appendEntries, { term: 1, leaderId: 2, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    expect(f.respond(1, RPC.appendEntries, append(1, 0, 1), { term: 1, success: true })).toEqual([]);
    expect(f.respond(1, RPC.installSnapshot, { ...old, term: 1 }, { term: 1 })).toEqual([]);
    expect(f.respond(1, RPC.appendEntries, append(1, 0, 1), { term: 1, success: false, conflictIndex: 1 })).toEqual([]); // a rejection, with a hint
    expect(f.st.role.kind).toBe('follower');
  });

  it('a rejection without a conflict hint at the leader of its term changes nothing', () => {
    const p = leader(3);
    const before = [...role(p).nextIndex];
    expect(p.respond(1, RPC.appendEntries, append(1, 0, 3), { term: 1, success: false })).toEqual([]);
    expect(role(p).nextIndex).toEqual(before);
  });

  it('the majority point of an even number of peers is held by more than half of them', () => {
    expect(majorityMatchIndex([4, 3, 2, 1])).toBe(2); // 4, 3 and 2 hold index 2; only two hold 3
    expect(majorityMatchIndex([1, 2, 3, 4])).toBe(2);
    expect(majorityMatchIndex([5, 1, 5, 1, 5, 1])).toBe(1);
    expect(majorityMatchIndex([7, 7, 2])).toBe(7);
    expect(majorityMatchIndex([2, 9, 4, 9, 1])).toBe(4);
  });
});
