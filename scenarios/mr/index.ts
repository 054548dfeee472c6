/**
 * MapReduce (6.5840 Lab 1): test-mr.sh's seven sub-tests as scenarios, on a
 * corpus generated from the seed with the shape of the real books (eight
 * files with their names and, scaled, their sizes).
 *
 * Roles for --impl: `mr-coordinator` (the coordinator node) and `mr-worker`
 * (the worker node); see ./tester.ts.
 */
import { defineRole, defineScenario, type ScenarioContext } from '../../sim/scenario.ts';
import type { Co } from '../../sim/task.ts';
import type { InputFile } from '../../protocols/mapreduce/sequential.ts';
import { defaultCorpusScale, generateCorpus } from './corpus.ts';
import { MR_COORDINATOR_ROLE, MR_WORKER_ROLE } from './tester.ts';
import {
  crashTest,
  earlyExitTest,
  indexerTest,
  jobCountTest,
  mapParallelismTest,
  reduceParallelismTest,
  wcTest,
} from './subtests.ts';

defineRole(MR_COORDINATOR_ROLE, 'the MapReduce coordinator (scenarios/mr/tester.ts)');
defineRole(MR_WORKER_ROLE, 'a MapReduce worker');

/**
 * Corpus scales. wc and indexer read every word, so they get the default
 * 1/16 of the books (≈ 206 KB, thousands of distinct words per reduce
 * file); the other apps look at file names and lengths only, so 1/256 is
 * enough and keeps them cheap.
 */
export const WORD_CORPUS_SCALE = defaultCorpusScale;
export const SMALL_CORPUS_SCALE = 1 / 256;

function corpus(t: ScenarioContext, scale: number): InputFile[] {
  return generateCorpus(t.rng.fork('corpus'), scale);
}

type SubTest = (t: ScenarioContext, inputs: readonly InputFile[]) => Co<void>;

function mrScenario(name: string, description: string, body: SubTest, scale: number): void {
  defineScenario({
    name: `mr/${name}`,
    description,
    *run(t) {
      yield* body(t, corpus(t, scale));
    },
  });
}

mrScenario(
  'wc',
  'coordinator and 3 wc workers; when the coordinator exits, sort mr-out* equals the sequential wc output',
  wcTest,
  WORD_CORPUS_SCALE,
);
mrScenario(
  'indexer',
  'coordinator and 2 indexer workers (bg, fg); when the fg worker exits, the output equals the sequential indexer output',
  indexerTest,
  WORD_CORPUS_SCALE,
);
mrScenario(
  'map-parallelism',
  'mtiming: 2 workers each ran maps (exactly 2 "times-" lines) and two maps ran at once (a "parallel-" line with " 2")',
  mapParallelismTest,
  SMALL_CORPUS_SCALE,
);
mrScenario(
  'reduce-parallelism',
  'rtiming: at least 2 reduce calls saw 2 reducers at once ("<letter> 2" lines)',
  reduceParallelismTest,
  SMALL_CORPUS_SCALE,
);
mrScenario(
  'job-count',
  'jobcount: 4 workers (bg+fg twice), maps sleep 2-5 s; every map task ran exactly once (output "a 8")',
  jobCountTest,
  SMALL_CORPUS_SCALE,
);
mrScenario(
  'early-exit',
  'early_exit: the sorted outputs when the first process exits equal the final outputs (no one exits early)',
  earlyExitTest,
  SMALL_CORPUS_SCALE,
);
mrScenario(
  'crash',
  'crash: workers exit or stall at random and are replaced by 3 loops; the final output equals the nocrash sequential output',
  crashTest,
  SMALL_CORPUS_SCALE,
);
