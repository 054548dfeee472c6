/**
 * The test apps' outputs and odds, and the word splitter, where the mr
 * catalog cannot see a change (found by mutation testing,
 * protocols/mapreduce/MUTATION.md): the catalog's corpora are ASCII words,
 * and the timing and crash tests judge parallelism and completion, not what
 * each app emits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSystem, Prng } from '../../sim/contract.ts';
import { mrApps, multikeyKeys, splitWords, type AppContext } from './apps.ts';

const ctxOf = (seed: number, callIndex = 0): AppContext => ({ pid: 7, nowUs: 0, rng: new Prng(seed), fs: new FileSystem(), callIndex });

describe('mr apps', () => {
  it('splitWords keeps the maximal runs of Unicode letters, as \\p{L} does', () => {
    const EDGES = [0x20, 0x40, 0x41, 0x5a, 0x5b, 0x60, 0x61, 0x7a, 0x7b, 0x7f, 0x80, 0xaa, 0xe9, 0x2c, 0xd800, 0xdbff, 0xdc00, 0xdfff];
    const PAIRS = ['\u{1d400}', '\u{1d11e}', '\u{20000}', '\u{203ff}']; // U+203FF: a letter whose low surrogate is U+DFFF
    const piece = fc.oneof(fc.constantFrom(...EDGES).map((c) => String.fromCharCode(c)), fc.constantFrom(...PAIRS), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)));
    const reference = (t: string) => [...t.matchAll(/\p{L}+/gu)].map((m) => m[0]);
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (ps) => {
      const t = ps.join('');
      expect(splitWords(t)).toEqual(reference(t));
    }), { numRuns: 3000, seed: 11 });
    expect(splitWords('a\ud835')).toEqual(['a']); // a high surrogate at the very end is not a letter
  });

  it('rtiming, jobcount and multikey emit the keys and values the Go apps (and mrx) define', () => {
    const map = (name: string, file = 'pg-x.txt', contents = 'hello world') => {
      const o = mrApps[name]!.map(file, contents, ctxOf(1));
      if (o.kind !== 'ok') throw new Error(`${name} crashed`);
      return o.result;
    };
    expect(map('rtiming')).toEqual([...'abcdefghij'].map((k) => [k, '1']));
    expect(map('jobcount')).toEqual([['a', 'x']]);
    const mk = map('multikey_nocrash', 'f', 'x'.repeat(100));
    expect(mk).toHaveLength(multikeyKeys);
    expect(mk.map(([k]) => k)).toEqual(Array.from({ length: multikeyKeys }, (_, k) => `k${String(k).padStart(2, '0')}`));
    expect(mk.map(([, v]) => v)).toEqual(Array.from({ length: multikeyKeys }, (_, k) => `f:${100 % (k + 7)}`));
    expect(mrApps.multikey_crash!.name).toBe('multikey_crash');
  });

  it('multikey_crash crashes about 10% of calls and stalls about 40%; crash about 33% and 33%', () => {
    const odds = (name: string) => {
      const n = { crash: 0, stall: 0, ok: 0 };
      for (let k = 0; k < 3000; k++) {
        const o = mrApps[name]!.reduce('k', ['v'], ctxOf(1000 + k, k));
        if (o.kind === 'crash') n.crash++;
        else if (o.durationUs > 0) n.stall++;
        else n.ok++;
      }
      return { crash: n.crash / 3000, stall: n.stall / 3000, ok: n.ok / 3000 };
    };
    const mk = odds('multikey_crash');
    expect(mk.crash).toBeGreaterThan(0.07);
    expect(mk.crash).toBeLessThan(0.13);
    expect(mk.stall).toBeGreaterThan(0.35);
    expect(mk.stall).toBeLessThan(0.45);
    const c = odds('crash');
    expect(c.crash).toBeGreaterThan(0.29);
    expect(c.crash).toBeLessThan(0.37);
    expect(c.stall).toBeGreaterThan(0.29);
    expect(c.stall).toBeLessThan(0.37);
  });
});

describe('the sequential reference', () => {
  it('refuses an app that crashes in map or in reduce, naming it', async () => {
    const { runSequential } = await import('./sequential.ts');
    const ok = <T>(result: T) => ({ kind: 'ok' as const, result, durationUs: 0, atStart: [], atEnd: [] });
    const crash = { kind: 'crash' as const, code: 1 };
    const input = [{ name: 'f', contents: 'a b' }];
    expect(() => runSequential({ name: 'mapper', map: () => crash, reduce: () => ok('1') }, input)).toThrow('mapper crashed in the sequential reference');
    expect(() => runSequential({ name: 'reducer', map: () => ok([['k', 'v']]), reduce: () => crash }, input)).toThrow('reducer crashed in the sequential reference');
    expect(runSequential({ name: 'fine', map: () => ok([['k', 'v']]), reduce: () => ok('1') }, input)).toBe('k 1\n');
  });

  it('compares directories as `sort mr-out* | grep .` does, files without a final newline included', async () => {
    const { sortedOutputs } = await import('./sequential.ts');
    const fs = new FileSystem();
    fs.write('mr-out-1', 'b 2');
    fs.write('mr-out-0', 'a 1\n\nc 3');
    fs.write('other', 'z 9\n');
    expect(sortedOutputs(fs)).toBe('a 1\nb 2\nc 3\n');
  });
});
