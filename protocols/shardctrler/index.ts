/**
 * The shard controller as simlab nodes: `shardctrlerService` (rsm over the
 * controller machine: role `shardctrler-server`, stacked by
 * scenarios/shardctrler over any lab-3 Raft, role `raft`) and
 * `shardctrlerClerk` (role `shardctrler-clerk`).
 */
import { rsm, type RsmConfig, type ServiceDef } from '../rsm/index.ts';
import { ctrlerMachine } from './machine.ts';

export * from './types.ts';
export { shardctrlerClerk, type CtrlerClerkState } from './clerk.ts';
export { CONFIG_ZERO, applyOp, ctrlerMachine, nextConfig } from './machine.ts';
export { byGid, rebalance, rebalanceWith, type Rebalance, type TieOrder } from './rebalance.ts';
export { showConfig } from './describe.ts';

/** The service half of a controller server: the rsm layer over the controller machine. */
export const shardctrlerService: ServiceDef<any, RsmConfig> = rsm(ctrlerMachine());
