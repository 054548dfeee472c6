/**
 * `simlab prop [NAME]`: lists the properties, or checks one the way
 * fc.assert would — N generated inputs from fast-check's seed, the first
 * failure shrunk — and then writes the failure's artifact and prints the one
 * command that replays it (see replay.ts).
 */
import { writeFileSync } from 'node:fs';
import { Coverage } from '../coverage.ts';
import { allProperties, checkPropertyAsync, failureSignature, propertyScenario, type CheckReport, type InputRun, type Property } from '../property.ts';
import type { RunOptions } from '../scenario.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import { envFcSeed, envRuns, randomFcSeed } from './env.ts';
import { loadImplSpecs, reportUnusedRoles, roleMarks, rolesUsedSince } from './impl.ts';
import type { CliIO, Command } from './io.ts';
import { loadUserFiles } from './user-files.ts';
import { DEFAULT_ARTIFACT_DIR, findPropertyOrFail, parseFcSeed, seedPathCommand, writeArtifact } from './replay.ts';
import { reportPathIn, startRecording, withRecording, writeRunReport } from './html.ts';
import { parseReporter, xml, type Reporter } from './report.ts';
import { formatVirtual, runTimed, table } from './run.ts';
import { wallNowMs } from './wallclock.ts';

export const DEFAULT_RUNS = 100;
export const DEFAULT_MAX_SHRINK_RUNS = 2000;

export const propUsage = [
  'simlab prop                    list the properties',
  'simlab prop [FILE.ts…] NAME [--runs N] [--seed S|random] [--max-shrinks N] [--artifact-dir DIR] [--impl ROLE=FILE] [--verbose]',
  '                 [--reporter json|junit --output FILE] [--html-dir DIR]',
  '  NAME                 a property, e.g. prop/raft/safety',
  '  FILE.ts              your own property file(s) (defineProperty from simlab); NAME may be left out if they define one',
  `  --runs N             generated inputs (fault schedules) to try (default: SIMLAB_RUNS, else ${DEFAULT_RUNS})`,
  "  --seed S|random      fast-check's seed; run k tests the k-th schedule drawn from it (default: SIMLAB_SEED,",
  '                       else a fresh random seed, printed on the first line so the run can be repeated)',
  `  --max-shrinks N      runs allowed for shrinking a failure (default ${DEFAULT_MAX_SHRINK_RUNS}); then the smallest failure so far is kept`,
  `  --artifact-dir DIR   where a failure's artifact goes (default ${DEFAULT_ARTIFACT_DIR}/)`,
  '  --impl ROLE=FILE     use your own node for ROLE (e.g. raft=./my-raft.ts)',
  '  --html-dir DIR       write an HTML report of the shrunk failure to DIR',
  '  --verbose            print every run: its swarm options and verdict',
  '  --reporter R --output FILE   also write the result as json (verdict, statistics, failure) or junit',
  'A failure is printed when found, with its replay command, then shrunk. Ctrl-C stops: before a failure it prints',
  'the statistics so far and exits 130; while shrinking it keeps the smallest failure so far (artifact written), exit 130.',
  'Prints statistics of what the runs exercised: outcomes, schedule lengths, the fault kinds that fired, and the',
  'sometimes labels reached (a label no run reached fails the check).',
  'exit 0 if every run passed, 1 on a failure (artifact written, replay command printed), 2 for bad arguments',
].join('\n');

interface ProgressState {
  runs: number;
  shrinkRuns: number;
  lastDrawMs: number;
  readonly startMs: number;
}

function drawProgress(s: ProgressState, total: number, io: CliIO, final = false): void {
  const now = wallNowMs();
  if (!final && now - s.lastDrawMs < (io.tty ? 100 : 5000)) return;
  s.lastDrawMs = now;
  const secs = Math.max((now - s.startMs) / 1000, 1e-3);
  const line =
    s.shrinkRuns > 0
      ? `failure found at run ${s.runs - s.shrinkRuns}; shrinking: ${s.shrinkRuns} attempts, ${secs.toFixed(1)}s`
      : `${s.runs}/${total} runs, ${(s.runs / secs).toFixed(0)} runs/s, ETA ${((total - s.runs) / Math.max(s.runs / secs, 1e-3)).toFixed(0)}s`;
  if (io.tty && io.write) io.write(`\r${line.padEnd(72)}${final ? '\n' : ''}`);
  else io.err(line);
}

