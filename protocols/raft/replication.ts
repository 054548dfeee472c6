/**
 * Log replication (Figure 2: AppendEntries, the rules for leaders), the fast
 * nextIndex backup, commitment by counting current-term entries (Figure 8)
 * and applying what is committed.
 */
import type { Payload } from '../../sim/contract.ts';
import * as Log from './log.ts';
import { becomeFollower, broadcastAppend, commitTo, factAck, factMatch, recordMatch, resetElectionTimer, sendAppend } from './roles.ts';
import {
  type AppendEntriesArgs,
  type AppendEntriesReply,
  type Entry,
  type RaftLog,
  type StartResult,
  type StepScope,
} from './types.ts';

/**
 * Start(command): a leader appends and replicates at once, without waiting
 * for the next heartbeat, to every follower known to hold all earlier
 * entries (nextIndex is the new index). A follower with entries still
 * unacknowledged is not sent the growing suffix again on every Start: the
 * reply that acknowledges its pending batch sends the rest at once (see
 * handleAppendEntriesReply), and the heartbeat covers lost messages and
 * cut-off followers. So a burst of Starts costs each follower about two
 * RPCs (TestCount3B), and a follower that is disconnected while clients keep
 * submitting costs only its heartbeats. Followers learn the new commit point
 * from the next AppendEntries.
 */
export function handleStart(sc: StepScope, command: Payload): StartResult {
  const st = sc.st;
  if (st.role.kind !== 'leader') return { index: -1, term: st.currentTerm, isLeader: false };
  const entry: Entry = { term: st.currentTerm, cmd: command };
  Log.append(st.log, [entry]);
  const index = Log.lastIndex(st.log);
  st.role.matchIndex[st.me] = index;
  sc.persistDue = true;
  sc.out.fact({ type: 'raft/log', from: index, entries: [entry] });
  sc.parts.maybeAdvanceCommit(sc);
  const nextIndex = st.role.nextIndex;
  for (let peer = 0; peer < st.peers; peer++) if (peer !== st.me && nextIndex[peer] === index) sendAppend(sc, peer);
  return { index, term: st.currentTerm, isLeader: true };
}

/** The heartbeat timer: a leader's periodic round (which also carries entries and the commit point). */
export function handleHeartbeatTimeout(sc: StepScope): void {
  if (sc.st.role.kind === 'leader') broadcastAppend(sc);
}

/** The follower side: reject a stale term; otherwise check the previous entry, merge, and follow the leader's commit point. */
export function handleAppendEntries(sc: StepScope, args: AppendEntriesArgs): AppendEntriesReply {
  const st = sc.st;
  if (args.term < st.currentTerm) return { term: st.currentTerm, success: false };
  if (st.role.kind !== 'follower') becomeFollower(sc, args.term);
  resetElectionTimer(sc);
  const { prev, prevTerm, entries } = skipCompacted(st.log, args);
  const conflict = findConflict(st.log, prev, prevTerm);
  if (conflict !== null) return { term: st.currentTerm, success: false, ...conflict };
  mergeEntries(sc, prev, entries);
  const lastNew = args.prevLogIndex + args.entries.length;
  const commit = Math.min(args.leaderCommit, lastNew);
  if (commit > st.commitIndex) commitTo(sc, commit);
  factAck(sc, lastNew);
  return { term: st.currentTerm, success: true };
}

/**
 * Entries at or below our snapshot are committed, hence equal to the leader's:
 * skip them and check from the snapshot's last index instead.
 */
function skipCompacted(log: RaftLog, args: AppendEntriesArgs): { prev: number; prevTerm: number; entries: readonly Entry[] } {
  if (args.prevLogIndex >= log.base) return { prev: args.prevLogIndex, prevTerm: args.prevLogTerm, entries: args.entries };
  return { prev: log.base, prevTerm: log.baseTerm, entries: args.entries.slice(log.base - args.prevLogIndex) };
}

