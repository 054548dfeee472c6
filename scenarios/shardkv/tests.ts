/**
 * The bodies of src/shardkv/test_test.go (spec §8), on the tester of
 * ./config.ts. Every test also records its clerks' operations and checks
 * the whole history for linearizability at the end (beyond the Go suite,
 * which checks only Unreliable3); a budget-out fails.
 *
 * As in the kvraft catalog, the simulated reliable network answers in zero
 * virtual time, so a client looping "without sleep" would make unboundedly
 * many operations in one instant: such clients pause U[0, CLIENT_PAUSE_US_MAX]
 * between operations (a mean of 15 ms), standing in for the Go clerk's own
 * per-call cost.
 */
import { ms, seconds } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Channel, joinAll, sleep, type Co, type Task } from '../../sim/task.ts';
import { randString } from '../raft/config.ts';
import { CtrlerTester } from '../shardctrler/config.ts';
import { key2shard } from '../../protocols/shardkv/index.ts';
import { ShardKvTester, type SkvClerk } from './config.ts';

const N = 10;
/** Upper bound of a "no sleep" client's pause between two operations. */
export const CLIENT_PAUSE_US_MAX = ms(30);
const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));

interface Keyed {
  readonly cfg: ShardKvTester;
  readonly ck: SkvClerk;
  readonly ka: string[];
  readonly va: string[];
}

function* putAll(t: ScenarioContext, cfg: ShardKvTester, n: number, len: number): Co<Keyed> {
  const ck = cfg.makeClient();
  return yield* putWith(t, cfg, ck, n, len);
}

function* putWith(t: ScenarioContext, cfg: ShardKvTester, ck: SkvClerk, n: number, len: number): Co<Keyed> {
  const ka = keys(n);
  const va = ka.map(() => randString(t.rng, len));
  for (let i = 0; i < n; i++) yield* cfg.put(ck, ka[i]!, va[i]!);
  for (let i = 0; i < n; i++) yield* cfg.check(ck, ka[i]!, va[i]!);
  return { cfg, ck, ka, va };
}

function* checkAll(k: Keyed): Co<void> {
  for (let i = 0; i < k.ka.length; i++) yield* k.cfg.check(k.ck, k.ka[i]!, k.va[i]!);
}

function* checkAppendAll(t: ScenarioContext, k: Keyed, len: number): Co<void> {
  for (let i = 0; i < k.ka.length; i++) {
    yield* k.cfg.check(k.ck, k.ka[i]!, k.va[i]!);
    const x = randString(t.rng, len);
    yield* k.cfg.append(k.ck, k.ka[i]!, x);
    k.va[i] += x;
  }
}

function finish(cfg: ShardKvTester): void {
  cfg.end();
  cfg.checkHistory();
  cfg.cleanup();
}

/** One Get per fresh clerk, concurrently; counts completions until 2 s pass with none new; a wrong value fails. */
function* quietCount(t: ScenarioContext, k: Keyed, ctl: CtrlerTester | undefined, emptyMeansIgnored: boolean): Co<number> {
  const ch = new Channel<string>('gets');
  for (let i = 0; i < k.ka.length; i++) {
    const ck1 = k.cfg.makeClient(ctl);
    t.world.go(`get-${i}`, (function* () {
      const v = yield* k.cfg.get(ck1, k.ka[i]!);
      if (v === k.va[i]) ch.send('');
      else if (v === '' && emptyMeansIgnored) ch.send(`Get(${k.ka[i]}) returned empty string, a server may have ignored a shard it doesn't own`);
      else ch.send(`Get(${k.ka[i]}): expected:\n${k.va[i]}\nreceived:\n${v}`);
    })());
  }
  let ndone = 0;
  for (;;) {
    const r = yield* ch.recv(seconds(2));
    if (!r.ok) return ndone;
    if (r.value !== '') t.fail(r.value);
    ndone++;
  }
}

// ── 5A ──────────────────────────────────────────────────────────────────────

export function* staticShardsTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, -1);
  cfg.begin('Test (5A): static shards');
  yield* cfg.join(0);
  yield* cfg.join(1);
  const k = yield* putAll(t, cfg, N, 20);
  cfg.shutdownGroup(1);
  cfg.checklogs();
  const ndone = yield* quietCount(t, k, undefined, false);
  if (ndone !== 5) t.fail(`expected 5 completions with one shard dead; got ${ndone}`);
  cfg.startGroup(1);
  yield* checkAll(k);
  finish(cfg);
}

