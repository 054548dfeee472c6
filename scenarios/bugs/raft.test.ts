import { describe, expect, it } from 'vitest';
import { encode } from '../../sim/codec.ts';
import type { NodeDef } from '../../sim/node.ts';
import { RPC, RaftLogError, raft, type RaftConfig, type RaftState, type RequestVoteReply } from '../../protocols/raft/index.ts';
import { RaftCluster, RaftProbe, playFigure8Takeover, setUpFigure8, setUpStaleCandidate } from '../../protocols/raft/testkit.ts';
import {
  raftBugs,
  raftCommitOldTermByCount,
  raftInstallNoLastApplied,
  raftNoElectionRestriction,
  raftSnapshotNotRestored,
  raftVotedForNotPersisted,
} from './raft.ts';

type RaftNode = NodeDef<RaftState, RaftConfig>;

const blob = (index: number): Uint8Array => encode([index, [null, ...Array.from({ length: index }, (_, k) => (k + 1) * 10)]]);

describe('raft bug zoo', () => {
  it('lists five named, described variants of the raft node', () => {
    expect(raftBugs.map((b) => b.name)).toEqual([
      'raft/commit-old-term',
      'raft/voted-for-not-persisted',
      'raft/no-election-restriction',
      'raft/install-no-last-applied',
      'raft/snapshot-not-restored',
    ]);
    for (const b of raftBugs) {
      expect(b.description.length).toBeGreaterThan(60);
      expect(b.node.name).toBe('raft');
      expect(b.node).not.toBe(raft);
    }
  });

  describe('raft/commit-old-term', () => {
    /** Figure 8 (c) then (d): the term-3 leader dies; node 4 (term-2 entry at index 2) wins term 4. */
    function figure8(node: RaftNode): RaftCluster {
      const c = new RaftCluster(5, { node });
      setUpFigure8(c);
      playFigure8Takeover(c);
      return c;
    }

    it('commits an older-term entry by counting where the correct node waits', () => {
      for (const [node, commit] of [[raft, 1], [raftCommitOldTermByCount.node, 2]] as const) {
        const c = new RaftCluster(5, { node });
        setUpFigure8(c);
        expect(c.state(0).commitIndex).toBe(commit);
      }
    });

    it('so a later leader overwrites an applied entry: two servers apply different commands at index 2', () => {
      const good = figure8(raft);
      expect(good.errors).toEqual([]);
      expect(good.nCommitted(2).command).toBe('c');
      const bad = figure8(raftCommitOldTermByCount.node);
      expect(bad.errors.some((e) => e.startsWith('commit index=2'))).toBe(true);
    });
  });

  describe('raft/voted-for-not-persisted', () => {
    it('forgets its vote across a crash and votes again in the same term', () => {
      for (const [node, second] of [[raft, false], [raftVotedForNotPersisted.node, true]] as const) {
        const p = new RaftProbe({ me: 0, peers: 3 }, { node });
        const ask = (candidateId: number) =>
          (p.request(RPC.requestVote, { term: 5, candidateId, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply).voteGranted;
        expect(ask(1)).toBe(true);
        p.restart();
        expect(ask(2)).toBe(second);
      }
    });

    it('so two leaders are elected in one term', () => {
      for (const [node, twice] of [[raft, []], [raftVotedForNotPersisted.node, [1]]] as const) {
        const c = new RaftCluster(3, { node });
        c.partition([0, 1], [2]);
        c.fire(1, 'election'); // term 1, node 0's vote
        c.pump();
        c.restart(0);
        c.partition([0, 2], [1]);
        c.fire(2, 'election'); // also term 1: node 0 must refuse
        c.pump();
        expect(c.termsWithTwoLeaders()).toEqual(twice);
      }
    });
  });

  describe('raft/no-election-restriction', () => {
    it('grants a vote to a candidate whose log is behind', () => {
      for (const [node, granted] of [[raft, false], [raftNoElectionRestriction.node, true]] as const) {
        const p = new RaftProbe({ me: 0, peers: 3 }, { node });
        p.request(RPC.appendEntries, {
          term: 1, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0,
          entries: [{ term: 1, cmd: 'a' }, { term: 1, cmd: 'b' }], leaderCommit: 0,
        });
        const reply = p.request(RPC.requestVote, { term: 2, candidateId: 2, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply;
        expect(reply.voteGranted).toBe(granted);
      }
    });

    it('so a server missing a committed entry wins and overwrites it', () => {
      for (const [node, broken] of [[raft, false], [raftNoElectionRestriction.node, true]] as const) {
        const c = new RaftCluster(3, { node });
        setUpStaleCandidate(c);
        expect(c.errors.some((e) => e.startsWith('commit index=2'))).toBe(broken);
      }
    });
  });

  describe('raft/install-no-last-applied', () => {
    it('fails applying after it accepts a snapshot, where the correct node continues from it', () => {
      const install = (node: RaftNode) => {
        const p = new RaftProbe({ me: 1, peers: 3 }, { node });
        p.request(RPC.appendEntries, {
          term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0,
          entries: [{ term: 1, cmd: 10 }, { term: 1, cmd: 20 }, { term: 1, cmd: 30 }], leaderCommit: 3,
        });
        p.request(RPC.installSnapshot, { term: 1, leaderId: 0, lastIncludedIndex: 10, lastIncludedTerm: 1, data: blob(10) });
        return p;
      };
      const good = install(raft);
      expect([good.st.lastApplied, good.applies.length]).toEqual([10, 4]);
      expect(() => install(raftInstallNoLastApplied.node)).toThrow(RaftLogError);
    });
  });

  describe('raft/snapshot-not-restored', () => {
    /** A one-peer cluster that committed 12 entries and snapshotted through 10, restarted. */
    function restarted(node: RaftNode): RaftProbe {
      const p = new RaftProbe({ me: 0, peers: 1 }, { node });
      p.fire('election');
      for (let k = 1; k <= 12; k++) p.call('start', { command: k * 10 });
      p.call('snapshot', { index: 10, snapshot: blob(10) });
      p.restart();
      return p;
    }

    it('restarts with the log tail at the wrong indexes and drops the snapshot on the next save', () => {
      const good = restarted(raft);
      const bad = restarted(raftSnapshotNotRestored.node);
      expect([good.st.log.base, good.st.commitIndex, good.st.log.entries.length]).toEqual([10, 10, 2]);
      expect([bad.st.log.base, bad.st.commitIndex, bad.st.log.entries.length]).toEqual([0, 0, 2]);
      good.fire('election');
      bad.fire('election');
      expect(good.persisted.snapshot).toEqual(blob(10));
      expect(bad.persisted.snapshot.length).toBe(0);
    });

    it('so a restarted server applies out of order for the 3D tester', () => {
      for (const [node, broken] of [[raft, false], [raftSnapshotNotRestored.node, true]] as const) {
        const c = new RaftCluster(3, { node, snapshotEvery: 10 });
        c.checkOneLeader();
        for (let k = 1; k <= 14; k++) c.one(k, 3);
        for (let i = 0; i < 3; i++) c.restart(i);
        c.one(15, 3, false);
        // The tester restored index 9 from the snapshot; the buggy server starts again at 1.
        expect(c.errors.some((e) => /apply out of order: got 1, last applied 9/.test(e))).toBe(broken);
        expect(c.errors.length > 0).toBe(broken);
      }
    });
  });
});
