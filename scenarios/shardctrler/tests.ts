/**
 * The bodies of src/shardctrler/test_test.go (spec §7). TestBasic and
 * TestMulti are each one Go function in sections that share a config and a
 * clerk; a section is run by running the test through it (its earlier
 * sections first, each asserting as in Go), so `shardctrler/basic/move`
 * is TestBasic up to and including Move.
 */
import { seconds } from '../../sim/node.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { joinAll, sleep, type Co } from '../../sim/task.ts';
import { NShards, type Config } from '../../protocols/shardctrler/index.ts';
import { makeConfig, type CtrlerClerk, type CtrlerTester } from './config.ts';

export const NSERVERS = 3;
/** Concurrent clerks of the ConcurrentLeaveJoin sections. */
export const NPARA = 10;

/** What the sections of one test share. */
export interface Run {
  readonly t: ScenarioContext;
  readonly cfg: CtrlerTester;
  readonly ck: CtrlerClerk;
  readonly cfa: Config[];
  c1?: Config;
  c2?: Config;
}

export interface Section {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  body(r: Run): Co<void>;
}

/** Runs `sections` in order, through the one at `upTo`, on a fresh 3-server config. */
export function* runThrough(t: ScenarioContext, sections: readonly Section[], upTo: number): Co<void> {
  const cfg = makeConfig(t, NSERVERS);
  const r: Run = { t, cfg, ck: cfg.makeClient(), cfa: [] };
  for (const s of sections.slice(0, upTo + 1)) {
    cfg.begin(`Test: ${s.title}`);
    yield* s.body(r);
    cfg.end();
  }
  cfg.cleanup();
}

const ZERO_CONFIG: Config = Object.freeze({ num: 0, shards: new Array<number>(NShards).fill(0), groups: {} });

/** Runs every clerk body at once and waits for all of them. */
function* concurrently(r: Run, n: number, body: (ck: CtrlerClerk, i: number) => Co<void>): Co<void> {
  const clerks = Array.from({ length: n }, () => r.cfg.makeClient());
  yield* joinAll(clerks.map((ck, i) => r.t.world.go(`clerk-body-${i}`, body(ck, i))));
}

/** For gids 1..NPARA: every shard such a gid owns in `owned` it also owns in `other` (vacuous in these sections, as in Go: no such gid exists then). */
function checkKept(r: Run, owned: Config, other: Config, what: string): void {
  for (let g = 1; g <= NPARA; g++) {
    for (let j = 0; j < NShards; j++) if (owned.shards[j] === g && other.shards[j] !== g) r.t.fail(`non-minimal transfer after ${what}`);
  }
}

// ── TestBasic ────────────────────────────────────────────────────────────────

