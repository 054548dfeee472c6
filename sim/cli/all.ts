/**
 * The main job (`simlab`, `simlab all`, `simlab PATTERN`): every chosen
 * scenario once for one seed, and a summary table. Several scenarios run on
 * worker threads, one per core (SIMLAB_WORKERS sets how many), as a sweep's
 * do; a run is a pure function of scenario, seed and implementation, so the
 * table is the same however many workers ran it.
 */
import { availableParallelism } from 'node:os';
import { allScenarios, findScenario, replayCommand, unreached, type Scenario } from '../scenario.ts';
import { table } from '../table.ts';
import { flag, flagAll, parseArgs, UsageError } from './args.ts';
import { envSeed, envWorkers } from './env.ts';
import { loadImpl, reportUnusedRoles, roleMarks, rolesUsedSince } from './impl.ts';
import type { CliIO, Command } from './io.ts';
import { noMatch, resolveTargets } from './names.ts';
import type { RunSummary } from './report.ts';
import { countOf, formatVirtual, runTimed, withFiles } from './run.ts';
import { runOnWorkers, summarize, workersAvailable } from './sweep.ts';
import { loadUserFiles } from './user-files.ts';
import { wallNowMs } from './wallclock.ts';

/** The scenarios named by patterns and files (every one when there are neither). */
function selectScenarios(patterns: readonly string[], defined: readonly string[]): Scenario[] {
  if (patterns.length === 0 && defined.length === 0) return allScenarios();
  const chosen: Scenario[] = defined.map((n) => findScenario(n)).filter((s): s is Scenario => s !== undefined);
  for (const pattern of patterns) {
    const found = resolveTargets(pattern).filter((x): x is Scenario => !('arbitrary' in x));
    if (found.length === 0) throw noMatch(pattern, 'scenario');
    for (const s of found) if (!chosen.includes(s)) chosen.push(s);
  }
  if (chosen.length === 0) throw new UsageError('those files define properties only: check them with simlab prop FILE NAME');
  return chosen;
}

function verdict(r: RunSummary): string {
  if (!r.passed) return 'FAIL';
  return r.warnings ? `pass (${countOf(r.warnings, 'warning')})` : 'pass';
}

/** One run of each scenario, in the order given: on worker threads when there are several and the CLI bundle can start them, else here. */
async function runEach(chosen: readonly Scenario[], seed: number, implSpecs: readonly string[], files: readonly string[], impl: Record<string, unknown> | undefined): Promise<{ results: RunSummary[]; rolesUsed: string[] }> {
  const workers = Math.min(envWorkers() ?? availableParallelism(), chosen.length);
  if (workers > 1 && workersAvailable()) return runOnWorkers(chosen.map((s) => ({ name: s.name, seed })), workers, implSpecs, files);
  const marks = roleMarks(implSpecs);
  const results = chosen.map((s) => summarize(s.name, seed, runTimed(s, { seed, ...(impl ? { impl } : {}) })));
  return { results, rolesUsed: rolesUsedSince(implSpecs, marks) };
}

export const allCommand: Command = {
  name: 'all',
  summary: 'run every scenario for one seed and print a summary (the default)',
  usage: [
    'simlab [all] [PATTERN|FILE.ts…] [--seed N] [--impl ROLE=FILE]   run every scenario once (or those matching, or those of your files)',
    "  PATTERN           a scenario name or pattern ('raft/3B/*', raft/3A), or a Go test name (TestBackup3B, backup)",
    '  --seed N          the seed (default: SIMLAB_SEED, else 1)',
    'Several scenarios run on worker threads, one per core (SIMLAB_WORKERS=N sets how many; 1 runs them in this thread).',
  ].join('\n'),
  async run(args, io) {
    const p = parseArgs(args, { seed: { kind: 'seed' }, impl: { kind: 'string', repeat: true } });
    const seed = flag<number>(p, 'seed') ?? envSeed() ?? 1;
    const user = await loadUserFiles(p.positional);
    const chosen = selectScenarios(user.rest, user.defined);
    const implSpecs = flagAll<string>(p, 'impl');
    const impl = await loadImpl(p);
    const t0 = wallNowMs();
    const { results, rolesUsed } = await runEach(chosen, seed, implSpecs, user.files, impl);
    const wall = wallNowMs() - t0;
    printAll(results, seed, wall, io);
    reportUnusedRoles(implSpecs, rolesUsed, io);
    const failed = results.filter((r) => !r.passed).length;
    if (failed > 0) io.out(`replay a failure with: ${replayCommand(withFiles(user.files, '<scenario>'), seed, implSpecs)}`);
    return failed > 0 ? 1 : 0;
  },
};

function printAll(results: readonly RunSummary[], seed: number, wall: number, io: CliIO): void {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of results) {
    rows.push([r.name, verdict(r), formatVirtual(r.virtualUs), String(r.events), `${r.wallMs.toFixed(0)}ms`]);
    if (!r.passed) rows.push(['', `  ${r.kind}: ${r.message}`.slice(0, 160), '', '', '']);
    const missed = unreached(r.sometimes ?? {});
    if (missed.length > 0) notes.push(`  ${r.name}: ${missed.map((l) => `"${l}"`).join(', ')}`);
  }
  const sum = (f: (r: RunSummary) => number) => results.reduce((a, r) => a + f(r), 0);
  const virtual = sum((r) => r.virtualUs);
  const failed = results.filter((r) => !r.passed).length;
  for (const line of table(['scenario', 'result', 'virtual', 'events', 'wall'], rows, [2, 3, 4])) io.out(line);
  io.out('');
  io.out(
    `${results.length} scenarios, ${failed} failed, ${countOf(sum((r) => r.warnings ?? 0), 'warning')}, seed ${seed}: ${formatVirtual(virtual)} virtual in ${(wall / 1000).toFixed(2)}s wall (${(virtual / 1000 / Math.max(wall, 1)).toFixed(0)}× real time), ${sum((r) => r.events)} events`,
  );
  if (notes.length > 0) {
    io.out(`note: sometimes labels not reached with seed ${seed} (coverage claims over many runs, not failures; simlab sweep counts them):`);
    for (const line of notes) io.out(line);
  }
}
