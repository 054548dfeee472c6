/**
 * The handlers' guards that no lab test or property reaches on its own
 * (found by mutation testing, protocols/raft/MUTATION.md): each case is one
 * input a real network or service can hand a Raft server, and what Figure 2
 * (or the service API) says it must do with it.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../sim/contract.ts';
import { RaftProbe } from './testkit.ts';
import { RPC, type InstallSnapshotReply, type RequestVoteReply, type StartResult } from './types.ts';

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
});
