/**
 * The MapReduce part of `npm run conformance`: the wc and indexer scenarios
 * run on the eight real books of test-mr.sh, when ../shared/data/mr holds
 * them (or $SIMLAB_SHARED/data/mr), and must match the sequential reference
 * there as they do on the generated corpus. The books are read at run time,
 * never copied into the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { wallNowMs } from '../../sim/cli/wallclock.ts';
import { runScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import { sharedDir } from '../../checkers/shared-data.ts';
import type { InputFile } from '../../protocols/mapreduce/sequential.ts';
import { indexerTest, wcTest } from './subtests.ts';

export interface ConformanceIo {
  out(line: string): void;
}

/** Where the books are: <shared>/data/mr. */
export function mrDataDir(): string {
  return path.join(sharedDir(), 'data', 'mr');
}

/** The books (pg-*.txt) in the order of the script's glob; empty when the folder is absent. */
export function readBooks(dir = mrDataDir()): InputFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('pg-') && name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, contents: readFileSync(path.join(dir, name), 'utf8') }));
}

const subTests: ReadonlyArray<[name: string, body: (t: ScenarioContext, inputs: readonly InputFile[]) => Co<void>]> = [
  ['wc', wcTest],
  ['indexer', indexerTest],
];

export async function runMrConformance(io: ConformanceIo): Promise<{ passed: number; failed: number }> {
  const dir = mrDataDir();
  const books = readBooks(dir);
  if (books.length === 0) {
    io.out(`skip  mr/wc, mr/indexer on the real books: no pg-*.txt in ${dir}`);
    return { passed: 0, failed: 0 };
  }
  const bytes = books.reduce((n, b) => n + Buffer.byteLength(b.contents, 'utf8'), 0);
  let passed = 0;
  let failed = 0;
  for (const [name, body] of subTests) {
    const t0 = wallNowMs();
    const r = runScenario(
      { name: `mr/${name}-books`, description: `mr/${name} on the real books`, run: (t) => body(t, books) },
      { seed: 1 },
    );
    const wallMs = wallNowMs() - t0;
    const keys = r.world.fs.list('mr-out').reduce((n, f) => n + (r.world.fs.read(f) ?? '').split('\n').filter((l) => l !== '').length, 0);
    if (r.passed) passed++;
    else failed++;
    const head = `${r.passed ? 'pass' : 'FAIL'}  mr/${name} on ${books.length} books (${bytes} bytes)  ${keys} output lines`;
    io.out(`${head}  virtual ${(r.virtualUs / 1e6).toFixed(1)} s  ${wallMs.toFixed(0)} ms${r.passed ? '' : `\n      ${r.failure!.kind}: ${r.failure!.message}`}`);
  }
  return { passed, failed };
}
