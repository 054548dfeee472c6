/**
 * Leader election (Figure 2: RequestVote, the rules for followers and
 * candidates, §5.4.1's restriction). The role changes themselves are in
 * roles.ts, below every handler.
 */
import * as Log from './log.ts';
import { becomeLeader, resetElectionTimer } from './roles.ts';
import { RPC, type RaftState, type RequestVoteArgs, type RequestVoteReply, type StepScope } from './types.ts';

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

export function isMajority(st: RaftState, count: number): boolean {
  return 2 * count > st.peers;
}
