import { describe, expect, it } from 'vitest';
import { raft } from './index.ts';
import { RPC } from './types.ts';

const d = (method: string, payload: unknown, isReply = false) => raft.describe!(method, payload, isReply);

describe('raft describe', () => {
  it('renders each request on one line, positions as term/index', () => {
    expect(d(RPC.appendEntries, { term: 3, leaderId: 0, prevLogIndex: 11, prevLogTerm: 1, entries: [{ term: 3, cmd: 7 }], leaderCommit: 11 }))
      .toBe('AppendEntries t=3 prev=1/11 commit=11 n=1');
    expect(d(RPC.requestVote, { term: 4, candidateId: 2, lastLogIndex: 12, lastLogTerm: 3 })).toBe('RequestVote t=4 last=3/12');
    expect(d(RPC.installSnapshot, { term: 5, leaderId: 1, lastIncludedIndex: 30, lastIncludedTerm: 2, data: new Uint8Array(123) }))
      .toBe('InstallSnapshot t=5 last=2/30 bytes=123');
  });

  it('renders each reply on one line', () => {
    expect(d(RPC.appendEntries, { term: 3, success: true }, true)).toBe('t=3 success');
    expect(d(RPC.appendEntries, { term: 3, success: false, conflictTerm: 2, conflictIndex: 5 }, true)).toBe('t=3 conflict=2/5');
    expect(d(RPC.appendEntries, { term: 3, success: false, conflictIndex: 9 }, true)).toBe('t=3 conflict=-/9');
    expect(d(RPC.appendEntries, { term: 6, success: false }, true)).toBe('t=6 stale');
    expect(d(RPC.requestVote, { term: 4, voteGranted: true }, true)).toBe('t=4 granted');
    expect(d(RPC.requestVote, { term: 4, voteGranted: false }, true)).toBe('t=4 denied');
    expect(d(RPC.installSnapshot, { term: 5 }, true)).toBe('t=5');
  });

  it('names what it does not know instead of guessing', () => {
    expect(d('KV.Get', { key: 'a' })).toBe('KV.Get request (not a Raft RPC)');
    expect(d(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 })).not.toMatch(/\n/);
  });
});
