/**
 * A sweep's results as data, and every way they are shown: the summary for
 * people (per-target table, sometimes coverage, failures with replay
 * commands), a JSON report (also what `--shard` writes and `simlab merge`
 * reads) and a JUnit XML report as CI systems read it.
 *
 * The summary is a function of the report's targets and results alone,
 * sorted by (target, seed), so a sweep's summary does not depend on worker
 * timing, and merging the shard files of a sweep gives the summary of the
 * unsharded sweep (only the wall times differ).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Coverage } from '../coverage.ts';
import { replayCommand } from '../scenario.ts';
import { UsageError } from './args.ts';
import type { CliIO } from './io.ts';
import { formatVirtual, table } from './run.ts';

export const REPORT_FORMAT = 'simlab-sweep/1';

export interface RunSummary {
  readonly name: string;
  readonly seed: number;
  readonly passed: boolean;
  readonly kind?: string;
  readonly message?: string;
  readonly virtualUs: number;
  readonly events: number;
  readonly wallMs: number;
  readonly traceHash: string;
  /** How many warnings the run logged (absent: none). */
  readonly warnings?: number;
  /** The sometimes labels the run declared, and whether it reached each. */
  readonly sometimes?: Readonly<Record<string, boolean>>;
  /** The command that replays a failure, when it is not `run NAME --seed S`. */
  readonly replay?: string;
  /** The command that shrinks a property failure. */
  readonly shrink?: string;
  /** More about a failing run (a property's generated options). */
  readonly detail?: string;
  /** The failure's HTML report (sweep --html-dir). */
  readonly html?: string;
}

export interface SweepReport {
  readonly format: typeof REPORT_FORMAT;
  /** Scenario and property names, in the sweep's order. */
  readonly targets: readonly string[];
  /** The seeds as given (--seeds), and how many. */
  readonly seeds: string;
  readonly seedCount: number;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly impl: readonly string[];
  readonly determinism: boolean;
  /** Runs planned (for this shard). */
  readonly planned: number;
  /** Why the sweep stopped before running everything planned. */
  readonly stopped?: 'interrupted' | 'bail';
  readonly wallMs: number;
  readonly results: readonly RunSummary[];
}

export type Reporter = 'json' | 'junit';

export function parseReporter(raw: string): Reporter {
  if (raw !== 'json' && raw !== 'junit') throw new UsageError(`--reporter must be json or junit, got "${raw}"`);
  return raw;
}

/** Results in summary order: by target (the sweep's order), then seed. */
export function sortedResults(r: Pick<SweepReport, 'targets' | 'results'>): RunSummary[] {
  const rank = new Map(r.targets.map((t, i) => [t, i]));
  return [...r.results].sort((a, b) => rank.get(a.name)! - rank.get(b.name)! || a.seed - b.seed);
}

export function coverageOf(results: readonly RunSummary[]): Coverage {
  const c = new Coverage();
  for (const r of results) c.add(r.name, r.sometimes ?? {});
  return c;
}

/** 1 when a run failed or a sometimes label was reached by no run; else 0. */
export function exitCodeOf(r: SweepReport): number {
  return r.results.some((x) => !x.passed) || coverageOf(r.results).neverReached().length > 0 ? 1 : 0;
}

/** The lines that show one failure: what failed, and the command that replays it. */
export function failureLines(r: RunSummary, impl: readonly string[]): string[] {
  const implFlags = impl.map((spec) => ` --impl ${spec}`).join('');
  const lines = [`FAIL ${r.name} seed=${r.seed}: ${r.kind}: ${(r.message ?? '').slice(0, 200)}${r.html === undefined ? '' : `  report: ${r.html}`}`];
  if (r.detail) lines.push(`    ${r.detail}`);
  lines.push(`    replay: ${r.replay ?? replayCommand(r.name, r.seed)}${implFlags}${r.shrink ? `   (shrink: ${r.shrink}${implFlags})` : ''}`);
  return lines;
}

/**
 * The summary for people. With `allFailures` every failure is listed (after
 * an interrupt); otherwise at most five per target, as they were already
 * printed when they happened.
 */
export function printSummary(report: SweepReport, io: CliIO, allFailures = false): void {
  const results = sortedResults(report);
  const byName = new Map<string, RunSummary[]>(report.targets.map((t) => [t, []]));
  for (const r of results) byName.get(r.name)!.push(r);
  const rows: string[][] = [];
  let virtual = 0;
  let events = 0;
  for (const [name, rs] of byName) {
    if (rs.length === 0) continue;
    const failed = rs.filter((r) => !r.passed);
    const v = rs.reduce((a, r) => a + r.virtualUs, 0);
    const e = rs.reduce((a, r) => a + r.events, 0);
    const w = rs.reduce((a, r) => a + r.wallMs, 0);
    virtual += v;
    events += e;
    rows.push([name, String(rs.length), String(failed.length), failed[0] ? String(failed[0].seed) : '-', `${(w / 1000).toFixed(2)}s`, formatVirtual(v), String(e)]);
  }
  io.out('');
  for (const line of table(['scenario / property', 'runs', 'failures', 'first failing seed', 'wall', 'virtual', 'events'], rows, [1, 2, 4, 5, 6])) io.out(line);
  const coverage = coverageOf(results);
  const never = coverage.neverReached();
  const coverageLines = coverage.format(report.targets);
  if (coverageLines.length > 0) {
    io.out('');
    io.out('sometimes coverage (runs that reached each label / runs that declared it; NEVER fails the sweep):');
    for (const line of coverageLines) io.out(line);
  }
  const failures = results.filter((r) => !r.passed);
  io.out('');
  const stopped = report.stopped === 'interrupted' ? ` (interrupted after ${results.length} of ${report.planned} runs)` : report.stopped === 'bail' ? ` (stopped by --bail after ${results.length} of ${report.planned} runs)` : '';
  io.out(
    `${results.length} runs, ${failures.length} failures, ${never.length} sometimes label(s) never reached, ${formatVirtual(virtual)} virtual in ${(report.wallMs / 1000).toFixed(2)}s wall (${(results.length / Math.max(report.wallMs / 1000, 1e-3)).toFixed(1)} runs/s), ${events} events${stopped}`,
  );
  for (const n of never) io.out(`  never reached: ${n.name}: "${n.label}"`);
  if (failures.length === 0) return;
  io.out('');
  io.out('failures (replay each with the command shown):');
  const perTarget = new Map<string, number>();
  for (const r of failures) {
    const n = (perTarget.get(r.name) ?? 0) + 1;
    perTarget.set(r.name, n);
    if (n > 5 && !allFailures) continue;
    for (const line of failureLines(r, report.impl)) io.out(`  ${line}`);
  }
  if (!allFailures) for (const [name, n] of perTarget) if (n > 5) io.out(`  … and ${n - 5} more failures of ${name}`);
}

