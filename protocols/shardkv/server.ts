/**
 * A shard-kv replica's service: rsm over the shard machine, plus what only
 * the leader does, every POLL_US: ask the controller (through the embedded
 * clerk, `local:ctrler`) for the config after the current one once every
 * shard is settled, and submit it; pull each Pulling shard from a server of
 * its previous owner (by name: make_end) and submit the install; ask the
 * previous owner to delete each GCing shard, and submit the GC
 * acknowledgement when it has; and in each new term it leads, submit a
 * no-op first, so entries of earlier terms commit (a group that owns no
 * shard gets no client writes, and a delete left uncommitted by a restart
 * would otherwise never apply). PullShard is answered from the local
 * machine by any replica holding the shard frozen at that config.
 * Everything else is the rsm layer's.
 */
import { Out, type Payload, type Persisted, type StepContext } from '../../sim/contract.ts';
import { CALL, type GetStateResult } from '../raft/api.ts';
import { RAFT_LOCAL, rsm, type RsmConfig, type RsmState, type ServiceDef, type ServiceInput } from '../rsm/index.ts';
import type { Config } from '../shardctrler/types.ts';
import { QueryCall } from '../shardctrler/types.ts';
import { shardMachine } from './machine.ts';
import { DeleteShard, ErrNotReady, OK, POLL_TIMER, POLL_US, PullShard, SUBMIT, type ShardArgs, type ShardKvOp, type ShardKvServerConfig, type ShardKvState } from './types.ts';

/** The local end of the embedded controller clerk (sim/stack.ts). */
export const CTRLER_LOCAL = 'local:ctrler';

export interface ShardKvServerState {
  inner: RsmState<ShardKvState>;
  /** A controller query is in flight. */
  querying: boolean;
  /** Shards with a pull or delete in flight. */
  readonly busy: Set<number>;
  /** Per shard, which server of the previous owner to ask next. */
  readonly nextServer: number[];
  /** Negative request ids for the server's own submissions (their replies are dropped). */
  nextSubmit: number;
  /** The last term this server submitted its no-op in, as leader. */
  noopTerm: number;
}

type Tag = { readonly skv: 'leader' } | { readonly skv: 'query' } | { readonly skv: 'pull' | 'delete'; readonly shard: number; readonly num: number };

const isTag = (t: Payload): t is Tag => typeof t === 'object' && t !== null && 'skv' in t;

