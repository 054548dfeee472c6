/**
 * `npm run coverage`: which branches of protocols/ the catalog reaches and
 * which the properties reach (not part of npm test). Runs the two vitest
 * projects of vitest.coverage.config.ts one after the other, each with v8
 * coverage (@vitest/coverage-v8) into coverage/catalog and
 * coverage/properties (JSON and HTML), then prints branch coverage per file
 * of protocols/raft — the catalog, the properties and both together — a
 * total per protocol, and writes the Raft branches neither reaches to
 * coverage/raft-unreached.txt (file:line). Extra arguments go to both
 * vitest runs; SIMLAB_SEED/SIMLAB_RUNS change the seeds and the runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROJECTS = ['catalog', 'properties'] as const;
type Project = (typeof PROJECTS)[number];

/** The parts of istanbul's coverage-final.json read here: per file, each branch's locations and their hit counts. */
interface FileCoverage {
  readonly branchMap: Record<string, { readonly locations: readonly { readonly start: { readonly line?: number } }[]; readonly loc: { readonly start: { readonly line: number } } }>;
  readonly b: Record<string, readonly number[]>;
}
type Coverage = Record<string, FileCoverage>;

function runProject(project: Project, extra: readonly string[]): Coverage {
  const dir = join(root, 'coverage', project);
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [vitest, 'run', '--config', 'vitest.coverage.config.ts', '--project', project, '--coverage.enabled', `--coverage.reportsDirectory=${dir}`, ...extra];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the ${project} run failed (vitest exit ${r.status ?? r.signal}); its coverage is not summarised`);
  const json = JSON.parse(readFileSync(join(dir, 'coverage-final.json'), 'utf8')) as Coverage;
  return Object.fromEntries(Object.entries(json).map(([file, c]) => [relative(root, file), c]));
}

/** Branch outcomes of one file as "id:location" → reached. */
function outcomes(c: FileCoverage | undefined): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (const [id, counts] of Object.entries(c?.b ?? {})) counts.forEach((n, k) => m.set(`${id}:${k}`, n > 0));
  return m;
}

interface Tally {
  total: number;
  catalog: number;
  properties: number;
  both: number;
}

function tally(file: string, runs: Record<Project, Coverage>, unreached: string[]): Tally {
  const cat = outcomes(runs.catalog[file]);
  const prop = outcomes(runs.properties[file]);
  const t: Tally = { total: 0, catalog: 0, properties: 0, both: 0 };
  const map = (runs.catalog[file] ?? runs.properties[file])!.branchMap;
  for (const key of new Set([...cat.keys(), ...prop.keys()])) {
    const a = cat.get(key) === true;
    const b = prop.get(key) === true;
    t.total++;
    if (a) t.catalog++;
    if (b) t.properties++;
    if (a || b) t.both++;
    else {
      const [id, k] = key.split(':');
      const branch = map[id!]!;
      // An implicit else has a location without a line: it is the branch's own line.
      unreached.push(`${file}:${branch.locations[Number(k)]?.start.line ?? branch.loc.start.line} (branch ${id}, outcome ${k})`);
    }
  }
  return t;
}

const pct = (n: number, total: number) => (total === 0 ? '—' : `${((100 * n) / total).toFixed(1)}%`);

function row(name: string, t: Tally): string {
  return `${name.padEnd(44)} ${String(t.total).padStart(5)}  ${pct(t.catalog, t.total).padStart(7)}  ${pct(t.properties, t.total).padStart(10)}  ${pct(t.both, t.total).padStart(7)}`;
}

function add(a: Tally, b: Tally): Tally {
  return { total: a.total + b.total, catalog: a.catalog + b.catalog, properties: a.properties + b.properties, both: a.both + b.both };
}

function main(): void {
  const extra = process.argv.slice(2);
  const runs = { catalog: runProject('catalog', extra), properties: runProject('properties', extra) };
  const files = [...new Set([...Object.keys(runs.catalog), ...Object.keys(runs.properties)])].sort();
  const head = `${'file'.padEnd(44)} ${'branches'.padStart(5)} ${'catalog'.padStart(7)}  ${'properties'.padStart(10)}  ${'both'.padStart(7)}`;
  const unreached: string[] = [];
  const perProtocol = new Map<string, Tally>();
  const raftRows: string[] = [];
  let raft: Tally = { total: 0, catalog: 0, properties: 0, both: 0 };
  for (const file of files) {
    const sink: string[] = [];
    const t = tally(file, runs, sink);
    const protocol = file.split('/').slice(0, 2).join('/');
    perProtocol.set(protocol, add(perProtocol.get(protocol) ?? { total: 0, catalog: 0, properties: 0, both: 0 }, t));
    if (protocol === 'protocols/raft') {
      raftRows.push(row(file, t));
      raft = add(raft, t);
      unreached.push(...sink);
    }
  }
  console.log('\nbranch coverage of protocols/raft (v8), by the catalog, by the properties, and by both:');
  console.log(head);
  for (const line of raftRows) console.log(line);
  console.log(row('protocols/raft (all files)', raft));
  console.log('\nbranch coverage per protocol:');
  console.log(head);
  for (const [protocol, t] of perProtocol) console.log(row(protocol, t));
  mkdirSync(join(root, 'coverage'), { recursive: true });
  const list = join(root, 'coverage', 'raft-unreached.txt');
  writeFileSync(list, unreached.join('\n') + '\n');
  console.log(`\n${unreached.length} Raft branch outcome(s) reached by neither: ${relative(root, list)}; HTML reports: coverage/catalog/index.html, coverage/properties/index.html`);
}

main();
