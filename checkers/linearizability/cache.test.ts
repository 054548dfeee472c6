import { describe, expect, it } from 'vitest';
import { VisitedSet } from './cache.ts';
import { ILLEGAL_STEP, StateTable, stringHash, TransitionMemo, UNKNOWN_STEP } from './states.ts';

describe('VisitedSet', () => {
  it('adds a configuration once', () => {
    const visited = new VisitedSet(2);
    const bits = Int32Array.of(5, 1);
    expect(visited.add(11, 22, 3, bits, 0, 0, 1)).toBe(true);
    expect(visited.add(11, 22, 3, bits, 0, 0, 1)).toBe(false);
    expect(visited.add(11, 22, 4, bits, 0, 0, 1)).toBe(true);
    expect(visited.size).toBe(2);
  });

  it('tells apart different sets whose hashes collide (exact verification)', () => {
    const visited = new VisitedSet(1);
    expect(visited.add(7, 7, 0, Int32Array.of(1), 0, 0, 0)).toBe(true);
    expect(visited.add(7, 7, 0, Int32Array.of(2), 0, 0, 0)).toBe(true);
    expect(visited.add(7, 7, 0, Int32Array.of(1), 0, 0, 0)).toBe(false);
  });

  it('compares only the words of the segment, and tells segments apart', () => {
    const visited = new VisitedSet(1);
    // Segment 1 covers word 1 only: word 0 (all of segment 0, linearized) is not stored or compared.
    expect(visited.add(5, 6, 0, Int32Array.of(-1, 3, 0), 1, 1, 1)).toBe(true);
    expect(visited.add(5, 6, 0, Int32Array.of(7, 3, 9), 1, 1, 1)).toBe(false);
    expect(visited.add(5, 6, 0, Int32Array.of(-1, 2, 0), 1, 1, 1)).toBe(true);
    // Same hash, state and words, another segment: another configuration.
    expect(visited.add(5, 6, 0, Int32Array.of(-1, 3, 0), 2, 1, 1)).toBe(true);
    // Records of different lengths side by side in the pool, through its growth.
    const wide = new Int32Array(40);
    let added = 0;
    let early = wide;
    for (let i = 0; i < 5000; i++) {
      wide[i % 40] = i;
      if (i === 2000) early = wide.slice();
      if (visited.add(i, -i, 1, wide, 3 + (i % 2), i % 2 === 0 ? 0 : 10, i % 2 === 0 ? 39 : 12)) added++;
    }
    expect(added).toBe(5000);
    expect(visited.add(2000, -2000, 1, early, 3, 0, 39)).toBe(false);
    early[39]! ^= 1;
    expect(visited.add(2000, -2000, 1, early, 3, 0, 39)).toBe(true);
    expect(visited.add(5, 6, 0, Int32Array.of(0, 2, 0), 1, 1, 1)).toBe(false);
    expect(visited.size).toBe(5004);
  });

  it('keeps every entry through growth', () => {
    const visited = new VisitedSet(3);
    const bits = new Int32Array(3);
    let added = 0;
    for (let i = 0; i < 50_000; i++) {
      bits[i % 3] = i;
      if (visited.add(i * 7919, i, i % 5, bits, 0, 0, 2)) added++;
    }
    let again = 0;
    for (let i = 0; i < 50_000; i++) {
      bits.fill(0);
      for (let j = Math.max(0, i - 2); j <= i; j++) bits[j % 3] = j;
      if (visited.add(i * 7919, i, i % 5, bits, 0, 0, 2)) again++;
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

describe('TransitionMemo past the dense rows', () => {
  it('keeps the first answers of each state beside it and the rest in the overflow table, and forgets both', () => {
    const memo = new TransitionMemo(100_000); // no dense rows
    for (let s = 0; s < 2000; s++) for (let op = 0; op < (s % 7) + 1; op++) memo.set(s, 10 * op + 1, s + op);
    let wrong = 0;
    for (let s = 0; s < 2000; s++) {
      for (let op = 0; op < (s % 7) + 1; op++) if (memo.get(s, 10 * op + 1) !== s + op) wrong++;
      if (memo.get(s, 0) !== UNKNOWN_STEP || memo.get(s, 10 * ((s % 7) + 1) + 1) !== UNKNOWN_STEP) wrong++;
    }
    expect(wrong).toBe(0);
    expect(memo.get(5000, 1)).toBe(UNKNOWN_STEP);
    memo.forgetBelow(2000);
    expect([memo.get(1999, 1), memo.get(6, 61)]).toEqual([UNKNOWN_STEP, UNKNOWN_STEP]);
    memo.set(2000, 1, 7);
    memo.set(2001, 1, ILLEGAL_STEP);
    expect([memo.get(2000, 1), memo.get(2001, 1), memo.get(2001, 11)]).toEqual([7, ILLEGAL_STEP, UNKNOWN_STEP]);
  });
});

describe('TransitionMemo.forgetBelow', () => {
  it('drops the answers of forgotten states and keeps taking new ones', () => {
    const memo = new TransitionMemo(60); // dense rows for the first 4,352 states
    memo.set(4000, 3, 7); // a dense row far from the first: the chunks before it are not allocated
    for (let s = 5000; s < 9000; s++) memo.set(s, s % 13, s); // the overflow table grows
    expect([memo.get(4000, 3), memo.get(8999, 8999 % 13), memo.get(100, 3)]).toEqual([7, 8999, UNKNOWN_STEP]);
    memo.forgetBelow(9000);
    expect([memo.get(4000, 3), memo.get(8999, 8999 % 13)]).toEqual([UNKNOWN_STEP, UNKNOWN_STEP]);
    memo.set(9000, 1, ILLEGAL_STEP);
    memo.set(4100, 3, 9);
    expect([memo.get(9000, 1), memo.get(4100, 3)]).toEqual([ILLEGAL_STEP, 9]);
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

  it('forgets every state but one, which comes back under a new id; a forgotten state met again gets a new id', () => {
    const objects = new StateTable<{ v: number }>({ equal: (a, b) => a.v === b.v, hash: (s) => s.v });
    const strings = new StateTable<string>({});
    const numbers = new StateTable<number>({});
    const scanned = new StateTable<number[]>({ equal: (a, b) => a.join() === b.join() });
    for (let v = 0; v < 3000; v++) [objects.intern({ v }), strings.intern(`s${v}`), numbers.intern(v), v < 50 ? scanned.intern([v]) : 0];
    expect([objects.renew(2000), strings.renew(2000), numbers.renew(2000), scanned.renew(20)]).toEqual([3000, 3000, 3000, 50]);
    expect([objects.size, strings.size, numbers.size, scanned.size]).toEqual([1, 1, 1, 1]);
    expect([objects.states[2000], objects.states[3000]]).toEqual([undefined, { v: 2000 }]);
    expect([objects.intern({ v: 2000 }), strings.intern('s2000'), numbers.intern(2000), scanned.intern([20])]).toEqual([3000, 3000, 3000, 50]);
    expect([objects.intern({ v: 7 }), strings.intern('s7'), numbers.intern(7), scanned.intern([7])]).toEqual([3001, 3001, 3001, 51]);
    expect([objects.intern({ v: 7 }), strings.intern('s7'), numbers.intern(7), scanned.intern([7])]).toEqual([3001, 3001, 3001, 51]);
    expect([objects.size, strings.size, numbers.size, scanned.size]).toEqual([2, 2, 2, 2]);
  });

  it('hashes long strings by samples, consistently with equality', () => {
    const long = 'x'.repeat(5000);
    const built = ['x'.repeat(2500), 'x'.repeat(2500)].join('');
    expect(stringHash(long)).toBe(stringHash(built));
    expect(stringHash(long)).not.toBe(stringHash(long + 'x'));
    expect(stringHash(`a${long.slice(1)}`)).not.toBe(stringHash(long));
    expect(stringHash(`${long.slice(1)}a`)).not.toBe(stringHash(long));
    // A difference between the samples collides, and the table still tells the strings apart.
    const table = new StateTable<string>({});
    const a = `${'x'.repeat(2601)}a${'x'.repeat(2398)}`; // 2601 falls between samples 2600 and 2609
    const b = `${'x'.repeat(2601)}b${'x'.repeat(2398)}`;
    expect(stringHash(a)).toBe(stringHash(b));
    expect([table.intern(a), table.intern(b), table.intern(`${a}`)]).toEqual([0, 1, 0]);
  });
});

describe('StateTable with worthInterning', () => {
  it('gives a state the model deems not worth interning an id of its own, and still interns the others', () => {
    const table = new StateTable<{ v: number; fresh: boolean }>({
      equal: (a, b) => a.v === b.v,
      hash: (s) => s.v,
      worthInterning: (s) => !s.fresh,
    });
    const ids = [
      { v: 1, fresh: false },
      { v: 1, fresh: true },
      { v: 1, fresh: false },
      { v: 2, fresh: true },
      { v: 2, fresh: false },
    ].map((s) => table.intern(s));
    expect(ids).toEqual([0, 1, 0, 2, 3]);
  });
});
