/**
 * The run-side commands (the main job `simlab` is all.ts):
 * `simlab list`, `simlab run <scenario> [--seed N] [--trace FILE|-]
 * [--check-determinism]`.
 */
import { writeFileSync } from 'node:fs';
import {
  allScenarios,
  findScenario,
  replayCommand,
  runScenario,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  unreached,
} from '../scenario.ts';
import { allProperties } from '../property.ts';
import { formatRecord, type TraceRecord } from '../trace.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import type { CliIO, Command } from './io.ts';
import { envDeterminism, envSeed } from './env.ts';
import { startRecording, withRecording, writeRunReport } from './html.ts';
import { loadImpl, reportUnusedRoles, roleMarks, rolesUsedSince } from './impl.ts';
import { noMatch, resolveTargets } from './names.ts';
import { loadUserFiles } from './user-files.ts';
import { wallNowMs } from './wallclock.ts';
import { table } from '../table.ts';

export { table };

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

/** The note a run prints for the sometimes labels it did not reach (they are not failures). */
function unreachedNote(name: string, sometimes: Readonly<Record<string, boolean>>): string[] {
  const missed = unreached(sometimes);
  if (missed.length === 0) return [];
  return [
    `note: not reached in this run: ${missed.map((l) => `"${l}"`).join(', ')}`,
    `  (a sometimes label is a coverage claim over many runs, not a failure; \`npx simlab sweep ${name} --seeds 1..100\` counts the runs that reach it)`,
  ];
}

