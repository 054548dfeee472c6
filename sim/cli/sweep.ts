/**
 * `simlab sweep PATTERN… --seeds A..B`: every matching scenario or property
 * over a seed range, in parallel on worker threads, with a progress line,
 * each failure with the command that replays it as it is found, and a
 * summary (report.ts): per name runs, failures, first failing seed, wall,
 * virtual, events; the sometimes coverage; the failures again.
 *
 * For a property (prop/…), seed S is one generated input: the schedule
 * fast-check draws first from seed S (fc.check with seed S, run 0, so a
 * failure replays with `simlab replay --seed S --path 0 NAME`, and
 * `simlab prop NAME --seed S --runs 1` shrinks it). Sweeps do not shrink.
 *
 * The work list is (name, seed) in a fixed order; `--shard i/n` keeps every
 * n-th item starting at i, so a CI matrix or several machines split one
 * range deterministically, and writes the shard's result file for `simlab
 * merge` (report.ts). Results do not depend on the number of workers: each
 * run is a pure function of (scenario or property, seed, implementation).
 *
 * Workers send each result as its run ends, so a failure is printed the
 * moment it is found; Ctrl-C (SIGINT) and --bail abort the sweep: workers are
 * terminated, and the summary covers the runs that ended.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker, parentPort, type MessagePort } from 'node:worker_threads';
import { findProperty, inputAt, propertyScenario, type Property } from '../property.ts';
import { findScenario, replayCommand, runScenario, type RunOptions, type Scenario } from '../scenario.ts';
import { allowNondeterminism, nondeterminismAllowed } from '../step-guard.ts';
import { flag, flagAll, parseArgs, parseSeeds, UsageError } from './args.ts';
import { loadImplSpecs, reportUnusedRoles, roleMarks, rolesUsedSince } from './impl.ts';
import type { CliIO, Command } from './io.ts';
import { reportPathIn, startRecording, withRecording, writeRunReport } from './html.ts';
import { seedPathCommand } from './replay.ts';
import { envDeterminism, envRuns, envSeed, envWorkers } from './env.ts';
import { exitCodeOf, failureLines, parseReporter, printSummary, REPORT_FORMAT, writeReport, type Reporter, type RunSummary, type SweepReport } from './report.ts';
import { checkDeterminism, runTimed, withFiles } from './run.ts';
import { noMatch, resolveTargets as targetsNamed } from './names.ts';
import { loadUserFiles } from './user-files.ts';
import { wallNowMs } from './wallclock.ts';

export interface WorkItem {
  readonly name: string;
  readonly seed: number;
  /** A property: the seed is fast-check's, one generated input. */
  readonly property?: true;
}

/** What a sweep covers: scenarios and properties, each with a name. */
type Target = Scenario | Property;

function isProperty(t: Target): t is Property {
  return 'arbitrary' in t;
}

/** What the sweep command sends a worker thread. */
type ToWorker = { type: 'init'; impl: string[]; files: string[]; determinism: boolean; allowNondeterminism: boolean } | { type: 'run'; items: WorkItem[] } | { type: 'stop' };
type FromWorker = { type: 'ready' } | { type: 'result'; result: RunSummary } | { type: 'batch-done'; rolesUsed: string[] } | { type: 'error'; message: string };

/** Parses "i/n" with 1 ≤ i ≤ n. */
export function parseShard(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${raw}"`);
  }
  return { index, count };
}

/** The (name, seed) list of a sweep, sharded. */
export function workList(targets: readonly Target[], seeds: readonly number[], shard?: { index: number; count: number }): WorkItem[] {
  const items: WorkItem[] = [];
  let k = 0;
  for (const t of targets) {
    for (const seed of seeds) {
      if (!shard || k % shard.count === shard.index - 1) items.push(isProperty(t) ? { name: t.name, seed, property: true } : { name: t.name, seed });
      k++;
    }
  }
  return items;
}

