/**
 * `npm run mutation [-- TARGET…] [-- STRYKER-FLAG…]`: StrykerJS mutation
 * testing of protocols/ (not part of npm test). TARGETs are files or folders
 * under protocols/ (default: protocols/raft, protocols/kvsrv,
 * protocols/mapreduce); arguments starting with "-" go to `stryker run`
 * (e.g. --force to ignore the incremental file, --concurrency 1);
 * --summary prints the last report's score and undetected mutants again. Each
 * mutant is tried against the checks of its protocol (vitest.mutation.config.ts):
 * the lab's catalog on seeds 1–3, its properties at 200 inputs from fast-check
 * seed 1, then the protocol's unit tests. The incremental file (reruns only
 * test what changed) is kept per target set under .cache/mutation/, the HTML
 * and JSON reports under reports/mutation/ (both git-ignored); the last lines
 * give the wall time and, from the JSON report, the score and how many mutants
 * the catalog and the properties killed before the unit tests ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutateGlobs, mutationTargets, protocolOf, targetsName } from './targets.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface MutantJson {
  readonly id: string;
  readonly status: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
  readonly killedBy?: readonly string[];
}
interface ReportJson {
  readonly files: Record<string, { readonly mutants: readonly MutantJson[] }>;
  readonly testFiles?: Record<string, { readonly tests: readonly { readonly id: string; readonly name: string }[] }>;
}

function fail(message: string): never {
  console.error(`npm run mutation: ${message}`);
  process.exit(2);
}

/** Counts by status, the score (killed + timeout over all valid mutants), and the killers' kinds. */
export function summarise(report: ReportJson): string {
  const byStatus = new Map<string, number>();
  const fileOfTest = new Map<string, string>();
  for (const [file, tf] of Object.entries(report.testFiles ?? {})) for (const t of tf.tests) fileOfTest.set(t.id, file);
  let bySimulator = 0;
  for (const f of Object.values(report.files)) {
    for (const m of f.mutants) {
      byStatus.set(m.status, (byStatus.get(m.status) ?? 0) + 1);
      const killer = m.killedBy?.[0];
      if (m.status === 'Killed' && killer !== undefined && /\.mut\.ts$/.test(fileOfTest.get(killer) ?? '')) bySimulator++;
    }
  }
  const n = (s: string) => byStatus.get(s) ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  const pct = valid === 0 ? '—' : `${((100 * detected) / valid).toFixed(2)}%`;
  const counts = [...byStatus].map(([s, c]) => `${s} ${c}`).join(', ');
  return `mutation score ${pct} (${detected} of ${valid} valid mutants killed or timed out; ${counts}); the catalog and the properties killed ${bySimulator} of the ${n('Killed')} killed before any unit test ran`;
}

/** One line per mutant no check detected (Survived, NoCoverage): file:line:column, the status, the mutator and the replacement, as the triage files list them. */
export function undetected(report: ReportJson): string[] {
  const lines: string[] = [];
  for (const file of Object.keys(report.files).sort()) {
    const mutants = [...report.files[file]!.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    for (const m of mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
      lines.push(`${relative(root, join(root, file))}:${m.location.start.line}:${m.location.start.column + 1} ${m.status} ${m.mutatorName} → ${replacement}`);
    }
  }
  return lines;
}

function main(): void {
  const args = process.argv.slice(2);
  const summaryOnly = args.includes('--summary');
  const flags = args.filter((a) => a.startsWith('-') && a !== '--summary');
  const given = args.filter((a) => !a.startsWith('-')).map((a) => relative(root, join(process.cwd(), a)).split('\\').join('/'));
  let targets: string[];
  try {
    for (const t of given) {
      protocolOf(t);
      if (!existsSync(join(root, t))) throw new Error(`mutation target "${t}" does not exist`);
      if (statSync(join(root, t)).isFile() && !t.endsWith('.ts')) throw new Error(`mutation target "${t}" is not a .ts file`);
    }
    targets = given.length > 0 ? given : mutationTargets({});
  } catch (e) {
    fail((e as Error).message);
  }
  const name = targetsName(targets);
  const env = { ...process.env, SIMLAB_MUTATE: targets.join(','), SIMLAB_MUTATE_GLOBS: mutateGlobs(targets).join(','), SIMLAB_MUTATION_NAME: name };
  const json = join(root, 'reports', 'mutation', `${name}.json`);
  let wall = 0;
  if (summaryOnly) {
    if (!existsSync(json)) fail(`no report ${relative(root, json)} yet: run npm run mutation -- ${targets.join(' ')} first`);
  } else {
    const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
    console.log(`mutating ${targets.join(', ')} (incremental file .cache/mutation/${name}.incremental.json)`);
    const start = Date.now();
    const r = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...flags], { cwd: root, env, stdio: 'inherit' });
    wall = (Date.now() - start) / 1000;
    if (r.status !== 0) fail(`stryker exited with ${r.status ?? r.signal} after ${wall.toFixed(0)} s`);
  }
  const report = JSON.parse(readFileSync(json, 'utf8')) as ReportJson;
  const missed = undetected(report);
  if (missed.length > 0) console.log(`\nnot detected (${missed.length}):\n${missed.join('\n')}`);
  const time = summaryOnly ? '' : `wall time ${Math.floor(wall / 60)} min ${Math.round(wall % 60)} s; `;
  console.log(`\n${summarise(report)}\n${time}reports: ${relative(root, json)}, reports/mutation/${name}.html`);
}

main();
