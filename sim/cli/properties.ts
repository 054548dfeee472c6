/**
 * `simlab prop [NAME]`: lists the properties, or checks one the way
 * fc.assert would — N generated inputs from fast-check's seed, the first
 * failure shrunk — and then writes the failure's artifact and prints the one
 * command that replays it (see replay.ts).
 */
import { allProperties, checkProperty, propertyScenario, type CheckReport, type InputRun, type Property } from '../property.ts';
import type { RunOptions } from '../scenario.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import { loadImplSpecs } from './impl.ts';
import type { CliIO, Command } from './io.ts';
import { DEFAULT_ARTIFACT_DIR, findPropertyOrFail, parseFcSeed, seedPathCommand, writeArtifact } from './replay.ts';
import { formatVirtual, runTimed } from './run.ts';
import { reportPathIn, startRecording, withRecording, writeReport } from './html.ts';
import { wallNowMs } from './wallclock.ts';

export const DEFAULT_RUNS = 100;
export const DEFAULT_MAX_SHRINK_RUNS = 2000;

export const propUsage = [
  'simlab prop                    list the properties',
  'simlab prop NAME [--runs N] [--seed S] [--max-shrinks N] [--artifact-dir DIR] [--impl ROLE=FILE] [--html-dir DIR] [--verbose]',
  '  NAME                 a property, e.g. prop/raft/safety',
  `  --runs N             generated inputs (fault schedules) to try (default ${DEFAULT_RUNS})`,
  "  --seed S             fast-check's seed (default 1); run k tests the k-th schedule drawn from it",
  `  --max-shrinks N      runs allowed for shrinking a failure (default ${DEFAULT_MAX_SHRINK_RUNS}); then the smallest failure so far is kept`,
  `  --artifact-dir DIR   where a failure's artifact goes (default ${DEFAULT_ARTIFACT_DIR}/)`,
  '  --impl ROLE=FILE     use your own node for ROLE (e.g. raft=./my-raft.ts)',
  '  --html-dir DIR       write an HTML report of the shrunk failure to DIR',
  '  --verbose            print every run: its swarm options and verdict',
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

function runLine<T>(p: Property<T>, n: number, run: InputRun<T>): string {
  const summary = p.describe(run.input).find((l) => l.startsWith('swarm:')) ?? '';
  return `  run ${n}: ${run.passed ? 'pass' : `FAIL (${run.failure!.kind})`}  ${p.sizeOf(run.input)} action(s)  ${summary}`;
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
    });
    if (parsed.positional.length === 0) {
      const props = allProperties();
      const width = Math.max(...props.map((p) => p.name.length));
      for (const p of props) io.out(`${p.name.padEnd(width)}  ${p.description}`);
      return 0;
    }
    if (parsed.positional.length > 1) throw new UsageError('prop takes one property name');
    const p = findPropertyOrFail(parsed.positional[0]!);
    const runs = flag<number>(parsed, 'runs') ?? DEFAULT_RUNS;
    if (runs < 1) throw new UsageError('--runs must be at least 1');
    const seedRaw = flag<string>(parsed, 'seed');
    const seed = seedRaw === undefined ? 1 : parseFcSeed(seedRaw);
    const maxShrinkRuns = flag<number>(parsed, 'max-shrinks') ?? DEFAULT_MAX_SHRINK_RUNS;
    const dir = flag<string>(parsed, 'artifact-dir') ?? DEFAULT_ARTIFACT_DIR;
    const implSpecs = flagAll<string>(parsed, 'impl');
    const impl = await loadImplSpecs(implSpecs);
    const verbose = flag<boolean>(parsed, 'verbose') === true;

    io.err(`${p.name}: fast-check seed ${seed}, ${runs} run(s), each one generated schedule (its swarm options are printed with a failure)`);
    const state: ProgressState = { runs: 0, shrinkRuns: 0, lastDrawMs: 0, startMs: wallNowMs() };
    let virtualUs = 0;
    const report = checkProperty(p, { seed, numRuns: runs, maxShrinkRuns }, impl ? { impl } : {}, {
      onRun(n, shrinking, run) {
        state.runs = n;
        if (shrinking) state.shrinkRuns++;
        virtualUs += run.virtualUs;
        if (verbose && !shrinking) io.out(runLine(p, n, run));
        else drawProgress(state, runs, io);
      },
    });
    if (!verbose) drawProgress(state, runs, io, true);
    const wallS = (wallNowMs() - state.startMs) / 1000;
    if (!report.failed) {
      io.out(`PASS ${p.name}: ${report.runsToFailure} runs passed (fast-check seed ${seed}), ${formatVirtual(virtualUs)} virtual in ${wallS.toFixed(2)}s wall`);
      return 0;
    }
    const code = reportFailure(p, report, { seed, runs, dir, implSpecs, wallS }, io);
    const htmlDir = flag<string>(parsed, 'html-dir');
    if (htmlDir !== undefined) io.out(`report: ${await writeShrunkReport(p, report.counterexample!, impl, reportPathIn(htmlDir, p.name, `${seed}-${report.counterexample!.traceHash}`), `npx simlab replay --seed ${seed} --path ${report.path} ${p.name}${implSpecs.map((s) => ` --impl ${s}`).join('')}`)}`);
    return code;
  },
};