export function summarize(name: string, seed: number, run: ReturnType<typeof runTimed>): RunSummary {
  return {
    name,
    seed,
    passed: run.passed,
    ...(run.failure ? { kind: run.failure.kind, message: run.failure.message } : {}),
    virtualUs: run.virtualUs,
    events: run.events,
    wallMs: run.wallMs,
    traceHash: run.traceHash,
    ...(run.warnings.length > 0 ? { warnings: run.warnings.length } : {}),
    ...(Object.keys(run.sometimes).length > 0 ? { sometimes: run.sometimes } : {}),
  };
}

/** The user's files the sweep loaded (scenario and property files), named in replay commands. */
let userFiles: readonly string[] = [];

/** The scenario and options of one work item (for a property: the first schedule fast-check draws from the seed). */
function itemScenario(item: WorkItem, impl: Record<string, unknown> | undefined): { s: Scenario; options: RunOptions; property?: Property; input?: unknown } {
  if (item.property) {
    const p = findProperty(item.name);
    if (!p) throw new Error(`unknown property ${item.name}`);
    const input = inputAt(p, item.seed, '0');
    return { s: propertyScenario(p, input), options: { seed: p.seedOf(input), ...(impl ? { impl } : {}) }, property: p, input };
  }
  const found = findScenario(item.name);
  if (!found) throw new Error(`unknown scenario ${item.name}`);
  return { s: found, options: { seed: item.seed, ...(impl ? { impl } : {}) } };
}

