/**
 * Known Raft bugs, each a correct node (protocols/raft) with one part
 * replaced. A sweep of the lab scenarios should catch every one of them; the
 * description says how the bug shows and which scenarios and properties catch it
 * (scenarios/bugs/raft-caught.ts and scenarios/properties/bugs.test.ts assert it).
 */
import type { NodeDef } from '../../sim/node.ts';
import * as Log from '../../protocols/raft/log.ts';
import {
  TIMER,
  commitTo,
  defineRaft,
  majorityMatchIndex,
  raftParts,
  recordMatch,
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
    'Caught by raft/3C/figure8-unreliable (seed 3) and by prop/raft/safety (three "isolate leader" actions: Figure 8) ' +
    'as a leader-completeness violation; reliable figure8 does not catch it within 200 seeds.',
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
    'Caught as a vote-once violation by raft/3C/reliable-churn (seed 26) and unreliable-churn (seed 69), and by prop/raft/safety.',
  {
    encodeState: (st) => raftParts.encodeState({ ...st, votedFor: null }),
  },
);

export const raftNoElectionRestriction = variant(
  'raft/no-election-restriction',
  'Votes are granted without the up-to-date log check (§5.4.1), so a server missing committed entries ' +
    'can win and overwrite them. Caught as leader-completeness by raft/3C/persist2 and figure8-unreliable (seed 1) and by prop/raft/safety.',
  {
    isLogUpToDate: () => true,
  },
);

