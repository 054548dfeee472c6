/**
 * A shardkv group replica's service node: `rsm(shardMachine)` wrapped with
 * what the group does by itself, stacked (by scenarios/shardkv) over
 * { raft, ctrler: the shard-controller clerk }.
 *
 * Every POLL_US the replica asks its Raft whether it leads; a leader then
 * - queries the controller for config num + 1 when every shard is settled
 *   (one config at a time), and submits it to the log;
 * - asks the previous owners of its Pulling shards for their data
 *   (ShardKV.PullShard, to every server of that group), and submits what
 *   comes back as an install entry;
 * - submits a no-op once per term (Raft commits earlier terms' entries only
 *   with one of its own, and a restarted group may be asked nothing);
 * - tells the previous owners of its GCing shards to drop them
 *   (ShardKV.DeleteShard, which the old owner commits through its own log),
 *   and on OK submits a deleted entry.
 * PullShard is answered outside the log: a shard being pulled is frozen
 * (no client op applies to it), so any replica in that config holds the
 * same data. Entries submitted here go through rsm like client requests,
 * under negative request ids whose replies are dropped.
 */
import { Out, type Output, type Payload, type Step, type StepContext } from '../../../sim/contract.ts';
import { CALL, type GetStateResult } from '../../../protocols/raft/api.ts';
import { RAFT_LOCAL, rsm, type RsmConfig, type RsmState, type ServiceDef, type ServiceInput } from '../../../protocols/rsm/index.ts';
import { QueryCall, type Config } from '../../../protocols/shardctrler/types.ts';
import { SUBMIT, allSettled, shardData, shardMachineFor } from './machine.ts';
import { DeleteShard, ErrNotReady, OK, POLL_US, PullShard, type PullReply, type ShardMachineState, type ShardOp, type ShardServerConfig, type ShardsArgs, type ShardStatus } from './types.ts';

/** The local end of the embedded controller clerk. */
export const CTRLER_LOCAL = 'local:ctrler';
export const POLL_TIMER = 'poll';

export interface ShardServerState {
  readonly gid: number;
  inner: RsmState<ShardMachineState>;
  /** A controller query is outstanding (the clerk takes one call at a time). */
  querying: boolean;
  /** The last internal request id used (counting down from −1). */
  internal: number;
  /** The last term this replica, leading, submitted its no-op in (−1: none yet). */
  noopTerm: number;
}

/** The tags of this node's own sends. */
type Tag = { readonly skv: 'poll' } | { readonly skv: 'query' } | { readonly skv: 'pull' } | { readonly skv: 'delete' };

const inners = new Map<number, ServiceDef<RsmState<ShardMachineState>, RsmConfig>>();
function innerFor(gid: number): ServiceDef<RsmState<ShardMachineState>, RsmConfig> {
  let d = inners.get(gid);
  if (d === undefined) {
    d = rsm(shardMachineFor(gid));
    inners.set(gid, d);
  }
  return d;
}

function isOwnTag(tag: Payload): tag is Tag {
  return typeof tag === 'object' && tag !== null && 'skv' in tag;
}

/** Passes the rsm layer's outputs on, dropping its replies to internal submissions. */
function passInner(outputs: readonly Output[], out: Out): void {
  for (const o of outputs) if (!(o.kind === 'reply' && o.reqId < 0)) out.list.push(o);
}

function stepInner(st: ShardServerState, input: ServiceInput, ctx: StepContext, out: Out): void {
  const r = innerFor(st.gid).step(st.inner, input, ctx);
  st.inner = r.state;
  passInner(r.outputs, out);
}

function submit(st: ShardServerState, op: ShardOp, ctx: StepContext, out: Out): void {
  stepInner(st, { kind: 'request', reqId: --st.internal, method: SUBMIT, args: op as unknown as Payload }, ctx, out);
}

/** Shards in `status`, by the gid that owned them in the previous config. */
function byPreviousOwner(m: ShardMachineState, status: ShardStatus): Map<number, number[]> {
  const owners = new Map<number, number[]>();
  m.status.forEach((s, sh) => {
    if (s !== status) return;
    const gid = m.prev.shards[sh]!;
    owners.set(gid, [...(owners.get(gid) ?? []), sh]);
  });
  return owners;
}

