/**
 * Raft (6.5840 lab 3) as a pure node: the shapes of its state, messages,
 * tester calls, apply messages and trace facts, plus the parts a node is
 * assembled from (see index.ts) so that a bug variant can replace one piece.
 */
import type { Bytes, Out, Payload, Persisted, StepContext } from '../../sim/contract.ts';
import type { RaftConfig, StartResult } from './api.ts';

export * from './api.ts';

/** One log entry. Never mutated once created, so logs, messages and facts may share it. */
export interface Entry {
  readonly term: number;
  readonly cmd: Payload;
}

/**
 * The log after its snapshot: log.ts is the only code that turns a Raft index
 * into a position in `entries`.
 */
export interface RaftLog {
  /** lastIncludedIndex: the last index the snapshot replaced; 0 before any snapshot (index 0 is the sentinel). */
  base: number;
  /** lastIncludedTerm: the term of the entry at `base`; 0 when base is 0. */
  baseTerm: number;
  /** entries[k] holds index base + 1 + k. Invariant: terms never decrease along it and are ≥ baseTerm. */
  entries: Entry[];
  /**
   * The lowest index whose entry was replaced or removed in place since the
   * last save (absent: none; appends past the end change no index). log.ts
   * marks it, the save reads and clears it to reuse the encodings of runs
   * nothing touched (persist.ts).
   */
  changedFrom?: number;
}

/**
 * A cache, not protocol state: the encodings of the log's full runs as the
 * last save made them (persist.ts explains the runs). It belongs to the
 * state that owns the log; handlers never read it, a restore starts it
 * empty, and dropping it changes no byte saved, only the time to save.
 */
export interface RunCache {
  /** The snapshot position the runs were cut from: runs start at base + 1. */
  base: number;
  /** The log and entries array the runs were last checked against. */
  log: RaftLog | undefined;
  entries: readonly Entry[];
  /** Encodings of the full runs, in order; runs[k] holds positions [k·RUN_ENTRIES, (k+1)·RUN_ENTRIES). */
  readonly runs: Uint8Array[];
  /** runEntries[k]: the entry objects run k was encoded from, checked when the log or its array was replaced. */
  readonly runEntries: (readonly Entry[])[];
}

/** The role, with the data only that role has. A plain tagged value: it changes on every election. */
export type Role =
  | { readonly kind: 'follower' }
  /** granted[i]: peer i granted this candidate its vote in currentTerm (granted[me] is the self-vote). */
  | { readonly kind: 'candidate'; readonly granted: boolean[] }
  /** Invariant: matchIndex[me] = lastIndex; for others matchIndex[i] < nextIndex[i]. */
  | { readonly kind: 'leader'; readonly nextIndex: number[]; readonly matchIndex: number[] };

/**
 * A peer's whole state, owned by its host and mutated in place by steps.
 * Persistent fields (Figure 2) are saved in the same step that changes them,
 * and the host applies that persist before the step's sends and replies.
 */
export interface RaftState {
  readonly me: number;
  readonly peers: number;
  /** Persistent. Latest term seen; never decreases. */
  currentTerm: number;
  /** Persistent. The peer voted for in currentTerm, or null. */
  votedFor: number | null;
  /** Persistent. */
  log: RaftLog;
  /** Persistent. The service's snapshot through log.base (empty while base is 0); treated as immutable bytes. */
  snapshot: Uint8Array;
  role: Role;
  /** Invariant: log.base ≤ commitIndex ≤ lastIndex; never decreases within an incarnation. */
  commitIndex: number;
  /** Invariant: equals commitIndex at the end of every step (a step applies what it committed). */
  lastApplied: number;
  /** The save's cache of the log's encoded runs (see RunCache). */
  readonly runCache: RunCache;
  /**
   * Facts only, never read by a handler: the last `raft/ack` this
   * incarnation emitted (term 0: none yet), so a heartbeat that acknowledges
   * nothing new adds no fact to the trace.
   */
  readonly ackSent: { term: number; index: number };
}

// ── RPCs (labrpc service "Raft") ─────────────────────────────────────────────

export const RPC = {
  requestVote: 'Raft.RequestVote',
  appendEntries: 'Raft.AppendEntries',
  installSnapshot: 'Raft.InstallSnapshot',
} as const;