export function* rejectionTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, -1);
  cfg.begin('Test (5A): rejection');
  yield* cfg.join(0);
  yield* cfg.join(1);
  const k = yield* putAll(t, cfg, N, 20);
  const ctrler2 = new CtrlerTester(t, 3, ['ctlr2-0', 'ctlr2-1', 'ctlr2-2'], 'ctlr2-clerk');
  yield* cfg.ctljoin(0, ctrler2, ctrler2.makeClient());
  const ndone = yield* quietCount(t, k, ctrler2, true);
  if (ndone !== 5) t.fail(`expected 5 completions; got ${ndone}`);
  ctrler2.cleanup();
  finish(cfg);
}

// ── 5B ──────────────────────────────────────────────────────────────────────

export function* joinLeaveTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, -1);
  cfg.begin('Test (5B): join then leave');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 5);
  yield* cfg.join(1);
  yield* checkAppendAll(t, k, 5);
  yield* cfg.leave(0);
  yield* checkAppendAll(t, k, 5);
  yield* sleep(seconds(1));
  cfg.checklogs();
  cfg.shutdownGroup(0);
  yield* checkAll(k);
  finish(cfg);
}

export function* snapshotTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, 1000);
  cfg.begin('Test (5B): snapshots, join, and leave');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, 30, 20);
  yield* cfg.join(1);
  yield* cfg.join(2);
  yield* cfg.leave(0);
  yield* checkAppendAll(t, k, 20);
  yield* cfg.leave(1);
  yield* cfg.join(0);
  yield* checkAppendAll(t, k, 20);
  yield* sleep(seconds(1));
  yield* checkAll(k);
  yield* sleep(seconds(1));
  cfg.checklogs();
  for (let gi = 0; gi < 3; gi++) cfg.shutdownGroup(gi);
  for (let gi = 0; gi < 3; gi++) cfg.startGroup(gi);
  yield* checkAll(k);
  finish(cfg);
}

export function* missChangeTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, 1000);
  cfg.begin('Test (5B): servers miss configuration changes');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 20);
  yield* cfg.join(1);
  for (let gi = 0; gi < 3; gi++) cfg.shutdownServer(gi, 0);
  yield* cfg.join(2);
  yield* cfg.leave(1);
  yield* cfg.leave(0);
  yield* checkAppendAll(t, k, 20);
  yield* cfg.join(1);
  yield* checkAppendAll(t, k, 20);
  for (let gi = 0; gi < 3; gi++) cfg.startServerOf(gi, 0);
  yield* checkAppendAll(t, k, 20);
  yield* sleep(seconds(2));
  for (let gi = 0; gi < 3; gi++) cfg.shutdownServer(gi, 1);
  yield* cfg.join(0);
  yield* cfg.leave(2);
  yield* checkAppendAll(t, k, 20);
  for (let gi = 0; gi < 3; gi++) cfg.startServerOf(gi, 1);
  yield* checkAll(k);
  finish(cfg);
}

/** Appenders: one clerk and one key each, appending `len` random characters then sleeping `pauseUs` (undefined: no sleep, see above), until stopped. */
function appenders(t: ScenarioContext, k: Keyed, len: number, pauseUs: number | undefined, stop: { done: boolean }): Task<void>[] {
  return k.ka.map((key, i) => {
    const ck1 = k.cfg.makeClient();
    const rng = t.world.fork(`appender-${i}`);
    return t.world.go(`appender-${i}`, (function* () {
      while (!stop.done) {
        const x = randString(rng, len);
        yield* k.cfg.append(ck1, key, x);
        k.va[i] += x;
        yield* sleep(pauseUs ?? rng.below(CLIENT_PAUSE_US_MAX + 1));
      }
    })());
  });
}

export function* concurrent1Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, 100);
  cfg.begin('Test (5B): concurrent puts and configuration changes');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 5);
  const stop = { done: false };
  const tasks = appenders(t, k, 5, ms(10), stop);
  yield* sleep(ms(150));
  yield* cfg.join(1);
  yield* sleep(ms(500));
  yield* cfg.join(2);
  yield* sleep(ms(500));
  yield* cfg.leave(0);
  cfg.shutdownGroup(0);
  yield* sleep(ms(100));
  cfg.shutdownGroup(1);
  yield* sleep(ms(100));
  cfg.shutdownGroup(2);
  yield* cfg.leave(2);
  yield* sleep(ms(100));
  for (let gi = 0; gi < 3; gi++) cfg.startGroup(gi);
  yield* sleep(ms(100));
  yield* cfg.join(0);
  yield* cfg.leave(1);
  yield* sleep(ms(500));
  yield* cfg.join(1);
  yield* sleep(seconds(1));
  stop.done = true;
  yield* joinAll(tasks);
  yield* checkAll(k);
  finish(cfg);
}

