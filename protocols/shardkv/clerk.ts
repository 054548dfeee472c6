/**
 * The shard-kv clerk, as the Go skeleton's: for the config it holds, ask the
 * servers of the group owning the key's shard in turn (by name: make_end);
 * OK (or ErrNoKey for Get) answers; ErrWrongGroup stops the round; after a
 * round without an answer sleep CLERK_PAUSE_US and ask the controller for
 * the latest config (through the embedded controller clerk, `local:ctrler`).
 * A retry keeps the operation's seq, so the servers apply it once.
 */
import { Out, type Input, type Payload, type Step } from '../../sim/contract.ts';
import { CONFIG_ZERO } from '../shardctrler/machine.ts';
import { QueryCall, type Config } from '../shardctrler/types.ts';
import type { ServiceDef, ServiceInput } from '../rsm/types.ts';
import { CTRLER_LOCAL } from './server.ts';
import { AppendCall, CLERK_PAUSE_US, CLERK_TIMER, ErrNoKey, ErrWrongGroup, GetCall, KvGet, KvPutAppend, OK, PutCall, key2shard, type ClientArgs, type ShardKvClerkConfig } from './types.ts';

interface Outstanding {
  readonly callId: number;
  readonly method: typeof KvGet | typeof KvPutAppend;
  readonly args: ClientArgs;
  /** The server of the owning group asked now. */
  server: number;
  /** Counts sends, so a late answer to an earlier one is recognised. */
  attempt: number;
}

export interface ShardKvClerkState {
  readonly clientId: number;
  config: Config;
  seq: number;
  op: Outstanding | null;
}

const groupOf = (s: ShardKvClerkState, key: string): readonly string[] => s.config.groups[s.config.shards[key2shard(key)]!] ?? [];

/** Asks the op's next server, or, past the last (or without a group), pauses before re-asking the controller. */
function tryNext(s: ShardKvClerkState, op: Outstanding, out: Out): void {
  const servers = groupOf(s, op.args.key);
  if (op.server >= servers.length) {
    out.setTimer(CLERK_TIMER, CLERK_PAUSE_US);
    return;
  }
  out.send(servers[op.server]!, op.method, op.args as unknown as Payload, ++op.attempt);
}

function handleCall(s: ShardKvClerkState, input: Extract<Input, { kind: 'call' }>, out: Out): void {
  if (s.op !== null) throw new Error(`shardkv clerk ${s.clientId}: "${input.method}" while an operation is outstanding`);
  const a = input.args as { key: string; value?: string };
  const seq = ++s.seq;
  let args: ClientArgs;
  if (input.method === GetCall) args = { clientId: s.clientId, seq, key: a.key };
  else if (input.method === PutCall || input.method === AppendCall) args = { clientId: s.clientId, seq, key: a.key, value: a.value!, op: input.method === PutCall ? 'Put' : 'Append' };
  else throw new Error(`shardkv clerk: unknown call ${input.method}`);
  s.op = { callId: input.callId, method: input.method === GetCall ? KvGet : KvPutAppend, args, server: 0, attempt: 0 };
  tryNext(s, s.op, out);
}

function handleResponse(s: ShardKvClerkState, input: Extract<Input, { kind: 'response' }>, out: Out): void {
  const op = s.op;
  if (op === null) return;
  if (input.to === CTRLER_LOCAL) {
    s.config = input.reply as unknown as Config;
    op.server = 0;
    tryNext(s, op, out);
    return;
  }
  if (input.tag !== op.attempt) return;
  const reply = input.reply as { err: string; value?: string } | undefined;
  if (input.ok && (reply?.err === OK || (reply?.err === ErrNoKey && op.method === KvGet))) {
    s.op = null;
    out.return(op.callId, op.method === KvGet ? (reply.value ?? '') : null);
    return;
  }
  op.server = input.ok && reply?.err === ErrWrongGroup ? Number.MAX_SAFE_INTEGER : op.server + 1;
  tryNext(s, op, out);
}

/** The clerk's own half; sim/stack puts the controller clerk under it (scenarios/shardkv). */
export const shardkvClerkUpper: ServiceDef<ShardKvClerkState, ShardKvClerkConfig> = {
  name: 'shardkv-clerk',
  init(config): Step<ShardKvClerkState> {
    return new Out().done({ clientId: config.clientId, config: CONFIG_ZERO, seq: 0, op: null });
  },
  step(s, input: ServiceInput) {
    const out = new Out();
    switch (input.kind) {
      case 'call':
        handleCall(s, input, out);
        break;
      case 'response':
        handleResponse(s, input, out);
        break;
      case 'timer':
        if (s.op !== null) out.send(CTRLER_LOCAL, QueryCall, { num: -1 }, null);
        break;
      default:
        throw new Error(`shardkv clerk: unexpected ${input.kind}`);
    }
    return out.done(s);
  },
};