/** The service half of a shard-kv server, over the given rsm layer. */
export function shardkvServerOver(inner: ServiceDef<RsmState<ShardKvState>, RsmConfig>): ServiceDef<ShardKvServerState, ShardKvServerConfig> {
  /** Steps the rsm layer, dropping its answers to the server's own submissions. */
  function stepInner(st: ShardKvServerState, input: ServiceInput, ctx: StepContext, out: Out): void {
    const r = inner.step(st.inner, input, ctx);
    st.inner = r.state;
    for (const o of r.outputs) if (!(o.kind === 'reply' && o.reqId < 0)) out.list.push(o);
  }

  function submit(st: ShardKvServerState, op: ShardKvOp, ctx: StepContext, out: Out): void {
    stepInner(st, { kind: 'request', reqId: --st.nextSubmit, method: SUBMIT, args: op as unknown as Payload }, ctx, out);
  }

  /** The leader's round: the next config, or the pulls and deletes the current one still needs. */
  function leaderRound(st: ShardKvServerState, out: Out): void {
    const m = st.inner.machine;
    let settled = true;
    m.shards.forEach((shard, i) => {
      if (shard.status !== 'Pulling' && shard.status !== 'GCing') {
        if (shard.status === 'BePulling') settled = false;
        return;
      }
      settled = false;
      if (st.busy.has(i)) return;
      const servers = m.prev.groups[m.prev.shards[i]!] ?? [];
      if (servers.length === 0) return;
      st.busy.add(i);
      const to = servers[st.nextServer[i]! % servers.length]!;
      const method = shard.status === 'Pulling' ? PullShard : DeleteShard;
      out.send(to, method, { num: m.config.num, shard: i } satisfies ShardArgs, { skv: method === PullShard ? 'pull' : 'delete', shard: i, num: m.config.num } satisfies Tag);
    });
    if (settled && !st.querying) {
      st.querying = true;
      out.send(CTRLER_LOCAL, QueryCall, { num: m.config.num + 1 }, { skv: 'query' } satisfies Tag);
    }
  }

  function onResponse(st: ShardKvServerState, tag: Tag, input: Extract<ServiceInput, { kind: 'response' }>, ctx: StepContext, out: Out): void {
    const m = st.inner.machine;
    if (tag.skv === 'leader') {
      const r = input.reply as unknown as GetStateResult;
      if (!r.isLeader) return;
      if (r.term !== st.noopTerm) {
        st.noopTerm = r.term;
        submit(st, { kind: 'noop' }, ctx, out);
      }
      leaderRound(st, out);
      return;
    }
    if (tag.skv === 'query') {
      st.querying = false;
      const config = input.reply as unknown as Config;
      if (config.num === m.config.num + 1) submit(st, { kind: 'config', config }, ctx, out);
      return;
    }
    st.busy.delete(tag.shard);
    const reply = input.reply as { err?: string; data?: [string, string][]; lastSeq?: [number, number][] } | undefined;
    if (!input.ok || reply?.err !== OK) {
      st.nextServer[tag.shard]!++;
      return;
    }
    if (tag.skv === 'pull') submit(st, { kind: 'install', num: tag.num, shard: tag.shard, data: reply.data!, lastSeq: reply.lastSeq! }, ctx, out);
    else submit(st, { kind: 'gc-done', num: tag.num, shard: tag.shard }, ctx, out);
  }

  /** A replica at config `num` holding the shard frozen hands it over, with the dedup table. */
  function onPull(st: ShardKvServerState, reqId: number, a: ShardArgs, out: Out): void {
    const m = st.inner.machine;
    const shard = m.shards[a.shard];
    if (m.config.num !== a.num || shard?.status !== 'BePulling') {
      out.reply(reqId, { err: ErrNotReady });
      return;
    }
    out.reply(reqId, { err: OK, data: [...shard.data], lastSeq: [...m.lastSeq] });
  }

  return {
    name: 'shardkv',
    init(config: ShardKvServerConfig, persisted: Persisted, ctx: StepContext) {
      const out = new Out();
      const r = inner.init({ me: config.me, maxraftstate: config.maxraftstate }, persisted, ctx);
      out.list.push(...r.outputs);
      r.state.machine.gid = config.gid;
      out.setTimer(POLL_TIMER, POLL_US);
      return out.done({ inner: r.state, querying: false, busy: new Set(), nextServer: new Array<number>(r.state.machine.shards.length).fill(0), nextSubmit: 0, noopTerm: -1 });
    },
    step(st, input, ctx) {
      const out = new Out();
      if (input.kind === 'timer' && input.name === POLL_TIMER) {
        out.setTimer(POLL_TIMER, POLL_US);
        out.send(RAFT_LOCAL, CALL.getState, null, { skv: 'leader' } satisfies Tag);
      } else if (input.kind === 'response' && isTag(input.tag)) onResponse(st, input.tag, input, ctx, out);
      else if (input.kind === 'request' && input.method === PullShard) onPull(st, input.reqId, input.args as unknown as ShardArgs, out);
      else if (input.kind === 'request' && input.method === SUBMIT) out.reply(input.reqId, { err: 'ErrWrongLeader' });
      else stepInner(st, input, ctx, out);
      return out.done(st);
    },
  };
}

export const shardkvService: ServiceDef<ShardKvServerState, ShardKvServerConfig> = shardkvServerOver(rsm(shardMachine));
