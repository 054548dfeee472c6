/**
 * The vocabulary of the Raft invariant checker: the facts and apply messages
 * it reads from a trace (declared here as data — a checker sees traces, never
 * the protocol's code), the invariants it names, its options and its verdict.
 */
import type { TraceRecord } from '../../sim/trace.ts';

/** One log entry as a `log` fact carries it. */
export interface RaftFactEntry {
  readonly term: number;
  readonly cmd: unknown;
}

/**
 * The facts a Raft node emits (payload of a TraceKind.Fact record), in the
 * order its steps make them true:
 * - boot: an incarnation started from what it persisted;
 * - vote: it voted for peer `for` in `term` (its self-vote too), once per term, in the step that persists it;
 * - leader: it became leader of `term` with a log ending at `lastIndex`;
 * - log: its log now holds `entries` from index `from`, and nothing after them ([] = it ends at from − 1);
 * - commit: its commit point advanced to `index` (after an installed snapshot too);
 * - compact: a snapshot now replaces its log through `index` (whose entry had `term`);
 * - term: it adopted a higher `term` from a message (its own new terms show as self-votes);
 * - ack: it replies success to the leader of `term`: its log holds that leader's entries
 *   through `index` (after the step's log facts; emitted when it says something new);
 * - match: as leader of `term`, its matchIndex and nextIndex for `peer` (a peer index,
 *   named by options.peerNames) are now `match` and `next`.
 * Each type is namespaced (`raft/boot`, …). Facts of any other `type` (other
 * protocols) are ignored. scenarios/raft-vocabulary.test.ts ties this
 * vocabulary to the one protocols/raft emits.
 */
export type RaftFact =
  | { readonly type: 'raft/boot'; readonly term: number; readonly votedFor: number | null; readonly snapshotIndex: number; readonly lastIndex: number }
  | { readonly type: 'raft/vote'; readonly term: number; readonly for: number }
  | { readonly type: 'raft/leader'; readonly term: number; readonly lastIndex: number }
  | { readonly type: 'raft/log'; readonly from: number; readonly entries: readonly RaftFactEntry[] }
  | { readonly type: 'raft/commit'; readonly index: number }
  | { readonly type: 'raft/compact'; readonly index: number; readonly term: number }
  | { readonly type: 'raft/term'; readonly term: number }
  | { readonly type: 'raft/ack'; readonly term: number; readonly index: number }
  | { readonly type: 'raft/match'; readonly term: number; readonly peer: number; readonly match: number; readonly next: number };

/** The payload of a TraceKind.Apply record: one committed command, or a snapshot the service must install. */
export type RaftApply =
  | { readonly commandValid: true; readonly command: unknown; readonly commandIndex: number }
  | { readonly snapshotValid: true; readonly snapshot: Uint8Array; readonly snapshotTerm: number; readonly snapshotIndex: number };

export type RaftInvariant =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'vote-once'
  | 'snapshot-committed'
  | 'snapshot-contents'
  | 'acknowledged-kept'
  | 'match-acknowledged';

/** The first broken invariant of a trace. */
export interface RaftViolation {
  readonly invariant: RaftInvariant;
  /** One line naming the nodes, term and index involved. */
  readonly message: string;
  /** The first record at which the invariant no longer held. */
  readonly record: TraceRecord;
}

export interface RaftCheckerOptions {
  /**
   * Reads the commands a service snapshot holds, index-aligned as the lab
   * tester's snapshots are: result[k] is the command applied at index k
   * (result[0] is ignored), so a snapshot through index i has length i + 1.
   * Return undefined when the bytes do not hold a command list. Without it,
   * snapshot contents are checked by term only.
   */
  readonly decodeSnapshot?: (snapshot: Uint8Array) => readonly unknown[] | undefined;
  /**
   * The node name of each Raft peer index, which `match` facts use (default:
   * String(peer), the testers' "0".."n-1"). A peer whose name emitted no
   * `ack` fact is not checked against its leader's matchIndex.
   */
  readonly peerNames?: readonly string[];
}

/** The latest fact that raised the highest term any fact named: who moved the cluster to a new term, and how. */
export interface RaftTermRaise {
  readonly term: number;
  readonly node: string;
  /** "started an election" (a self-vote), "adopted it" (a term fact), or the fact type that named it first. */
  readonly how: string;
  readonly record: TraceRecord;
}

/** What a checked trace exercised: a run that elected nobody or committed nothing proves little. */
export interface RaftCheckSummary {
  /** Distinct terms that had a leader. */
  readonly leaderTerms: number;
  /** The highest index any node committed. */
  readonly highestCommit: number;
  /** Compactions (compact facts) seen. */
  readonly compactions: number;
  /** Snapshots handed to a service (snapshot apply records) seen. */
  readonly snapshotApplies: number;
  /** Incarnations started after a node's first (boot facts beyond the first per node). */
  readonly restarts: number;
}