/** Runs one item in this thread (with --check-determinism: twice, failing on a difference). */
function runItem(item: WorkItem, impl: Record<string, unknown> | undefined, determinism: boolean): RunSummary {
  const { s, options, property: p, input } = itemScenario(item, impl);
  let r = summarize(item.name, item.seed, runTimed(s, options));
  if (p && !r.passed) {
    r = {
      ...r,
      replay: seedPathCommand(item.name, item.seed, '0', userFiles),
      shrink: `npx simlab prop ${withFiles(userFiles, item.name)} --seed ${item.seed} --runs 1`,
      detail: `${p.sizeOf(input)} fault actions; ${p.describe(input).slice(0, 2).join('; ')}`,
    };
  } else if (!r.passed && userFiles.length > 0) r = { ...r, replay: replayCommand(withFiles(userFiles, item.name), item.seed) };
  if (!determinism) return r;
  // The same run again: any difference from the first is a failure; checkDeterminism then names the first differing event.
  const again = runScenario(s, options);
  if (again.traceHash === r.traceHash) return r;
  const lines: string[] = [];
  checkDeterminism(s, options, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const detail = lines[0]?.startsWith('NOT deterministic') ? lines.slice(0, 3).join(' | ') : `NOT deterministic: ${item.name} seed=${item.seed}`;
  const replay = item.property ? seedPathCommand(item.name, item.seed, '0', userFiles) : replayCommand(withFiles(userFiles, item.name), item.seed);
  return { ...r, passed: false, kind: 'nondeterminism', message: `${detail} (trace ${r.traceHash}, then ${again.traceHash})`, replay: `${replay} --check-determinism` };
}

/** The worker-thread side: started by bin/main.ts when it is not the main thread. */
export function sweepWorkerMain(port: MessagePort = parentPort!): void {
  let impl: Record<string, unknown> | undefined;
  let determinism = false;
  let implSpecs: readonly string[] = [];
  let marks: number[] = [];
  port.on('message', (msg: ToWorker) => {
    void (async () => {
      try {
        if (msg.type === 'init') {
          impl = await loadImplSpecs(msg.impl);
          implSpecs = msg.impl;
          marks = roleMarks(msg.impl);
          userFiles = (await loadUserFiles(msg.files)).files;
          determinism = msg.determinism;
          allowNondeterminism(msg.allowNondeterminism);
          port.postMessage({ type: 'ready' } satisfies FromWorker);
        } else if (msg.type === 'run') {
          for (const item of msg.items) port.postMessage({ type: 'result', result: runItem(item, impl, determinism) } satisfies FromWorker);
          port.postMessage({ type: 'batch-done', rolesUsed: rolesUsedSince(implSpecs, marks) } satisfies FromWorker);
        } else {
          port.close();
        }
      } catch (e) {
        port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
      }
    })();
  });
}

/** The bundle that contains this code (dist/simlab.mjs), which workers start from. */
let workerEntry: URL | undefined;
export function setWorkerEntry(url: URL): void {
  workerEntry = url;
}

interface Progress {
  done: number;
  failed: number;
  readonly total: number;
  readonly startMs: number;
  lastDrawMs: number;
}

function drawProgress(p: Progress, io: CliIO, final = false): void {
  const now = wallNowMs();
  if (!final && now - p.lastDrawMs < (io.tty ? 100 : 5000)) return;
  p.lastDrawMs = now;
  const secs = (now - p.startMs) / 1000;
  const rate = p.done / Math.max(secs, 1e-3);
  const eta = rate > 0 ? (p.total - p.done) / rate : 0;
  const width = 24;
  const filled = Math.round((p.done / Math.max(p.total, 1)) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const line = `[${bar}] ${p.done}/${p.total} runs, ${p.failed} failed, ${rate.toFixed(1)} runs/s, ETA ${eta.toFixed(0)}s`;
  if (io.tty && io.write) io.write(`\r${line}${final ? '\n' : ''}`);
  else io.err(line);
}

/**
 * The order items are handed to workers: seed by seed across all scenarios,
 * so every batch mixes cheap and costly scenarios and the slow ones do not
 * all arrive at the end. (Sharding uses the work list's own order.)
 */
export function dispatchOrder(items: readonly WorkItem[]): WorkItem[] {
  const rank = new Map<string, number>();
  const nth: number[] = [];
  for (const item of items) {
    const r = rank.get(item.name) ?? 0;
    rank.set(item.name, r + 1);
    nth.push(r);
  }
  return items.map((item, i) => ({ item, k: nth[i]!, i })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.item);
}

/**
 * Runs the items on `workers` worker threads, calling `onResult` as each run
 * ends. When `signal` aborts (an interrupt, --bail) every worker is
 * terminated at once and results still in flight are dropped.
 */
async function runParallel(
  all: WorkItem[],
  workers: number,
  impl: string[],
  files: string[],
  determinism: boolean,
  onResult: (r: RunSummary) => void,
  signal: AbortSignal,
  rolesUsed: Set<string>,
): Promise<void> {
  if (!workerEntry) throw new Error('sweep: no worker entry (run through bin/simlab.mjs)');
  const items = dispatchOrder(all);
  // Guided self-scheduling: big batches while much is left, single items at the end, so no worker idles long while another finishes a batch.
  const chunkFor = (left: number) => Math.max(1, Math.min(8, Math.floor(left / (workers * 4))));
  // At the end, the costliest remaining run goes first (by the mean wall time of its scenario so far; an unseen
  // one counts as costliest), so the sweep does not end on one worker running a long scenario alone.
  const cost = new Map<string, { total: number; runs: number }>();
  const expected = (item: WorkItem) => {
    const c = cost.get(item.name);
    return c === undefined ? Infinity : c.total / c.runs;
  };
  const costliestFirst = () => {
    if (items.length - next > workers * 8) return;
    let best = next;
    for (let i = next + 1; i < items.length; i++) if (expected(items[i]!) > expected(items[best]!)) best = i;
    [items[next], items[best]] = [items[best]!, items[next]!];
  };
  let next = 0;
  const pool: Worker[] = [];
  const haltAll = () => {
    for (const w of pool) void w.terminate();
  };
  signal.addEventListener('abort', haltAll, { once: true });
  try {
    await Promise.all(
      Array.from({ length: workers }, () => {
        return new Promise<void>((resolve, reject) => {
          const w = new Worker(workerEntry!, { workerData: { role: 'sweep-worker' } });
          pool.push(w);
          w.on('exit', () => resolve());
          const feed = () => {
            if (signal.aborted || next >= items.length) {
              w.postMessage({ type: 'stop' } satisfies ToWorker);
              void w.terminate();
              return;
            }
            costliestFirst();
            const batch = items.slice(next, next + chunkFor(items.length - next));
            next += batch.length;
            w.postMessage({ type: 'run', items: batch } satisfies ToWorker);
          };
          w.on('message', (msg: FromWorker) => {
            if (signal.aborted) return;
            if (msg.type === 'batch-done') for (const role of msg.rolesUsed) rolesUsed.add(role);
            if (msg.type === 'ready' || msg.type === 'batch-done') feed();
            else if (msg.type === 'result') {
              const c = cost.get(msg.result.name) ?? { total: 0, runs: 0 };
              c.total += msg.result.wallMs;
              c.runs++;
              cost.set(msg.result.name, c);
              onResult(msg.result);
            } else {
              haltAll();
              reject(new UsageError(msg.message));
            }
          });
          w.on('error', (e) => {
            haltAll();
            reject(e);
          });
          w.postMessage({ type: 'init', impl, files, determinism, allowNondeterminism: nondeterminismAllowed() } satisfies ToWorker);
        });
      }),
    );
  } finally {
    signal.removeEventListener('abort', haltAll);
  }
}

/** Whether runs can go to worker threads: the CLI bundle named its own entry (in-process callers run in their thread). */
export function workersAvailable(): boolean {
  return workerEntry !== undefined;
}

/** Runs the items on worker threads; the results in the items' order, and the --impl roles their runs used. */
export async function runOnWorkers(
  items: readonly WorkItem[],
  workers: number,
  implSpecs: readonly string[],
  files: readonly string[],
): Promise<{ results: RunSummary[]; rolesUsed: string[] }> {
  const byItem = new Map<string, RunSummary>();
  const rolesUsed = new Set<string>();
  const key = (name: string, seed: number) => `${name}\0${seed}`;
  const onResult = (r: RunSummary) => void byItem.set(key(r.name, r.seed), r);
  await runParallel([...items], workers, [...implSpecs], files.map((f) => resolve(f)), false, onResult, new AbortController().signal, rolesUsed);
  return { results: items.map((i) => byItem.get(key(i.name, i.seed))!), rolesUsed: [...rolesUsed] };
}

const sweepUsage = [
  'simlab sweep [FILE.ts…] PATTERN… [--seeds A..B] [--workers N] [--shard i/n] [--bail [N]] [--reporter json|junit --output FILE]',
  '                      [--check-determinism] [--impl ROLE=FILE] [--html-dir DIR]',
  "  PATTERN             scenario or property names or patterns: 'raft/3A/*', 'raft/**', raft/3B, prop/raft/safety, TestBackup3B",
  '  FILE.ts             your own scenario or property file(s): without a PATTERN, everything they define',
  '                      (for a property, seed S is the first schedule fast-check draws from seed S)',
  '  --seeds A..B        the seeds (also 7 or 1,5,9); default 1..10, or SIMLAB_RUNS seeds from SIMLAB_SEED',
  '  --workers N         worker threads (default: SIMLAB_WORKERS, else one per core; 1 runs in this thread)',
  '  --shard i/n         run only every n-th item starting at the i-th, and write the result file that',
  '                      simlab merge combines (--output FILE, default simlab-shard-i-of-n.json)',
  '  --bail [N]          stop after N failures (default 1)',
  '  --reporter R        also write the results as json (what merge reads) or junit (CI test reports) to --output FILE',
  '  --check-determinism run each seed twice and fail on any trace difference (or SIMLAB_CHECK_DETERMINISM=1)',
  '  --impl ROLE=FILE    use your own node for ROLE (e.g. raft=./my-raft.ts)',
  '  --html-dir DIR      write an HTML report of every failure to DIR (run again in this thread: same seed, same run)',
  'Each failure is printed when it happens, with its replay command. Ctrl-C stops the sweep, prints the summary',
  'so far with every failure, and exits 130. Exit 1 when a run failed or a sometimes label was reached by no run.',
].join('\n');

/** Which targets the patterns name, each once, in the order given. */
function resolveTargets(patterns: readonly string[]): Target[] {
  const targets: Target[] = [];
  for (const pattern of patterns) {
    const found = targetsNamed(pattern);
    if (found.length === 0) throw noMatch(pattern);
    for (const t of found) if (!targets.includes(t)) targets.push(t);
  }
  return targets;
}

/** --seeds, else SIMLAB_RUNS seeds from SIMLAB_SEED, else 1..10; with the text the report keeps. */
function sweepSeeds(raw: string | undefined): { seeds: number[]; text: string } {
  if (raw !== undefined) return { seeds: parseSeeds(raw), text: raw };
  const first = envSeed() ?? 1;
  const count = envRuns() ?? 10;
  return { seeds: Array.from({ length: count }, (_, i) => first + i), text: `${first}..${first + count - 1}` };
}

interface OutputChoice {
  readonly reporter: Reporter;
  readonly file: string;
}

function outputChoice(p: ReturnType<typeof parseArgs>, shard: { index: number; count: number } | undefined): OutputChoice | undefined {
  const reporterRaw = flag<string>(p, 'reporter');
  const file = flag<string>(p, 'output');
  const reporter = reporterRaw === undefined ? undefined : parseReporter(reporterRaw);
  if (shard) {
    if (reporter === 'junit') throw new UsageError('--shard writes the json result file that simlab merge reads; make the JUnit report with simlab merge --reporter junit');
    return { reporter: 'json', file: file ?? `simlab-shard-${shard.index}-of-${shard.count}.json` };
  }
  if (reporter === undefined && file !== undefined) throw new UsageError('--output needs --reporter json or --reporter junit');
  if (reporter !== undefined && file === undefined) throw new UsageError(`--reporter ${reporter} needs --output FILE`);
  return reporter ? { reporter, file: file! } : undefined;
}

/** Stops the sweep on SIGINT (once; a second Ctrl-C is Node's default: exit at once). */
function onInterrupt(abort: (reason: 'interrupted') => void): () => void {
  const handler = () => abort('interrupted');
  process.once('SIGINT', handler);
  return () => process.removeListener('SIGINT', handler);
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run scenarios or properties over a seed range in parallel: failures as they happen, a summary, coverage',
  usage: sweepUsage,
  async run(args, io) {
    const p = parseArgs(args, {
      seeds: { kind: 'string' },
      workers: { kind: 'int' },
      shard: { kind: 'string' },
      bail: { kind: 'optional-int' },
      reporter: { kind: 'string' },
      output: { kind: 'string' },
      'check-determinism': { kind: 'boolean' },
      impl: { kind: 'string', repeat: true },
      'html-dir': { kind: 'string' },
    });
    const user = await loadUserFiles(p.positional);
    userFiles = user.files;
    if (user.rest.length === 0 && user.files.length === 0) throw new UsageError('sweep needs at least one scenario or property pattern (see simlab list, simlab prop)');
    const targets = resolveTargets(user.rest.length > 0 ? user.rest : user.defined);
    const { seeds, text: seedsText } = sweepSeeds(flag<string>(p, 'seeds'));
    const shardRaw = flag<string>(p, 'shard');
    const shard = shardRaw === undefined ? undefined : parseShard(shardRaw);
    const output = outputChoice(p, shard);
    const workersFlag = flag<number>(p, 'workers') ?? envWorkers();
    if (workersFlag === 0) throw new UsageError('--workers must be at least 1');
    const bail = flag<number>(p, 'bail');
    if (bail === 0) throw new UsageError('--bail must be at least 1');
    const implSpecs = flagAll<string>(p, 'impl');
    const determinism = flag<boolean>(p, 'check-determinism') === true || envDeterminism();
    const items = workList(targets, seeds, shard);
    const workers = Math.max(1, Math.min(workersFlag ?? availableParallelism(), items.length));
    const impl = await loadImplSpecs(implSpecs); // validates the files before any worker starts
    const marks = roleMarks(implSpecs); // the runs of this thread (--workers 1); workers report their own
    const rolesUsed = new Set<string>();

    io.err(
      `sweep: ${targets.length} scenario(s)/propert(ies) × ${seeds.length} seed(s) (${seedsText})${shard ? `, shard ${shard.index}/${shard.count}` : ''} = ${items.length} runs on ${workers} worker(s)`,
    );
    const progress: Progress = { done: 0, failed: 0, total: items.length, startMs: wallNowMs(), lastDrawMs: 0 };
    const results: RunSummary[] = [];
    const controller = new AbortController();
    let stopped: SweepReport['stopped'];
    const stop = (reason: 'interrupted' | 'bail') => {
      if (stopped) return;
      stopped = reason;
      controller.abort();
    };
    const htmlDir = flag<string>(p, 'html-dir');
    const onResult = (summary: RunSummary) => {
      const r = htmlDir !== undefined && !summary.passed ? { ...summary, html: writeFailureReport(summary, impl, implSpecs, htmlDir) } : summary;
      results.push(r);
      progress.done++;
      if (!r.passed) {
        progress.failed++;
        if (io.tty && io.write) io.write('\r\x1b[K');
        for (const line of failureLines(r, implSpecs)) io.out(line);
        if (bail !== undefined && progress.failed >= bail) stop('bail');
      }
      drawProgress(progress, io);
    };
    const detach = onInterrupt(stop);
    try {
      if (workers === 1) {
        for (const item of items) {
          if (controller.signal.aborted) break;
          onResult(runItem(item, impl, determinism));
          await new Promise((resolve) => setImmediate(resolve)); // lets a Ctrl-C in between runs
        }
      } else {
        await runParallel(items, workers, [...implSpecs], user.files.map((f) => resolve(f)), determinism, onResult, controller.signal, rolesUsed);
      }
    } finally {
      detach();
    }
    drawProgress(progress, io, true);
    for (const role of rolesUsedSince(implSpecs, marks)) rolesUsed.add(role);
    reportUnusedRoles(implSpecs, [...rolesUsed], io);
    const report: SweepReport = {
      format: REPORT_FORMAT,
      targets: targets.map((t) => t.name),
      seeds: seedsText,
      seedCount: seeds.length,
      ...(shard ? { shard } : {}),
      impl: implSpecs,
      determinism,
      planned: items.length,
      ...(stopped ? { stopped } : {}),
      wallMs: wallNowMs() - progress.startMs,
      results,
    };
    printSummary(report, io, stopped === 'interrupted');
    if (output) {
      writeReport(report, output.reporter, output.file);
      io.out(`${output.reporter} report: ${output.file}${shard ? ` (combine the shards with: npx simlab merge FILE…)` : ''}`);
    }
    if (stopped === 'interrupted') return 130;
    return exitCodeOf(report);
  },
};

/** Runs a failure again with a recording (same seed, same run) and writes its report; returns its path. */
function writeFailureReport(r: RunSummary, impl: Record<string, unknown> | undefined, implSpecs: readonly string[], dir: string): string {
  const { s, options } = itemScenario({ name: r.name, seed: r.seed, ...(findProperty(r.name) ? { property: true } : {}) }, impl);
  const recording = startRecording();
  const run = runTimed(s, withRecording(options, recording));
  const replay = `${r.replay ?? replayCommand(r.name, r.seed)}${implSpecs.map((spec) => ` --impl ${spec}`).join('')}`;
  return writeRunReport(recording, reportPathIn(dir, r.name, r.seed), `${r.name} seed=${r.seed}`, run, replay);
}
