import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';

const draws = (r: Prng, n: number, f: (r: Prng) => number) => Array.from({ length: n }, () => f(r));

describe('Prng', () => {
  it('pins the output of seed 1 (changing it changes what every seed means)', () => {
    expect(draws(new Prng(1), 6, (r) => r.u32())).toEqual([
      4094766940, 1436667915, 1878991072, 1758831624, 3935123175, 2199874368,
    ]);
    expect(draws(new Prng(1).fork('net'), 4, (r) => r.u32())).toEqual([1054668570, 4285570039, 2270250433, 2457243304]);
    expect(draws(new Prng(0), 4, (r) => r.below(1000))).toEqual([459, 928, 834, 804]);
    expect(draws(new Prng(2 ** 40 + 5), 3, (r) => r.intInclusive(-5, 5))).toEqual([-1, 1, 2]);
  });

  it('forks depend on the label and the seed, not on draws made before', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    b.u32();
    b.u32();
    expect(a.fork('node:1').u32()).toBe(b.fork('node:1').u32());
    expect(a.fork('node:1').u32()).not.toBe(a.fork('node:2').u32());
    expect(new Prng(43).fork('node:1').u32()).not.toBe(a.fork('node:1').u32());
  });

  it('below(n) stays in range and is close to uniform', () => {
    const r = new Prng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.below(10)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const x = r.below(3);
      expect(x >= 0 && x < 3).toBe(true);
    }
  });

  it('chance(num, den) hits about num/den of the time', () => {
    const r = new Prng(9);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (r.chance(1, 10)) hits++;
    expect(hits).toBeGreaterThan(9_500);
    expect(hits).toBeLessThan(10_500);
  });

  it('refuses bad seeds and ranges with a clear error', () => {
    expect(() => new Prng(-1)).toThrow(/seed must be an integer/);
    expect(() => new Prng(1.5)).toThrow(/seed must be an integer/);
    expect(() => new Prng(1).below(0)).toThrow(/below/);
    expect(() => new Prng(1).intInclusive(3, 2)).toThrow(/max 2 < min 3/);
  });

  it('shuffle is a permutation', () => {
    const p = new Prng(3).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
