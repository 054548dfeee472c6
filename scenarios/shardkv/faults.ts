/**
 * shardkv under a generated schedule, for the property
 * prop/shardkv/linearizable: the shardkv tester (./config.ts, 3 groups of 3
 * servers, gid 100 joined first) and a few clerks doing random Gets, Puts
 * and Appends over a few keys (each key its own shard) while the schedule
 * reconfigures (join, leave, move, a whole group shut down and started
 * again) and faults the groups (a server crashed, restarted, isolated; an
 * unreliable network) and the controller service (one of its servers, by
 * number or whichever leads at that moment, isolated from its peers, its
 * clerks still reaching it, or restarted: a majority always stays up, so
 * reconfigurations always complete; a leader change makes another replica
 * answer the Queries).
 *
 * Actions that make no sense where they fall are skipped and logged: a
 * leave of the last joined group (its shards would go to gid 0 and be
 * dropped, as the lab specifies), a join of a joined group, a move to a
 * group not joined, an action on the controller leader when none leads.
 *
 * All along, every answer a controller server gives to a Query must carry
 * the same config for the same number (ConfigAnswers below).
 *
 * Healing: the clerks are told to stop (each finishes the operation it is
 * in), every server is restarted from what it persisted and connected, the
 * network made reliable, the controller servers reconnected. Then every pending operation must complete within
 * the schedule's liveness bound (a failure names the stuck operation's
 * shard, the group owning it and the config), a fresh clerk must read every
 * one of the 10 shards, and the whole history must be linearizable.
 */
import { ms } from '../../sim/node.ts';
import type { Prng } from '../../sim/prng.ts';
import type { ScenarioContext } from '../../sim/scenario.ts';
import { sleep, type Co, type Task } from '../../sim/task.ts';
import { TraceKind } from '../../sim/trace.ts';
import { CtrlerQuery, OK, type Config } from '../../protocols/shardctrler/index.ts';
import { key2shard, NShards } from '../../protocols/shardkv/index.ts';
import { GIDS, ShardKvTester, type SkvClerk } from './config.ts';

export const SKV_FAULT_CLERKS = 4;
export const SKV_FAULT_KEYS = 5;
const GROUP_SERVERS = 3;
const CLERK_PAUSE_US_MAX = ms(30);
/** A restart waits this long after the shutdown (about an election timeout). */
const RESTART_GAP_US = ms(400);

export type ShardAction =
  | { readonly at: number; readonly do: 'join' | 'leave' | 'shutdown-group' | 'start-group'; readonly group: number }
  | { readonly at: number; readonly do: 'move'; readonly shard: number; readonly group: number }
  | { readonly at: number; readonly do: 'crash' | 'restart' | 'isolate' | 'connect'; readonly group: number; readonly server: number }
  | { readonly at: number; readonly do: 'ctrler-isolate' | 'ctrler-restart'; readonly server: number }
  | { readonly at: number; readonly do: 'ctrler-isolate-leader' | 'ctrler-restart-leader' }
  | { readonly at: number; readonly do: 'unreliable'; readonly on: boolean };

export interface ShardSchedule {
  readonly seed: number;
  /** Actions in order of `at` (ms of virtual time). */
  readonly actions: readonly ShardAction[];
  readonly healAtMs: number;
  readonly livenessMs: number;
}

export function describeShardAction(a: ShardAction): string {
  const at = `${a.at} ms: `;
  switch (a.do) {
    case 'unreliable':
      return `${at}network ${a.on ? 'unreliable' : 'reliable'}`;
    case 'move':
      return `${at}move shard ${a.shard} to ${GIDS[a.group]}`;
    case 'crash':
    case 'restart':
    case 'isolate':
    case 'connect':
      return `${at}${a.do} server-${GIDS[a.group]}-${a.server}`;
    case 'ctrler-isolate':
      return `${at}isolate controller ctlr-${a.server} from its peers`;
    case 'ctrler-restart':
      return `${at}restart controller ctlr-${a.server}`;
    case 'ctrler-isolate-leader':
      return `${at}isolate the controller leader from its peers`;
    case 'ctrler-restart-leader':
      return `${at}restart the controller leader`;
    default:
      return `${at}${a.do} ${GIDS[a.group]}`;
  }
}

/** The schedule's reconfigurations and faults on the tester; tracks which groups are joined. */
class ShardFaults {
  readonly joined = new Set<number>([0]);

  constructor(readonly cfg: ShardKvTester) {}

