/**
 * The bodies of src/kvraft/test_test.go (spec §6): GenericTest and
 * GenericTestSpeed exactly, and the four tests of their own.
 *
 * One deliberate addition, as for kvsrv: the simulated reliable network
 * answers in zero virtual time, and so does a Raft round in it, so a client
 * looping "until told to stop" would make unboundedly many operations in
 * one instant. GenericTest's clients therefore pause U[0, CLIENT_PAUSE_US_MAX]
 * between operations, standing in for the Go clerk's own per-call cost. The
 * mean, 15 ms, is a choice, not a measurement of Go: it decides how many
 * operations a history holds (about 1,000 per client in 15 s).
 */
import { US_PER_MS, seconds } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { sleep, type Co, type Task } from '../../sim/task.ts';
import type { Prng } from '../../sim/prng.ts';
import { ELECTION_TIMEOUT_US, LOG_SIZE_FACTOR, makeConfig, partitionerPause, type Clerk, type KvraftTester } from './config.ts';

/** GenericTest's 3 iterations of 5 s each. */
export const NITER = 3;
export const ITERATION_US = seconds(5);
/** Upper bound of a GenericTest client's pause between two operations. */
export const CLIENT_PAUSE_US_MAX = 30 * US_PER_MS;
/** GenericTestSpeed: 1000 appends, at most 100 ms / 3 each on average (3 ops per heartbeat). */
export const SPEED_OPS = 1000;
export const SPEED_US_PER_OP_MAX = 100_000 / 3;
/** SnapshotSize: the snapshot must stay under this many bytes. */
export const SNAPSHOT_SIZE_MAX = 500;

export const token = (client: number, j: number): string => `x ${client} ${j} y`;

/** checkClntAppends: the client's tokens 0…count-1 each appear once, in order. */
export function checkClntAppends(t: ScenarioContext, client: number, v: string, count: number): void {
  let lastOff = -1;
  for (let j = 0; j < count; j++) {
    const wanted = token(client, j);
    const off = v.indexOf(wanted);
    if (off < 0) t.fail(`${client} missing element ${wanted} in Append result (${v.length} characters)`);
    if (v.lastIndexOf(wanted) !== off) t.fail(`duplicate element ${wanted} in Append result`);
    if (off <= lastOff) t.fail(`wrong order for element ${wanted} in Append result`);
    lastOff = off;
  }
}

export interface GenericParams {
  readonly clients: number;
  readonly servers: number;
  readonly unreliable: boolean;
  readonly crash: boolean;
  readonly partitions: boolean;
  readonly maxraftstate: number;
  readonly randomkeys: boolean;
}

interface ClientRun {
  readonly cfg: KvraftTester;
  readonly client: number;
  readonly p: GenericParams;
  readonly rng: Prng;
  readonly stop: { done: boolean };
}

function* genericClient(t: ScenarioContext, ck: Clerk, r: ClientRun): Co<number> {
  const { cfg, client: cli, rng } = r;
  let j = 0;
  let last = '';
  if (!r.p.randomkeys) yield* cfg.put(ck, String(cli), last, cli);
  while (!r.stop.done) {
    const key = r.p.randomkeys ? String(rng.below(r.p.clients)) : String(cli);
    const nv = token(cli, j);
    if (rng.below(1000) < 500) {
      yield* cfg.append(ck, key, nv, cli);
      if (!r.p.randomkeys) last += nv;
      j++;
    } else if (r.p.randomkeys && rng.below(1000) < 100) {
      yield* cfg.put(ck, key, nv, cli);
      j++;
    } else {
      const v = yield* cfg.get(ck, key, cli);
      if (!r.p.randomkeys && v !== last) t.fail(`get wrong value, key ${key}, wanted:\n${last}\n, got\n${v}`);
    }
    yield* sleep(rng.below(CLIENT_PAUSE_US_MAX + 1));
  }
  return j;
}

/** The partitioner task: random two-sided partitions, one every ET + U[0,199] ms, until stopped. */
function* partitioner(t: ScenarioContext, cfg: KvraftTester, stop: { done: boolean }): Co<void> {
  while (!stop.done) {
    const sides: [number[], number[]] = [[], []];
    for (let i = 0; i < cfg.n; i++) sides[t.rng.below(2)]!.push(i);
    cfg.partition(sides[0], sides[1]);
    yield* partitionerPause(t);
  }
}

