/**
 * Leader election (Figure 2: RequestVote, the rules for followers and
 * candidates, §5.4.1's restriction) and the role transitions.
 */
import * as Log from './log.ts';
import { broadcastAppend } from './replication.ts';
import {
  RPC,
  TIMER,
  electionTimeoutUsMax,
  electionTimeoutUsMin,
  type RaftState,
  type RequestVoteArgs,
  type RequestVoteReply,
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

/** Followers and candidates whose timer fires start an election for the next term. */
export function handleElectionTimeout(sc: StepScope): void {
  const st = sc.st;
  if (st.role.kind === 'leader') return;
  st.currentTerm += 1;
  st.votedFor = st.me;
  sc.persistDue = true;
  sc.out.fact({ type: 'raft/vote', term: st.currentTerm, for: st.me });
  const granted = new Array<boolean>(st.peers).fill(false);
  granted[st.me] = true;
  st.role = { kind: 'candidate', granted };
  resetElectionTimer(sc);
  if (isMajority(st, 1)) {
    becomeLeader(sc);
    return;
  }
  const args: RequestVoteArgs = {
    term: st.currentTerm,
    candidateId: st.me,
    lastLogIndex: Log.lastIndex(st.log),
    lastLogTerm: Log.lastTerm(st.log),
  };
  for (let peer = 0; peer < st.peers; peer++) if (peer !== st.me) sc.out.send(peer, RPC.requestVote, args);
}

/** §5.4.1: the candidate's last entry has a higher term, or the same term and an index at least ours. */
export function isLogUpToDate(st: RaftState, lastLogTerm: number, lastLogIndex: number): boolean {
  const myTerm = Log.lastTerm(st.log);
  return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= Log.lastIndex(st.log));
}

/** Grants at most one vote per term (persisted before the reply leaves), and only to an up-to-date log. */
export function handleRequestVote(sc: StepScope, args: RequestVoteArgs): RequestVoteReply {
  const st = sc.st;
  const grant =
    args.term === st.currentTerm &&
    (st.votedFor === null || st.votedFor === args.candidateId) &&
    sc.parts.isLogUpToDate(st, args.lastLogTerm, args.lastLogIndex);
  if (grant) {
    if (st.votedFor === null) {
      st.votedFor = args.candidateId;
      sc.persistDue = true;
      sc.out.fact({ type: 'raft/vote', term: st.currentTerm, for: args.candidateId });
    }
    resetElectionTimer(sc);
  }
  return { term: st.currentTerm, voteGranted: grant };
}

/** Counts a vote for the current candidacy (stale replies, from an earlier term or after winning, are ignored). */
export function handleRequestVoteReply(sc: StepScope, from: number, args: RequestVoteArgs, reply: RequestVoteReply): void {
  const st = sc.st;
  if (st.role.kind !== 'candidate' || args.term !== st.currentTerm || !reply.voteGranted) return;
  st.role.granted[from] = true;
  let votes = 0;
  for (const g of st.role.granted) if (g) votes++;
  if (isMajority(st, votes)) becomeLeader(sc);
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

export function isMajority(st: RaftState, count: number): boolean {
  return 2 * count > st.peers;
}