function implFlags(specs: readonly string[]): string {
  return specs.map((s) => ` --impl ${s}`).join('');
}

function runLine<T>(p: Property<T>, n: number, run: InputRun<T>): string {
  const summary = p.describe(run.input).find((l) => l.startsWith('swarm:')) ?? '';
  return `  run ${n}: ${run.passed ? 'pass' : `FAIL (${run.failure!.kind})`}  ${p.sizeOf(run.input)} action(s)  ${summary}`;
}

/** The q-quantile of sorted numbers (the element at floor(q·n)). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * What a property's runs exercised (fast-check's statistics idea): how many
 * ended in each outcome, the distribution of input sizes, every counter the
 * runs kept (for Raft: the fault kinds that fired) with the outcomes of the
 * runs it fired in, and the sometimes labels reached. Shrinking runs are not
 * counted.
 */
class PropertyStats {
  private runs = 0;
  private readonly outcomes = new Map<string, number>();
  private readonly sizes: number[] = [];
  private readonly counters = new Map<string, { runs: number; total: number; passed: number }>();
  readonly coverage = new Coverage();

  constructor(private readonly name: string) {}

  add(size: number, run: InputRun<unknown>): void {
    this.runs++;
    const outcome = run.passed ? 'pass' : run.failure!.kind;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    this.sizes.push(size);
    for (const [label, n] of Object.entries(run.counts)) {
      const c = this.counters.get(label) ?? { runs: 0, total: 0, passed: 0 };
      c.runs++;
      c.total += n;
      if (run.passed) c.passed++;
      this.counters.set(label, c);
    }
    this.coverage.add(this.name, run.sometimes);
  }

  /** The statistics as data (prop --reporter json). */
  toJson() {
    const sorted = [...this.sizes].sort((a, b) => a - b);
    return {
      runs: this.runs,
      outcomes: Object.fromEntries(this.outcomes),
      actionsPerSchedule: sorted.length === 0 ? null : { min: sorted[0]!, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted.at(-1)!, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length },
      fired: Object.fromEntries(this.counters),
      sometimes: this.coverage.labels(this.name),
    };
  }

