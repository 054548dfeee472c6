/**
 * The shardkv bug zoo: each variant is the correct group service (role
 * `shardkv-server`) over a shard machine with one realistic change, for the
 * scenarios that must catch it (shardkv-caught.ts).
 */
import { applyOp, CTRLER_LOCAL, shardMachine, shardkvServerOver, type ShardKvServerState, type ShardKvServerConfig } from '../../protocols/shardkv/index.ts';
import type { GetStateResult } from '../../protocols/raft/api.ts';
import { Out } from '../../sim/contract.ts';
import { QueryCall } from '../../protocols/shardctrler/types.ts';
import type { ShardKvOp, ShardKvReply, ShardKvState } from '../../protocols/shardkv/types.ts';
import { rsm, type ServiceDef } from '../../protocols/rsm/index.ts';

export interface ShardkvBug {
  readonly name: string;
  readonly description: string;
  /** The service to run as role shardkv-server. */
  readonly service: ServiceDef<ShardKvServerState, ShardKvServerConfig>;
}

function withDoOp(doOp: (s: ShardKvState, op: ShardKvOp) => ShardKvReply): ServiceDef<ShardKvServerState, ShardKvServerConfig> {
  return shardkvServerOver(rsm({ ...shardMachine, doOp }));
}

/** A shard arrives without its clients' dedup entries: a retried Append that the old owner applied is applied again. */
export const shardkvDedupNotMigrated: ShardkvBug = {
  name: 'shardkv-dedup-not-migrated',
  description: 'an installed shard brings its data but not the dedup entries of its clients',
  service: withDoOp((s, op) => applyOp(s, op.kind === 'install' ? { ...op, lastSeq: [] } : op)),
};

/** Client ops on a shard still being pulled are served from the (empty) local copy. */
export const shardkvServesPulling: ShardkvBug = {
  name: 'shardkv-serves-pulling',
  description: 'a shard still in Pulling is served before its data is installed',
  service: withDoOp((s, op) => {
    if (op.kind !== 'client') return applyOp(s, op);
    const pulling = s.shards.filter((x) => x.status === 'Pulling');
    for (const x of pulling) x.status = 'Serving';
    const reply = applyOp(s, op);
    for (const x of pulling) x.status = 'Pulling';
    return reply;
  }),
};

/** The old owner drops a shard's data as soon as the config moves it away, before the new owner has pulled it. */
export const shardkvDeletesEarly: ShardkvBug = {
  name: 'shardkv-deletes-early',
  description: 'a shard handed over is deleted at the config change, before the new owner installed it',
  service: withDoOp((s, op) => {
    const reply = applyOp(s, op);
    if (op.kind === 'config') for (const x of s.shards) if (x.status === 'BePulling') x.data = new Map();
    return reply;
  }),
};

/** Ends every migration still under way as if it had completed: a Pulling shard is served as it is (empty), a frozen one dropped. */
function abandonMigrations(s: ShardKvState): void {
  for (const x of s.shards) {
    if (x.status === 'Pulling' || x.status === 'GCing') x.status = 'Serving';
    if (x.status === 'BePulling') {
      x.status = 'Absent';
      x.data = new Map();
    }
  }
}

/** The correct service, whose leader also asks for the next config each round while shards are still moving. */
function pollingUnsettled(): ServiceDef<ShardKvServerState, ShardKvServerConfig> {
  const service = withDoOp((s, op) => {
    if (op.kind === 'config' && op.config.num === s.config.num + 1) abandonMigrations(s);
    return applyOp(s, op);
  });
  return {
    ...service,
    step(st, input, ctx) {
      const r = service.step(st, input, ctx);
      const leaderRound = input.kind === 'response' && (input.tag as { skv?: string } | null)?.skv === 'leader' && (input.reply as unknown as GetStateResult).isLeader;
      const queries = r.outputs.some((o) => o.kind === 'send' && o.method === QueryCall);
      if (leaderRound && !queries && !r.state.querying) {
        r.state.querying = true;
        const query = new Out().send(CTRLER_LOCAL, QueryCall, { num: r.state.inner.machine.config.num + 1 }, { skv: 'query' });
        return { ...r, outputs: [...r.outputs, ...query.list] };
      }
      return r;
    },
  };
}

/** The poller does not wait for the current config's shards to settle: config N+2 is applied while N+1's migrations are under way, and they are abandoned. */
export const shardkvPollsAhead: ShardkvBug = {
  name: 'shardkv-polls-ahead',
  description: "config N+2 is polled and applied before N+1's migrations completed (a shard being pulled is served empty, a frozen one dropped)",
  service: pollingUnsettled(),
};

export const shardkvBugs: readonly ShardkvBug[] = [shardkvDedupNotMigrated, shardkvServesPulling, shardkvDeletesEarly, shardkvPollsAhead];