/** GenericTest: returns the tester after the history check passed. */
export function* genericTest(t: ScenarioContext, title: string, p: GenericParams): Co<KvraftTester> {
  const cfg = makeConfig(t, p.servers, p.unreliable, p.maxraftstate);
  cfg.begin(title);
  const ck = cfg.makeClient();
  for (let iter = 0; iter < NITER; iter++) {
    t.log(`iteration ${iter}`);
    const stop = { done: false };
    const tasks: Task<number>[] = [];
    for (let c = 0; c < p.clients; c++) {
      const myck = cfg.makeClient();
      const rng = t.world.fork(`client-${iter}-${c}`);
      const run: ClientRun = { cfg, client: c, p, rng, stop };
      tasks.push(
        t.world.go(`client-${c}`, (function* () {
          const j = yield* genericClient(t, myck, run);
          cfg.deleteClient(myck);
          return j;
        })()),
      );
    }
    const stopPartitioner = { done: false };
    let part: Task<void> | undefined;
    if (p.partitions) {
      yield* sleep(seconds(1));
      part = t.world.go('partitioner', partitioner(t, cfg, stopPartitioner));
    }
    yield* sleep(ITERATION_US);
    stop.done = true;
    stopPartitioner.done = true;
    if (part) {
      yield* part.join();
      cfg.connectAll();
      yield* sleep(ELECTION_TIMEOUT_US);
    }
    if (p.crash) {
      for (let i = 0; i < p.servers; i++) cfg.shutdownServer(i);
      yield* sleep(ELECTION_TIMEOUT_US);
      for (let i = 0; i < p.servers; i++) cfg.startServer(i);
      cfg.connectAll();
    }
    for (let c = 0; c < p.clients; c++) {
      const j = yield* tasks[c]!.join();
      const v = yield* cfg.get(ck, String(c), 0);
      if (!p.randomkeys) checkClntAppends(t, c, v, j);
    }
    checkSizes(t, cfg);
  }
  cfg.checkHistory();
  cfg.end();
  cfg.cleanup();
  return cfg;
}

/** GenericTest's step g: logs trimmed when snapshots are on, no snapshot at all when they are off. */
function checkSizes(t: ScenarioContext, cfg: KvraftTester): void {
  if (cfg.maxraftstate > 0 && cfg.logSize() > LOG_SIZE_FACTOR * cfg.maxraftstate) {
    t.fail(`logs were not trimmed (${cfg.logSize()} > ${LOG_SIZE_FACTOR}*${cfg.maxraftstate})`);
  }
  if (cfg.maxraftstate < 0 && cfg.snapshotSize() > 0) t.fail(`snapshot too large (${cfg.snapshotSize()}), should not be used when maxraftstate = ${cfg.maxraftstate}`);
}

/** GenericTestSpeed: 1000 sequential appends within the Go bound, in virtual time; returns µs per op. */
export function* genericTestSpeed(t: ScenarioContext, title: string, maxraftstate: number): Co<number> {
  const cfg = makeConfig(t, 3, false, maxraftstate);
  const ck = cfg.makeClient();
  cfg.begin(title);
  yield* cfg.get(ck, 'x'); // waits for a leader
  const start = t.world.nowUs;
  for (let i = 0; i < SPEED_OPS; i++) yield* cfg.append(ck, 'x', token(0, i));
  const durUs = t.world.nowUs - start;
  const v = yield* cfg.get(ck, 'x');
  checkClntAppends(t, 0, v, SPEED_OPS);
  const perOpUs = durUs / SPEED_OPS;
  t.log(`${SPEED_OPS} appends in ${(durUs / 1e6).toFixed(3)} s of virtual time: ${(perOpUs / 1000).toFixed(3)} ms/op, ${perOpUs === 0 ? '∞' : (100_000 / perOpUs).toFixed(1)} ops per heartbeat`);
  if (perOpUs > SPEED_US_PER_OP_MAX) t.fail(`Operations completed too slowly ${(perOpUs / 1000).toFixed(1)} ms/op > ${(SPEED_US_PER_OP_MAX / 1000).toFixed(1)} ms/op`);
  cfg.end();
  cfg.cleanup();
  return perOpUs;
}

/** TestUnreliableOneKey4A: 5 clerks × 10 appends to one key over an unreliable network; each token once, in order. */
export function* unreliableOneKeyTest(t: ScenarioContext): Co<KvraftTester> {
  const cfg = makeConfig(t, 3, true, -1);
  const ck = cfg.makeClient();
  cfg.begin('Test: concurrent append to same key, unreliable (4A)');
  yield* cfg.put(ck, 'k', '');
  const nclient = 5;
  const upto = 10;
  const tasks = [];
  for (let me = 0; me < nclient; me++) {
    const myck = cfg.makeClient();
    tasks.push(
      t.world.go(`client-${me}`, (function* () {
        for (let n = 0; n < upto; n++) yield* cfg.append(myck, 'k', token(me, n));
      })()),
    );
  }
  for (const task of tasks) yield* task.join();
  const v = yield* cfg.get(ck, 'k');
  for (let me = 0; me < nclient; me++) checkClntAppends(t, me, v, upto);
  cfg.end();
  cfg.cleanup();
  return cfg;
}

