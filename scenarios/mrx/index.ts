/**
 * MapReduce beyond test-mr.sh (simlab only; the mr/* scenarios stay
 * faithful to the script). test-mr.sh's crash test cannot see two classes of
 * bug: its crash app's reduces hold one key each, so a worker that writes
 * mr-out-Y in place (not by an atomic rename) never leaves half an output
 * behind; and a coordinator that hands out reduces before every map is done
 * only makes workers fail on missing intermediate files, which the crash
 * loops replace. mrx/crash-multikey runs the crash test's processes on
 * multikey_crash (40 keys per map, several per reduce, crashes and stalls
 * between keys) and checks, as it runs:
 * - atomic output: every mr-out-Y, whenever a file event changes it, holds
 *   the complete reduce output of partition Y (its lines in any order);
 * - no early reduce: the coordinator issues a reduce task only once it has
 *   recorded every map task complete (its mr/issue and mr/complete facts; a
 *   coordinator without facts is not judged by this one);
 * and at the end, like the crash test, that the output equals the
 * sequential one.
 */
import { defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import type { Co } from '../../sim/task.ts';
import { partitionOf } from '../../protocols/mapreduce/ihash.ts';
import { mrApps } from '../../protocols/mapreduce/apps.ts';
import { runSequential, sortedNonEmptyLines, type InputFile } from '../../protocols/mapreduce/sequential.ts';
import { outputName } from '../../protocols/mapreduce/types.ts';
import { generateCorpus } from '../mr/corpus.ts';
import { SMALL_CORPUS_SCALE } from '../mr/index.ts';
import { crashTestWith } from '../mr/subtests.ts';
import { NREDUCE } from '../mr/tester.ts';

/** The sorted lines each mr-out-Y must hold: the sequential output split by ihash(key) % NREDUCE. */
export function expectedPartitions(app: string, inputs: readonly InputFile[]): string[] {
  const parts: string[][] = Array.from({ length: NREDUCE }, () => []);
  for (const line of runSequential(mrApps[app]!, inputs).split('\n')) {
    if (line !== '') parts[partitionOf(line.slice(0, line.indexOf(' ')), NREDUCE)]!.push(line);
  }
  return parts.map((lines) => sortedNonEmptyLines(lines.join('\n')));
}

/** Fails the run the moment a file event leaves some mr-out-Y other than complete. */
function watchOutputs(t: ScenarioContext, expected: readonly string[]): void {
  const check = (name: string, r: TraceRecord) => {
    const m = /^mr-out-(\d+)$/.exec(name);
    if (!m) return;
    const got = t.world.fs.read(name);
    if (got === undefined) return;
    const want = expected[Number(m[1])] ?? '';
    const lines = sortedNonEmptyLines(got);
    if (lines === want) return;
    const count = (s: string) => s.split('\n').length - 1;
    t.fail(`atomic-output: ${name} is visible with ${count(lines)} of ${count(want)} lines (written by ${r.node}): a reader sees a partial reduce output`, 'safety', r.index);
  };
  t.world.trace.addListener((r) => {
    const p = r.payload as { name?: string; to?: string };
    check(r.label === 'rename' ? p.to! : p.name!, r);
  }, [TraceKind.File]);
}

/** Fails the run when the coordinator issues a reduce while a map task is not complete. */
function watchEarlyReduces(t: ScenarioContext, maps: number): void {
  const complete = new Set<number>();
  t.world.trace.addListener((r) => {
    const f = r.payload as { type?: string; kind?: string; task?: number };
    if (f.type === 'mr/complete' && f.kind === 'map') complete.add(f.task!);
    if (f.type === 'mr/issue' && f.kind === 'reduce' && complete.size < maps) {
      const missing = Array.from({ length: maps }, (_, i) => i).filter((i) => !complete.has(i));
      t.fail(`early-reduce: reduce task ${f.task} issued while map task(s) ${missing.join(', ')} were not complete`, 'safety', r.index);
    }
  }, [TraceKind.Fact]);
}

function* crashMultikey(t: ScenarioContext): Co<void> {
  const inputs = generateCorpus(t.rng.fork('corpus'), SMALL_CORPUS_SCALE);
  watchOutputs(t, expectedPartitions('multikey_nocrash', inputs));
  watchEarlyReduces(t, inputs.length);
  yield* crashTestWith(t, inputs, 'multikey_crash', 'multikey_nocrash');
}

defineScenario({
  name: 'mrx/crash-multikey',
  description:
    'simlab only: the crash test on multikey_crash (several keys per reduce, crashes and stalls between them); every mr-out-Y is complete whenever it changes, ' +
    'no reduce is issued before every map is complete, and the final output equals the sequential one',
  run: crashMultikey,
});