export const basicSections: readonly Section[] = [
  {
    name: 'leave-join',
    title: 'Basic leave/join',
    description: 'Join 1, Join 2, Leave 1, Leave 2: check() after each (exact groups, every shard on a group, max − min ≤ 1) and the server lists',
    *body(r) {
      const { cfg, ck, cfa } = r;
      for (let i = 0; i < 6; i++) cfa.push(ZERO_CONFIG);
      cfa[0] = yield* cfg.query(ck, -1);
      yield* cfg.check(ck, []);
      yield* cfg.join(ck, { 1: ['x', 'y', 'z'] });
      yield* cfg.check(ck, [1]);
      cfa[1] = yield* cfg.query(ck, -1);
      yield* cfg.join(ck, { 2: ['a', 'b', 'c'] });
      yield* cfg.check(ck, [1, 2]);
      cfa[2] = yield* cfg.query(ck, -1);
      const cfx = yield* cfg.query(ck, -1);
      cfg.checkServers(cfx, 1, ['x', 'y', 'z']);
      cfg.checkServers(cfx, 2, ['a', 'b', 'c']);
      yield* cfg.leave(ck, [1]);
      yield* cfg.check(ck, [2]);
      cfa[4] = yield* cfg.query(ck, -1);
      yield* cfg.leave(ck, [2]);
      cfa[5] = yield* cfg.query(ck, -1);
    },
  },
  {
    name: 'historical-queries',
    title: 'Historical queries',
    description: 'with each server shut down in turn, Query(n) of every recorded config returns it unchanged (Query(0): no groups)',
    *body(r) {
      const { cfg, ck, cfa } = r;
      for (let s = 0; s < NSERVERS; s++) {
        cfg.shutdownServer(s);
        for (const c of cfa) cfg.checkSameConfig(yield* cfg.query(ck, c.num), c);
        cfg.startServer(s);
        cfg.connectAll();
      }
    },
  },
  {
    name: 'move',
    title: 'Move',
    description: 'Join 503 and 504, Move shards 0–4 to 503 and 5–9 to 504: each real move makes a new config, then the exact placement',
    *body(r) {
      const { cfg, ck } = r;
      yield* cfg.join(ck, { 503: ['3a', '3b', '3c'] });
      yield* cfg.join(ck, { 504: ['4a', '4b', '4c'] });
      const target = (i: number): number => (i < NShards / 2 ? 503 : 504);
      for (let i = 0; i < NShards; i++) {
        const cf = yield* cfg.query(ck, -1);
        yield* cfg.move(ck, i, target(i));
        if (cf.shards[i] !== target(i) && (yield* cfg.query(ck, -1)).num <= cf.num) r.t.fail('Move should increase Config.Num');
      }
      const cf2 = yield* cfg.query(ck, -1);
      for (let i = 0; i < NShards; i++) if (cf2.shards[i] !== target(i)) r.t.fail(`expected shard ${i} on gid ${target(i)} actually ${cf2.shards[i]}`);
      yield* cfg.leave(ck, [503]);
      yield* cfg.leave(ck, [504]);
    },
  },
  {
    name: 'concurrent-leave-join',
    title: 'Concurrent leave/join',
    description: '10 clerks at once, each Join gid+1000, Join gid, Leave gid+1000: 10 groups left, one shard each',
    *body(r) {
      const gids = Array.from({ length: NPARA }, (_, i) => 100 + 10 * i);
      yield* concurrently(r, NPARA, function* (ck, i) {
        const gid = gids[i]!;
        yield* r.cfg.join(ck, { [gid + 1000]: [`s${gid}a`] });
        yield* r.cfg.join(ck, { [gid]: [`s${gid}b`] });
        yield* r.cfg.leave(ck, [gid + 1000]);
      });
      yield* r.cfg.check(r.ck, gids);
    },
  },
  {
    name: 'minimal-transfer',
    title: 'Minimal transfers after joins',
    description: 'Join 11..15 one at a time: shards of gids 1..10 stay put (vacuous, as in Go)',
    *body(r) {
      const { cfg, ck } = r;
      r.c1 = yield* cfg.query(ck, -1);
      for (let i = 0; i < 5; i++) {
        const gid = NPARA + 1 + i;
        yield* cfg.join(ck, { [gid]: [`${gid}a`, `${gid}b`, `${gid}b`] });
      }
      r.c2 = yield* cfg.query(ck, -1);
      checkKept(r, r.c2, r.c1, 'Join()s');
    },
  },
  {
    name: 'minimal-transfer-after-leave',
    title: 'Minimal transfers after leaves',
    description: 'Leave 11..15 one at a time: shards of gids 1..10 stay put (vacuous, as in Go)',
    *body(r) {
      const { cfg, ck } = r;
      for (let i = 0; i < 5; i++) yield* cfg.leave(ck, [NPARA + 1 + i]);
      const c3 = yield* cfg.query(ck, -1);
      checkKept(r, r.c2!, c3, 'Leave()s');
    },
  },
];

// ── TestMulti ────────────────────────────────────────────────────────────────

