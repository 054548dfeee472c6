/**
 * The shard controller (`npm run bench -- shardctrler`): the 12 scenarios of
 * lab 5A for seed 1, beside the Go package's time (≈ 5.9 s, the lab page's
 * sample), timed on a first pass and then three more times (median: warm);
 * and the cost of deriving configs with immer's `produce`, measured as
 * shared/design/libraries.md measures immer: an in-process median of 5
 * rounds after a warm-up, against the same writes done by hand (spread
 * copies and Object.freeze), on a config of 10 groups × 3 servers.
 */
import '../scenarios/index.ts';
import { matchScenarios, runScenario, type Scenario } from '../sim/scenario.ts';
import { CONFIG_ZERO, CtrlerJoin, CtrlerLeave, CtrlerMove, nextConfig, rebalance, type Config, type CtrlerOp } from '../protocols/shardctrler/index.ts';
import { forgetDecodedRuns } from '../protocols/raft/persist.ts';

const GO_SECONDS = 5.9;
const ROUND_WRITES = 20_000;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runSuite(scenarios: readonly Scenario[]): { wallMs: number; virtualUs: number; events: number } {
  let virtualUs = 0;
  let events = 0;
  const t0 = performance.now();
  for (const s of scenarios) {
    forgetDecodedRuns(); // time each run without the runs a previous one decoded (protocols/raft/persist.ts)
    const r = runScenario(s, { seed: 1 });
    if (!r.passed) throw new Error(`${s.name} seed 1 failed: ${r.failure!.kind}: ${r.failure!.message}`);
    virtualUs += r.virtualUs;
    events += r.events;
  }
  return { wallMs: performance.now() - t0, virtualUs, events };
}

type Write = Exclude<CtrlerOp, { method: 'ShardCtrler.Query' }>;

/** The same write by hand: fresh containers where it writes, everything else shared, all frozen. */
function plainNext(prev: Config, op: Write): Config {
  if (op.method === CtrlerMove) {
    const shards = [...prev.shards];
    shards[op.shard] = op.gid;
    return Object.freeze({ num: prev.num + 1, shards: Object.freeze(shards), groups: prev.groups });
  }
  const groups: Record<string, readonly string[]> = { ...prev.groups };
  if (op.method === CtrlerJoin) for (const [gid, servers] of Object.entries(op.servers)) groups[gid] = Object.freeze([...servers]);
  else for (const gid of op.gids) delete groups[gid];
  const shards = rebalance(prev.shards, Object.keys(groups).map(Number));
  return Object.freeze({ num: prev.num + 1, shards: Object.freeze(shards), groups: Object.freeze(groups) });
}

/** Move, Join of gid 99, Move, Leave of gid 99, … over ten groups: half the writes rebalance. */
function workload(): Write[] {
  return Array.from({ length: ROUND_WRITES }, (_, i): Write => {
    if (i % 2 === 0) return { method: CtrlerMove, clientId: 1, seq: i, shard: i % 10, gid: 1 + ((i / 2) % 10) };
    return i % 4 === 1 ? { method: CtrlerJoin, clientId: 1, seq: i, servers: { 99: ['99a', '99b', '99c'] } } : { method: CtrlerLeave, clientId: 1, seq: i, gids: [99] };
  });
}

function tenGroups(next: (c: Config, op: Write) => Config): Config {
  const servers: Record<string, string[]> = {};
  for (let g = 1; g <= 10; g++) servers[g] = [`${g}a`, `${g}b`, `${g}c`];
  return next(CONFIG_ZERO, { method: CtrlerJoin, clientId: 1, seq: 0, servers });
}

/** Writes per second deriving each config from the last, median of 5 rounds after one warm-up round. */
function writesPerSecond(next: (c: Config, op: Write) => Config): number {
  const ops = workload();
  const round = (): number => {
    let c = tenGroups(next);
    const t0 = performance.now();
    for (const op of ops) c = next(c, op);
    return ROUND_WRITES / ((performance.now() - t0) / 1000);
  };
  round();
  return median(Array.from({ length: 5 }, round));
}

/** How many configs of a 1,000-write history share their groups object with the config before (structural sharing). */
function sharedGroups(): number {
  let c = tenGroups((p, op) => nextConfig(p, op, rebalance));
  let shared = 0;
  for (const op of workload().slice(0, 1000)) {
    const n = nextConfig(c, op, rebalance);
    if (n.groups === c.groups) shared++;
    c = n;
  }
  return shared;
}

export async function run(): Promise<void> {
  const scenarios = matchScenarios('shardctrler/**');
  const cold = runSuite(scenarios);
  const warmMs = median([runSuite(scenarios).wallMs, runSuite(scenarios).wallMs, runSuite(scenarios).wallMs]);
  const virtualS = cold.virtualUs / 1e6;
  out(`shardctrler 5A: ${scenarios.length} scenarios, seed 1, all passed`);
  out(`  virtual time   ${virtualS.toFixed(1)} s   events ${cold.events}`);
  out(`  wall, 1st pass ${(cold.wallMs / 1000).toFixed(2)} s`);
  out(`  wall, warm     ${(warmMs / 1000).toFixed(2)} s   (median of 3)`);
  out(`  Go package     ${GO_SECONDS} s   → ${(GO_SECONDS / (warmMs / 1000)).toFixed(0)}× faster warm`);
  const immer = writesPerSecond((c, op) => nextConfig(c, op, rebalance));
  const plain = writesPerSecond(plainNext);
  out(`configs, 10 groups × 3 servers, half the writes rebalancing (median of 5 rounds of ${ROUND_WRITES} writes):`);
  out(`  immer produce, autoFreeze on   ${(immer / 1000).toFixed(0).padStart(5)}k writes/s   ${(1e6 / immer).toFixed(2)} µs/write`);
  out(`  by hand, spread + freeze       ${(plain / 1000).toFixed(0).padStart(5)}k writes/s   ${(1e6 / plain).toFixed(2)} µs/write   (immer ${(plain / immer).toFixed(1)}× slower)`);
  out(`  structural sharing: ${sharedGroups()} of 1000 immer configs share the groups object of the config before (every Move)`);
  out('reproduce: npm run bench -- shardctrler');
}