/** Runs the shrunk failure again with a recording and writes its report to `file`; returns the path. */
async function writeShrunkReport<T>(p: Property<T>, shrunk: InputRun<T>, impl: Record<string, unknown> | undefined, file: string, replay: string): Promise<string> {
  const recording = startRecording();
  const options: RunOptions = { seed: p.seedOf(shrunk.input), ...(impl ? { impl } : {}) };
  const run = runTimed(propertyScenario(p, shrunk.input), withRecording(options, recording));
  return writeReport(recording, file, `${p.name} (shrunk failure)`, run, replay);
}

function reportFailure<T>(
  p: Property<T>,
  report: CheckReport<T>,
  o: { seed: number; runs: number; dir: string; implSpecs: readonly string[]; wallS: number },
  io: CliIO,
): number {
  const first = report.original!;
  const shrunk = report.counterexample!;
  const path = report.path!;
  io.out(
    `FAIL ${p.name}: run ${report.runsToFailure} of ${o.runs} failed (fast-check seed ${o.seed}); shrunk from ${p.sizeOf(first.input)} to ${p.sizeOf(shrunk.input)} fault action(s) ` +
      `in ${report.shrinkRuns} runs${report.shrinkLimited ? ' (shrink budget used up)' : ''}, ${o.wallS.toFixed(1)}s wall`,
  );
  io.out(`  the first failing run (${p.sizeOf(first.input)} fault actions): ${first.failure!.kind}: ${first.failure!.message.slice(0, 200)}`);
  for (const line of p.describe(first.input).slice(0, 2)) io.out(`    ${line}`);
  io.out('  shrunk:');
  for (const line of p.describe(shrunk.input)) io.out(`    ${line}`);
  io.out(`  ${shrunk.failure!.kind}: ${shrunk.failure!.message}`);
  io.out(`  virtual ${formatVirtual(shrunk.virtualUs)}, events ${shrunk.events}, trace ${shrunk.traceHash}`);
  const { file, artifact } = writeArtifact(o.dir, p, { seed: o.seed, path, numRuns: o.runs, runsToFailure: report.runsToFailure }, o.implSpecs, shrunk);
  io.out(`artifact: ${file}`);
  io.out(`replay: ${artifact.replay}`);
  io.out(`    or: ${seedPathCommand(p.name, o.seed, path)}${o.implSpecs.length > 0 ? o.implSpecs.map((s) => ` --impl ${s}`).join('') : ''}`);
  return 1;
}
