/**
 * Sweep scaling: the 3A–3C catalog over a seed range with one worker thread
 * and with two, each as a fresh CLI process (`node bin/simlab.mjs sweep …`),
 * timed wall-clock from spawn to exit. Prints both times and the speedup
 * (target: ≥ 1.7× on 2 cores). Needs an idle machine to mean anything: the
 * load average is printed beside the figures.
 *
 *     npm run bench -- sweep            (SIMLAB_BENCH_SEEDS=N for 1..N, default 20)
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PATTERNS = ['raft/3A/*', 'raft/3B/*', 'raft/3C/*'];

function sweepArgs(seeds: number, workers: number): string[] {
  return ['bin/simlab.mjs', 'sweep', ...PATTERNS, '--seeds', `1..${seeds}`, '--workers', String(workers)];
}

/** Wall seconds of one CLI sweep, and its closing summary line. */
function timeSweep(seeds: number, workers: number): { seconds: number; summary: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, sweepArgs(seeds, workers), { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`sweep exited ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  const summary = r.stdout.split('\n').find((l) => / runs, \d+ failures/.test(l)) ?? '(no summary)';
  return { seconds, summary };
}

export async function run(): Promise<void> {
  const seeds = Number(process.env.SIMLAB_BENCH_SEEDS ?? 20);
  console.log(`command: node ${sweepArgs(seeds, 0).slice(0, -1).join(' ')} K   (K = 1, then 2)`);
  console.log(`cores: ${availableParallelism()}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  timeSweep(1, 2); // warm-up: builds the bundle if needed and warms the file cache
  const one = timeSweep(seeds, 1);
  const two = timeSweep(seeds, 2);
  console.log(`--workers 1: ${one.seconds.toFixed(2)} s   ${one.summary}`);
  console.log(`--workers 2: ${two.seconds.toFixed(2)} s   ${two.summary}`);
  const speedup = one.seconds / two.seconds;
  console.log(`speedup: ${speedup.toFixed(2)}× (target ≥ 1.7×)${speedup >= 1.7 ? '' : '  — below target; is the machine busy?'}`);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