export const raftInstallNoLastApplied = variant(
  'raft/install-no-last-applied',
  'On InstallSnapshot the follower hands the snapshot to the service but leaves lastApplied where it was, ' +
    'so its apply loop then reaches for entries the snapshot replaced and the node fails (RaftLogError; ' +
    'the Go version panics on a negative slice index). Caught by raft/3D/install and install-unreliable (seed 1) and by prop/raft/safety.',
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
    '(out of order for the 3D applier). Caught by raft/3D/init and all-crash (seed 1) and by prop/raft/safety; ' +
    'install-crash does not catch it (the next InstallSnapshot repairs the log).',
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

// ── Caught by the property's cause-naming checks (facts), not by the lab's verdicts ──

export const raftElectionStorm = variant(
  'raft/election-storm',
  'AppendEntries does not reset the election timer (only granting a vote and starting an election do), so every follower ' +
    'starts an election 300–600 ms after its last one, under a healthy leader: terms churn all the time, yet leaders keep ' +
    'being elected and commands committed, so 3A only warns (as Go does). Caught by prop/raft/safety as leadership-stable ' +
    'in the steady phase after healing.',
  {
    handleAppendEntries(sc, args) {
      const from = sc.out.list.length;
      const reply = raftParts.handleAppendEntries(sc, args);
      const list = sc.out.list;
      for (let k = list.length - 1; k >= from; k--) {
        const o = list[k]!;
        if (o.kind === 'setTimer' && o.name === TIMER.election) list.splice(k, 1);
      }
      return reply;
    },
  },
);

export const raftAppendTruncatesMatching = variant(
  'raft/append-truncates-matching',
  'A follower whose log matches prevLogIndex cuts everything after it before appending the entries (log = log[:prev+1] + entries), ' +
    'even when the entries match what it holds: a delayed, shorter AppendEntries of the same term erases entries it already ' +
    'acknowledged, which the leader may have counted toward a commit. Caught by prop/raft/safety (a reordering fault) as acknowledged-kept.',
  {
    handleAppendEntries(sc, args) {
      const st = sc.st;
      const log = st.log;
      const prev = args.prevLogIndex;
      const matches = args.term >= st.currentTerm && prev >= log.base && prev <= Log.lastIndex(log) && Log.termAt(log, prev) === args.prevLogTerm;
      if (matches && Log.lastIndex(log) > prev) {
        Log.truncateFrom(log, prev + 1);
        sc.persistDue = true;
        sc.out.fact({ type: 'raft/log', from: prev + 1, entries: [] });
      }
      return raftParts.handleAppendEntries(sc, args);
    },
  },
);

export const raftMatchFromOwnLog = variant(
  'raft/match-from-own-log',
  'On a successful AppendEntries reply the leader sets the follower\'s matchIndex to its own last log index instead of ' +
    'prevLogIndex + len(entries) from the request: entries Started after the request was sent count as replicated, so the ' +
    'leader may commit what no majority holds. Caught by prop/raft/safety as match-acknowledged.',
  {
    handleAppendEntriesReply(sc, from, args, reply) {
      const st = sc.st;
      if (reply.success && st.role.kind === 'leader' && args.term === st.currentTerm) {
        recordMatch(sc, from, Log.lastIndex(st.log));
        return;
      }
      raftParts.handleAppendEntriesReply(sc, from, args, reply);
    },
  },
);

export const raftAppendNotPersisted = variant(
  'raft/append-not-persisted',
  'AppendEntries changes the log but never calls persist() (only term and vote changes are saved), so the success reply ' +
    'promises entries that a crash then loses; the next save (a vote, a new term) happens to store them. Caught by ' +
    'prop/raft/safety (a follower crash) as acknowledged-kept at the restart.',
  {
    handleAppendEntries(sc, args) {
      const due = sc.persistDue;
      const reply = raftParts.handleAppendEntries(sc, args);
      sc.persistDue = due;
      return reply;
    },
  },
);

/** The variants the property's fact-based checks name (acknowledged-kept, match-acknowledged, leadership-stable); the lab catalog need not catch them. */
export const raftPropertyBugs: readonly RaftBug[] = Object.freeze([
  raftElectionStorm,
  raftAppendTruncatesMatching,
  raftMatchFromOwnLog,
  raftAppendNotPersisted,
]);

/*
 * Bugs only the property's simlab-only faults reach (scenarios/faults:
 * swarmed snapshot policies, held messages, leader flapping): the lab
 * scenarios, faithful to Go (a Snapshot every 10th index in the apply loop,
 * labrpc's reordering of at most 2.2 s), do not show them, nor did the
 * property before those faults. scenarios/properties/bugs.test.ts asserts
 * that prop/raft/safety (or safety-5) finds each within 1,000 schedules.
 */

export const raftSnapshotBelowBase = variant(
  'raft/snapshot-below-base',
  "The service's Snapshot(index) trims the log at index without asking whether an InstallSnapshot has gone " +
    'further since the service applied that index: with a snapshot taken some time after the apply, it reaches ' +
    'for an entry the installed snapshot replaced (RaftLogError; the Go version slices at a negative index). ' +
    'Never reached by a Snapshot call in the apply loop (the lab testers); caught by prop/raft/safety with asynchronous snapshots.',
  {
    handleSnapshot(sc, index, snapshot) {
      if (index < sc.st.log.base) Log.termAt(sc.st.log, index);
      raftParts.handleSnapshot(sc, index, snapshot);
    },
  },
);

export const raftAppendBelowSnapshot = variant(
  'raft/append-below-snapshot',
  "A follower checks an AppendEntries' prevLogIndex against its log without first skipping what its snapshot " +
    'covers, so one whose prevLogIndex lies below the snapshot (an AppendEntries older than the snapshot the follower ' +
    'took or installed since) reaches for a compacted entry (RaftLogError; Go: index out of range). ' +
    'Caught by prop/raft/safety with small snapshot intervals and held messages.',
  {
    handleAppendEntries(sc, args) {
      if (args.term >= sc.st.currentTerm && args.prevLogIndex < sc.st.log.base) Log.termAt(sc.st.log, args.prevLogIndex);
      return raftParts.handleAppendEntries(sc, args);
    },
  },
);

export const raftInstallDropsLog = variant(
  'raft/install-drops-log',
  "A follower takes any InstallSnapshot newer than its own snapshot, even one at or below its commit index, and " +
    '"discards the entire log" as the paper says for a snapshot that is newer than the log: it drops entries it ' +
    'had acknowledged (committed ones too) and moves its commit index back. The leader never backs nextIndex ' +
    'below matchIndex + 1, so that follower is stuck until leadership changes. Caught by prop/raft/safety ' +
    'with held messages (an InstallSnapshot delivered after the AppendEntries that followed it).',
  {
    handleInstallSnapshot(sc, args) {
      const st = sc.st;
      const reply = raftParts.handleInstallSnapshot(sc, args);
      const index = args.lastIncludedIndex;
      if (args.term === st.currentTerm && index > st.log.base && index <= st.commitIndex) {
        if (index < Log.lastIndex(st.log)) {
          Log.truncateFrom(st.log, index + 1);
          sc.out.fact({ type: 'raft/log', from: index + 1, entries: [] });
          sc.persistDue = true;
        }
        sc.parts.acceptSnapshot(sc, index, args.lastIncludedTerm, args.data);
      }
      return reply;
    },
  },
);

export const raftStaleAppendReply = variant(
  'raft/stale-append-reply',
  'A leader counts an AppendEntries reply without checking that it answers a request of its current term: a ' +
    'success sent to it in an earlier term, when it led before, sets matchIndex for a log a newer leader has ' +
    'truncated since, and it commits an entry no majority holds. Needs a reply delayed across two elections ' +
    'of the same leader (labrpc reorders replies by at most 2.2 s); caught by prop/raft/safety-5 with held replies and leader flapping.',
  {
    handleAppendEntriesReply(sc, from, args, reply) {
      raftParts.handleAppendEntriesReply(sc, from, { ...args, term: sc.st.currentTerm }, reply);
    },
  },
);

export const raftStaleVote = variant(
  'raft/stale-vote',
  'A candidate counts a vote granted without checking that it answers its current candidacy: a vote granted ' +
    'in an earlier term, delivered late, helps it win a later one whose vote went to another candidate (two ' +
    'leaders in one term). Needs a vote reply delayed across elections; caught by prop/raft/safety with held replies.',
  {
    handleRequestVoteReply(sc, from, args, reply) {
      raftParts.handleRequestVoteReply(sc, from, { ...args, term: sc.st.currentTerm }, reply);
    },
  },
);

/** The bugs only the property's simlab-only faults catch (not in raftBugs: no lab scenario catches them). */
export const raftFaultBugs: readonly RaftBug[] = Object.freeze([
  raftSnapshotBelowBase,
  raftAppendBelowSnapshot,
  raftInstallDropsLog,
  raftStaleAppendReply,
  raftStaleVote,
]);
