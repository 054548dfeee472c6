/**
 * shardkv as simlab nodes: `shardkvService` (role `shardkv-server`: rsm over
 * the shard machine with the leader's polling, pulling and GC; stacked by
 * scenarios/shardkv over { raft, ctrler clerk }) and `shardkvClerkUpper`
 * (role `shardkv-clerk`, stacked over a controller clerk).
 */
export * from './types.ts';
export { shardkvService, shardkvServerOver, CTRLER_LOCAL, type ShardKvServerState } from './server.ts';
export { shardkvClerkUpper, type ShardKvClerkState } from './clerk.ts';
export { shardMachine, applyOp } from './machine.ts';
export { shardLifecycle, step as lifecycleStep, serves, settled, type ShardStatus, type ShardEvent } from './lifecycle.ts';
