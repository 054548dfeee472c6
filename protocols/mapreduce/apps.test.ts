import { describe, expect, it } from 'vitest';
import { FileSystem, Prng } from '../../sim/contract.ts';
import { formatSecondsTenths, mrApps, splitWords, type AppContext, type AppOutcome } from './apps.ts';

function ctx(over: Partial<AppContext> = {}): AppContext {
  return { pid: 7, nowUs: 0, rng: new Prng(3), fs: new FileSystem(), callIndex: 0, ...over };
}

function okOf<T>(o: AppOutcome<T>): Extract<AppOutcome<T>, { kind: 'ok' }> {
  if (o.kind !== 'ok') throw new Error('expected ok');
  return o;
}

const app = (name: string) => mrApps[name]!;

describe('splitWords', () => {
  it('splits on every non-letter, keeping Unicode letters', () => {
    expect(splitWords("Don't stop—the café's 3 naïve Zoë!\nGo𝒜x")).toEqual(['Don', 't', 'stop', 'the', 'café', 's', 'naïve', 'Zoë', 'Go𝒜x']);
    expect(splitWords('  12 -- ')).toEqual([]);
    expect(splitWords('end')).toEqual(['end']);
  });
});

describe('formatSecondsTenths', () => {
  it('prints virtual seconds like Go %.1f', () => {
    expect([0, 1_000_000, 1_049_999, 1_050_000, 1_150_000, 1_150_001, 12_345_678].map(formatSecondsTenths)).toEqual([
      '0.0',
      '1.0',
      '1.0',
      '1.0',
      '1.2',
      '1.2',
      '12.3',
    ]);
  });
});

describe('the lab apps', () => {
  it('wc counts words and indexer lists sorted documents', () => {
    expect(okOf(app('wc').map('f', 'a b a', ctx())).result).toEqual([['a', '1'], ['b', '1'], ['a', '1']]);
    expect(okOf(app('wc').reduce('a', ['1', '1', '1'], ctx())).result).toBe('3');
    expect(okOf(app('indexer').map('doc', 'x y x', ctx())).result).toEqual([['x', 'doc'], ['y', 'doc']]);
    expect(okOf(app('indexer').reduce('x', ['pg-b', 'pg-a'], ctx())).result).toBe('2 pg-a,pg-b');
  });

  it('mtiming marks itself for 1 s and counts the live markers it sees', () => {
    const fs = new FileSystem();
    fs.write('mr-worker-map-3', 'x');
    fs.write('mr-worker-map-7', 'x'); // its own marker is not counted twice
    fs.write('mr-worker-reduce-4', 'x'); // another phase
    const o = okOf(app('mtiming').map('f', '', ctx({ fs, nowUs: 2_340_000 })));
    expect(o.result).toEqual([['times-7', '2.3'], ['parallel-7', '2']]);
    expect(o.durationUs).toBe(1_000_000);
    expect(o.atStart).toEqual([{ kind: 'writeFile', name: 'mr-worker-map-7', data: 'x' }]);
    expect(o.atEnd).toEqual([{ kind: 'removeFile', name: 'mr-worker-map-7' }]);
    expect(okOf(app('mtiming').reduce('times-7', ['2.3', '10.1', '1.0'], ctx())).result).toBe('1.0 10.1 2.3');
  });

  it('rtiming emits a..j and its reduce takes 1 s with a marker', () => {
    expect(okOf(app('rtiming').map('f', '', ctx())).result.map((kv) => kv[0]).join('')).toBe('abcdefghij');
    const o = okOf(app('rtiming').reduce('a', ['1'], ctx()));
    expect([o.result, o.durationUs, o.atStart[0]?.name]).toEqual(['1', 1_000_000, 'mr-worker-reduce-7']);
  });

  it('jobcount writes one marker per map call and sleeps 2–5 s; reduce counts markers', () => {
    const rng = new Prng(11);
    const sleeps = new Set<number>();
    for (let i = 0; i < 2000; i++) sleeps.add(okOf(app('jobcount').map('f', '', ctx({ rng, callIndex: i }))).durationUs);
    const all = [...sleeps];
    expect(Math.min(...all)).toBe(2_000_000);
    expect(Math.max(...all)).toBe(4_999_000);
    expect(all.every((us) => us % 1000 === 0)).toBe(true);
    const o = okOf(app('jobcount').map('f', '', ctx({ callIndex: 4 })));
    expect(o.atStart).toEqual([{ kind: 'writeFile', name: 'mr-worker-jobcount-7-4', data: 'x' }]);
    const fs = new FileSystem();
    for (const n of ['mr-worker-jobcount-1-0', 'mr-worker-jobcount-2-0', 'mr-out-1']) fs.write(n, 'x');
    expect(okOf(app('jobcount').reduce('a', ['x', 'x'], ctx({ fs }))).result).toBe('2');
  });

  it('early_exit sleeps 3 s only for keys containing sherlock or tom', () => {
    const d = (key: string) => okOf(app('early_exit').reduce(key, ['1', '1'], ctx())).durationUs;
    expect([d('pg-sherlock_holmes.txt'), d('pg-tom_sawyer.txt'), d('pg-grimm.txt')]).toEqual([3_000_000, 3_000_000, 0]);
    expect(okOf(app('early_exit').map('pg-grimm.txt', 'abc', ctx())).result).toEqual([['pg-grimm.txt', '1']]);
  });

  it('crash exits with p≈0.33, stalls up to 9999 ms with p≈0.33, and otherwise matches nocrash', () => {
    const rng = new Prng(5);
    let crashes = 0;
    let stalls = 0;
    let stallMaxUs = 0;
    const n = 30_000;
    const expected = JSON.stringify(okOf(app('nocrash').map('pg-é.txt', 'héllo', ctx())).result);
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const o = app('crash').map('pg-é.txt', 'héllo', ctx({ rng }));
      if (o.kind === 'crash') {
        crashes += o.code === 1 ? 1 : 0;
        continue;
      }
      if (JSON.stringify(o.result) !== expected) mismatches++;
      if (o.durationUs > 0) stalls++;
      stallMaxUs = Math.max(stallMaxUs, o.durationUs);
    }
    expect(mismatches).toBe(0);
    expect(Math.abs(crashes / n - 0.33)).toBeLessThan(0.015);
    expect(Math.abs(stalls / n - 0.33)).toBeLessThan(0.015);
    expect(stallMaxUs).toBeLessThanOrEqual(9_999_000);
    expect(stallMaxUs).toBeGreaterThan(9_900_000);
    expect(JSON.parse(expected)).toEqual([['a', 'pg-é.txt'], ['b', '9'], ['c', '6'], ['d', 'xyzzy']]); // byte lengths
    expect(okOf(app('nocrash').reduce('a', ['y', 'x'], ctx())).result).toBe('x y');
  });
});
