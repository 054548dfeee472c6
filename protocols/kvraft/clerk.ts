/**
 * The kvraft clerk: one operation at a time, with a fresh seq (a retry keeps
 * it). It asks the server it last found leading (end 0 at first; the tester
 * hands the ends in a random order), and on any failure — labrpc false,
 * ErrWrongLeader — the next one; after a whole round of servers without an
 * answer it pauses CLERK_ROUND_PAUSE_US, so a cluster without a leader is
 * not asked again in the same instant.
 */
import { Out, type Input, type NodeDef, type Step } from '../../sim/contract.ts';
import { describeKvraft } from './describe.ts';
import {
  AppendCall,
  CLERK_RETRY_TIMER,
  CLERK_ROUND_PAUSE_US,
  GetCall,
  KvAppend,
  KvGet,
  KvPut,
  PutCall,
  type KvClerkConfig,
  type KvMethod,
  type KvReply,
  type PutAppendArgs,
} from './types.ts';

interface Outstanding {
  readonly callId: number;
  readonly method: KvMethod;
  readonly args: PutAppendArgs | { clientId: number; seq: number; key: string };
  /** Servers asked in this round without an answer. */
  tried: number;
}

export interface KvClerkState {
  readonly clientId: number;
  readonly servers: number;
  /** The server believed to lead (an end index). */
  leader: number;
  seq: number;
  op: Outstanding | null;
}

const METHOD: Readonly<Record<string, KvMethod>> = { [GetCall]: KvGet, [PutCall]: KvPut, [AppendCall]: KvAppend };

function handleCall(s: KvClerkState, input: Extract<Input, { kind: 'call' }>, out: Out): void {
  const method = METHOD[input.method];
  if (method === undefined) throw new Error(`kvraft clerk: unknown call ${input.method}`);
  if (s.op !== null) throw new Error(`kvraft clerk ${s.clientId}: "${input.method}" while an operation is outstanding`);
  const a = input.args as { key: string; value?: string };
  const seq = ++s.seq;
  const args = method === KvGet ? { clientId: s.clientId, seq, key: a.key } : { clientId: s.clientId, seq, key: a.key, value: a.value! };
  s.op = { callId: input.callId, method, args, tried: 0 };
  out.send(s.leader, method, args, seq);
}

function handleResponse(s: KvClerkState, input: Extract<Input, { kind: 'response' }>, out: Out): void {
  const op = s.op;
  if (op === null || input.tag !== s.seq) return;
  const reply = input.reply as KvReply | { err: string } | undefined;
  if (input.ok && reply !== undefined && (reply.err === 'OK' || reply.err === 'ErrNoKey')) {
    s.op = null;
    out.return(op.callId, op.method === KvGet ? ((reply as KvReply).value ?? '') : null);
    return;
  }
  s.leader = (s.leader + 1) % s.servers;
  if (++op.tried < s.servers) {
    out.send(s.leader, op.method, op.args, s.seq);
    return;
  }
  op.tried = 0;
  out.setTimer(CLERK_RETRY_TIMER, CLERK_ROUND_PAUSE_US);
}

export const kvraftClerk: NodeDef<KvClerkState, KvClerkConfig> = {
  name: 'kvraft-clerk',
  init(config): Step<KvClerkState> {
    return new Out().done({ clientId: config.clientId, servers: config.servers, leader: 0, seq: 0, op: null });
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
        if (s.op !== null) out.send(s.leader, s.op.method, s.op.args, s.seq);
        break;
      case 'request':
        throw new Error(`kvraft clerk: unexpected request ${input.method}`);
    }
    return out.done(s);
  },
  describe: describeKvraft,
};
