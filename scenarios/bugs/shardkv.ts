/**
 * The shardkv bug zoo: each variant is the correct group service (role
 * `shardkv-server`) over a shard machine with one realistic change, for the
 * scenarios that must catch it (shardkv-caught.ts).
 */
import { applyOp, shardMachine, shardkvServerOver, type ShardKvServerState, type ShardKvServerConfig } from '../../protocols/shardkv/index.ts';
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

export const shardkvBugs: readonly ShardkvBug[] = [shardkvDedupNotMigrated, shardkvServesPulling, shardkvDeletesEarly];