  /** Runs one action; returns what it did. */
  *perform(a: ShardAction): Co<string> {
    const what = describeShardAction(a);
    const cfg = this.cfg;
    switch (a.do) {
      case 'join':
        if (this.joined.has(a.group)) return `${what}: already joined, nothing done`;
        this.joined.add(a.group);
        yield* cfg.join(a.group);
        break;
      case 'leave':
        if (!this.joined.has(a.group) || this.joined.size === 1) return `${what}: not joined or the last group, nothing done`;
        this.joined.delete(a.group);
        yield* cfg.leave(a.group);
        break;
      case 'move':
        if (!this.joined.has(a.group)) return `${what}: not joined, nothing done`;
        yield* cfg.move(a.shard, a.group);
        break;
      case 'shutdown-group':
        cfg.shutdownGroup(a.group);
        break;
      case 'start-group':
        for (let i = 0; i < GROUP_SERVERS; i++) if (!cfg.groups[a.group]!.alive(i)) cfg.startServerOf(a.group, i);
        break;
      case 'crash':
        if (cfg.groups[a.group]!.alive(a.server)) cfg.shutdownServer(a.group, a.server);
        break;
      case 'restart':
        if (cfg.groups[a.group]!.alive(a.server)) cfg.shutdownServer(a.group, a.server);
        cfg.startServerOf(a.group, a.server);
        break;
      case 'isolate':
        cfg.groups[a.group]!.disconnect(a.server);
        break;
      case 'connect':
        cfg.groups[a.group]!.connect(a.server);
        break;
      case 'ctrler-isolate':
        cfg.ctl.group.partition([[a.server]]);
        break;
      case 'ctrler-restart':
        this.restartCtrler(a.server);
        break;
      case 'ctrler-isolate-leader':
      case 'ctrler-restart-leader': {
        const leader = cfg.ctl.group.leader();
        if (leader === null) return `${what}: no controller leader, nothing done`;
        if (a.do === 'ctrler-isolate-leader') cfg.ctl.group.partition([[leader]]);
        else this.restartCtrler(leader);
        return `${what} (ctlr-${leader})`;
      }
      case 'unreliable':
        cfg.t.world.network.setReliable(!a.on);
        break;
    }
    return what;
  }

  private restartCtrler(i: number): void {
    this.cfg.ctl.shutdownServer(i);
    this.cfg.ctl.startServer(i);
    this.cfg.ctl.group.connect(i);
  }

  /** Every server restarted from what it persisted and connected, a reliable network. */
  *healAll(): Co<void> {
    const cfg = this.cfg;
    cfg.groups.forEach((g, gi) => g.all().forEach((i) => g.alive(i) && cfg.shutdownServer(gi, i)));
    yield* sleep(RESTART_GAP_US);
    cfg.groups.forEach((_g, gi) => cfg.startGroup(gi));
    cfg.ctl.connectAll();
    cfg.t.world.network.setReliable(true);
  }
}

/** The invariant ConfigAnswers names in its failures. */
export const CONFIGS_NEVER_CHANGE = 'controller configs never change';

interface Answer {
  readonly key: string;
  readonly config: Config;
  readonly server: string;
  readonly atUs: number;
}

const showAnswer = (a: Answer): string =>
  `as shards [${a.config.shards.join(' ')}] (groups ${Object.keys(a.config.groups ?? {}).join(' ') || 'none'}) by ${a.server} at ${(a.atUs / 1e6).toFixed(3)}s`;

/**
 * "A config, once made, never changes": every answer a controller server
 * gives to a Query (a group's poller, a clerk, the tester) that carries
 * config N carries the same config N, whichever server answers and when.
 * The controller's replicas apply one log with a deterministic rebalance, so
 * a correct service cannot break this; replicas that compute different
 * configs from the same log break it as soon as a second server answers for
 * the same number (after a leader change or a restart).
 */
class ConfigAnswers {
  private readonly first = new Map<number, Answer>();
  private violation: string | null = null;

  constructor(t: ScenarioContext, servers: readonly string[]) {
    const mine = new Set(servers);
    t.world.trace.addListener(
      (r) => {
        if (this.violation !== null || r.label !== CtrlerQuery || !mine.has(r.node)) return;
        const reply = r.payload as { err?: unknown; config?: Config } | undefined;
        const config = reply?.config;
        if (reply?.err !== OK || typeof config?.num !== 'number' || !Array.isArray(config.shards)) return;
        const answer: Answer = { key: JSON.stringify([config.shards, config.groups]), config, server: r.node, atUs: r.timeUs };
        const seen = this.first.get(config.num);
        if (seen === undefined) this.first.set(config.num, answer);
        else if (seen.key !== answer.key) this.violation = `${CONFIGS_NEVER_CHANGE}: config ${config.num} was answered ${showAnswer(seen)}, and ${showAnswer(answer)}`;
      },
      [TraceKind.Reply],
    );
  }

  /** Fails as 'safety' if two answers disagreed. */
  check(t: ScenarioContext): void {
    if (this.violation !== null) t.fail(this.violation, 'safety');
  }
}

/** What a clerk is doing, for the liveness report. */
interface ClerkRun {
  readonly ck: SkvClerk;
  doing: string;
  key: string;
  sinceUs: number;
}

