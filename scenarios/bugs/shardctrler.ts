/**
 * The shard-controller bug zoo: each variant is the correct service (rsm
 * over the controller machine, role `shardctrler-server`) with one
 * realistic change, for the scenarios that must catch it
 * (shardctrler-caught.ts).
 */
import { Out, type StepContext } from '../../sim/node.ts';
import type { Prng } from '../../sim/prng.ts';
import { CtrlerQuery, NShards, applyOp, ctrlerMachine, rebalance, rebalanceWith, type CtrlerOp, type CtrlerState, type Rebalance } from '../../protocols/shardctrler/index.ts';
import { rsm, type RsmConfig, type RsmState, type ServiceDef } from '../../protocols/rsm/index.ts';

export interface ShardctrlerBug {
  readonly name: string;
  readonly description: string;
  /** The service to run as role shardctrler-server. */
  readonly service: ServiceDef<any, RsmConfig>;
}

/** The machine state plus the replica's own random stream, standing in for Go's randomised map iteration. */
type MapOrderState = CtrlerState & { order?: Prng };

/** Groups owning equally many shards are ordered as each replica happens to iterate its map: replicas compute different configs. */
export const shardctrlerMapOrder: ShardctrlerBug = {
  name: 'shardctrler-map-order',
  description: 'the rebalance breaks ties in map iteration order (a per-replica random order), not by gid',
  service: withReplicaOrder(
    rsm<MapOrderState, CtrlerOp, unknown>({
      ...ctrlerMachine(),
      doOp: (s, op) => applyOp(s, op, rebalanceWith((gids) => s.order!.shuffle(gids))),
    }),
  ),
};

/** Shard i goes to the i-th group (mod n) in gid order: balanced and deterministic, but most shards move at every Join and Leave. */
export const roundRobin: Rebalance = (_shards, gids) => {
  const sorted = [...gids].sort((a, b) => a - b);
  return Array.from({ length: NShards }, (_, i) => (sorted.length === 0 ? 0 : sorted[i % sorted.length]!));
};

export const shardctrlerNotMinimal: ShardctrlerBug = {
  name: 'shardctrler-not-minimal',
  description: 'the rebalance deals the shards out again from scratch (round robin by gid)',
  service: rsm(ctrlerMachine(roundRobin)),
};

/** Query is answered at once from the receiving replica's own state, leader or not, without going through the log. */
export const shardctrlerLocalQuery: ShardctrlerBug = {
  name: 'shardctrler-local-query',
  description: 'Query is served by whichever replica receives it, from its own state, without the log',
  service: localQueries(rsm(ctrlerMachine())),
};

export const shardctrlerBugs: readonly ShardctrlerBug[] = [shardctrlerMapOrder, shardctrlerNotMinimal, shardctrlerLocalQuery];

function withReplicaOrder(inner: ServiceDef<RsmState<MapOrderState>, RsmConfig>): ServiceDef<RsmState<MapOrderState>, RsmConfig> {
  const attach = (st: RsmState<MapOrderState>, ctx: StepContext): void => void (st.machine.order = ctx.rng);
  return {
    ...inner,
    init(config, persisted, ctx) {
      const r = inner.init(config, persisted, ctx);
      attach(r.state, ctx);
      return r;
    },
    step(st, input, ctx) {
      attach(st, ctx);
      return inner.step(st, input, ctx);
    },
  };
}

type CtrlerRsm = ServiceDef<RsmState<CtrlerState>, RsmConfig>;

function localQueries(inner: CtrlerRsm): CtrlerRsm {
  return {
    ...inner,
    step(st, input, ctx) {
      if (input.kind !== 'request' || input.method !== CtrlerQuery) return inner.step(st, input, ctx);
      const op = { method: CtrlerQuery, ...(input.args as { num: number }) } as const;
      return new Out().reply(input.reqId, applyOp(st.machine, op, rebalance) as never).done(st);
    },
  };
}