/** Text escaped for XML content and attributes. */
export function xml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML: one testsuite per target, one testcase per seed, one per sometimes label (failing when never reached). */
export function toJunit(report: SweepReport): string {
  const results = sortedResults(report);
  const coverage = coverageOf(results);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const name of report.targets) {
    const rs = results.filter((r) => r.name === name);
    const labels = coverage.labels(name);
    if (rs.length === 0) continue;
    const cases: string[] = [];
    let failed = 0;
    for (const r of rs) {
      const head = `    <testcase classname="${xml(name)}" name="seed ${r.seed}" time="${(r.wallMs / 1000).toFixed(3)}"`;
      if (r.passed) cases.push(`${head}/>`);
      else {
        failed++;
        const body = failureLines(r, report.impl).join('\n');
        cases.push(`${head}>\n      <failure type="${xml(r.kind ?? 'failure')}" message="${xml((r.message ?? '').slice(0, 500))}">${xml(body)}</failure>\n    </testcase>`);
      }
    }
    for (const l of labels) {
      const head = `    <testcase classname="${xml(name)}" name="sometimes: ${xml(l.label)}" time="0"`;
      if (l.reached > 0) cases.push(`${head}/>`);
      else {
        failed++;
        cases.push(`${head}>\n      <failure type="coverage" message="reached by none of ${l.declared} runs">${xml(`sometimes label "${l.label}" was reached by none of the ${l.declared} runs`)}</failure>\n    </testcase>`);
      }
    }
    const time = rs.reduce((a, r) => a + r.wallMs, 0) / 1000;
    suites.push(`  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`);
    tests += cases.length;
    failures += failed;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="simlab sweep" tests="${tests}" failures="${failures}" errors="0" time="${(report.wallMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function writeReport(report: SweepReport, reporter: Reporter, file: string): void {
  writeFileSync(file, reporter === 'json' ? JSON.stringify(report, null, 1) + '\n' : toJunit(report));
}

/** Reads a JSON report (a shard's result file); every problem is one UsageError line naming the file. */
export function readReport(file: string): SweepReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not a simlab sweep report: not JSON`);
  }
  const r = json as Partial<SweepReport> | null;
  if (typeof r !== 'object' || r === null || r.format !== REPORT_FORMAT) throw new UsageError(`${file} is not a simlab sweep report: "format" must be "${REPORT_FORMAT}"`);
  if (!Array.isArray(r.targets) || !Array.isArray(r.results) || typeof r.seeds !== 'string' || !Array.isArray(r.impl)) {
    throw new UsageError(`${file} is not a simlab sweep report: targets, seeds, impl or results missing`);
  }
  return r as SweepReport;
}

/**
 * One report from the shard reports of one sweep (vitest's and Playwright's
 * merge-reports): the same targets, seeds, options and shard count, each
 * shard once. The wall time is the longest shard's (they ran side by side).
 */
export function mergeReports(files: readonly string[], reports: readonly SweepReport[]): SweepReport {
  const first = reports[0]!;
  const sameSweep = (r: SweepReport) =>
    JSON.stringify([r.targets, r.seeds, r.impl, r.determinism, r.shard?.count]) === JSON.stringify([first.targets, first.seeds, first.impl, first.determinism, first.shard?.count]);
  const seen = new Set<number>();
  reports.forEach((r, i) => {
    if (!sameSweep(r)) throw new UsageError(`${files[i]} is from another sweep than ${files[0]} (targets, seeds, --impl, --check-determinism and shard count must match)`);
    const index = r.shard?.index ?? 1;
    if (seen.has(index)) throw new UsageError(`${files[i]}: shard ${index}/${r.shard?.count ?? 1} is given twice`);
    seen.add(index);
  });
  const count = first.shard?.count ?? 1;
  if (seen.size !== count) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    throw new UsageError(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge needs every shard of the sweep`);
  }
  const stopped = reports.find((r) => r.stopped)?.stopped;
  return {
    format: REPORT_FORMAT,
    targets: first.targets,
    seeds: first.seeds,
    seedCount: first.seedCount,
    impl: first.impl,
    determinism: first.determinism,
    planned: reports.reduce((a, r) => a + r.planned, 0),
    ...(stopped ? { stopped } : {}),
    wallMs: Math.max(...reports.map((r) => r.wallMs)),
    results: reports.flatMap((r) => r.results),
  };
}
