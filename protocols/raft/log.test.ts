import { describe, expect, it } from 'vitest';
import * as Log from './log.ts';
import type { RaftLog } from './types.ts';

/** A log whose snapshot ends at `base` (of `baseTerm`), followed by entries of the given terms. */
function logOf(base: number, baseTerm: number, terms: number[]): RaftLog {
  return { base, baseTerm, entries: terms.map((term, k) => ({ term, cmd: base + 1 + k })) };
}

describe('raft log indexing', () => {
  it('maps Raft indexes through the snapshot offset', () => {
    const log = logOf(10, 2, [2, 3, 3]);
    expect(Log.lastIndex(log)).toBe(13);
    expect(Log.lastTerm(log)).toBe(3);
    expect(Log.termAt(log, 10)).toBe(2); // the sentinel: the snapshot's last entry
    expect(Log.entryAt(log, 11)).toEqual({ term: 2, cmd: 11 });
    expect(Log.entryAt(log, 13).cmd).toBe(13);
    expect(Log.sliceFrom(log, 12).map((e) => e.cmd)).toEqual([12, 13]);
    expect(Log.sliceFrom(log, 14)).toEqual([]);
  });

  it('an empty log has the sentinel only', () => {
    const log = Log.emptyLog();
    expect([Log.lastIndex(log), Log.lastTerm(log), Log.termAt(log, 0)]).toEqual([0, 0, 0]);
    expect(() => Log.entryAt(log, 1)).toThrow(Log.RaftLogError);
  });

  it('refuses compacted and missing indexes', () => {
    const log = logOf(10, 2, [2, 3]);
    expect(() => Log.entryAt(log, 10)).toThrow(/no entry at index 10/);
    expect(() => Log.termAt(log, 9)).toThrow(Log.RaftLogError);
    expect(() => Log.termAt(log, 13)).toThrow(Log.RaftLogError);
    expect(() => Log.sliceFrom(log, 10)).toThrow(Log.RaftLogError);
    expect(() => Log.truncateFrom(log, 10)).toThrow(/into the snapshot/);
  });

  it('truncates from an index, and ignores a truncation past the end', () => {
    const log = logOf(5, 1, [1, 2, 2, 3]);
    Log.truncateFrom(log, 10);
    expect(Log.lastIndex(log)).toBe(9);
    Log.truncateFrom(log, 8);
    expect(Log.lastIndex(log)).toBe(7);
    Log.append(log, [{ term: 4, cmd: 'x' }]);
    expect(Log.entryAt(log, 8)).toEqual({ term: 4, cmd: 'x' });
  });

  it('compaction keeps the suffix after a matching entry and drops the log after a foreign one', () => {
    const kept = logOf(0, 0, [1, 1, 2, 2]);
    expect(Log.compactTo(kept, 3, 2)).toBe(true);
    expect([kept.base, kept.baseTerm, Log.lastIndex(kept), Log.entryAt(kept, 4).cmd]).toEqual([3, 2, 4, 4]);

    const foreign = logOf(0, 0, [1, 1, 2, 2]);
    expect(Log.compactTo(foreign, 3, 5)).toBe(false); // the leader's entry 3 has another term
    expect([foreign.base, foreign.baseTerm, Log.lastIndex(foreign)]).toEqual([3, 5, 3]);

    const short = logOf(0, 0, [1]);
    expect(Log.compactTo(short, 7, 2)).toBe(false);
    expect([short.base, Log.lastIndex(short)]).toEqual([7, 7]);
    expect(() => Log.compactTo(short, 7, 2)).toThrow(/already compacted/);
  });

  it('finds the first and last index of a term by binary search', () => {
    const log = logOf(4, 1, [1, 1, 3, 3, 3, 6, 6]); // indexes 5..11
    expect(Log.firstIndexOfTerm(log, 3, 9)).toBe(7);
    expect(Log.firstIndexOfTerm(log, 1, 6)).toBe(5); // never below base + 1
    expect(Log.firstIndexOfTerm(log, 6, 11)).toBe(10);
    expect(Log.lastIndexOfTerm(log, 3)).toBe(9);
    expect(Log.lastIndexOfTerm(log, 6)).toBe(11);
    expect(Log.lastIndexOfTerm(log, 1)).toBe(6);
    expect(Log.lastIndexOfTerm(log, 2)).toBe(-1);
    expect(Log.lastIndexOfTerm(log, 7)).toBe(-1);
    expect(Log.lastIndexOfTerm(logOf(4, 1, []), 1)).toBe(4); // the sentinel counts
    expect(Log.lastIndexOfTerm(logOf(4, 5, [6]), 2)).toBe(-1);
  });

  it('edges: a truncation well past the end, slices just out of range, a compaction at the last index', () => {
    const log = logOf(10, 2, [2, 3, 3]);
    Log.truncateFrom(log, 20);
    expect(Log.lastIndex(log)).toBe(13);
    expect(log.entries).toHaveLength(3);
    expect(log.changedFrom).toBeUndefined();
    expect(() => Log.sliceFrom(log, 15)).toThrow(Log.RaftLogError);
    expect(() => Log.sliceFrom(log, 15)).toThrow('raft log: cannot slice from 15 (snapshot through 10, last 13)');
    expect(() => Log.sliceFrom(log, 10)).toThrow(Log.RaftLogError);
    expect(Log.sliceFrom(log, 14)).toEqual([]);
    expect(Log.sliceFrom(log, 12, 1).map((e) => e.cmd)).toEqual([12]);
    expect(Log.sliceFrom(log, 12, 2).map((e) => e.cmd)).toEqual([12, 13]);
    const last = logOf(10, 2, [2, 3, 3]);
    expect(Log.compactTo(last, 13, 3)).toBe(true); // the very entry: kept, with nothing after it
    expect([last.base, last.baseTerm, last.entries.length]).toEqual([13, 3, 0]);
    const foreign = logOf(10, 2, [2, 3, 3]);
    expect(Log.compactTo(foreign, 13, 4)).toBe(false);
    expect(Log.compactTo(logOf(10, 2, [2]), 12, 2)).toBe(false); // beyond the log
  });
});
