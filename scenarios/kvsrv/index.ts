/**
 * kvsrv (6.5840 Lab 2): the ten tests of src/kvsrv/test_test.go as
 * scenarios. Each records its clerks' operations and checks the history
 * with the KV model (Append returning the old value, op code 3).
 *
 * Roles for --impl: `kvsrv-server` (the server node) and `kvsrv-clerk` (the
 * clerk node); see ./tester.ts.
 */
import { seconds } from '../../sim/node.ts';
import { defineRole, defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import {
  genericTest,
  memAppendTest,
  memGetManyClientsTest,
  memGetTest,
  memManyAppendsTest,
  memPutManyClientsTest,
  memPutTest,
  unreliableOneKeyTest,
} from './subtests.ts';
import { KVSRV_CLERK_ROLE, KVSRV_SERVER_ROLE, type KvsrvTester } from './tester.ts';

defineRole(KVSRV_SERVER_ROLE, 'the kvsrv server (scenarios/kvsrv/tester.ts)');
defineRole(KVSRV_CLERK_ROLE, 'the kvsrv clerk');

/** config.go's 120 s limit per test. */
export const KVSRV_TIME_LIMIT_US = seconds(120);

function kvsrvScenario(name: string, description: string, body: (t: ScenarioContext) => Co<KvsrvTester>): void {
  defineScenario({
    name: `kvsrv/${name}`,
    description,
    timeLimitUs: KVSRV_TIME_LIMIT_US,
    *run(t) {
      yield* body(t);
    },
  });
}

kvsrvScenario('basic', 'one client, reliable: Get equality, Append return values, final appends check, linearizable history', function* (t) {
  const kv = yield* genericTest(t, 1, false, false);
  t.sometimes('an Append returned an earlier append', kv.ops.some((op) => op.input.op === 3 && op.output!.value !== ''));
  return kv;
});

kvsrvScenario('concurrent', '5 clients, reliable: per-client checks as in basic, linearizable history', function* (t) {
  const kv = yield* genericTest(t, 5, false, false);
  t.sometimes('every client appended', new Set(kv.ops.filter((op) => op.input.op === 3).map((op) => op.clientId)).size === 5);
  return kv;
});

kvsrvScenario('unreliable', '5 clients, unreliable network: exactly-once appends under request and reply loss, linearizable history', function* (t) {
  const kv = yield* genericTest(t, 5, true, false);
  t.sometimes('RPCs were lost and retried', t.world.network.getTotalCount() > kv.opCount);
  return kv;
});

kvsrvScenario('unreliable-one-key', '5 clients Append 10 tokens each to one key over an unreliable network: each token once, in order', function* (t) {
  const kv = yield* unreliableOneKeyTest(t);
  t.sometimes('RPCs were lost and retried', t.world.network.getTotalCount() > kv.opCount);
  return kv;
});

kvsrvScenario('mem-get', 'unreliable: a 10 MiB value is Put, read by two clerks and replaced; the server retains < 10 MiB', memGetTest);
kvsrvScenario('mem-put', 'a 10 MiB Put is overwritten by another clerk; the server retains < 10 MiB', memPutTest);
kvsrvScenario('mem-append', 'two clerks Append 10 MiB each; the server retains ≤ 30 MiB', memAppendTest);
kvsrvScenario(
  'mem-put-many-clients',
  '100,000 clerks each Put a 1000-byte value; the server grows by ≤ 200 B per client',
  memPutManyClientsTest,
);
kvsrvScenario(
  'mem-get-many-clients',
  '100,000 clerks each Get one key; the server grows by < 10 B per client',
  memGetManyClientsTest,
);
kvsrvScenario('mem-many-appends', 'one clerk Appends a 1000-byte value 1000 times; the server retains < 3 MB', memManyAppendsTest);
