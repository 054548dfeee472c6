/**
 * The kvsrv clerk: turns a tester call into one RPC and retries it, with the
 * same seq, immediately after every failure (labrpc never retries; the Go
 * clerk loops). Kept tiny, with no timers, because one test makes 100,000.
 */
import { Out, type Input, type NodeDef, type Step, type StepContext } from '../../sim/contract.ts';
import { describeKv } from './describe.ts';
import {
  AppendCall,
  GetCall,
  KvAppend,
  KvGet,
  KvPut,
  PutCall,
  type ClerkConfig,
  type GetArgs,
  type GetCallArgs,
  type PutAppendArgs,
  type PutAppendCallArgs,
} from './types.ts';

export interface ClerkState {
  readonly clientId: number;
  /** Seq of the latest operation started (0 before the first). */
  readonly seq: number;
  /** Whether an operation is outstanding (its callId travels as the RPC tag). */
  readonly busy: boolean;
}

function startCall(s: ClerkState, input: Extract<Input, { kind: 'call' }>, out: Out): ClerkState {
  if (s.busy) throw new Error(`clerk ${s.clientId}: "${input.method}" while an operation is outstanding`);
  const seq = s.seq + 1;
  const a = input.args as PutAppendCallArgs;
  switch (input.method) {
    case GetCall:
      out.send(0, KvGet, { clientId: s.clientId, seq, key: (input.args as GetCallArgs).key } satisfies GetArgs, input.callId);
      break;
    case PutCall:
      out.send(0, KvPut, { clientId: s.clientId, seq, key: a.key, value: a.value } satisfies PutAppendArgs, input.callId);
      break;
    case AppendCall:
      out.send(0, KvAppend, { clientId: s.clientId, seq, key: a.key, value: a.value } satisfies PutAppendArgs, input.callId);
      break;
    default:
      out.note(`unknown call ${input.method}`).return(input.callId, null);
      return s;
  }
  return { clientId: s.clientId, seq, busy: true };
}

function handleResponse(s: ClerkState, input: Extract<Input, { kind: 'response' }>, out: Out): ClerkState {
  if (!s.busy) return s;
  if (!input.ok) {
    out.send(input.to, input.method, input.args, input.tag);
    return s;
  }
  out.return(input.tag as number, input.method === KvPut ? null : input.reply);
  return { clientId: s.clientId, seq: s.seq, busy: false };
}

export const kvClerk: NodeDef<ClerkState, ClerkConfig> = {
  name: 'kvsrv-clerk',
  init(config: ClerkConfig): Step<ClerkState> {
    return { state: { clientId: config.clientId, seq: 0, busy: false }, outputs: [] };
  },
  step(s: ClerkState, input: Input, _ctx: StepContext): Step<ClerkState> {
    const out = new Out();
    switch (input.kind) {
      case 'call':
        return out.done(startCall(s, input, out));
      case 'response':
        return out.done(handleResponse(s, input, out));
      case 'request':
        out.reply(input.reqId, null);
        return out.done(s);
      case 'timer':
        return out.done(s);
    }
  },
  describe: describeKv,
};
