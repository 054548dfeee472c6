/**
 * The whole lab catalog in one figure (`npm run bench -- catalog`): every
 * scenario of labs 1–5 (mr, kvsrv, raft, kvraft, shardctrler, shardkv) for
 * seed 1 in this one thread, beside the Go suites' total on this machine
 * (≈ 1,125 s, as issue 13 measured it). The set runs once cold, then three
 * more times; the median of those is the warm figure, split by lab. Every run
 * must pass. (`npx simlab`, the main job, runs the same set on every core.)
 */
import '../scenarios/index.ts';
import { matchScenarios, runScenario, type Scenario } from '../sim/scenario.ts';
import { forgetDecodedRuns } from '../protocols/raft/persist.ts';

const GO_SECONDS = 1125;
const LABS: readonly (readonly [string, readonly string[]])[] = [
  ['lab 1 (mr)', ['mr/*']],
  ['lab 2 (kvsrv)', ['kvsrv/*']],
  ['lab 3 (raft)', ['raft/**']],
  ['lab 4 (kvraft)', ['kvraft/**']],
  ['lab 5 (shardctrler, shardkv)', ['shardctrler/**', 'shardkv/**']],
];

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Wall milliseconds of each lab's set, and the set's virtual time and events. */
function runAll(labs: readonly (readonly [string, readonly Scenario[]])[]): { ms: number[]; virtualUs: number; events: number } {
  let virtualUs = 0;
  let events = 0;
  const ms = labs.map(([, scenarios]) => {
    const t0 = performance.now();
    for (const s of scenarios) {
      forgetDecodedRuns(); // time each run without the runs a previous one decoded (protocols/raft/persist.ts)
      const r = runScenario(s, { seed: 1 });
      if (!r.passed) throw new Error(`${s.name} seed 1 failed: ${r.failure!.kind}: ${r.failure!.message}`);
      virtualUs += r.virtualUs;
      events += r.events;
    }
    return performance.now() - t0;
  });
  return { ms, virtualUs, events };
}

export async function run(): Promise<void> {
  const labs = LABS.map(([name, patterns]) => [name, patterns.flatMap((p) => matchScenarios(p))] as const);
  const cold = runAll(labs);
  const warm = [runAll(labs), runAll(labs), runAll(labs)];
  const total = (r: { ms: number[] }) => r.ms.reduce((a, b) => a + b, 0);
  const median = [...warm].sort((a, b) => total(a) - total(b))[1]!;
  const count = labs.reduce((a, [, s]) => a + s.length, 0);
  out(`labs 1–5: ${count} scenarios, seed 1, one thread, all passed: ${(cold.virtualUs / 1e6).toFixed(0)} s virtual, ${cold.events} events`);
  for (const [k, [name, scenarios]] of labs.entries()) {
    out(`  ${name.padEnd(30)} ${String(scenarios.length).padStart(3)} scenarios  ${(median.ms[k]! / 1000).toFixed(2).padStart(6)} s warm`);
  }
  out(`  wall, 1st pass  ${(total(cold) / 1000).toFixed(2)} s`);
  out(`  wall, warm      ${(total(median) / 1000).toFixed(2)} s   (median of 3)   Go suites ≈ ${GO_SECONDS} s → ${(GO_SECONDS / (total(median) / 1000)).toFixed(0)}× faster`);
  out('reproduce: npm run bench -- catalog');
}