/** "1 warning", "3 warnings", "0 warnings". */
export function countOf(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** A summary row's result: "pass", "pass (1 warning)", "FAIL". */

/** The scenario argument of a replay command: the user's files (when it is theirs) before the name. */
export function withFiles(files: readonly string[], name: string): string {
  return [...files, name].join(' ');
}

function resultLine(r: TimedResult, impl: readonly string[] = [], files: readonly string[] = []): string {
  const head = `${r.passed ? 'PASS' : 'FAIL'} ${r.name}  seed=${r.seed}  virtual ${formatVirtual(r.virtualUs)}  events ${r.events}  wall ${r.wallMs.toFixed(0)}ms  trace ${r.traceHash}`;
  if (r.passed) return head;
  return `${head}\n  ${r.failure!.kind}: ${r.failure!.message}\n  replay: ${replayCommand(withFiles(files, r.name), r.seed, impl)}`;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list the registered scenarios and properties',
  usage: 'simlab list [FILE.ts…] [PATTERN]   list scenarios and properties (all, those of your files, or those matching a pattern like "raft/3A/*")',
  async run(args, io) {
    const p = parseArgs(args, {});
    const user = await loadUserFiles(p.positional);
    if (user.rest.length > 1) throw new UsageError('list takes at most one pattern');
    const pattern = user.rest[0];
    const inFiles = (x: { name: string }) => user.files.length === 0 || user.defined.includes(x.name);
    const matched = pattern !== undefined ? resolveTargets(pattern) : [...allScenarios(), ...allProperties()];
    const scenarios = matched.filter((x): x is Scenario => !('arbitrary' in x) && inFiles(x));
    const properties = matched.filter((x) => 'arbitrary' in x && inFiles(x));
    if (scenarios.length + properties.length === 0) throw noMatch(pattern ?? '');
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

/** The one scenario `run` runs: a name (or Go test name), or the only scenario of the files given. */
function oneScenario(rest: readonly string[], defined: readonly string[]): Scenario {
  if (rest.length > 1) throw new UsageError(`run takes one scenario, got ${rest.length} (to run several: simlab ${rest.join(' ')})`);
  if (rest.length === 0) {
    const mine = defined.map((n) => findScenario(n)).filter((s): s is Scenario => s !== undefined);
    if (mine.length === 1) return mine[0]!;
    if (mine.length === 0) throw new UsageError('run needs exactly one scenario name (see simlab list)');
    throw new UsageError(`the files define ${mine.length} scenarios; name one: ${mine.map((s) => s.name).join(', ')}`);
  }
  const name = rest[0]!;
  const exact = findScenario(name);
  if (exact) return exact;
  const found = resolveTargets(name).filter((x): x is Scenario => !('arbitrary' in x));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw noMatch(name, 'scenario');
  throw new UsageError(`"${name}" matches ${found.length} scenarios; run them all with simlab ${name}, or name one: ${found.slice(0, 5).map((s) => s.name).join(', ')}`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run one scenario for one seed',
  usage: [
    'simlab run [FILE.ts…] SCENARIO [--seed N] [--trace FILE|-] [--history FILE] [--html FILE] [--check-determinism] [--verbose] [--impl ROLE=FILE]',
    '  SCENARIO              a name (raft/3B/backup), or a Go test name (TestBackup3B, backup)',
    '  FILE.ts               your own scenario file(s): their scenarios join the list (SCENARIO may then be left out)',
    '  --seed N              the seed (default: SIMLAB_SEED, else 1); the same seed gives the same run, bit for bit',
    '  --trace FILE|-        write the trace, one line per event (virtual time, node, what happened)',
    '  --history FILE        write the operations the scenario checked for linearizability (simlab check FILE --html shows them)',
    '  --check-determinism   run twice and report the first trace event that differs (or SIMLAB_CHECK_DETERMINISM=1)',
    '  --verbose             print the scenario log',
    '  --impl ROLE=FILE      use your own node for ROLE (e.g. raft=./my-raft.ts); see the README',
    '  --html FILE           write an HTML report of the run (one self-contained file; open it in a browser)',
  ].join('\n'),
  async run(args, io) {
    const p = parseArgs(args, {
      seed: { kind: 'seed' },
      trace: { kind: 'string' },
      history: { kind: 'string' },
      'check-determinism': { kind: 'boolean' },
      verbose: { kind: 'boolean' },
      impl: { kind: 'string', repeat: true },
      html: { kind: 'string' },
    });
    const user = await loadUserFiles(p.positional);
    const s = oneScenario(user.rest, user.defined);
    const seed = flag<number>(p, 'seed') ?? envSeed() ?? 1;
    const impl = await loadImpl(p);
    const base: RunOptions = { seed, ...(impl ? { impl } : {}) };
    const marks = roleMarks(flagAll<string>(p, 'impl'));
    if (flag<boolean>(p, 'check-determinism') === true || envDeterminism()) {
      return checkDeterminism(s, base, io, `${replayCommand(withFiles(user.files, s.name), seed, flagAll<string>(p, 'impl'))} --check-determinism`);
    }
    const tracePath = flag<string>(p, 'trace');
    const records: TraceRecord[] = [];
    const verbose = flag<boolean>(p, 'verbose') === true;
    const historyPath = flag<string>(p, 'history');
    let history: string | undefined;
    const htmlPath = flag<string>(p, 'html');
    const recording = htmlPath !== undefined ? startRecording() : undefined;
    const options: RunOptions = {
      ...base,
      ...(historyPath !== undefined ? { onHistory: (h: string) => (history = h) } : {}),
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
    for (const line of r.failureReport ?? []) io.out(`  ${line}`);
    if (!verbose) for (const w of r.warnings) io.out(`  warning: ${w}`);
    io.out(resultLine(r, flagAll<string>(p, 'impl'), user.files));
    for (const line of unreachedNote(s.name, r.sometimes)) io.out(line);
    reportUnusedRoles(flagAll<string>(p, 'impl'), rolesUsedSince(flagAll<string>(p, 'impl'), marks), io);
    if (tracePath !== undefined && tracePath !== '-') io.out(`trace: ${records.length} events written to ${tracePath}`);
    if (historyPath !== undefined) {
      if (history === undefined) {
        io.err(`${s.name} records no history (the kvsrv scenarios and kvraft's GenericTest ones do)`);
        return 2;
      }
      writeFileSync(historyPath, history);
      io.out(`history: ${history.split('\n').length - 2} operations written to ${historyPath} (view: simlab check ${historyPath} --html ${historyPath}.html)`);
    }
    if (recording !== undefined) {
      const replay = replayCommand(withFiles(user.files, r.name), r.seed, flagAll<string>(p, 'impl'));
      io.out(`report: ${writeRunReport(recording, htmlPath!, `${r.name} seed=${r.seed}`, r, replay)}`);
    }
    return r.passed ? 0 : 1;
  },
};

/**
 * Runs a scenario twice and compares per-event hashes; when they differ,
 * runs both again keeping records and prints the first differing event.
 */
export function checkDeterminism(s: Scenario, base: RunOptions, io: CliIO, replay?: string): number {
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
  if (replay !== undefined) io.out(`  replay: ${replay}`);
  return 1;
}
