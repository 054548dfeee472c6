/**
 * Known Raft bugs, each a correct node (protocols/raft) with one part
 * replaced. A sweep of the lab scenarios should catch every one of them; the
 * description says how the bug shows and which Go tests are known to catch it.
 */
import type { NodeDef } from '../../sim/node.ts';
import {
  commitTo,
  defineRaft,
  majorityMatchIndex,
  raftParts,
  type RaftConfig,
  type RaftParts,
  type RaftState,
} from '../../protocols/raft/index.ts';

export interface RaftBug {
  /** "raft/<slug>", stable: scenario results and replays name it. */
  readonly name: string;
  readonly description: string;
  readonly node: NodeDef<RaftState, RaftConfig>;
}

function variant(name: string, description: string, override: Partial<RaftParts>): RaftBug {
  return Object.freeze({ name, description, node: defineRaft({ ...raftParts, ...override }) });
}

export const raftCommitOldTermByCount = variant(
  'raft/commit-old-term',
  'A leader commits the highest index a majority holds even when that entry is from an earlier term ' +
    '(the Figure 8 rule is missing), so a later leader can overwrite an entry that was already applied. ' +
    'Caught by TestFigure83C / TestFigure8Unreliable3C as two servers applying different commands at one index.',
  {
    maybeAdvanceCommit(sc) {
      const st = sc.st;
      if (st.role.kind !== 'leader') return false;
      const index = majorityMatchIndex(st.role.matchIndex);
      if (index <= st.commitIndex) return false;
      commitTo(sc, index);
      return true;
    },
  },
);

export const raftVotedForNotPersisted = variant(
  'raft/voted-for-not-persisted',
  'votedFor is left out of the persisted state, so a server that crashes after voting can vote again ' +
    'in the same term: two leaders in one term (election safety), then diverging commits. ' +
    'Caught by the Raft invariant checker (one leader per term, one vote per term) and TestFigure83C.',
  {
    encodeState: (st) => raftParts.encodeState({ ...st, votedFor: null }),
  },
);

export const raftNoElectionRestriction = variant(
  'raft/no-election-restriction',
  'Votes are granted without the up-to-date log check (§5.4.1), so a server missing committed entries ' +
    'can win and overwrite them. Caught by TestPersist23C, TestFigure83C and TestRejoin3B-like schedules.',
  {
    isLogUpToDate: () => true,
  },
);

export const raftInstallNoLastApplied = variant(
  'raft/install-no-last-applied',
  'On InstallSnapshot the follower hands the snapshot to the service but leaves lastApplied where it was, ' +
    'so its apply loop then reaches for entries the snapshot replaced and the node fails (RaftLogError; ' +
    'the Go version panics on a negative slice index). Caught by TestSnapshotInstall3D.',
  {
    acceptSnapshot(sc, index, term, data) {
      const lastApplied = sc.st.lastApplied;
      raftParts.acceptSnapshot(sc, index, term, data);
      sc.st.lastApplied = lastApplied;
    },
  },
);

export const raftSnapshotNotRestored = variant(
  'raft/snapshot-not-restored',
  'On restart the persisted snapshot and lastIncludedIndex/Term are ignored: the log tail is read as if it ' +
    'began at index 1 and the next save drops the snapshot. Entries are applied at the wrong indexes ' +
    '(out of order for the 3D applier). Caught by TestSnapshotInstallCrash3D, TestSnapshotAllCrash3D ' +
    'and TestSnapshotInit3D.',
  {
    restore(config, persisted) {
      const st = raftParts.restore(config, { state: persisted.state, snapshot: new Uint8Array(0) });
      st.log.base = 0;
      st.log.baseTerm = 0;
      st.commitIndex = 0;
      st.lastApplied = 0;
      return st;
    },
  },
);

export const raftBugs: readonly RaftBug[] = Object.freeze([
  raftCommitOldTermByCount,
  raftVotedForNotPersisted,
  raftNoElectionRestriction,
  raftInstallNoLastApplied,
  raftSnapshotNotRestored,
]);
