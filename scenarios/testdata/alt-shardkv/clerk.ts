/**
 * The shardkv clerk, as the Go skeleton's: it asks the controller for the
 * latest config (through an embedded shard-controller clerk: the `ctrler`
 * child scenarios/shardkv stacks it over, on ends 0..ctrlers-1), sends each operation to the
 * servers of the group that owns the key's shard, one after another, by
 * name (make_end); on ErrWrongGroup, or after a pass over the group without
 * an answer, it sleeps CLERK_PAUSE_US and queries the config again. Get
 * succeeds on OK or ErrNoKey, Put and Append on OK. A retry keeps its seq,
 * so the group applies each write once.
 */
import { Out, type Input, type Step } from '../../../sim/contract.ts';
import type { ServiceDef, ServiceInput } from '../../../protocols/rsm/types.ts';
import { QueryCall, type Config } from '../../../protocols/shardctrler/types.ts';
import { AppendCall, CLERK_PAUSE_US, ErrNoKey, ErrWrongGroup, GetCall, OK, PutCall, ShardGet, ShardPutAppend, key2shard, type KvReply, type ShardClerkConfig } from './types.ts';

const CTRLER_LOCAL = 'local:ctrler';
const RETRY_TIMER = 'retry';

interface Outstanding {
  readonly callId: number;
  readonly get: boolean;
  readonly args: { clientId: number; seq: number; key: string; op?: 'Put' | 'Append'; value?: string };
  readonly shard: number;
  /** The servers of the owning group being tried, and the one asked now. */
  servers: readonly string[];
  next: number;
  /** Counts every send, so a late answer to an earlier one is recognised. */
  attempt: number;
}

export interface ShardClerkState {
  readonly clientId: number;
  seq: number;
  config: Config | null;
  op: Outstanding | null;
}

type Tag = { readonly attempt: number } | { readonly query: true };

function query(out: Out): void {
  out.send(CTRLER_LOCAL, QueryCall, { num: -1 }, { query: true } satisfies Tag);
}

/** Starts a pass over the group that owns the op's shard in the cached config (or pauses if none does). */
function tryOwner(s: ShardClerkState, op: Outstanding, out: Out): void {
  const gid = s.config!.shards[op.shard]!;
  op.servers = s.config!.groups[gid] ?? [];
  op.next = 0;
  sendNext(op, out);
}

function sendNext(op: Outstanding, out: Out): void {
  if (op.next >= op.servers.length) {
    out.setTimer(RETRY_TIMER, CLERK_PAUSE_US);
    return;
  }
  out.send(op.servers[op.next++]!, op.get ? ShardGet : ShardPutAppend, op.args, { attempt: ++op.attempt } satisfies Tag);
}

function handleCall(s: ShardClerkState, input: Extract<Input, { kind: 'call' }>, out: Out): void {
  const get = input.method === GetCall;
  if (!get && input.method !== PutCall && input.method !== AppendCall) throw new Error(`shardkv clerk: unknown call ${input.method}`);
  if (s.op !== null) throw new Error(`shardkv clerk ${s.clientId}: "${input.method}" while an operation is outstanding`);
  const a = input.args as { key: string; value?: string };
  const seq = ++s.seq;
  const args = get ? { clientId: s.clientId, seq, key: a.key } : { clientId: s.clientId, seq, key: a.key, op: input.method === PutCall ? ('Put' as const) : ('Append' as const), value: a.value! };
  s.op = { callId: input.callId, get, args, shard: key2shard(a.key), servers: [], next: 0, attempt: 0 };
  if (s.config === null) query(out);
  else tryOwner(s, s.op, out);
}

function handleResponse(s: ShardClerkState, input: Extract<ServiceInput, { kind: 'response' }>, out: Out): void {
  const op = s.op;
  const tag = input.tag as Tag;
  if (op === null) return;
  if ('query' in tag) {
    s.config = input.reply as Config;
    tryOwner(s, op, out);
    return;
  }
  if (tag.attempt !== op.attempt) return;
  const reply = input.reply as KvReply | { err: string } | undefined;
  if (input.ok && (reply?.err === OK || (op.get && reply?.err === ErrNoKey))) {
    s.op = null;
    out.return(op.callId, op.get ? ((reply as KvReply).value ?? '') : null);
    return;
  }
  if (input.ok && reply?.err === ErrWrongGroup) op.next = op.servers.length;
  sendNext(op, out);
}

/** The clerk's logic: the upper node of a stack over a shard-controller clerk named `ctrler`. */
export const shardkvClerk: ServiceDef<ShardClerkState, ShardClerkConfig> = {
  name: 'shardkv-clerk',
  init(config): Step<ShardClerkState> {
    return new Out().done({ clientId: config.clientId, seq: 0, config: null, op: null });
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
        if (s.op !== null) query(out);
        break;
      case 'request':
      case 'apply':
        throw new Error(`shardkv clerk: unexpected ${input.kind}`);
    }
    return out.done(s);
  },
};

