/**
 * The bodies of src/shardkv/test_test.go (spec §8), on the tester of
 * ./config.ts. Every test also records its clerks' operations and checks
 * the whole history for linearizability at the end (beyond the Go suite,
 * which checks only Unreliable3); a budget-out fails.
 */
import { ms, seconds } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { Channel, joinAll, sleep, type Co, type Task } from '../../sim/task.ts';
import { randString } from '../raft/config.ts';
import { CtrlerTester } from '../shardctrler/config.ts';
import { ShardKvTester, type SkvClerk } from './config.ts';

const N = 10;
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

/** Appenders: one clerk and one key each, appending `len` random characters then sleeping `pauseUs`, until stopped. */
function appenders(t: ScenarioContext, k: Keyed, len: number, pauseUs: number, stop: { done: boolean }): Task<void>[] {
  return k.ka.map((key, i) => {
    const ck1 = k.cfg.makeClient();
    const rng = t.world.fork(`appender-${i}`);
    return t.world.go(`appender-${i}`, (function* () {
      while (!stop.done) {
        const x = randString(rng, len);
        yield* k.cfg.append(ck1, key, x);
        k.va[i] += x;
        if (pauseUs > 0) yield* sleep(pauseUs);
        else yield* sleep(ms(1));
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
