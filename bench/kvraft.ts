/**
 * The kvraft lab in virtual time (`npm run bench -- kvraft`): the 23 tests
 * of 4A–4B for seed 1, beside the Go package's wall time on this machine
 * (420 s; target: under 3 s warm). The suite is timed on a first pass, then
 * three more times; the median of those is the warm figure. Every run must
 * pass. The checker's share: each GenericTest hands its history over
 * (RunOptions.onHistory) before checking it; the same check is then timed
 * alone, and its total is set against the suite's.
 */
import '../scenarios/index.ts';
import { checkOperations, kvModel, type Operation } from '../checkers/index.ts';
import { parseSimlabHistory } from '../checkers/history/simlab.ts';
import { CHECK_BUDGET_STEPS } from '../scenarios/kvraft/config.ts';
import { matchScenarios, runScenario, type Scenario } from '../sim/scenario.ts';
import { forgetDecodedRuns } from '../protocols/raft/persist.ts';

const GO_SECONDS = 420;
const TARGET_MS = 3000;

interface ScenarioRun {
  readonly name: string;
  readonly wallMs: number;
  readonly events: number;
  readonly virtualUs: number;
  readonly history: string | undefined;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function runSuite(scenarios: readonly Scenario[]): { wallMs: number; runs: ScenarioRun[] } {
  const runs: ScenarioRun[] = [];
  const t0 = performance.now();
  for (const s of scenarios) {
    let history: string | undefined;
    forgetDecodedRuns(); // time each run without the runs a previous one decoded (protocols/raft/persist.ts)
    const ts = performance.now();
    const r = runScenario(s, { seed: 1, onHistory: (h) => (history = h) });
    const wallMs = performance.now() - ts;
    if (!r.passed) throw new Error(`${s.name} seed 1 failed: ${r.failure!.kind}: ${r.failure!.message}`);
    runs.push({ name: s.name, wallMs, events: r.events, virtualUs: r.virtualUs, history });
  }
  return { wallMs: performance.now() - t0, runs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of the linearizability check of every history of a pass, and the operation count. */
function checkerTime(runs: readonly ScenarioRun[]): { ms: number; ops: number } {
  const histories = runs.filter((r) => r.history !== undefined).map((r) => parseSimlabHistory(r.history!, r.name).operations as Operation<any, any>[]);
  let ops = 0;
  const t0 = performance.now();
  for (const h of histories) {
    const r = checkOperations(kvModel, h, { budgetSteps: CHECK_BUDGET_STEPS });
    if (r.verdict !== 'ok') throw new Error(`a checked history is ${r.verdict} on a second look`);
    ops += h.length;
  }
  return { ms: performance.now() - t0, ops };
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  const scenarios = matchScenarios('kvraft/**');
  const cold = runSuite(scenarios);
  const warm = [runSuite(scenarios), runSuite(scenarios), runSuite(scenarios)];
  const warmMs = median(warm.map((w) => w.wallMs));
  const virtualS = cold.runs.reduce((a, r) => a + r.virtualUs, 0) / 1e6;
  const events = cold.runs.reduce((a, r) => a + r.events, 0);
  const checker = median([checkerTime(warm[0]!.runs).ms, checkerTime(warm[1]!.runs).ms, checkerTime(warm[2]!.runs).ms]);
  const { ops } = checkerTime(warm[0]!.runs);
  out(`kvraft 4A–4B: ${scenarios.length} scenarios, seed 1, all passed`);
  out(`  virtual time   ${virtualS.toFixed(1)} s   events ${events}`);
  out(`  wall, 1st pass ${fmtS(cold.wallMs).padStart(8)}   ${(virtualS / (cold.wallMs / 1000)).toFixed(0)}× real time`);
  out(`  wall, warm     ${fmtS(warmMs).padStart(8)}   ${(virtualS / (warmMs / 1000)).toFixed(0)}× real time   (median of 3)`);
  out(`  checker        ${fmtS(checker).padStart(8)}   ${((100 * checker) / warmMs).toFixed(1)}% of the warm suite (${ops} operations in ${warm[0]!.runs.filter((r) => r.history).length} histories)`);
  out(`  Go package     ${`${GO_SECONDS} s`.padStart(8)}   → ${(GO_SECONDS / (warmMs / 1000)).toFixed(0)}× faster warm`);
  out(`  target         ${fmtS(TARGET_MS).padStart(8)}   ${warmMs < TARGET_MS ? 'met' : 'MISSED'} (warm)`);
  out('  slowest (warm):');
  for (const p of [...warm[0]!.runs].sort((a, b) => b.wallMs - a.wallMs).slice(0, 6)) {
    out(`    ${p.name.padEnd(66)} ${p.wallMs.toFixed(0).padStart(5)} ms  ${String(p.events).padStart(7)} events  ${(p.virtualUs / 1e6).toFixed(1)} s virtual`);
  }
  out('reproduce: npm run bench -- kvraft');
}