export interface RequestVoteArgs {
  readonly term: number;
  readonly candidateId: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

export interface RequestVoteReply {
  readonly term: number;
  readonly voteGranted: boolean;
}

export interface AppendEntriesArgs {
  readonly term: number;
  readonly leaderId: number;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
}

/**
 * A rejection for a log mismatch carries the fast-backup hint: conflictIndex
 * is the follower's lastIndex + 1 when its log is too short (conflictTerm
 * absent), else the first index of conflictTerm, the term it holds at
 * prevLogIndex. A rejection for a stale term carries neither.
 */
export interface AppendEntriesReply {
  readonly term: number;
  readonly success: boolean;
  readonly conflictIndex?: number;
  readonly conflictTerm?: number;
}

/** The whole snapshot in one RPC (the lab's simplification: no offset/done chunks). */
export interface InstallSnapshotArgs {
  readonly term: number;
  readonly leaderId: number;
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  readonly data: Uint8Array;
}

export interface InstallSnapshotReply {
  readonly term: number;
}

// ── Tester calls and the applyCh: see api.ts (what a service sees of Raft) ──

// ── Facts for trace checkers ─────────────────────────────────────────────────

/**
 * The fact vocabulary (outputs of kind 'fact'). A checker that folds a node's
 * facts in trace order knows its log, votes, commit point and leaderships,
 * which is enough for election safety, log matching, leader completeness,
 * state machine safety and "one vote per term, across crashes". Every
 * type is namespaced `raft/…`, so Raft's facts stay apart from those of a
 * service sharing its host. checkers/raft declares the same vocabulary as
 * data; scenarios/raft-vocabulary.test.ts ties the two.
 *
 * - boot: an incarnation started from its persisted state (the log a checker
 *   tracks for this node is, from now on, what that state holds: the facts of
 *   the previous incarnation, since every log change is persisted in the step
 *   that makes it).
 * - vote: this node voted for `for` in `term` (its self-vote too); emitted in
 *   the step that persists the vote, once per term.
 * - leader: became leader of `term` with a log ending at `lastIndex`.
 * - log: the log now holds `entries` starting at index `from`, and nothing
 *   after them (entries [] = the log now ends at from − 1). Emitted for every
 *   append (the leader's too) and truncation.
 * - commit: commitIndex advanced to `index` (after an InstallSnapshot too).
 * - compact: a snapshot now replaces the prefix through `index` (whose entry
 *   had `term`); entries after it are kept unless a `log` fact says otherwise.
 * - term: adopted a higher `term` from a message (a node's own new term shows
 *   as its self-vote), so a checker knows every node's term at each fact.
 * - ack: the step replies success to the leader of `term` (AppendEntries or
 *   InstallSnapshot), telling it the log holds that leader's entries through
 *   `index` (prevLogIndex + entries, or the snapshot's last index). Emitted
 *   after the step's log facts, only when it says something new (a higher
 *   index, or a new term) in this incarnation.
 * - match: the leader of `term` changed its matchIndex or nextIndex for
 *   `peer` (an acknowledgement or a backup); at election every peer starts
 *   at matchIndex 0 and nextIndex lastIndex + 1, as Figure 2 says.
 */
export type RaftFact =
  | { readonly type: 'raft/boot'; readonly term: number; readonly votedFor: number | null; readonly snapshotIndex: number; readonly lastIndex: number }
  | { readonly type: 'raft/vote'; readonly term: number; readonly for: number }
  | { readonly type: 'raft/leader'; readonly term: number; readonly lastIndex: number }
  | { readonly type: 'raft/log'; readonly from: number; readonly entries: readonly Entry[] }
  | { readonly type: 'raft/commit'; readonly index: number }
  | { readonly type: 'raft/compact'; readonly index: number; readonly term: number }
  | { readonly type: 'raft/term'; readonly term: number }
  | { readonly type: 'raft/ack'; readonly term: number; readonly index: number }
  | { readonly type: 'raft/match'; readonly term: number; readonly peer: number; readonly match: number; readonly next: number };

// ── Timing ───────────────────────────────────────────────────────────────────

export const TIMER = { election: 'election', heartbeat: 'heartbeat' } as const;

/**
 * 10 heartbeats a second, the lab's ceiling: an idle 3-peer cluster sends 20
 * RPCs a second (TestCount3B allows 60).
 */
export const heartbeatIntervalUs = 100_000;
/**
 * At most this many entries ride in one AppendEntries (etcd's raft bounds
 * its messages the same way). A follower that is far behind, or cut off
 * while the leader keeps appending, would otherwise be sent the whole
 * growing suffix on every heartbeat: O(n²) bytes over a run. A batch that
 * is acknowledged is followed by the next one at once, so catching up is a
 * pipeline of round trips rather than of heartbeats.
 */
export const appendEntriesMax = 64;
/**
 * Election timeouts are uniform in [300, 600) ms. The floor is three
 * heartbeat intervals, so a follower starts an election only after about
 * three heartbeats in a row are lost (about 1 in 1000 windows at labrpc's 10 %
 * request loss), not after one. The 300 ms spread is far wider than a round
 * trip (≤ ~55 ms unreliable), so split votes are rare, and even a few of them
 * in a row stay well inside the tester's 5 s for a new leader; the first
 * leader usually exists by checkOneLeader's first probe (450 ms), keeping
 * TestCount3B's first count far under 30.
 */
export const electionTimeoutUsMin = 300_000;
/** Exclusive upper bound of the election timeout. */
export const electionTimeoutUsMax = 600_000;

// ── Assembly ─────────────────────────────────────────────────────────────────

/** Everything one step may touch. Handlers take it first. */
export interface StepScope {
  readonly st: RaftState;
  readonly out: Out;
  readonly ctx: StepContext;
  /** The parts this node is built from: handlers call each other through it, so a variant's override is seen everywhere. */
  readonly parts: RaftParts;
  /**
   * Set when currentTerm, votedFor, the log or the snapshot changed. The step
   * then ends with one persist, placed first in its outputs (before any send
   * or reply that depends on it, and before any apply).
   */
  persistDue: boolean;
}

/**
 * The named pieces a Raft node is made of (index.ts: defineRaft). A bug
 * variant overrides the smallest one that carries its bug. Handlers of
 * requests and replies see terms already reconciled: a higher term in any
 * message has made this node a follower of that term before they run.
 */
export interface RaftParts {
  /** A fresh incarnation's state from what it had persisted (empty blobs on a first boot). */
  restore(config: RaftConfig, persisted: Persisted): RaftState;
  /** The bytes of the persistent fields (the snapshot is saved beside them). */
  encodeState(st: RaftState): Bytes;
  /** The election restriction (§5.4.1): is a candidate's log at least as up to date as ours? */
  isLogUpToDate(st: RaftState, lastLogTerm: number, lastLogIndex: number): boolean;
  handleElectionTimeout(sc: StepScope): void;
  handleHeartbeatTimeout(sc: StepScope): void;
  handleRequestVote(sc: StepScope, args: RequestVoteArgs): RequestVoteReply;
  handleRequestVoteReply(sc: StepScope, from: number, args: RequestVoteArgs, reply: RequestVoteReply): void;
  handleAppendEntries(sc: StepScope, args: AppendEntriesArgs): AppendEntriesReply;
  handleAppendEntriesReply(sc: StepScope, from: number, args: AppendEntriesArgs, reply: AppendEntriesReply): void;
  /** Leader only: commit what a majority holds, if it is of the current term (Figure 8). Returns whether it acted. */
  maybeAdvanceCommit(sc: StepScope): boolean;
  handleInstallSnapshot(sc: StepScope, args: InstallSnapshotArgs): InstallSnapshotReply;
  handleInstallSnapshotReply(sc: StepScope, from: number, args: InstallSnapshotArgs, reply: InstallSnapshotReply): void;
  /** A follower takes a leader's snapshot newer than its commit point: trims the log, hands the snapshot to the service. */
  acceptSnapshot(sc: StepScope, index: number, term: number, data: Uint8Array): void;
  handleStart(sc: StepScope, command: Payload): StartResult;
  /** The service's Snapshot(index, bytes) call. */
  handleSnapshot(sc: StepScope, index: number, snapshot: Uint8Array): void;
}