export const multiSections: readonly Section[] = [
  {
    name: 'leave-join',
    title: 'Multi-group join/leave',
    description: 'one Join of 1 and 2, Join 3, one Leave of 1 and 3, Leave 2: check() after each and the server lists',
    *body(r) {
      const { cfg, ck } = r;
      yield* cfg.check(ck, []);
      yield* cfg.join(ck, { 1: ['x', 'y', 'z'], 2: ['a', 'b', 'c'] });
      yield* cfg.check(ck, [1, 2]);
      yield* cfg.join(ck, { 3: ['j', 'k', 'l'] });
      yield* cfg.check(ck, [1, 2, 3]);
      const cfx = yield* cfg.query(ck, -1);
      cfg.checkServers(cfx, 1, ['x', 'y', 'z']);
      cfg.checkServers(cfx, 2, ['a', 'b', 'c']);
      cfg.checkServers(cfx, 3, ['j', 'k', 'l']);
      yield* cfg.leave(ck, [1, 3]);
      yield* cfg.check(ck, [2]);
      cfg.checkServers(yield* cfg.query(ck, -1), 2, ['a', 'b', 'c']);
      yield* cfg.leave(ck, [2]);
    },
  },
  {
    name: 'concurrent-leave-join',
    title: 'Concurrent multi leave/join',
    description: '10 clerks at once, each one Join of gid, gid+1000, gid+2000 and one Leave of the last two: groups 1000..1009 left',
    *body(r) {
      const gids = Array.from({ length: NPARA }, (_, i) => 1000 + i);
      yield* concurrently(r, NPARA, function* (ck, i) {
        const gid = gids[i]!;
        yield* r.cfg.join(ck, { [gid]: [`${gid}a`, `${gid}b`, `${gid}c`], [gid + 1000]: [`${gid + 1000}a`], [gid + 2000]: [`${gid + 2000}a`] });
        yield* r.cfg.leave(ck, [gid + 1000, gid + 2000]);
      });
      yield* r.cfg.check(r.ck, gids);
    },
  },
  {
    name: 'minimal-transfer',
    title: 'Minimal transfers after multijoins',
    description: 'one Join of 11..15: shards of gids 1..10 stay put (vacuous, as in Go)',
    *body(r) {
      const { cfg, ck } = r;
      r.c1 = yield* cfg.query(ck, -1);
      const m: Record<number, string[]> = {};
      for (let i = 0; i < 5; i++) m[NPARA + 1 + i] = [`${NPARA + 1 + i}a`, `${NPARA + 1 + i}b`];
      yield* cfg.join(ck, m);
      r.c2 = yield* cfg.query(ck, -1);
      checkKept(r, r.c2, r.c1, 'Join()s');
    },
  },
  {
    name: 'minimal-transfer-after-leave',
    title: 'Minimal transfers after multileaves',
    description: 'one Leave of 11..15: shards of gids 1..10 stay put (vacuous, as in Go)',
    *body(r) {
      const { cfg, ck } = r;
      yield* cfg.leave(ck, Array.from({ length: 5 }, (_, i) => NPARA + 1 + i));
      checkKept(r, r.c2!, yield* cfg.query(ck, -1), 'Leave()s');
    },
  },
  {
    name: 'agree-config',
    title: 'Check Same config on servers',
    description: 'the leader shut down, the new leader among the two others answers Query(-1) with the same config: the rebalance is deterministic',
    *body(r) {
      const { cfg, ck } = r;
      const leader = cfg.leader();
      if (leader === undefined) return r.t.fail('Leader not found');
      const c = yield* cfg.query(ck, -1);
      cfg.shutdownServer(leader);
      // Go's wait loop never re-reads the leader (spec §9.10): a survivor claiming leadership right now fails it after 2 s.
      if (cfg.leader() !== undefined) {
        yield* sleep(seconds(2));
        r.t.fail('Leader not found');
      }
      cfg.checkSameConfig(c, yield* cfg.query(ck, -1));
    },
  },
];

// ── TestMinimalAgain ─────────────────────────────────────────────────────────

/** Shards whose owner differs between two configs. */
const changed = (a: Config, b: Config): number => a.shards.filter((g, i) => g !== b.shards[i]).length;

export function* minimalAgainTest(t: ScenarioContext): Co<void> {
  const cfg = makeConfig(t, NSERVERS);
  const ck = cfg.makeClient();
  cfg.begin('Test: minimal movement again');
  yield* cfg.join(ck, { 1: ['x', 'y', 'z'] });
  yield* cfg.join(ck, { 2: ['a', 'b', 'c'] });
  const c1 = yield* cfg.query(ck, -1);
  yield* cfg.join(ck, { 3: ['d', 'e', 'f'] });
  const c2 = yield* cfg.query(ck, -1);
  const most = Math.floor(NShards / 3) + 1;
  for (let i = 0; i < NShards; i++) if (c2.shards[i] !== 3 && c2.shards[i] !== c1.shards[i]) t.fail(`non-minimal transfer after Join(): shard ${i} moved from ${c1.shards[i]} to ${c2.shards[i]}`);
  if (changed(c1, c2) > most) t.fail(`too many shards moved after Join(): ${changed(c1, c2)} > ${most}`);
  yield* cfg.leave(ck, [1]);
  const c3 = yield* cfg.query(ck, -1);
  for (let i = 0; i < NShards; i++) if (c2.shards[i] !== 1 && c3.shards[i] !== c2.shards[i]) t.fail(`non-minimal transfer after Leave(): shard ${i} moved from ${c2.shards[i]} to ${c3.shards[i]}`);
  if (changed(c2, c3) > most) t.fail(`too many shards moved after Leave(): ${changed(c2, c3)} > ${most}`);
  cfg.end();
  cfg.cleanup();
}
