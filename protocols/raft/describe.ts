/**
 * One line per Raft message for traces. A log position is written term/index
 * everywhere (prev=1/11: the entry at index 11, of term 1).
 */
import type { Payload } from '../../sim/contract.ts';
import {
  RPC,
  type AppendEntriesArgs,
  type AppendEntriesReply,
  type InstallSnapshotArgs,
  type InstallSnapshotReply,
  type RequestVoteArgs,
  type RequestVoteReply,
} from './types.ts';

export function describeRaft(method: string, payload: Payload, isReply: boolean): string {
  switch (method) {
    case RPC.appendEntries:
      return isReply ? describeAppendReply(payload as AppendEntriesReply) : describeAppend(payload as AppendEntriesArgs);
    case RPC.requestVote:
      return isReply ? describeVoteReply(payload as RequestVoteReply) : describeVote(payload as RequestVoteArgs);
    case RPC.installSnapshot:
      return isReply
        ? `t=${(payload as InstallSnapshotReply).term}`
        : describeInstall(payload as InstallSnapshotArgs);
    default:
      return `${method} ${isReply ? 'reply' : 'request'} (not a Raft RPC)`;
  }
}

function describeAppend(a: AppendEntriesArgs): string {
  return `AppendEntries t=${a.term} prev=${a.prevLogTerm}/${a.prevLogIndex} commit=${a.leaderCommit} n=${a.entries.length}`;
}

function describeAppendReply(r: AppendEntriesReply): string {
  if (r.success) return `t=${r.term} success`;
  if (r.conflictIndex === undefined) return `t=${r.term} stale`;
  return `t=${r.term} conflict=${r.conflictTerm ?? '-'}/${r.conflictIndex}`;
}

function describeVote(a: RequestVoteArgs): string {
  return `RequestVote t=${a.term} last=${a.lastLogTerm}/${a.lastLogIndex}`;
}

function describeVoteReply(r: RequestVoteReply): string {
  return `t=${r.term} ${r.voteGranted ? 'granted' : 'denied'}`;
}

function describeInstall(a: InstallSnapshotArgs): string {
  return `InstallSnapshot t=${a.term} last=${a.lastIncludedTerm}/${a.lastIncludedIndex} bytes=${a.data.length}`;
}