export function* concurrent2Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, -1);
  cfg.begin('Test (5B): more concurrent puts and configuration changes');
  yield* cfg.join(1);
  yield* cfg.join(0);
  yield* cfg.join(2);
  const k = yield* putAll(t, cfg, N, 1);
  const stop = { done: false };
  const tasks = appenders(t, k, 1, ms(50), stop);
  yield* cfg.leave(0);
  yield* cfg.leave(2);
  yield* sleep(seconds(3));
  yield* cfg.join(0);
  yield* cfg.join(2);
  yield* cfg.leave(1);
  yield* sleep(seconds(3));
  yield* cfg.join(1);
  yield* cfg.leave(0);
  yield* cfg.leave(2);
  yield* sleep(seconds(3));
  cfg.shutdownGroup(1);
  cfg.shutdownGroup(2);
  yield* sleep(seconds(1));
  cfg.startGroup(1);
  cfg.startGroup(2);
  yield* sleep(seconds(2));
  stop.done = true;
  yield* joinAll(tasks);
  yield* checkAll(k);
  finish(cfg);
}

export function* concurrent3Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, 300);
  cfg.begin('Test (5B): concurrent configuration change and restart');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 1);
  const stop = { done: false };
  const tasks = appenders(t, k, 1, undefined, stop);
  const t0 = t.world.nowUs;
  while (t.world.nowUs - t0 < seconds(12)) {
    yield* cfg.join(2);
    yield* cfg.join(1);
    yield* sleep(ms(t.rng.below(900)));
    for (let gi = 0; gi < 3; gi++) cfg.shutdownGroup(gi);
    for (let gi = 0; gi < 3; gi++) cfg.startGroup(gi);
    yield* sleep(ms(t.rng.below(900)));
    yield* cfg.leave(1);
    yield* cfg.leave(2);
    yield* sleep(ms(t.rng.below(900)));
  }
  yield* sleep(seconds(2));
  stop.done = true;
  yield* joinAll(tasks);
  yield* checkAll(k);
  finish(cfg);
}

export function* unreliable1Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, true, 100);
  cfg.begin('Test (5B): unreliable 1');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 5);
  yield* cfg.join(1);
  yield* cfg.join(2);
  yield* cfg.leave(0);
  for (let ii = 0; ii < N * 2; ii++) {
    const i = ii % N;
    yield* cfg.check(k.ck, k.ka[i]!, k.va[i]!);
    const x = randString(t.rng, 5);
    yield* cfg.append(k.ck, k.ka[i]!, x);
    k.va[i] += x;
  }
  yield* cfg.join(0);
  yield* cfg.leave(1);
  for (let ii = 0; ii < N * 2; ii++) yield* cfg.check(k.ck, k.ka[ii % N]!, k.va[ii % N]!);
  finish(cfg);
}

/** Unreliable2's and Unreliable3's timeline of configuration changes while the clients run. */
function* unreliableTimeline(cfg: ShardKvTester): Co<void> {
  yield* sleep(ms(150));
  yield* cfg.join(1);
  yield* sleep(ms(500));
  yield* cfg.join(2);
  yield* sleep(ms(500));
  yield* cfg.leave(0);
  yield* sleep(ms(500));
  yield* cfg.leave(1);
  yield* sleep(ms(500));
  yield* cfg.join(1);
  yield* cfg.join(0);
  yield* sleep(seconds(2));
}

export function* unreliable2Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, true, 100);
  cfg.begin('Test (5B): unreliable 2');
  yield* cfg.join(0);
  const k = yield* putAll(t, cfg, N, 5);
  const stop = { done: false };
  const tasks = appenders(t, k, 5, undefined, stop);
  yield* unreliableTimeline(cfg);
  stop.done = true;
  t.world.network.setReliable(true);
  yield* joinAll(tasks);
  yield* checkAll(k);
  finish(cfg);
}

