/**
 * A Raft peer (6.5840 lab 3A–3D, Figure 2 of the extended paper, with §7's
 * snapshots) as a node: `raft` is the correct one; `defineRaft` assembles a
 * node from named parts so a bug variant (scenarios/bugs/raft.ts) replaces
 * one part and nothing else.
 *
 * Every step runs the same frame: reconcile terms (a higher term in any
 * message makes us its follower), dispatch to one handler, then apply what is
 * committed and, if durable fields changed, put one persist first in the
 * outputs.
 */
import { Out, type Input, type NodeDef, type Payload, type Step, type StepContext } from '../../sim/contract.ts';
import { describeRaft } from './describe.ts';
import {
  handleElectionTimeout,
  handleRequestVote,
  handleRequestVoteReply,
  isLogUpToDate,
} from './election.ts';
import * as Log from './log.ts';
import { encodeState, restore } from './persist.ts';
import {
  applyCommitted,
  handleAppendEntries,
  handleAppendEntriesReply,
  handleHeartbeatTimeout,
  handleStart,
  maybeAdvanceCommit,
} from './replication.ts';
import { observeTerm, resetElectionTimer } from './roles.ts';
import { acceptSnapshot, handleInstallSnapshot, handleInstallSnapshotReply, handleSnapshot } from './snapshot.ts';
import {
  CALL,
  RPC,
  TIMER,
  type AppendEntriesArgs,
  type AppendEntriesReply,
  type GetStateResult,
  type InstallSnapshotArgs,
  type InstallSnapshotReply,
  type RaftConfig,
  type RaftParts,
  type RaftState,
  type RequestVoteArgs,
  type RequestVoteReply,
  type SnapshotArgs,
  type StartArgs,
  type StepScope,
} from './types.ts';

export * from './types.ts';
export { describeRaft } from './describe.ts';
export { RaftLogError } from './log.ts';
/** Building blocks for part overrides (scenarios/bugs/raft.ts). */
export { majorityMatchIndex } from './replication.ts';
export { commitTo, recordMatch } from './roles.ts';

/** The parts of a correct Raft peer. */
export const raftParts: RaftParts = Object.freeze({
  restore,
  encodeState,
  isLogUpToDate,
  handleElectionTimeout,
  handleHeartbeatTimeout,
  handleRequestVote,
  handleRequestVoteReply,
  handleAppendEntries,
  handleAppendEntriesReply,
  maybeAdvanceCommit,
  handleInstallSnapshot,
  handleInstallSnapshotReply,
  acceptSnapshot,
  handleStart,
  handleSnapshot,
});

/** A Raft node built from `parts`. */
export function defineRaft(parts: RaftParts, name = 'raft'): NodeDef<RaftState, RaftConfig> {
  return {
    name,
    init(config, persisted, ctx) {
      const sc = openScope(parts.restore(config, persisted), ctx, parts);
      const { st } = sc;
      sc.out.fact({
        type: 'raft/boot',
        term: st.currentTerm,
        votedFor: st.votedFor,
        snapshotIndex: st.log.base,
        lastIndex: Log.lastIndex(st.log),
      });
      resetElectionTimer(sc);
      return finishStep(sc);
    },
    step(st, input, ctx) {
      const sc = openScope(st, ctx, parts);
      dispatch(sc, input);
      return finishStep(sc);
    },
    describe: describeRaft,
  };
}

export const raft: NodeDef<RaftState, RaftConfig> = defineRaft(raftParts);

function openScope(st: RaftState, ctx: StepContext, parts: RaftParts): StepScope {
  return { st, out: new Out(), ctx, parts, persistDue: false };
}

/** Applies what this step committed, then puts the step's one persist ahead of everything it emitted. */
function finishStep(sc: StepScope): Step<RaftState> {
  applyCommitted(sc);
  if (sc.persistDue) {
    sc.out.list.unshift({ kind: 'persist', state: sc.parts.encodeState(sc.st), snapshot: sc.st.snapshot });
  }
  return sc.out.done(sc.st);
}

function dispatch(sc: StepScope, input: Input): void {
  switch (input.kind) {
    case 'request':
      sc.out.reply(input.reqId, dispatchRequest(sc, input.method, input.args));
      return;
    case 'response':
      if (input.ok) dispatchResponse(sc, input.to as number, input.method, input.args, input.reply);
      return;
    case 'timer':
      if (input.name === TIMER.election) sc.parts.handleElectionTimeout(sc);
      else if (input.name === TIMER.heartbeat) sc.parts.handleHeartbeatTimeout(sc);
      else throw new Error(`raft: unknown timer ${input.name}`);
      return;
    case 'call':
      sc.out.return(input.callId, dispatchCall(sc, input.method, input.args));
      return;
  }
}

function dispatchRequest(sc: StepScope, method: string, args: Payload): Payload {
  observeTerm(sc, (args as { term: number }).term);
  switch (method) {
    case RPC.requestVote:
      return sc.parts.handleRequestVote(sc, args as RequestVoteArgs);
    case RPC.appendEntries:
      return sc.parts.handleAppendEntries(sc, args as AppendEntriesArgs);
    case RPC.installSnapshot:
      return sc.parts.handleInstallSnapshot(sc, args as InstallSnapshotArgs);
    default:
      throw new Error(`raft: unknown RPC ${method}`);
  }
}

function dispatchResponse(sc: StepScope, from: number, method: string, args: Payload, reply: Payload): void {
  const term = (reply as { term: number }).term;
  if (term > sc.st.currentTerm) {
    observeTerm(sc, term);
    return;
  }
  switch (method) {
    case RPC.requestVote:
      return sc.parts.handleRequestVoteReply(sc, from, args as RequestVoteArgs, reply as RequestVoteReply);
    case RPC.appendEntries:
      return sc.parts.handleAppendEntriesReply(sc, from, args as AppendEntriesArgs, reply as AppendEntriesReply);
    case RPC.installSnapshot:
      return sc.parts.handleInstallSnapshotReply(sc, from, args as InstallSnapshotArgs, reply as InstallSnapshotReply);
    default:
      throw new Error(`raft: response to unknown RPC ${method}`);
  }
}

function dispatchCall(sc: StepScope, method: string, args: Payload): Payload {
  switch (method) {
    case CALL.start:
      return sc.parts.handleStart(sc, (args as StartArgs).command);
    case CALL.getState: {
      const result: GetStateResult = { term: sc.st.currentTerm, isLeader: sc.st.role.kind === 'leader' };
      return result;
    }
    case CALL.snapshot: {
      const { index, snapshot } = args as SnapshotArgs;
      sc.parts.handleSnapshot(sc, index, snapshot);
      return null;
    }
    default:
      throw new Error(`raft: unknown call ${method}`);
  }
}