function* faultClerk(t: ScenarioContext, cfg: ShardKvTester, run: ClerkRun, rng: Prng, stop: { done: boolean }): Co<void> {
  let j = 0;
  while (!stop.done) {
    const key = String(rng.below(SKV_FAULT_KEYS));
    const roll = rng.below(10);
    run.key = key;
    run.sinceUs = t.world.nowUs;
    if (roll < 4) {
      run.doing = `Append(${key})`;
      yield* cfg.append(run.ck, key, `x ${run.ck.clientId} ${j++} y`);
    } else if (roll < 5) {
      run.doing = `Put(${key})`;
      yield* cfg.put(run.ck, key, `x ${run.ck.clientId} ${j++} y`);
    } else {
      run.doing = `Get(${key})`;
      yield* cfg.get(run.ck, key);
    }
    run.doing = '';
    yield* sleep(rng.below(CLERK_PAUSE_US_MAX + 1));
  }
}

/** One schedule against the shardkv tester with SKV_FAULT_CLERKS clerks. */
export function* runShardkvSchedule(t: ScenarioContext, s: ShardSchedule): Co<void> {
  const cfg = new ShardKvTester(t, GROUP_SERVERS, false, 1000);
  const answers = new ConfigAnswers(t, cfg.ctl.group.names);
  const faults = new ShardFaults(cfg);
  yield* cfg.join(0);
  const stop = { done: false };
  const runs: ClerkRun[] = [];
  const tasks: Task<void>[] = [];
  for (let c = 0; c < SKV_FAULT_CLERKS; c++) {
    const run: ClerkRun = { ck: cfg.makeClient(), doing: '', key: '', sinceUs: 0 };
    runs.push(run);
    tasks.push(t.world.go(`clerk-${c}`, faultClerk(t, cfg, run, t.world.fork(`clerk-${c}`), stop)));
  }
  for (const a of s.actions) {
    const atUs = ms(a.at);
    if (atUs > t.world.nowUs) yield* sleep(atUs - t.world.nowUs);
    t.log(yield* faults.perform(a));
  }
  const healAtUs = ms(s.healAtMs);
  if (healAtUs > t.world.nowUs) yield* sleep(healAtUs - t.world.nowUs);
  t.log('heal all: clerks finish what they are doing; every server restarts');
  stop.done = true;
  yield* faults.healAll();
  const boundUs = ms(s.livenessMs);
  const safety = () => {
    answers.check(t);
    cfg.checkSafety();
  };
  yield* awaitClerks(t, cfg, runs, tasks, boundUs, safety);
  yield* readEveryShard(t, cfg, boundUs, safety);
  safety();
  cfg.checkHistory();
  cfg.cleanup();
}

/** "shard 3 (key "5"), owned by 101 in config 7": where an operation on `key` is stuck. */
function* whereIs(cfg: ShardKvTester, key: string): Co<string> {
  const config = yield* cfg.query(-1);
  const shard = key2shard(key);
  return `shard ${shard} (key ${JSON.stringify(key)}), owned by ${config.shards[shard]} in config ${config.num}`;
}

/** Waits up to `boundUs` for every clerk's last operation; fails as 'liveness' naming what is still pending and where. */
function* awaitClerks(t: ScenarioContext, cfg: ShardKvTester, runs: readonly ClerkRun[], tasks: readonly Task<void>[], boundUs: number, safety: () => void): Co<void> {
  const start = t.world.nowUs;
  while (tasks.some((task) => !task.finished)) {
    if (t.world.nowUs - start >= boundUs) {
      safety();
      const pending: string[] = [];
      for (const r of runs) if (r.doing !== '') pending.push(`clerk-${r.ck.clientId} ${r.doing} since ${(r.sinceUs / 1e6).toFixed(3)}s on ${yield* whereIs(cfg, r.key)}`);
      t.fail(`no progress ${boundUs / 1e6}s after healing: pending ${pending.join(', ')}`, 'liveness');
    }
    yield* sleep(ms(50));
  }
}

/** A fresh clerk reads a key of every shard, each within `boundUs`. */
function* readEveryShard(t: ScenarioContext, cfg: ShardKvTester, boundUs: number, safety: () => void): Co<void> {
  const ck = cfg.makeClient();
  for (let shard = 0; shard < NShards; shard++) {
    const key = String.fromCharCode(48 + ((shard + 2) % NShards));
    const task = t.world.go(`read-shard-${shard}`, cfg.get(ck, key));
    const start = t.world.nowUs;
    while (!task.finished) {
      if (t.world.nowUs - start >= boundUs) {
        safety();
        t.fail(`no progress ${boundUs / 1e6}s after healing: a fresh clerk's Get on ${yield* whereIs(cfg, key)} is pending`, 'liveness');
      }
      yield* sleep(ms(50));
    }
  }
}
