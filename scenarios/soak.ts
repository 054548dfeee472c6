/**
 * `npm run soak`: the whole catalog over seeds the tests never use, to
 * trust its verdicts at scale (not part of `npm test`; it takes a while).
 *
 * - every scenario of a replicated-service room (raft, kvraft, shardkv,
 *   shardctrler): 1,000 seeds;
 * - every scenario of any other room (mr, kvsrv, demo, and rooms added
 *   later): 200 seeds;
 * - every property: 10,000 generated schedules (sweep seeds: one fast-check
 *   seed, one schedule each).
 *
 * The groups come from the registries, so a new catalog joins by
 * registering its scenarios. Seeds start at 1,000,001 (SIMLAB_SEED sets
 * another start); `--scale F` multiplies every count (`--scale 0.01` checks
 * the script in a minute); `--only replicated,other,properties` runs those
 * groups only; `--match PATTERN` (repeatable) keeps the properties the
 * pattern names (`--match 'prop/raft/*'`); `--schedules N` sets the
 * schedules per property (instead of 10,000 × scale):
 *
 *     npm run soak -- --only properties --match 'prop/raft/*' --schedules 10000
 *
 * Each group is one `simlab sweep` (all cores, failures printed as found,
 * the sweep summary), with its JSON report in soak-results/; the closing
 * lines total them with the wall time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allProperties } from '../sim/property.ts';
import { allScenarios } from '../sim/scenario.ts';
import { coverageOf, type SweepReport } from '../sim/cli/report.ts';
import './index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPLICATED_ROOMS = new Set(['raft', 'kvraft', 'shardkv', 'shardctrler']);
const FIRST_SEED = 1_000_001;

interface Group {
  readonly name: string;
  readonly patterns: readonly string[];
  readonly seeds: number;
}

function room(name: string): string {
  return name.split('/')[0]!;
}

interface SoakOptions {
  readonly scale: number;
  readonly only: readonly string[] | undefined;
  readonly match: readonly string[];
  readonly schedules: number | undefined;
}

/** The soak's groups, from what is registered. */
function soakGroups({ scale, only, match, schedules }: SoakOptions): Group[] {
  const rooms = [...new Set(allScenarios().map((s) => room(s.name)))];
  const count = (n: number) => Math.max(1, Math.round(n * scale));
  const groups: Group[] = [
    { name: 'replicated', patterns: rooms.filter((r) => REPLICATED_ROOMS.has(r)).map((r) => `${r}/**`), seeds: count(1000) },
    { name: 'other', patterns: rooms.filter((r) => !REPLICATED_ROOMS.has(r)).map((r) => `${r}/**`), seeds: count(200) },
    { name: 'properties', patterns: match.length > 0 ? match : allProperties().map((p) => p.name), seeds: schedules ?? count(10_000) },
  ];
  return groups.filter((g) => g.patterns.length > 0 && (only === undefined || only.includes(g.name)));
}

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n`);
  process.exit(2);
}

function parseOptions(argv: readonly string[]): SoakOptions {
  let scale = 1;
  let only: string[] | undefined;
  const match: string[] = [];
  let schedules: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--scale') {
      scale = Number(value);
      if (!(scale > 0 && scale <= 1)) fail(`--scale must be a number in (0, 1], got "${value ?? ''}"`);
    } else if (flag === '--only') {
      only = (value ?? '').split(',').filter((x) => x !== '');
      for (const g of only) if (!['replicated', 'other', 'properties'].includes(g)) fail(`--only takes replicated, other and properties, got "${g}"`);
    } else if (flag === '--match') {
      if (value === undefined || value === '') fail('--match needs a property name or pattern');
      match.push(value);
    } else if (flag === '--schedules') {
      schedules = Number(value);
      if (!Number.isSafeInteger(schedules) || schedules < 1) fail(`--schedules must be a whole number ≥ 1, got "${value ?? ''}"`);
    } else fail(`unknown option ${flag} (options: --scale F, --only GROUPS, --match PATTERN, --schedules N)`);
    i++;
  }
  return { scale, only, match, schedules };
}

function main(): number {
  const options = parseOptions(process.argv.slice(2));
  const first = process.env.SIMLAB_SEED ? Number(process.env.SIMLAB_SEED) : FIRST_SEED;
  const dir = join(root, 'soak-results');
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const totals: string[] = [];
  let runs = 0;
  let failures = 0;
  let never = 0;
  let code = 0;
  const groups = soakGroups(options);
  if (groups.length === 0) fail('no group or property left to run');
  for (const g of groups) {
    const seeds = `${first}..${first + g.seeds - 1}`;
    const output = join(dir, `${g.name}.json`);
    const args = ['sweep', ...g.patterns, '--seeds', seeds, '--reporter', 'json', '--output', output];
    console.log(`\n== soak ${g.name}: node bin/simlab.mjs ${args.map((a) => (a.includes('*') ? `'${a}'` : a)).join(' ')}`);
    const g0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin/simlab.mjs'), ...args], { cwd: root, stdio: 'inherit' });
    const wall = (performance.now() - g0) / 1000;
    if (r.status !== 0) code = r.status === 130 || r.signal ? 130 : 1;
    if (r.status === 130 || r.signal) break;
    const report = JSON.parse(readFileSync(output, 'utf8')) as SweepReport;
    const failed = report.results.filter((x) => !x.passed).length;
    const unreachedLabels = coverageOf(report.results).neverReached().length;
    runs += report.results.length;
    failures += failed;
    never += unreachedLabels;
    totals.push(`  ${g.name}: ${report.targets.length} targets × ${g.seeds} seeds (${seeds}): ${report.results.length} runs, ${failed} failures, ${unreachedLabels} labels never reached, ${wall.toFixed(0)}s wall`);
  }
  console.log('\n== soak summary');
  for (const line of totals) console.log(line);
  console.log(`soak: ${runs} runs, ${failures} failures, ${never} sometimes labels never reached, ${((performance.now() - t0) / 1000).toFixed(0)}s wall`);
  return code;
}

process.exitCode = main();
