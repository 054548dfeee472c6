/**
 * The Raft lab in virtual time (`npm run bench -- raft`): the 21 tests of
 * 3A–3C for seed 1, then all 28 (with 3D), beside a complete Go solution's
 * wall time on this machine (~175 s for 3A–3C, ~386 s for 3A–3D; targets:
 * under 1 s and under 2 s). Each suite is timed on its first pass (for
 * 3A–3C the first Raft code run in this process, so JIT warm-up included),
 * then three more times; the median of those is the warm figure. Every run must pass, so a fast wrong run cannot
 * print a good figure.
 */
import '../scenarios/index.ts';
import { matchScenarios, runScenario, type Scenario } from '../sim/scenario.ts';
import { forgetDecodedRuns } from '../protocols/raft/persist.ts';

interface SuiteRun {
  readonly wallMs: number;
  readonly virtualUs: number;
  readonly events: number;
  readonly perScenario: readonly { readonly name: string; readonly wallMs: number; readonly events: number; readonly virtualUs: number }[];
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function runSuite(scenarios: readonly Scenario[]): SuiteRun {
  const perScenario: SuiteRun['perScenario'][number][] = [];
  let virtualUs = 0;
  let events = 0;
  const t0 = performance.now();
  for (const s of scenarios) {
    forgetDecodedRuns(); // time each run without the runs a previous one decoded (protocols/raft/persist.ts)
    const ts = performance.now();
    const r = runScenario(s, { seed: 1 });
    const wallMs = performance.now() - ts;
    if (!r.passed) throw new Error(`${s.name} seed 1 failed: ${r.failure!.kind}: ${r.failure!.message}`);
    virtualUs += r.virtualUs;
    events += r.events;
    perScenario.push({ name: s.name, wallMs, events: r.events, virtualUs: r.virtualUs });
  }
  return { wallMs: performance.now() - t0, virtualUs, events, perScenario };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function report(title: string, scenarios: readonly Scenario[], goSeconds: number, targetMs: number): SuiteRun {
  const cold = runSuite(scenarios);
  const warm = [runSuite(scenarios), runSuite(scenarios), runSuite(scenarios)];
  const warmMs = median(warm.map((w) => w.wallMs));
  const virtualS = cold.virtualUs / 1e6;
  out(`${title}: ${scenarios.length} scenarios, seed 1, all passed`);
  out(`  virtual time   ${virtualS.toFixed(1)} s   events ${cold.events}`);
  out(`  wall, 1st pass ${fmtS(cold.wallMs).padStart(8)}   ${(virtualS / (cold.wallMs / 1000)).toFixed(0)}× real time`);
  out(`  wall, warm     ${fmtS(warmMs).padStart(8)}   ${(virtualS / (warmMs / 1000)).toFixed(0)}× real time   (median of 3)`);
  out(`  Go solution    ${`${goSeconds} s`.padStart(8)}   → ${(goSeconds / (warmMs / 1000)).toFixed(0)}× faster warm, ${(goSeconds / (cold.wallMs / 1000)).toFixed(0)}× on the first pass`);
  out(`  target         ${fmtS(targetMs).padStart(8)}   ${warmMs < targetMs ? 'met' : 'MISSED'} (warm)${cold.wallMs < targetMs ? ', met on the first pass too' : ', missed on the first pass'}`);
  return warm[0]!;
}

export async function run(): Promise<void> {
  const abc = [...matchScenarios('raft/3A/*'), ...matchScenarios('raft/3B/*'), ...matchScenarios('raft/3C/*')];
  const all = [...abc, ...matchScenarios('raft/3D/*')];
  report('raft 3A–3C', abc, 175, 1000);
  const warm = report('raft 3A–3D', all, 386, 2000);
  out('  slowest (warm):');
  for (const p of [...warm.perScenario].sort((a, b) => b.wallMs - a.wallMs).slice(0, 6)) {
    out(`    ${p.name.padEnd(28)} ${p.wallMs.toFixed(0).padStart(5)} ms  ${String(p.events).padStart(7)} events  ${(p.virtualUs / 1e6).toFixed(1)} s virtual`);
  }
  out('reproduce: npm run bench -- raft');
}
