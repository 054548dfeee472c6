/** Whole jobs on the testkit host: the test-mr.sh sub-tests in miniature. */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/contract.ts';
import { mrApps } from './apps.ts';
import { runSequential, sortedNonEmptyLines, sortedOutputs, type InputFile } from './sequential.ts';
import { MrWorld, runJob } from './testkit.ts';
import { outputName, tempName } from './types.ts';

const NAMES = ['pg-being_ernest.txt', 'pg-dorian_gray.txt', 'pg-frankenstein.txt', 'pg-grimm.txt', 'pg-huckleberry_finn.txt', 'pg-metamorphosis.txt', 'pg-sherlock_holmes.txt', 'pg-tom_sawyer.txt'];
const WORDS = ['the', 'The', 'and', 'of', 'Sherlock', 'Tom', 'tomorrow', 'café', 'Zoë', 'a', 'it', "don't", 'house', 'night', 'HOLMES', 'über'];
const SEPARATORS = [' ', ' ', ' ', ', ', '. ', '\n', '—', '! ', '; ', '\n\n'];

/** Eight small texts with repeated and unique words, mixed case, punctuation and non-ASCII letters. */
function smallCorpus(seed: number, wordsPerFile = 400): InputFile[] {
  const rng = new Prng(seed);
  return NAMES.map((name, f) => {
    const parts: string[] = [];
    for (let i = 0; i < wordsPerFile; i++) {
      const unique = `zq${'abcdefgh'[f]}${String.fromCharCode(97 + rng.below(26), 97 + rng.below(26))}`;
      parts.push(rng.chance(1, 4) ? unique : rng.pick(WORDS), rng.pick(SEPARATORS));
    }
    return { name, contents: parts.join('') };
  });
}

const reference = (app: string, inputs: InputFile[]) => sortedNonEmptyLines(runSequential(mrApps[app]!, inputs));

describe('MapReduce jobs (testkit host)', () => {
  const inputs = smallCorpus(1);

  it('wc with 3 workers equals the sequential result', () => {
    const { world, finished, doneSeenAtUs } = runJob({ app: 'wc', inputs, workers: 3 });
    expect(finished).toBe(true);
    expect(doneSeenAtUs).toBeDefined();
    const ref = reference('wc', inputs);
    expect(ref.split('\n').length).toBeGreaterThan(100);
    expect(ref).toContain('Sherlock ');
    expect(sortedOutputs(world.fs)).toBe(ref);
    expect(world.exits().every((e) => e.code === 0)).toBe(true);
  });

  it('indexer with 2 workers equals the sequential result', () => {
    const { world, finished } = runJob({ app: 'indexer', inputs, workers: 2 });
    expect(finished).toBe(true);
    const ref = reference('indexer', inputs);
    expect(ref).toContain('the 8 pg-being_ernest.txt,pg-dorian_gray.txt,');
    expect(sortedOutputs(world.fs)).toBe(ref);
  });

  it('a worker killed mid-reduce leaves no partial mr-out; its task is re-issued after 10 s, not before', () => {
    // rtiming: every reduce call takes 1 s; partition 3 holds keys f and h (see ihash.test).
    const world = new MrWorld({ inputs: inputs.slice(0, 2) });
    world.startCoordinator({ files: ['pg-being_ernest.txt', 'pg-dorian_gray.txt'], nReduce: 10 });
    world.startWorker('rtiming', 1);
    const issuesOf3 = () => world.facts('mr/issue').filter((f) => f.fact.kind === 'reduce' && f.fact.task === 3);
    world.runUntil(60_000_000, () => issuesOf3().length > 0);
    const issuedAtUs = issuesOf3()[0]!.atUs;
    world.runUntil(issuedAtUs + 1_500_000); // the call for f has returned, h is in progress
    world.crashWorker(1);
    expect(world.fs.read(tempName(1, 'reduce', 3, 0))).toBe('f 1\n');
    expect(world.fs.read(outputName(3))).toBe(undefined);
    expect(world.fs.list('mr-out')).toEqual(['mr-out-0', 'mr-out-1', 'mr-out-2']);

    world.startWorker('rtiming', 2);
    world.runUntil(issuedAtUs + 10_000_000 - 1);
    expect(issuesOf3()).toHaveLength(1);
    world.runUntil(issuedAtUs + 11_000_000);
    const again = issuesOf3();
    expect(again).toHaveLength(2);
    expect(again[1]!.fact.pid).toBe(2);
    expect(again[1]!.atUs - issuedAtUs).toBeGreaterThanOrEqual(10_000_000);
    world.runUntil(issuedAtUs + 20_000_000);
    expect(world.coordinatorDone()).toBe(true);
    // Counts are 2: the killed worker's marker stays behind (Go would skip its dead pid).
    expect(world.fs.read(outputName(3))?.replace(/ \d+/g, '')).toBe('f\nh\n');
  });

  it('job count: with 4 workers every map task runs exactly once', () => {
    const { world, finished } = runJob({ app: 'jobcount', inputs, workers: 4, seed: 3 });
    expect(finished).toBe(true);
    expect(sortedOutputs(world.fs)).toBe('a 8\n');
    const runs = world.facts('mr/run').filter((f) => f.fact.kind === 'map').map((f) => f.fact.task);
    expect(runs.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(world.facts('mr/run').map((f) => f.node)).size).toBeGreaterThan(1);
  });

  it('crash: with dying, stalling workers replaced, the output equals the nocrash reference', () => {
    const ref = reference('nocrash', inputs);
    for (const seed of [1, 2, 3, 4]) {
      const { world, finished } = runJob({ app: 'crash', inputs, workers: 1, loopingWorkers: 3, seed });
      expect(finished).toBe(true);
      expect(world.exits().some((e) => e.code === 1)).toBe(true); // crashes did happen
      expect(sortedOutputs(world.fs)).toBe(ref);
    }
  });

  it('map parallelism: two workers, both run maps, at the same time', () => {
    const { world } = runJob({ app: 'mtiming', inputs, workers: 2 });
    const lines = sortedOutputs(world.fs).split('\n');
    expect(lines.filter((l) => l.startsWith('times-'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('parallel-') && l.includes(' 2'))).toBe(true);
  });

  it('reduce parallelism: at least two reduce calls saw two live reducers', () => {
    const { world } = runJob({ app: 'rtiming', inputs, workers: 2 });
    const lines = sortedOutputs(world.fs).split('\n');
    expect(lines.filter((l) => /^[a-z] 2$/.test(l)).length).toBeGreaterThanOrEqual(2);
  });

  it('early exit: no process exits before every output file is final', () => {
    const { world, doneSeenAtUs } = runJob({ app: 'early_exit', inputs, workers: 3 });
    expect(sortedOutputs(world.fs)).toBe(reference('early_exit', inputs));
    const firstExitUs = Math.min(...world.exits().map((e) => e.atUs), doneSeenAtUs! + 1_000_000);
    const outputs = world.facts('mr/output').filter((f) => f.fact.kind === 'reduce');
    expect(outputs).toHaveLength(10);
    expect(Math.max(...outputs.map((f) => f.atUs))).toBeLessThanOrEqual(firstExitUs);
    const slowest = Math.max(...outputs.map((f) => f.atUs));
    expect(slowest).toBeGreaterThanOrEqual(1_000_000 + 3_000_000); // the 3 s sherlock/tom reduces did run
  });
});
