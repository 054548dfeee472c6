/**
 * Which Raft scenarios catch which variant of the bug zoo (scenarios/bugs/raft.ts),
 * and how: the table the caught-bug tests assert. Each row names the first
 * seed on which the variant fails the scenario; the tests search seeds in
 * order from 1 up to it (every earlier seed passes even with the bug), check
 * how it failed, and run the correct node on that same seed, which must pass.
 */
import type { FailureKind } from '../../sim/scenario.ts';
import {
  raftCommitOldTermByCount,
  raftInstallNoLastApplied,
  raftNoElectionRestriction,
  raftSnapshotNotRestored,
  raftVotedForNotPersisted,
  type RaftBug,
} from './raft.ts';

export interface RaftCatch {
  readonly bug: RaftBug;
  readonly scenario: string;
  /** The first failing seed from 1 on (the search stops there); at most 200. */
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

export const raftCatches: readonly RaftCatch[] = [
  {
    // A term-35 entry at index 56 was committed by counting, then a leader without it took over.
    bug: raftCommitOldTermByCount,
    scenario: 'raft/3C/figure8-unreliable',
    firstSeed: 3,
    kind: 'safety',
    message: /^leader-completeness: leader \d+ of term \d+ lacks committed index \d+/,
  },
  {
    // A server votes, crashes before its vote is durable, restarts and votes again in that term.
    bug: raftVotedForNotPersisted,
    scenario: 'raft/3C/unreliable-churn',
    firstSeed: 69,
    kind: 'safety',
    message: /vote-once: node \d+ voted for \d+ in term \d+, but it voted for \d+ in that term before a restart/,
  },
  {
    // Restarted servers with stale logs win the election and lack a committed entry.
    bug: raftNoElectionRestriction,
    scenario: 'raft/3C/persist2',
    firstSeed: 1,
    kind: 'safety',
    message: /^leader-completeness: leader \d+ of term \d+ lacks committed index \d+/,
  },
  {
    bug: raftNoElectionRestriction,
    scenario: 'raft/3C/figure8-unreliable',
    firstSeed: 1,
    kind: 'safety',
    message: /^leader-completeness: leader \d+ of term \d+ lacks committed index \d+/,
  },
  {
    // After an InstallSnapshot the apply loop reaches for an entry the snapshot replaced.
    bug: raftInstallNoLastApplied,
    scenario: 'raft/3D/install',
    firstSeed: 1,
    kind: 'crash',
    message: /RaftLogError: raft log: no entry at index \d+ \(snapshot through \d+/,
  },
  {
    bug: raftInstallNoLastApplied,
    scenario: 'raft/3D/install-unreliable',
    firstSeed: 1,
    kind: 'crash',
    message: /RaftLogError: raft log: no entry at index \d+ \(snapshot through \d+/,
  },
  {
    // Restarted from a snapshot, the log tail is read as starting at index 1: the restart holds fewer entries than it acknowledged.
    bug: raftSnapshotNotRestored,
    scenario: 'raft/3D/init',
    firstSeed: 1,
    kind: 'safety',
    message: /^acknowledged-kept: node \d+ restarts with a log ending at index \d+, but it acknowledged index \d+ to the leader of term \d+/,
  },
  {
    bug: raftSnapshotNotRestored,
    scenario: 'raft/3D/all-crash',
    firstSeed: 1,
    kind: 'safety',
    message: /^acknowledged-kept: node \d+ restarts with a log ending at index \d+, but it acknowledged index \d+ to the leader of term \d+/,
  },
];
