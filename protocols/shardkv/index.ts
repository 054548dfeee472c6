/**
 * shardkv (6.5840 lab 5B) as simlab nodes: `shardkvService` (the group
 * replica's service: role `shardkv-server`, stacked by scenarios/shardkv over
 * { raft, ctrler clerk }) and `shardkvClerk` (role `shardkv-clerk`).
 */
export * from './types.ts';
export { shardkvService, CTRLER_LOCAL, type ShardServerState } from './server.ts';
export { shardkvClerk, type ShardClerkState } from './clerk.ts';
export { shardMachineFor, doOp, initialState, toOp, servesShard, allSettled, shardData, snapshotOf, restoreFrom, SUBMIT } from './machine.ts';
export { stepShard, shardMachine, settled, serves, IllegalShardTransition } from './lifecycle.ts';