/** TestOnePartition4A: progress in the majority, none in the minority, completion after healing. */
export function* onePartitionTest(t: ScenarioContext): Co<KvraftTester> {
  const cfg = makeConfig(t, 5, false, -1);
  const ck = cfg.makeClient();
  yield* cfg.put(ck, '1', '13');
  cfg.begin('Test: progress in majority (4A)');
  const [p1, p2] = cfg.makePartition();
  cfg.partition(p1, p2);
  const ckp1 = cfg.makeClient(p1);
  const ckp2a = cfg.makeClient(p2);
  const ckp2b = cfg.makeClient(p2);
  yield* cfg.put(ckp1, '1', '14');
  yield* cfg.check(ckp1, '1', '14');
  cfg.end();

  const done0 = { done: false };
  const done1 = { done: false };
  cfg.begin('Test: no progress in minority (4A)');
  t.world.go('minority-put', (function* () {
    yield* cfg.put(ckp2a, '1', '15');
    done0.done = true;
  })());
  t.world.go('minority-get', (function* () {
    yield* cfg.get(ckp2b, '1');
    done1.done = true;
  })());
  yield* sleep(seconds(1));
  if (done0.done) t.fail('Put in minority completed');
  if (done1.done) t.fail('Get in minority completed');
  yield* cfg.check(ckp1, '1', '14');
  yield* cfg.put(ckp1, '1', '16');
  yield* cfg.check(ckp1, '1', '16');
  cfg.end();

  cfg.begin('Test: completion after heal (4A)');
  cfg.connectAll();
  cfg.connectClient(ckp2a, cfg.all());
  cfg.connectClient(ckp2b, cfg.all());
  yield* sleep(ELECTION_TIMEOUT_US);
  for (let waited = 0; !done0.done; waited += 10_000) {
    if (waited >= seconds(3)) t.fail('Put did not complete');
    yield* sleep(10_000);
  }
  // Go's check of the pending Get is a select with a default branch: it never fails (spec §9.9).
  yield* cfg.check(ck, '1', '15');
  cfg.end();
  cfg.cleanup();
  return cfg;
}

/** TestSnapshotRPC4B: a lagging server catches up through InstallSnapshot. */
export function* snapshotRpcTest(t: ScenarioContext): Co<KvraftTester> {
  const maxraftstate = 1000;
  const cfg = makeConfig(t, 3, false, maxraftstate);
  const ck = cfg.makeClient();
  cfg.begin('Test: InstallSnapshot RPC (4B)');
  yield* cfg.put(ck, 'a', 'A');
  yield* cfg.check(ck, 'a', 'A');

  cfg.partition([0, 1], [2]);
  {
    const ck1 = cfg.makeClient([0, 1]);
    for (let i = 0; i < 50; i++) yield* cfg.put(ck1, String(i), String(i));
    yield* sleep(ELECTION_TIMEOUT_US);
    yield* cfg.put(ck1, 'b', 'B');
  }
  const sz = cfg.logSize();
  if (sz > LOG_SIZE_FACTOR * maxraftstate) t.fail(`logs were not trimmed (${sz} > ${LOG_SIZE_FACTOR}*${maxraftstate})`);

  cfg.partition([0, 2], [1]);
  {
    const ck1 = cfg.makeClient([0, 2]);
    yield* cfg.put(ck1, 'c', 'C');
    yield* cfg.put(ck1, 'd', 'D');
    yield* cfg.check(ck1, 'a', 'A');
    yield* cfg.check(ck1, 'b', 'B');
    yield* cfg.check(ck1, '1', '1');
    yield* cfg.check(ck1, '49', '49');
  }

  cfg.partition([0, 1, 2], []);
  yield* cfg.put(ck, 'e', 'E');
  yield* cfg.check(ck, 'c', 'C');
  yield* cfg.check(ck, 'e', 'E');
  yield* cfg.check(ck, '1', '1');
  cfg.end();
  cfg.cleanup();
  return cfg;
}

/** TestSnapshotSize4B: 800 small ops; Raft state ≤ 8000 bytes, snapshot ≤ 500 bytes. */
export function* snapshotSizeTest(t: ScenarioContext): Co<KvraftTester> {
  const maxraftstate = 1000;
  const cfg = makeConfig(t, 3, false, maxraftstate);
  const ck = cfg.makeClient();
  cfg.begin('Test: snapshot size is reasonable (4B)');
  for (let i = 0; i < 200; i++) {
    yield* cfg.put(ck, 'x', '0');
    yield* cfg.check(ck, 'x', '0');
    yield* cfg.put(ck, 'x', '1');
    yield* cfg.check(ck, 'x', '1');
  }
  const sz = cfg.logSize();
  if (sz > LOG_SIZE_FACTOR * maxraftstate) t.fail(`logs were not trimmed (${sz} > ${LOG_SIZE_FACTOR}*${maxraftstate})`);
  const ssz = cfg.snapshotSize();
  if (ssz > SNAPSHOT_SIZE_MAX) t.fail(`snapshot too large (${ssz} > ${SNAPSHOT_SIZE_MAX})`);
  t.log(`log size ${sz} bytes, snapshot size ${ssz} bytes`);
  cfg.end();
  cfg.cleanup();
  return cfg;
}
