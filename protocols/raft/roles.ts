/**
 * The layer under the handlers: role changes (follower, leader), the
 * leader's sends, the leader's record of what a follower holds, and the
 * commit point. The handler modules (election, replication, snapshot) call
 * these and never each other, so imports go one way: handlers → roles → log.
 */
import * as Log from './log.ts';
import {
  RPC,
  TIMER,
  appendEntriesMax,
  electionTimeoutUsMax,
  electionTimeoutUsMin,
  heartbeatIntervalUs,
  type AppendEntriesArgs,
  type InstallSnapshotArgs,
  type Role,
  type StepScope,
} from './types.ts';

const FOLLOWER: Role = Object.freeze({ kind: 'follower' });

/** (Re)arms the election timer with a fresh random timeout from this node's stream. */
export function resetElectionTimer(sc: StepScope): void {
  sc.out.setTimer(TIMER.election, sc.ctx.rng.intInclusive(electionTimeoutUsMin, electionTimeoutUsMax - 1));
}

/** Adopts `term` if it is newer (forgetting the vote) and becomes a follower; a leader that steps down rearms its election timer. */
export function becomeFollower(sc: StepScope, term: number): void {
  const st = sc.st;
  if (term > st.currentTerm) {
    st.currentTerm = term;
    st.votedFor = null;
    sc.persistDue = true;
    sc.out.fact({ type: 'raft/term', term });
  }
  if (st.role.kind === 'leader') {
    sc.out.cancelTimer(TIMER.heartbeat);
    resetElectionTimer(sc);
  }
  if (st.role.kind !== 'follower') st.role = FOLLOWER;
}

/** Figure 2 "all servers": a higher term in any request or reply makes us its follower first. */
export function observeTerm(sc: StepScope, term: number): void {
  if (term > sc.st.currentTerm) becomeFollower(sc, term);
}

/** Takes office: nextIndex after our log, matchIndex unknown, an immediate heartbeat round asserts the term. */
export function becomeLeader(sc: StepScope): void {
  const st = sc.st;
  const last = Log.lastIndex(st.log);
  const matchIndex = new Array<number>(st.peers).fill(0);
  matchIndex[st.me] = last;
  st.role = { kind: 'leader', nextIndex: new Array<number>(st.peers).fill(last + 1), matchIndex };
  sc.out.cancelTimer(TIMER.election);
  sc.out.fact({ type: 'raft/leader', term: st.currentTerm, lastIndex: last });
  broadcastAppend(sc);
}

/** One AppendEntries (or InstallSnapshot) to every peer; the next heartbeat is due an interval later. */
export function broadcastAppend(sc: StepScope): void {
  const st = sc.st;
  for (let peer = 0; peer < st.peers; peer++) if (peer !== st.me) sendAppend(sc, peer);
  sc.out.setTimer(TIMER.heartbeat, heartbeatIntervalUs);
}

/** Sends `peer` everything from its nextIndex, or the snapshot when that index is compacted away. */
export function sendAppend(sc: StepScope, peer: number): void {
  const st = sc.st;
  if (st.role.kind !== 'leader') return;
  const next = st.role.nextIndex[peer]!;
  if (next <= st.log.base) {
    sendInstallSnapshot(sc, peer);
    return;
  }
  const args: AppendEntriesArgs = {
    term: st.currentTerm,
    leaderId: st.me,
    prevLogIndex: next - 1,
    prevLogTerm: Log.termAt(st.log, next - 1),
    entries: Log.sliceFrom(st.log, next, appendEntriesMax),
    leaderCommit: st.commitIndex,
  };
  sc.out.send(peer, RPC.appendEntries, args);
}

/** Sends `peer` the snapshot, for a nextIndex the log has compacted away. */
export function sendInstallSnapshot(sc: StepScope, peer: number): void {
  const st = sc.st;
  const args: InstallSnapshotArgs = {
    term: st.currentTerm,
    leaderId: st.me,
    lastIncludedIndex: st.log.base,
    lastIncludedTerm: st.log.baseTerm,
    data: st.snapshot,
  };
  sc.out.send(peer, RPC.installSnapshot, args);
}

/**
 * The leader learns that `peer` holds everything through `match` (a
 * successful AppendEntries or InstallSnapshot reply): count it toward
 * commitment, and if the peer moved on and has more to take (appended by
 * Starts meanwhile, or past a full batch), send it at once.
 */
export function recordMatch(sc: StepScope, peer: number, match: number): void {
  const st = sc.st;
  const role = st.role;
  if (role.kind !== 'leader') return;
  const raised = match > role.matchIndex[peer]!;
  if (raised) role.matchIndex[peer] = match;
  const advanced = match + 1 > role.nextIndex[peer]!;
  if (advanced) role.nextIndex[peer] = match + 1;
  if (raised || advanced) factMatch(sc, peer);
  if (raised) sc.parts.maybeAdvanceCommit(sc);
  if (advanced && match < Log.lastIndex(st.log)) sendAppend(sc, peer);
}

/** A `raft/match` fact: the leader's matchIndex and nextIndex for `peer` just changed. */
export function factMatch(sc: StepScope, peer: number): void {
  const st = sc.st;
  if (st.role.kind !== 'leader') return;
  sc.out.fact({ type: 'raft/match', term: st.currentTerm, peer, match: st.role.matchIndex[peer]!, next: st.role.nextIndex[peer]! });
}

/** A `raft/ack` fact for a success reply to the leader of the current term, unless this incarnation said as much already. */
export function factAck(sc: StepScope, index: number): void {
  const st = sc.st;
  const sent = st.ackSent;
  if (sent.term === st.currentTerm && index <= sent.index) return;
  sent.term = st.currentTerm;
  sent.index = index;
  sc.out.fact({ type: 'raft/ack', term: st.currentTerm, index });
}

/** Moves the commit point to `index` (applyCommitted hands the entries over at the end of the step). */
export function commitTo(sc: StepScope, index: number): void {
  sc.st.commitIndex = index;
  sc.out.fact({ type: 'raft/commit', index });
}
