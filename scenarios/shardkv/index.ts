/**
 * shardkv (6.5840 lab 5): the tests of src/shardkv/test_test.go as
 * scenarios, named after them (spec §8): `shardkv/5A/…`, `shardkv/5B/…` and
 * `shardkv/challenge/…`. Every history is checked with the KV model.
 *
 * Roles for --impl: `raft`, `shardctrler-server`, `shardctrler-clerk`,
 * `shardkv-server`, `shardkv-clerk` (see ./config.ts).
 */
import { seconds } from '../../sim/node.ts';
import { defineRole, defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import { SHARDKV_CLERK_ROLE, SHARDKV_SERVER_ROLE } from './config.ts';
import * as tests from './tests.ts';

defineRole(SHARDKV_SERVER_ROLE, 'the shardkv group replica service: an upper node over { raft, ctrler: a shard-controller clerk } (scenarios/shardkv/config.ts stacks it)');
defineRole(SHARDKV_CLERK_ROLE, 'the shardkv clerk logic: an upper node over a shard-controller clerk, reaching group servers by name');

/** Past config.go's 120 s limit the tester fails by itself; the kernel stops a little later. */
export const SHARDKV_TIME_LIMIT_US = seconds(150);

const rows: readonly (readonly [string, string, (t: ScenarioContext) => Co<void>])[] = [
  ['5A/static-shards', 'TestStaticShards5A: join 100, 101; 10 keys; 101 shut down: exactly 5 of 10 fresh Gets complete, the rest once it restarts', tests.staticShards],
  ['5A/rejection', 'TestRejection5A: a second controller gives every shard to 100; clerks using it get exactly the 5 keys 100 really serves', tests.rejection],
  ['5B/join-leave', 'TestJoinLeave5B: join 100, join 101, leave 100 with checks and appends; 100 shut down after handing over', tests.joinLeave],
  ['5B/snapshot', 'TestSnapshot5B: 30 keys across joins and leaves with maxraftstate 1000; every group restarted from its snapshot', tests.snapshot],
  ['5B/miss-change', 'TestMissChange5B: one server of each group misses configuration changes, then catches up', tests.missChange],
  ['5B/concurrent1', 'TestConcurrent1_5B: 10 appenders while groups join, leave, and all shut down and restart', tests.concurrent1],
  ['5B/concurrent2', 'TestConcurrent2_5B: 10 appenders through three rounds of leaves and joins and two groups restarted', tests.concurrent2],
  ['5B/concurrent3', 'TestConcurrent3_5B: 12 s of joins, full restarts and leaves at random pauses under 10 appenders', tests.concurrent3],
  ['5B/unreliable1', 'TestUnreliable1_5B: unreliable network; joins and leaves with one clerk checking and appending', tests.unreliable1],
  ['5B/unreliable2', 'TestUnreliable2_5B: unreliable network; 10 appenders through five reconfigurations', tests.unreliable2],
  ['5B/unreliable3', 'TestUnreliable3_5B: unreliable network; 10 clients of random Get/Put/Append, history linearizable', tests.unreliable3],
  ['challenge/delete', 'TestChallenge1Delete: maxraftstate 1, 30 KB of values moved around twice; total storage ≤ 117,000 bytes (shards handed over are deleted)', tests.challengeDelete],
  ['challenge/unaffected', 'TestChallenge2Unaffected: 101 keeps serving the shards it has while 100’s never arrive', tests.challengeUnaffected],
  ['challenge/partial', 'TestChallenge2Partial: 101 serves the shards pulled from 102 while 100’s never arrive', tests.challengePartial],
];

for (const [name, description, body] of rows) {
  defineScenario({ name: `shardkv/${name}`, description, timeLimitUs: SHARDKV_TIME_LIMIT_US, run: body });
}