export function* unreliable3Test(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, true, 100);
  cfg.begin('Test (5B): unreliable 3');
  yield* cfg.join(0);
  const ka = keys(N);
  const ck = cfg.makeClient();
  for (const key of ka) yield* cfg.put(ck, key, randString(t.rng, 5));
  const stop = { done: false };
  const tasks = ka.map((_, c) => {
    const ck1 = cfg.makeClient();
    const rng = t.world.fork(`client-${c}`);
    return t.world.go(`client-${c}`, (function* () {
      while (!stop.done) {
        const key = ka[rng.below(N)]!;
        const nv = randString(rng, 5);
        if (rng.below(1000) < 500) yield* cfg.append(ck1, key, nv);
        else if (rng.below(1000) < 100) yield* cfg.put(ck1, key, nv);
        else yield* cfg.get(ck1, key);
        yield* sleep(rng.below(CLIENT_PAUSE_US_MAX + 1));
      }
    })());
  });
  yield* unreliableTimeline(cfg);
  stop.done = true;
  t.world.network.setReliable(true);
  yield* joinAll(tasks);
  finish(cfg);
}

// ── challenges ──────────────────────────────────────────────────────────────

export function* challenge1DeleteTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, false, 1);
  cfg.begin('Test: shard deletion (challenge 1)');
  yield* cfg.join(0);
  const n = 30;
  const ck = cfg.makeClient();
  const ka = keys(n);
  const va = ka.map(() => randString(t.rng, 1000));
  for (let i = 0; i < n; i++) yield* cfg.put(ck, ka[i]!, va[i]!);
  const check3 = function* (): Co<void> {
    for (let i = 0; i < 3; i++) yield* cfg.check(ck, ka[i]!, va[i]!);
  };
  yield* check3();
  for (let iters = 0; iters < 2; iters++) {
    yield* cfg.join(1);
    yield* cfg.leave(0);
    yield* cfg.join(2);
    yield* sleep(seconds(3));
    yield* check3();
    yield* cfg.leave(1);
    yield* cfg.join(0);
    yield* cfg.leave(2);
    yield* sleep(seconds(3));
    yield* check3();
  }
  yield* cfg.join(1);
  yield* cfg.join(2);
  for (let k = 0; k < 3; k++) {
    yield* sleep(seconds(1));
    yield* check3();
  }
  const total = cfg.totalStorage();
  const expected = 3 * ((n - 3) * 1000 + 2 * 3 * 1000 + 6000);
  if (total > expected) t.fail(`snapshot + persisted Raft state are too big: ${total} > ${expected}`);
  for (let i = 0; i < n; i++) yield* cfg.check(ck, ka[i]!, va[i]!);
  finish(cfg);
}

export function* challenge2UnaffectedTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, true, 100);
  cfg.begin('Test: unaffected shard access (challenge 2)');
  const ck = cfg.makeClient();
  yield* cfg.join(0);
  const ka = keys(N);
  const va = ka.map(() => '100');
  for (let i = 0; i < N; i++) yield* cfg.put(ck, ka[i]!, va[i]!);
  yield* cfg.join(1);
  const c = yield* cfg.query(-1);
  const owned = c.shards.map((gid) => gid === 101);
  yield* sleep(seconds(1));
  // Go's quirk (spec §9.12): indexed by the shard number, not by the key's shard.
  for (let i = 0; i < N; i++) {
    if (!owned[i]) continue;
    va[i] = '101';
    yield* cfg.put(ck, ka[i]!, va[i]!);
  }
  cfg.shutdownGroup(0);
  yield* cfg.leave(0);
  yield* sleep(seconds(1));
  for (let i = 0; i < N; i++) {
    if (!owned[key2shard(ka[i]!)]) continue;
    yield* cfg.check(ck, ka[i]!, va[i]!);
    yield* cfg.put(ck, ka[i]!, `${va[i]}-1`);
    yield* cfg.check(ck, ka[i]!, `${va[i]}-1`);
  }
  finish(cfg);
}

export function* challenge2PartialTest(t: ScenarioContext): Co<void> {
  const cfg = new ShardKvTester(t, 3, true, 100);
  cfg.begin('Test: partial migration shard access (challenge 2)');
  const ck = cfg.makeClient();
  yield* cfg.joinm([0, 1, 2]);
  yield* sleep(seconds(1));
  const ka = keys(N);
  const va = ka.map(() => '100');
  for (let i = 0; i < N; i++) yield* cfg.put(ck, ka[i]!, va[i]!);
  const c = yield* cfg.query(-1);
  const owned = c.shards.map((gid) => gid === 102);
  cfg.shutdownGroup(0);
  yield* cfg.leavem([0, 2]);
  yield* sleep(seconds(1));
  for (let i = 0; i < N; i++) {
    if (!owned[key2shard(ka[i]!)]) continue;
    yield* cfg.check(ck, ka[i]!, va[i]!);
    yield* cfg.put(ck, ka[i]!, `${va[i]}-2`);
    yield* cfg.check(ck, ka[i]!, `${va[i]}-2`);
  }
  finish(cfg);
}
