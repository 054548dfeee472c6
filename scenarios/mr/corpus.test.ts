import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../sim/codec.ts';
import { Prng } from '../../sim/prng.ts';
import { mrApps, splitWords } from '../../protocols/mapreduce/apps.ts';
import { runSequential, sortedNonEmptyLines, sortedOutputs } from '../../protocols/mapreduce/sequential.ts';
import { runJob } from '../../protocols/mapreduce/testkit.ts';
import { corpusBytesFull, corpusFiles, defaultCorpusScale, generateCorpus, scaledBytes } from './corpus.ts';

describe('generated MapReduce corpus', () => {
  it('has the eight lab file names and the spec byte sizes at scale 1, generated quickly', () => {
    expect(corpusBytesFull).toBe(3_301_104);
    generateCorpus(new Prng(1), 1 / 16); // warm up the JIT
    const t0 = performance.now();
    const files = generateCorpus(new Prng(42), 1);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(files.map((f) => f.name)).toEqual([
      'pg-being_ernest.txt', 'pg-dorian_gray.txt', 'pg-frankenstein.txt', 'pg-grimm.txt',
      'pg-huckleberry_finn.txt', 'pg-metamorphosis.txt', 'pg-sherlock_holmes.txt', 'pg-tom_sawyer.txt',
    ]);
    expect(files.map((f) => utf8Length(f.contents))).toEqual(corpusFiles.map((f) => f.bytes));
  });

  it('scales sizes exactly, and the default is 1/16', () => {
    expect(defaultCorpusScale).toBe(1 / 16);
    const small = generateCorpus(new Prng(7));
    expect(small.map((f) => utf8Length(f.contents))).toEqual(corpusFiles.map((f) => scaledBytes(f, 1 / 16)));
    expect(small.map((f) => utf8Length(f.contents))[0]).toBe(8680);
  });

  it('is a function of the seed', () => {
    const a = generateCorpus(new Prng(5));
    const b = generateCorpus(new Prng(5));
    const c = generateCorpus(new Prng(6));
    expect(a.map((f) => f.contents)).toEqual(b.map((f) => f.contents));
    expect(a.every((f, i) => f.contents !== c[i]!.contents)).toBe(true);
  });

  it('reads like text: Zipf-like frequencies, case, punctuation, names, non-ASCII letters', () => {
    const files = generateCorpus(new Prng(3));
    const words = files.flatMap((f) => splitWords(f.contents));
    const freq = new Map<string, number>();
    for (const w of words) freq.set(w, (freq.get(w) ?? 0) + 1);
    const counts = [...freq.values()].sort((x, y) => y - x);
    expect(freq.size).toBeGreaterThan(3000);
    expect(counts[0]! / counts[99]!).toBeGreaterThan(20); // a heavy head
    expect(counts.filter((n) => n === 1).length).toBeGreaterThan(50); // and a long tail
    const all = files.map((f) => f.contents).join('');
    for (const token of ['CHAPTER', '"', ',', '.', '?', '—', '\n\n', 'café']) expect(all).toContain(token);
    expect(freq.get('The')).toBeGreaterThan(0);
    expect(freq.get('the')).toBeGreaterThan(freq.get('The')!);
    expect(files[6]!.contents).toContain('Sherlock');
    expect(files[7]!.contents).toContain('Tom');
    expect([...freq.keys()].some((w) => w.includes('tom') && w !== 'tom')).toBe(true);
    expect(Math.max(...all.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('a wc job over a generated corpus equals the sequential result', () => {
    const inputs = generateCorpus(new Prng(9), 1 / 32);
    const { world, finished } = runJob({ app: 'wc', inputs, workers: 3 });
    expect(finished).toBe(true);
    const ref = sortedNonEmptyLines(runSequential(mrApps.wc!, inputs));
    expect(ref.split('\n').length).toBeGreaterThan(1000);
    expect(sortedOutputs(world.fs)).toBe(ref);
  });
});