  lines(): string[] {
    if (this.runs === 0) return [];
    const sorted = [...this.sizes].sort((a, b) => a - b);
    const at = (q: number) => quantile(sorted, q);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const outcomes = [...this.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`);
    const lines = [
      `statistics of ${this.runs} run(s):`,
      `  outcomes: ${outcomes.join(', ')}`,
      `  fault actions per schedule: min ${sorted[0]}, median ${at(0.5)}, p90 ${at(0.9)}, max ${sorted.at(-1)} (mean ${mean.toFixed(1)})`,
    ];
    if (this.counters.size > 0) {
      const rows = [...this.counters]
        .sort((a, b) => b[1].runs - a[1].runs || a[0].localeCompare(b[0]))
        .map(([label, c]) => [label, String(c.runs), `${((100 * c.runs) / this.runs).toFixed(0)}%`, String(c.total), String(c.passed), String(c.runs - c.passed)]);
      for (const line of table(['fired', 'runs', 'of all', 'times', 'passed', 'failed'], rows, [1, 2, 3, 4, 5])) lines.push(`  ${line}`);
    }
    const coverage = this.coverage.format([this.name]);
    if (coverage.length > 0) lines.push('  sometimes coverage (runs that reached each label / runs that declared it):', ...coverage.map((l) => `  ${l}`));
    return lines;
  }
}

/** --reporter json|junit with --output FILE, or neither. */
function reportOutput(reporter: string | undefined, file: string | undefined): { reporter: Reporter; file: string } | undefined {
  if (reporter === undefined && file === undefined) return undefined;
  if (reporter === undefined || file === undefined) throw new UsageError('--reporter and --output go together');
  return { reporter: parseReporter(reporter), file };
}

/** The fast-check seed: --seed (a number or "random"), else SIMLAB_SEED, else a fresh one. */
function chooseSeed(raw: string | undefined): { seed: number; random: boolean } {
  const given = raw ?? envFcSeed();
  if (given === undefined || given === 'random') return { seed: randomFcSeed(), random: true };
  try {
    return { seed: parseFcSeed(given), random: false };
  } catch (e) {
    if (raw === undefined) throw new UsageError(`SIMLAB_SEED must be an integer or "random", got "${given}"`);
    throw e;
  }
}

export const propCommand: Command = {
  name: 'prop',
  summary: 'check a property over generated fault schedules (fast-check), shrink a failure, write its artifact',
  usage: propUsage,
  async run(args, io) {
    const parsed = parseArgs(args, {
      runs: { kind: 'int' },
      seed: { kind: 'string' },
      'max-shrinks': { kind: 'int' },
      'artifact-dir': { kind: 'string' },
      impl: { kind: 'string', repeat: true },
      verbose: { kind: 'boolean' },
      'html-dir': { kind: 'string' },
      reporter: { kind: 'string' },
      output: { kind: 'string' },
    });
    const user = await loadUserFiles(parsed.positional);
    const mine = user.defined.filter((n) => n.startsWith('prop/'));
    if (user.rest.length === 0 && mine.length !== 1) {
      const props = allProperties().filter((x) => user.files.length === 0 || mine.includes(x.name));
      const width = Math.max(...props.map((p) => p.name.length));
      for (const p of props) io.out(`${p.name.padEnd(width)}  ${p.description}`);
      return 0;
    }
    if (user.rest.length > 1) throw new UsageError('prop takes one property name');
    const p = findPropertyOrFail(user.rest[0] ?? mine[0]!);
    const runs = flag<number>(parsed, 'runs') ?? envRuns() ?? DEFAULT_RUNS;
    if (runs < 1) throw new UsageError('--runs must be at least 1');
    const { seed, random } = chooseSeed(flag<string>(parsed, 'seed'));
    const maxShrinkRuns = flag<number>(parsed, 'max-shrinks') ?? DEFAULT_MAX_SHRINK_RUNS;
    const dir = flag<string>(parsed, 'artifact-dir') ?? DEFAULT_ARTIFACT_DIR;
    const implSpecs = flagAll<string>(parsed, 'impl');
    const impl = await loadImplSpecs(implSpecs);
    const verbose = flag<boolean>(parsed, 'verbose') === true;
    const output = reportOutput(flag<string>(parsed, 'reporter'), flag<string>(parsed, 'output'));

    const marks = roleMarks(implSpecs);
    const state: ProgressState = { runs: 0, shrinkRuns: 0, lastDrawMs: 0, startMs: wallNowMs() };
    let virtualUs = 0;
    const stats = new PropertyStats(p.name);
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
    };
    process.once('SIGINT', onSigint);
    io.out(`${p.name}: fast-check seed ${seed}${random ? ` (drawn at random: --seed ${seed} runs these schedules again)` : ''}, ${runs} run(s), each one generated schedule`);
    const between = () => new Promise<void>((resolve) => setImmediate(resolve)); // lets a Ctrl-C in between runs
    const report = await checkPropertyAsync(p, { seed, numRuns: runs, maxShrinkRuns, stop: () => interrupted }, between, impl ? { impl } : {}, {
      onRun(n, shrinking, run) {
        state.runs = n;
        if (shrinking) state.shrinkRuns++;
        else stats.add(p.sizeOf(run.input), run);
        virtualUs += run.virtualUs;
        if (verbose && !shrinking) io.out(runLine(p, n, run));
        else if (!shrinking && !run.passed) {
          if (io.tty && io.write) io.write('\r\x1b[K');
          io.out(`FAIL at run ${n}: ${run.failure!.kind}: ${run.failure!.message.slice(0, 200)}`);
          io.out(`    replay: ${seedPathCommand(p.name, seed, String(n - 1), user.files)}${implFlags(implSpecs)}   (shrinking it now; Ctrl-C keeps the smallest failure so far)`);
        } else drawProgress(state, runs, io);
      },
    }).finally(() => process.removeListener('SIGINT', onSigint));
    if (!verbose) drawProgress(state, runs, io, true);
    reportUnusedRoles(implSpecs, rolesUsedSince(implSpecs, marks), io);
    const wallS = (wallNowMs() - state.startMs) / 1000;
    for (const line of stats.lines()) io.out(line);
    const never = stats.coverage.neverReached().map((n) => n.label);
    let failure: PropReport['failure'];
    if (!report.failed && report.interrupted) {
      io.out(`INTERRUPTED ${p.name}: ${report.runsToFailure} of ${runs} runs passed before Ctrl-C (fast-check seed ${seed}), ${formatVirtual(virtualUs)} virtual in ${wallS.toFixed(2)}s wall`);
    } else if (!report.failed) {
      io.out(`${never.length === 0 ? 'PASS' : 'FAIL'} ${p.name}: ${report.runsToFailure} runs passed (fast-check seed ${seed}), ${formatVirtual(virtualUs)} virtual in ${wallS.toFixed(2)}s wall`);
      for (const label of never) io.out(`  but no run reached the sometimes label "${label}"`);
    } else {
      failure = reportFailure(p, report, { seed, runs, dir, implSpecs, files: user.files, wallS }, io);
    }
    if (output) {
      const verdict = report.interrupted ? 'interrupted' : failure || never.length > 0 ? 'fail' : 'pass';
      const result: PropReport = { format: PROP_REPORT_FORMAT, property: p.name, seed, runs, runsDone: report.runsToFailure, verdict, wallMs: wallS * 1000, statistics: stats.toJson(), neverReached: never, ...(failure ? { failure } : {}) };
      writeFileSync(output.file, output.reporter === 'json' ? JSON.stringify(result, null, 1) + '\n' : propJunit(result));
      io.out(`${output.reporter} report: ${output.file}`);
    }
    const htmlDir = flag<string>(parsed, 'html-dir');
    if (report.failed && htmlDir !== undefined) {
      const file = reportPathIn(htmlDir, p.name, `${seed}-${report.counterexample!.traceHash}`);
      const replay = `${seedPathCommand(p.name, seed, report.path!, user.files)}${implFlags(implSpecs)}`;
      io.out(`report: ${writeShrunkReport(p, report.counterexample!, impl, file, replay)}`);
    }
    if (report.interrupted) return 130;
    return failure || never.length > 0 ? 1 : 0;
  },
};

/** Runs the shrunk failure again with a recording and writes its report to `file`; returns the path. */
function writeShrunkReport<T>(p: Property<T>, shrunk: InputRun<T>, impl: Record<string, unknown> | undefined, file: string, replay: string): string {
  const recording = startRecording();
  const options: RunOptions = { seed: p.seedOf(shrunk.input), ...(impl ? { impl } : {}) };
  const run = runTimed(propertyScenario(p, shrunk.input), withRecording(options, recording));
  return writeRunReport(recording, file, `${p.name} (shrunk failure)`, run, replay);
}

const PROP_REPORT_FORMAT = 'simlab-prop/1';

/** What `prop --reporter json` writes. */
interface PropReport {
  readonly format: typeof PROP_REPORT_FORMAT;
  readonly property: string;
  readonly seed: number;
  /** Runs asked for, and runs made before a failure (or all of them). */
  readonly runs: number;
  readonly runsDone: number;
  readonly verdict: 'pass' | 'fail' | 'interrupted';
  readonly wallMs: number;
  readonly statistics: ReturnType<PropertyStats['toJson']>;
  /** Sometimes labels no run reached. */
  readonly neverReached: readonly string[];
  readonly failure?: { readonly kind: string; readonly message: string; readonly path: string; readonly actions: number; readonly artifact: string; readonly replay: string };
}

/** JUnit XML of one prop run: one testcase for the check, one per sometimes label. */
function propJunit(r: PropReport): string {
  const name = `fast-check seed ${r.seed}, ${r.runs} runs`;
  const check =
    r.failure !== undefined
      ? `    <testcase classname="${xml(r.property)}" name="${xml(name)}" time="${(r.wallMs / 1000).toFixed(3)}">\n      <failure type="${xml(r.failure.kind)}" message="${xml(r.failure.message.slice(0, 500))}">${xml(`${r.failure.message}\nreplay: ${r.failure.replay}`)}</failure>\n    </testcase>`
      : `    <testcase classname="${xml(r.property)}" name="${xml(name)}" time="${(r.wallMs / 1000).toFixed(3)}"${r.verdict === 'interrupted' ? '>\n      <skipped message="interrupted by Ctrl-C"/>\n    </testcase>' : '/>'}`;
  const labels = r.statistics.sometimes.map((l) =>
    l.reached > 0
      ? `    <testcase classname="${xml(r.property)}" name="sometimes: ${xml(l.label)}" time="0"/>`
      : `    <testcase classname="${xml(r.property)}" name="sometimes: ${xml(l.label)}" time="0">\n      <failure type="coverage" message="reached by none of ${l.declared} runs"/>\n    </testcase>`,
  );
  const failures = (r.failure ? 1 : 0) + r.neverReached.length;
  const skipped = r.verdict === 'interrupted' && !r.failure ? 1 : 0;
  const tests = 1 + labels.length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="simlab prop" tests="${tests}" failures="${failures}" errors="0" time="${(r.wallMs / 1000).toFixed(3)}">\n` +
    `  <testsuite name="${xml(r.property)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${(r.wallMs / 1000).toFixed(3)}">\n` +
    `${[check, ...labels].join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}

function reportFailure<T>(
  p: Property<T>,
  report: CheckReport<T>,
  o: { seed: number; runs: number; dir: string; implSpecs: readonly string[]; files: readonly string[]; wallS: number },
  io: CliIO,
): NonNullable<PropReport['failure']> {
  const first = report.original!;
  const shrunk = report.counterexample!;
  const path = report.path!;
  io.out(
    `FAIL ${p.name}: run ${report.runsToFailure} of ${o.runs} failed (fast-check seed ${o.seed}); shrunk from ${p.sizeOf(first.input)} to ${p.sizeOf(shrunk.input)} fault action(s) ` +
      `in ${report.shrinkRuns} runs${report.shrinkLimited ? ' (shrink budget used up)' : ''}${report.interrupted ? ' (shrinking stopped by Ctrl-C)' : ''}, ${o.wallS.toFixed(1)}s wall`,
  );
  io.out(`  the first failing run (${p.sizeOf(first.input)} fault actions): ${first.failure!.kind}: ${first.failure!.message.slice(0, 200)}`);
  for (const line of p.describe(first.input).slice(0, 2)) io.out(`    ${line}`);
  const others = report.shrinkOtherFailures > 0 ? `; ${report.shrinkOtherFailures} smaller schedule(s) failed otherwise and were not taken` : '';
  io.out(`  shrunk (keeping ${failureSignature(first.failure!)}${others}):`);
  for (const line of p.describe(shrunk.input)) io.out(`    ${line}`);
  io.out(`  ${shrunk.failure!.kind}: ${shrunk.failure!.message}`);
  io.out(`  virtual ${formatVirtual(shrunk.virtualUs)}, events ${shrunk.events}, trace ${shrunk.traceHash}`);
  const { file, artifact } = writeArtifact(o.dir, p, { seed: o.seed, path, numRuns: o.runs, runsToFailure: report.runsToFailure }, o.implSpecs, shrunk, o.files, first);
  io.out(`artifact: ${file}`);
  io.out(`replay: ${artifact.replay}`);
  io.out(`    or: ${seedPathCommand(p.name, o.seed, path, o.files)}${implFlags(o.implSpecs)}`);
  return { kind: shrunk.failure!.kind, message: shrunk.failure!.message, path, actions: p.sizeOf(shrunk.input), artifact: file, replay: artifact.replay };
}