/** null when our log holds (prev, prevTerm); else the fast-backup hint. */
function findConflict(log: RaftLog, prev: number, prevTerm: number): { conflictIndex: number; conflictTerm?: number } | null {
  if (prev > Log.lastIndex(log)) return { conflictIndex: Log.lastIndex(log) + 1 };
  const term = Log.termAt(log, prev);
  if (term === prevTerm) return null;
  return { conflictTerm: term, conflictIndex: Log.firstIndexOfTerm(log, term, prev) };
}

/**
 * Appends what is new after `prev`, truncating only at a real conflict: an
 * old or reordered AppendEntries whose entries we already hold changes
 * nothing (it must never cut entries a newer one added).
 */
function mergeEntries(sc: StepScope, prev: number, entries: readonly Entry[]): void {
  const log = sc.st.log;
  const last = Log.lastIndex(log);
  for (let k = 0; k < entries.length; k++) {
    const index = prev + 1 + k;
    if (index <= last && Log.termAt(log, index) === entries[k]!.term) continue;
    const fresh = entries.slice(k);
    Log.truncateFrom(log, index);
    Log.append(log, fresh);
    sc.persistDue = true;
    sc.out.fact({ type: 'raft/log', from: index, entries: fresh });
    return;
  }
}

/** The leader side: count a match, or back nextIndex up by the follower's hint and retry at once. */
export function handleAppendEntriesReply(sc: StepScope, from: number, args: AppendEntriesArgs, reply: AppendEntriesReply): void {
  const st = sc.st;
  const role = st.role;
  if (role.kind !== 'leader' || args.term !== st.currentTerm) return;
  if (reply.success) {
    recordMatch(sc, from, args.prevLogIndex + args.entries.length);
    return;
  }
  if (reply.conflictIndex === undefined) return;
  const next = Math.max(nextIndexAfterConflict(st.log, reply.conflictIndex, reply.conflictTerm), role.matchIndex[from]! + 1);
  if (next >= role.nextIndex[from]!) return; // a stale rejection: a later reply already moved us
  role.nextIndex[from] = next;
  factMatch(sc, from);
  sendAppend(sc, from);
}

/**
 * The fast backup: skip the follower's whole conflicting term at once. If we
 * hold that term, resume right after our last entry of it; otherwise at the
 * first index the follower has of it (or its log's end).
 */
export function nextIndexAfterConflict(log: RaftLog, conflictIndex: number, conflictTerm: number | undefined): number {
  if (conflictTerm !== undefined) {
    const last = Log.lastIndexOfTerm(log, conflictTerm);
    if (last >= 0) return last + 1;
  }
  return Math.max(1, conflictIndex);
}

/**
 * The highest index a majority of the cluster holds: with matchIndex sorted
 * descending, entry ⌊n/2⌋ is held by that entry's peer and every one before it.
 */
export function majorityMatchIndex(matchIndex: readonly number[]): number {
  // Descending insertion sort: a handful of peers, called on every reply.
  const sorted = matchIndex.slice();
  for (let i = 1; i < sorted.length; i++) {
    const x = sorted[i]!;
    let j = i - 1;
    while (j >= 0 && sorted[j]! < x) {
      sorted[j + 1] = sorted[j]!;
      j--;
    }
    sorted[j + 1] = x;
  }
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Figure 8: only an entry of the current term is committed by counting
 * replicas (earlier entries then commit with it). Terms never decrease along
 * the log, so if the majority point holds an older term, no current-term
 * entry is on a majority yet.
 */
export function maybeAdvanceCommit(sc: StepScope): boolean {
  const st = sc.st;
  if (st.role.kind !== 'leader') return false;
  const index = majorityMatchIndex(st.role.matchIndex);
  if (index <= st.commitIndex || Log.termAt(st.log, index) !== st.currentTerm) return false;
  commitTo(sc, index);
  return true;
}

/** Hands every committed, unapplied entry to the service, in order; runs at the end of every step. */
export function applyCommitted(sc: StepScope): void {
  const st = sc.st;
  while (st.lastApplied < st.commitIndex) {
    const index = st.lastApplied + 1;
    const entry = Log.entryAt(st.log, index);
    st.lastApplied = index;
    sc.out.apply({ commandValid: true, command: entry.cmd, commandIndex: index });
  }
}
