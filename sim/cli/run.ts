/**
 * The run-side commands: `simlab` (every scenario, seed 1, a summary table),
 * `simlab list`, `simlab run <scenario> [--seed N] [--trace FILE|-]
 * [--check-determinism]`.
 */
import { writeFileSync } from 'node:fs';
import {
  allScenarios,
  findScenario,
  matchScenarios,
  replayCommand,
  runScenario,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
} from '../scenario.ts';
import { allProperties, matchProperties } from '../property.ts';
import { formatRecord, type TraceRecord } from '../trace.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import type { CliIO, Command } from './io.ts';
import { startRecording, withRecording, writeReport } from './html.ts';
import { loadImpl } from './impl.ts';
import { wallNowMs } from './wallclock.ts';

export interface TimedResult extends ScenarioResult {
  readonly wallMs: number;
}

export function runTimed(s: Scenario, options: RunOptions): TimedResult {
  const t0 = wallNowMs();
  const r = runScenario(s, options);
  return { ...r, wallMs: wallNowMs() - t0 };
}

export function formatVirtual(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}

function resultLine(r: TimedResult, impl: readonly string[] = []): string {
  const head = `${r.passed ? 'PASS' : 'FAIL'} ${r.name}  seed=${r.seed}  virtual ${formatVirtual(r.virtualUs)}  events ${r.events}  wall ${r.wallMs.toFixed(0)}ms  trace ${r.traceHash}`;
  if (r.passed) return head;
  return `${head}\n  ${r.failure!.kind}: ${r.failure!.message}\n  replay: ${replayCommand(r.name, r.seed, impl)}`;
}

