import { describe, expect, it } from 'vitest';
import { VisitedSet } from './cache.ts';
import { ILLEGAL_STEP, StateTable, TransitionMemo, UNKNOWN_STEP } from './states.ts';

describe('VisitedSet', () => {
  it('adds a configuration once', () => {
    const visited = new VisitedSet(2);
    const bits = Int32Array.of(5, 1);
    expect(visited.add(11, 22, 3, bits)).toBe(true);
    expect(visited.add(11, 22, 3, bits)).toBe(false);
    expect(visited.add(11, 22, 4, bits)).toBe(true);
    expect(visited.size).toBe(2);
  });

  it('tells apart different sets whose hashes collide (exact verification)', () => {
    const visited = new VisitedSet(1);
    expect(visited.add(7, 7, 0, Int32Array.of(1))).toBe(true);
    expect(visited.add(7, 7, 0, Int32Array.of(2))).toBe(true);
    expect(visited.add(7, 7, 0, Int32Array.of(1))).toBe(false);
  });

  it('keeps every entry through growth', () => {
    const visited = new VisitedSet(3);
    const bits = new Int32Array(3);
    let added = 0;
    for (let i = 0; i < 50_000; i++) {
      bits[i % 3] = i;
      if (visited.add(i * 7919, i, i % 5, bits)) added++;
    }
    let again = 0;
    for (let i = 0; i < 50_000; i++) {
      bits.fill(0);
      for (let j = Math.max(0, i - 2); j <= i; j++) bits[j % 3] = j;
      if (visited.add(i * 7919, i, i % 5, bits)) again++;
    }
    expect(added).toBe(50_000);
    expect(again).toBe(0);
    expect(visited.size).toBe(50_000);
  });
});

describe('TransitionMemo', () => {
  it('remembers answers in the dense rows and in the overflow table', () => {
    const memo = new TransitionMemo(100_000); // few dense rows: state ids past 40 overflow
    expect(memo.get(0, 5)).toBe(UNKNOWN_STEP);
    memo.set(0, 5, 9);
    memo.set(1, 99_999, ILLEGAL_STEP);
    for (let s = 100; s < 3000; s++) memo.set(s, s % 17, s + 1);
    expect(memo.get(0, 5)).toBe(9);
    expect(memo.get(0, 6)).toBe(UNKNOWN_STEP);
    expect(memo.get(1, 99_999)).toBe(ILLEGAL_STEP);
    let wrong = 0;
    for (let s = 100; s < 3000; s++) if (memo.get(s, s % 17) !== s + 1 || memo.get(s, (s % 17) + 1) !== UNKNOWN_STEP) wrong++;
    expect(wrong).toBe(0);
  });
});

describe('StateTable', () => {
  it('interns primitives by value', () => {
    const table = new StateTable<string | null>({});
    expect([table.intern('a'), table.intern(null), table.intern('a'), table.intern(`${'a'}`)]).toEqual([0, 1, 0, 0]);
  });

  it('interns objects by equal and hash, also when hashes collide', () => {
    const table = new StateTable<{ v: number }>({ equal: (a, b) => a.v === b.v, hash: (s) => s.v % 2 });
    const ids = [1, 2, 3, 1, 2, 5, 3].map((v) => table.intern({ v }));
    expect(ids).toEqual([0, 1, 2, 0, 1, 3, 2]);
  });

  it('interns objects by equal alone when there is no hash', () => {
    const table = new StateTable<number[]>({ equal: (a, b) => a.join() === b.join() });
    expect([table.intern([1]), table.intern([2]), table.intern([1])]).toEqual([0, 1, 0]);
  });
});
