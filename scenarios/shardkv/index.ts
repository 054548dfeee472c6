/**
 * shardkv (6.5840 lab 5): the tests of src/shardkv/test_test.go as
 * scenarios, named after them (spec §8); every history is also checked for
 * linearizability.
 *
 * Roles for --impl: `raft`, `shardkv-server`, `shardkv-clerk`, and the
 * controller's `shardctrler-server`, `shardctrler-clerk` (see ./config.ts).
 */
import { seconds } from '../../sim/node.ts';
import { defineRole, defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import { SHARDKV_CLERK_ROLE, SHARDKV_SERVER_ROLE } from './config.ts';
import {
  challenge1DeleteTest,
  challenge2PartialTest,
  challenge2UnaffectedTest,
  concurrent1Test,
  concurrent2Test,
  concurrent3Test,
  joinLeaveTest,
  missChangeTest,
  rejectionTest,
  snapshotTest,
  staticShardsTest,
  unreliable1Test,
  unreliable2Test,
  unreliable3Test,
} from './tests.ts';

defineRole(SHARDKV_SERVER_ROLE, 'the shardkv group replica service: protocols/rsm over the shard machine, with the leader’s polling, pulling and GC (stacked on role raft and a controller clerk)');
defineRole(SHARDKV_CLERK_ROLE, 'the shardkv clerk’s upper node (stacked over a controller clerk; reaches servers by name)');

export const SHARDKV_TIME_LIMIT_US = seconds(150);

function shardkvScenario(name: string, description: string, run: (t: ScenarioContext) => Co<void>): void {
  defineScenario({ name: `shardkv/${name}`, description, timeLimitUs: SHARDKV_TIME_LIMIT_US, run });
}

shardkvScenario('5A/static-shards', 'TestStaticShards5A: with group 101 down exactly 5 of 10 Gets complete, all correct; after StartGroup all 10 keys check', staticShardsTest);
shardkvScenario('5A/rejection', 'TestRejection5A: clerks of a second controller that gives every shard to 100 get exactly 5 answers; servers reject shards they do not own', rejectionTest);
shardkvScenario('5B/join-leave', 'TestJoinLeave5B: join 101, leave 100, shut 100 down: every value correct, no snapshots', joinLeaveTest);
shardkvScenario('5B/snapshot', 'TestSnapshot5B: 30 keys through joins and leaves with maxraftstate 1000, then all groups restarted from snapshots', snapshotTest);
shardkvScenario('5B/miss-change', 'TestMissChange5B: a server of each group misses configuration changes and catches up after restart', missChangeTest);
shardkvScenario('5B/concurrent1', 'TestConcurrent1_5B: 10 appenders through joins, leaves and a full shutdown and restart of every group: exactly-once appends', concurrent1Test);
shardkvScenario('5B/concurrent2', 'TestConcurrent2_5B: appenders through leaves, joins and two groups restarted: shards fetched from restarted groups', concurrent2Test);
shardkvScenario('5B/concurrent3', 'TestConcurrent3_5B: 12 s of joins, leaves and full restarts of every group under appenders (maxraftstate 300)', concurrent3Test);
shardkvScenario('5B/unreliable1', 'TestUnreliable1_5B: checks and appends through joins and leaves on an unreliable network', unreliable1Test);
shardkvScenario('5B/unreliable2', 'TestUnreliable2_5B: 10 appenders through joins and leaves on an unreliable network: exact final values', unreliable2Test);
shardkvScenario('5B/unreliable3', 'TestUnreliable3_5B: random Get/Put/Append of 10 clients through joins and leaves, unreliable: the history is linearizable', unreliable3Test);
shardkvScenario('challenge/delete', 'TestChallenge1Delete: groups drop shards they handed over (all storage ≤ 117,000 bytes with maxraftstate 1), every value intact', challenge1DeleteTest);
shardkvScenario('challenge/unaffected', 'TestChallenge2Unaffected: with 100 dead mid-reconfiguration, 101 keeps serving the shards it already had', challenge2UnaffectedTest);
shardkvScenario('challenge/partial', 'TestChallenge2Partial: 101 serves the shards pulled from 102 although 100’s never arrive', challenge2PartialTest);