/** A table with columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: readonly number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAlign.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list the registered scenarios and properties',
  usage: 'simlab list [PATTERN]   list scenarios and properties (all, or those matching a pattern like "raft/3A/*")',
  run(args, io) {
    const p = parseArgs(args, {});
    if (p.positional.length > 1) throw new UsageError('list takes at most one pattern');
    const pattern = p.positional[0];
    const scenarios = pattern !== undefined ? matchScenarios(pattern) : allScenarios();
    const properties = pattern !== undefined ? matchProperties(pattern) : allProperties();
    if (scenarios.length + properties.length === 0) throw new UsageError(`nothing matches "${pattern}" (try simlab list)`);
    const width = Math.max(...[...scenarios, ...properties].map((s) => s.name.length));
    for (const s of scenarios) io.out(`${s.name.padEnd(width)}  ${s.description}`);
    if (properties.length > 0) {
      if (scenarios.length > 0) io.out('');
      io.out('properties (run with simlab prop NAME, sweep with simlab sweep NAME --seeds A..B):');
      for (const s of properties) io.out(`${s.name.padEnd(width)}  ${s.description}`);
    }
    return 0;
  },
};

export const allCommand: Command = {
  name: 'all',
  summary: 'run every scenario for one seed and print a summary (the default)',
  usage: 'simlab [all] [--seed N] [--impl ROLE=FILE]   run every registered scenario once',
  async run(args, io) {
    const p = parseArgs(args, { seed: { kind: 'seed' }, impl: { kind: 'string', repeat: true } });
    if (p.positional.length > 0) throw new UsageError(`unexpected argument "${p.positional[0]}"`);
    const seed = flag<number>(p, 'seed') ?? 1;
    const impl = await loadImpl(p);
    const rows: string[][] = [];
    let failed = 0;
    const t0 = wallNowMs();
    let virtual = 0;
    let events = 0;
    for (const s of allScenarios()) {
      const r = runTimed(s, { seed, ...(impl ? { impl } : {}) });
      virtual += r.virtualUs;
      events += r.events;
      if (!r.passed) failed++;
      rows.push([s.name, r.passed ? 'pass' : 'FAIL', formatVirtual(r.virtualUs), String(r.events), `${r.wallMs.toFixed(0)}ms`]);
      if (!r.passed) rows.push(['', `  ${r.failure!.kind}: ${r.failure!.message}`.slice(0, 160), '', '', '']);
    }
    const wall = wallNowMs() - t0;
    for (const line of table(['scenario', 'result', 'virtual', 'events', 'wall'], rows, [2, 3, 4])) io.out(line);
    io.out('');
    io.out(
      `${allScenarios().length} scenarios, ${failed} failed, seed ${seed}: ${formatVirtual(virtual)} virtual in ${(wall / 1000).toFixed(2)}s wall (${(virtual / 1000 / Math.max(wall, 1)).toFixed(0)}× real time), ${events} events`,
    );
    if (failed > 0) io.out(`replay a failure with: ${replayCommand('<scenario>', seed, flagAll<string>(p, 'impl'))}`);
    return failed > 0 ? 1 : 0;
  },
};

export const runCommand: Command = {
  name: 'run',
  summary: 'run one scenario for one seed',
  usage: [
    'simlab run SCENARIO [--seed N] [--trace FILE|-] [--html FILE] [--check-determinism] [--verbose] [--impl ROLE=FILE]',
    '  --seed N              the seed (default 1); the same seed gives the same run, bit for bit',
    '  --trace FILE|-        write the trace, one line per event (virtual time, node, what happened)',
    '  --check-determinism   run twice and report the first trace event that differs',
    '  --verbose             print the scenario log',
    '  --impl ROLE=FILE      use your own node for ROLE (e.g. raft=./my-raft.ts); see the README',
    '  --html FILE           write an HTML report of the run (one self-contained file; open it in a browser)',
  ].join('\n'),
  async run(args, io) {
    const p = parseArgs(args, {
      seed: { kind: 'seed' },
      trace: { kind: 'string' },
      'check-determinism': { kind: 'boolean' },
      verbose: { kind: 'boolean' },
      impl: { kind: 'string', repeat: true },
      html: { kind: 'string' },
    });
    if (p.positional.length !== 1) throw new UsageError('run needs exactly one scenario name (see simlab list)');
    const name = p.positional[0]!;
    const s = findScenario(name);
    if (!s) throw new UsageError(`unknown scenario "${name}" (see simlab list)`);
    const seed = flag<number>(p, 'seed') ?? 1;
    const impl = await loadImpl(p);
    const base: RunOptions = { seed, ...(impl ? { impl } : {}) };
    if (flag<boolean>(p, 'check-determinism')) return checkDeterminism(s, base, io);
    const tracePath = flag<string>(p, 'trace');
    const records: TraceRecord[] = [];
    const verbose = flag<boolean>(p, 'verbose') === true;
    const htmlPath = flag<string>(p, 'html');
    const recording = htmlPath !== undefined ? startRecording() : undefined;
    const options: RunOptions = {
      ...base,
      ...(tracePath !== undefined ? { onRecord: (rec: TraceRecord) => records.push(rec) } : {}),
      ...(verbose ? { onLog: (line: string) => io.out(`  | ${line}`) } : {}),
    };
    const r = runTimed(s, withRecording(options, recording));
    if (tracePath !== undefined) {
      const lines = records.map(formatRecord);
      if (tracePath === '-') for (const l of lines) io.out(l);
      else writeFileSync(tracePath, lines.join('\n') + '\n');
    }
    if (!r.passed && !verbose && r.log.length > 0) {
      io.out('  last log lines:');
      for (const l of r.log.slice(-10)) io.out(`  | ${l}`);
    }
    io.out(resultLine(r, flagAll<string>(p, 'impl')));
    if (tracePath !== undefined && tracePath !== '-') io.out(`trace: ${records.length} events written to ${tracePath}`);
    if (recording !== undefined) {
      const replay = replayCommand(r.name, r.seed, flagAll<string>(p, 'impl'));
      io.out(`report: ${await writeReport(recording, htmlPath!, `${r.name} seed=${r.seed}`, r, replay)}`);
    }
    return r.passed ? 0 : 1;
  },
};

/**
 * Runs a scenario twice and compares per-event hashes; when they differ,
 * runs both again keeping records and prints the first differing event.
 */
export function checkDeterminism(s: Scenario, base: RunOptions, io: CliIO): number {
  const a = runScenario(s, { ...base, trace: { eventHashes: true } });
  const b = runScenario(s, { ...base, trace: { eventHashes: true } });
  const n = Math.min(a.world.trace.count, b.world.trace.count);
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (a.world.trace.hashAt(i) !== b.world.trace.hashAt(i)) {
      first = i;
      break;
    }
  }
  if (first < 0 && a.world.trace.count !== b.world.trace.count) first = n;
  if (first < 0 && a.traceHash === b.traceHash) {
    io.out(`deterministic: ${s.name} seed=${base.seed} ran twice with the same ${a.world.trace.count} events, trace ${a.traceHash}`);
    return a.passed ? 0 : 1;
  }
  const ra: TraceRecord[] = [];
  const rb: TraceRecord[] = [];
  runScenario(s, { ...base, onRecord: (r) => ra.push(r) });
  runScenario(s, { ...base, onRecord: (r) => rb.push(r) });
  io.out(`NOT deterministic: ${s.name} seed=${base.seed}: the runs first differ at trace event ${first}`);
  io.out(`  run 1: ${ra[first] ? formatRecord(ra[first]!) : '(no event: the run ended)'}`);
  io.out(`  run 2: ${rb[first] ? formatRecord(rb[first]!) : '(no event: the run ended)'}`);
  return 1;
}
