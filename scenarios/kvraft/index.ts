/**
 * kvraft (6.5840 lab 4): the 23 tests of src/kvraft/test_test.go as
 * scenarios, named after them. GenericTest rows record every operation and
 * check the whole history with the KV model (Append returning nothing, op 2).
 *
 * Roles for --impl: `raft`, `kvraft-server`, `kvraft-clerk` (see ./config.ts).
 */
import { seconds } from '../../sim/node.ts';
import { defineRole, defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import { KVRAFT_CLERK_ROLE, KVRAFT_SERVER_ROLE, type KvraftTester } from './config.ts';
import { genericTest, genericTestSpeed, onePartitionTest, snapshotRpcTest, snapshotSizeTest, unreliableOneKeyTest, type GenericParams } from './tests.ts';

defineRole(KVRAFT_SERVER_ROLE, 'the kvraft service over Raft: a service node of protocols/rsm (scenarios/kvraft/config.ts stacks it on role raft)');
defineRole(KVRAFT_CLERK_ROLE, 'the kvraft clerk (ends to every server, in a random order)');

/** Past config.go's 120 s limit the tester fails by itself; the kernel stops a little later. */
export const KVRAFT_TIME_LIMIT_US = seconds(150);

function kvraftScenario(name: string, description: string, body: (t: ScenarioContext) => Co<unknown>): void {
  defineScenario({
    name: `kvraft/${name}`,
    description,
    timeLimitUs: KVRAFT_TIME_LIMIT_US,
    *run(t) {
      yield* body(t);
    },
  });
}

const generic = (clients: number, servers: number, o: Partial<GenericParams> = {}): GenericParams => ({
  clients,
  servers,
  unreliable: false,
  crash: false,
  partitions: false,
  maxraftstate: -1,
  randomkeys: false,
  ...o,
});

interface Row {
  readonly name: string;
  readonly title: string;
  readonly p: GenericParams;
  readonly description: string;
  /** What the run must have exercised for the test to mean anything. */
  readonly exercised?: (t: ScenarioContext, cfg: KvraftTester) => void;
}

const rows: Row[] = [
  { name: '4A/basic', title: 'Test: one client (4A)', p: generic(1, 5), description: '1 client, 5 servers: Get equality, appends complete and ordered, no snapshot, linearizable' },
  { name: '4A/concurrent', title: 'Test: many clients (4A)', p: generic(5, 5), description: '5 clients, 5 servers' },
  { name: '4A/unreliable', title: 'Test: unreliable net, many clients (4A)', p: generic(5, 5, { unreliable: true }), description: '5 clients, unreliable network', exercised: lostRpcs },
  { name: '4A/persist-one-client', title: 'Test: restarts, one client (4A)', p: generic(1, 5, { crash: true }), description: '1 client; all servers restart after each iteration' },
  { name: '4A/persist-concurrent', title: 'Test: restarts, many clients (4A)', p: generic(5, 5, { crash: true }), description: '5 clients; restarts' },
  { name: '4A/persist-concurrent-unreliable', title: 'Test: unreliable net, restarts, many clients (4A)', p: generic(5, 5, { unreliable: true, crash: true }), description: '5 clients; unreliable; restarts', exercised: lostRpcs },
  { name: '4A/many-partitions-one-client', title: 'Test: partitions, one client (4A)', p: generic(1, 5, { partitions: true }), description: '1 client; random partitions' },
  { name: '4A/many-partitions-many-clients', title: 'Test: partitions, many clients (4A)', p: generic(5, 5, { partitions: true }), description: '5 clients; random partitions' },
  { name: '4A/persist-partition', title: 'Test: restarts, partitions, many clients (4A)', p: generic(5, 5, { crash: true, partitions: true }), description: '5 clients; partitions; restarts' },
  { name: '4A/persist-partition-unreliable', title: 'Test: unreliable net, restarts, partitions, many clients (4A)', p: generic(5, 5, { unreliable: true, crash: true, partitions: true }), description: '5 clients; unreliable; partitions; restarts', exercised: lostRpcs },
  {
    name: '4A/persist-partition-unreliable-linearizable',
    title: 'Test: unreliable net, restarts, partitions, random keys, many clients (4A)',
    p: generic(15, 7, { unreliable: true, crash: true, partitions: true, randomkeys: true }),
    description: '15 clients, 7 servers, random keys; unreliable; partitions; restarts: linearizability only',
    exercised: lostRpcs,
  },
  { name: '4B/snapshot-recover', title: 'Test: restarts, snapshots, one client (4B)', p: generic(1, 5, { crash: true, maxraftstate: 1000 }), description: '1 client; restarts; Raft state ≤ 8 × 1000 bytes', exercised: snapshotted },
  { name: '4B/snapshot-recover-many-clients', title: 'Test: restarts, snapshots, many clients (4B)', p: generic(20, 5, { crash: true, maxraftstate: 1000 }), description: '20 clients; restarts; snapshots', exercised: snapshotted },
  { name: '4B/snapshot-unreliable', title: 'Test: unreliable net, snapshots, many clients (4B)', p: generic(5, 5, { unreliable: true, maxraftstate: 1000 }), description: '5 clients; unreliable; snapshots', exercised: snapshotted },
  { name: '4B/snapshot-unreliable-recover', title: 'Test: unreliable net, restarts, snapshots, many clients (4B)', p: generic(5, 5, { unreliable: true, crash: true, maxraftstate: 1000 }), description: '5 clients; unreliable; restarts; snapshots', exercised: snapshotted },
  {
    name: '4B/snapshot-unreliable-recover-concurrent-partition',
    title: 'Test: unreliable net, restarts, partitions, snapshots, many clients (4B)',
    p: generic(5, 5, { unreliable: true, crash: true, partitions: true, maxraftstate: 1000 }),
    description: '5 clients; unreliable; partitions; restarts; snapshots',
    exercised: snapshotted,
  },
  {
    name: '4B/snapshot-unreliable-recover-concurrent-partition-linearizable',
    title: 'Test: unreliable net, restarts, partitions, snapshots, random keys, many clients (4B)',
    p: generic(15, 7, { unreliable: true, crash: true, partitions: true, maxraftstate: 1000, randomkeys: true }),
    description: '15 clients, 7 servers, random keys; unreliable; partitions; restarts; snapshots: linearizability only',
    exercised: snapshotted,
  },
];

function lostRpcs(t: ScenarioContext, cfg: KvraftTester): void {
  t.sometimes('RPCs were lost and retried', cfg.rpcTotal() > cfg.opCount);
}

function snapshotted(t: ScenarioContext, cfg: KvraftTester): void {
  t.sometimes('a server persisted a snapshot', cfg.snapshotSize() > 0);
}

for (const row of rows) {
  kvraftScenario(row.name, row.description, function* (t) {
    const cfg = yield* genericTest(t, row.title, row.p);
    row.exercised?.(t, cfg);
  });
}

kvraftScenario('4A/speed', 'GenericTestSpeed: 1000 sequential appends, ≤ 33.3 ms each on average in virtual time', (t) => genericTestSpeed(t, 'Test: ops complete fast enough (4A)', -1));
kvraftScenario('4B/speed', 'GenericTestSpeed with maxraftstate 1000', (t) => genericTestSpeed(t, 'Test: ops complete fast enough (4B)', 1000));
kvraftScenario('4A/unreliable-one-key', '5 clerks × 10 appends to one key, unreliable: each token once, in order', unreliableOneKeyTest);
kvraftScenario('4A/one-partition', 'progress in the majority, none in the leader’s minority, completion after healing', onePartitionTest);
kvraftScenario('4B/snapshot-rpc', 'a server cut off while 50 Puts commit catches up through InstallSnapshot; Raft state ≤ 8000 bytes', snapshotRpcTest);
kvraftScenario('4B/snapshot-size', '800 small ops: Raft state ≤ 8000 bytes, snapshot ≤ 500 bytes', snapshotSizeTest);
