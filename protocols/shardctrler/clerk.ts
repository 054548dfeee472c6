/**
 * The shard-controller clerk, as the Go skeleton's: each operation (with a
 * fresh seq for a write; a retry keeps it) asks the servers in the order its
 * ends were handed over (the tester shuffles them), from the first, moving
 * on at any failure — labrpc false, ErrWrongLeader — and after a whole pass
 * without an answer sleeps CLERK_PASS_PAUSE_US before the next pass.
 */
import { Out, type Input, type NodeDef, type Payload, type Step } from '../../sim/contract.ts';
import { describeCtrler } from './describe.ts';
import {
  CLERK_PASS_PAUSE_US,
  CLERK_RETRY_TIMER,
  CtrlerJoin,
  CtrlerLeave,
  CtrlerMove,
  CtrlerQuery,
  JoinCall,
  LeaveCall,
  MoveCall,
  OK,
  QueryCall,
  type CtrlerClerkConfig,
  type CtrlerMethod,
  type CtrlerReply,
} from './types.ts';

interface Outstanding {
  readonly callId: number;
  readonly method: CtrlerMethod;
  readonly args: Payload;
  /** The end asked now. */
  server: number;
  /** Counts every send, so a late answer to an earlier one is recognised. */
  attempt: number;
}

export interface CtrlerClerkState {
  readonly clientId: number;
  readonly servers: number;
  seq: number;
  op: Outstanding | null;
}

const METHOD: Readonly<Record<string, CtrlerMethod>> = { [QueryCall]: CtrlerQuery, [JoinCall]: CtrlerJoin, [LeaveCall]: CtrlerLeave, [MoveCall]: CtrlerMove };

function send(op: Outstanding, out: Out): void {
  out.send(op.server, op.method, op.args, ++op.attempt);
}

function handleCall(s: CtrlerClerkState, input: Extract<Input, { kind: 'call' }>, out: Out): void {
  const method = METHOD[input.method];
  if (method === undefined) throw new Error(`shardctrler clerk: unknown call ${input.method}`);
  if (s.op !== null) throw new Error(`shardctrler clerk ${s.clientId}: "${input.method}" while an operation is outstanding`);
  const given = input.args as object;
  const args = method === CtrlerQuery ? given : { clientId: s.clientId, seq: ++s.seq, ...given };
  s.op = { callId: input.callId, method, args: args as Payload, server: 0, attempt: 0 };
  send(s.op, out);
}

function handleResponse(s: CtrlerClerkState, input: Extract<Input, { kind: 'response' }>, out: Out): void {
  const op = s.op;
  if (op === null || input.tag !== op.attempt) return;
  const reply = input.reply as CtrlerReply | { err: string } | undefined;
  if (input.ok && reply?.err === OK) {
    s.op = null;
    out.return(op.callId, op.method === CtrlerQuery ? ((reply as CtrlerReply).config as unknown as Payload) : null);
    return;
  }
  if (++op.server < s.servers) {
    send(op, out);
    return;
  }
  op.server = 0;
  out.setTimer(CLERK_RETRY_TIMER, CLERK_PASS_PAUSE_US);
}

export const shardctrlerClerk: NodeDef<CtrlerClerkState, CtrlerClerkConfig> = {
  name: 'shardctrler-clerk',
  init(config): Step<CtrlerClerkState> {
    return new Out().done({ clientId: config.clientId, servers: config.servers, seq: 0, op: null });
  },
  step(s, input) {
    const out = new Out();
    switch (input.kind) {
      case 'call':
        handleCall(s, input, out);
        break;
      case 'response':
        handleResponse(s, input, out);
        break;
      case 'timer':
        if (s.op !== null) send(s.op, out);
        break;
      case 'request':
        throw new Error(`shardctrler clerk: unexpected request ${input.method}`);
    }
    return out.done(s);
  },
  describe: describeCtrler,
};