function sendToGroup(m: ShardMachineState, gid: number, method: string, args: ShardsArgs, tag: Tag, out: Out): void {
  for (const name of m.prev.groups[gid] ?? []) out.send(name, method, args, tag);
}

/** The leader's round: the next config when settled, pulls for Pulling shards, deletes for GCing ones. */
function leaderRound(st: ShardServerState, out: Out): void {
  const m = st.inner.machine;
  if (!st.querying && allSettled(m)) {
    st.querying = true;
    out.send(CTRLER_LOCAL, QueryCall, { num: m.config.num + 1 }, { skv: 'query' } satisfies Tag);
  }
  const num = m.config.num;
  for (const [gid, shards] of byPreviousOwner(m, 'Pulling')) sendToGroup(m, gid, PullShard, { num, shards }, { skv: 'pull' }, out);
  for (const [gid, shards] of byPreviousOwner(m, 'GCing')) sendToGroup(m, gid, DeleteShard, { num, shards }, { skv: 'delete' }, out);
}

function handleOwnResponse(st: ShardServerState, tag: Tag, input: Extract<ServiceInput, { kind: 'response' }>, ctx: StepContext, out: Out): void {
  const m = st.inner.machine;
  switch (tag.skv) {
    case 'poll': {
      const r = input.reply as GetStateResult;
      if (!r.isLeader) return;
      if (r.term !== st.noopTerm) {
        st.noopTerm = r.term;
        submit(st, { type: 'noop' }, ctx, out);
      }
      leaderRound(st, out);
      return;
    }
    case 'query': {
      st.querying = false;
      const c = input.reply as Config;
      if (c.num === m.config.num + 1) submit(st, { type: 'config', config: c }, ctx, out);
      return;
    }
    case 'pull': {
      const r = input.reply as PullReply | undefined;
      const a = input.args as ShardsArgs;
      if (input.ok && r?.err === OK && a.num === m.config.num) submit(st, { type: 'install', num: a.num, stores: r.stores, lastSeq: r.lastSeq }, ctx, out);
      return;
    }
    case 'delete': {
      const r = input.reply as { err: string } | undefined;
      const a = input.args as ShardsArgs;
      if (input.ok && r?.err === OK && a.num === m.config.num) submit(st, { type: 'deleted', num: a.num, shards: a.shards }, ctx, out);
      return;
    }
  }
}

function answerPull(st: ShardServerState, reqId: number, args: ShardsArgs, out: Out): void {
  const data = shardData(st.inner.machine, args.num, args.shards);
  const reply: PullReply = data === undefined ? { err: ErrNotReady } : { err: OK, ...data };
  out.reply(reqId, reply as unknown as Payload);
}

export const shardkvService: ServiceDef<ShardServerState, ShardServerConfig> = {
  name: 'shardkv',
  init(config, persisted, ctx): Step<ShardServerState> {
    const out = new Out();
    const r = innerFor(config.gid).init({ me: config.me, maxraftstate: config.maxraftstate }, persisted, ctx);
    passInner(r.outputs, out);
    out.setTimer(POLL_TIMER, POLL_US);
    return out.done({ gid: config.gid, inner: r.state, querying: false, internal: 0, noopTerm: -1 });
  },
  step(st, input, ctx) {
    const out = new Out();
    if (input.kind === 'timer' && input.name === POLL_TIMER) {
      out.send(RAFT_LOCAL, CALL.getState, null, { skv: 'poll' } satisfies Tag);
      out.setTimer(POLL_TIMER, POLL_US);
    } else if (input.kind === 'response' && isOwnTag(input.tag)) handleOwnResponse(st, input.tag, input, ctx, out);
    else if (input.kind === 'request' && input.method === PullShard) answerPull(st, input.reqId, input.args as ShardsArgs, out);
    else stepInner(st, input, ctx, out);
    return out.done(st);
  },
};
