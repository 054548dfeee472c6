/**
 * The one place that knows where a Raft index lives: index i is
 * entries[i - base - 1]; index `base` (0, or the snapshot's last index) is a
 * sentinel that has a term but no entry. Everything else asks these
 * functions. Out-of-range access throws: a Raft that reads a compacted or
 * missing entry is broken and should stop loudly.
 */
import type { Entry, RaftLog } from './types.ts';

export class RaftLogError extends Error {}

/** Notes in the log that `index` was replaced or removed in place (RaftLog.changedFrom). */
function markChanged(log: RaftLog, index: number): void {
  const c = log.changedFrom;
  if (c === undefined || index < c) log.changedFrom = index;
}

/** The lowest index changed in place since the previous call (Infinity if none), and forgets it. */
export function takeChangedFrom(log: RaftLog): number {
  const c = log.changedFrom;
  if (c === undefined) return Infinity;
  delete log.changedFrom;
  return c;
}

export function emptyLog(): RaftLog {
  return { base: 0, baseTerm: 0, entries: [] };
}

export function lastIndex(log: RaftLog): number {
  return log.base + log.entries.length;
}

export function lastTerm(log: RaftLog): number {
  const n = log.entries.length;
  return n === 0 ? log.baseTerm : log.entries[n - 1]!.term;
}

/** The entry at `index`, base < index ≤ lastIndex. */
export function entryAt(log: RaftLog, index: number): Entry {
  const entry = index > log.base ? log.entries[index - log.base - 1] : undefined;
  if (entry === undefined) {
    throw new RaftLogError(`raft log: no entry at index ${index} (snapshot through ${log.base}, last ${lastIndex(log)})`);
  }
  return entry;
}

/** The term at `index`, base ≤ index ≤ lastIndex. */
export function termAt(log: RaftLog, index: number): number {
  return index === log.base ? log.baseTerm : entryAt(log, index).term;
}

/** A fresh array of the entries from `index` (base < index ≤ lastIndex + 1) to the end, at most `limit` of them. */
export function sliceFrom(log: RaftLog, index: number, limit = Infinity): Entry[] {
  if (index <= log.base || index > lastIndex(log) + 1) {
    throw new RaftLogError(`raft log: cannot slice from ${index} (snapshot through ${log.base}, last ${lastIndex(log)})`);
  }
  const from = index - log.base - 1;
  return limit >= log.entries.length - from ? log.entries.slice(from) : log.entries.slice(from, from + limit);
}

/** Drops the entries at `index` and after (base < index); a no-op past the end. */
export function truncateFrom(log: RaftLog, index: number): void {
  if (index <= log.base) throw new RaftLogError(`raft log: cannot truncate into the snapshot (index ${index} ≤ ${log.base})`);
  if (index <= lastIndex(log)) {
    log.entries.length = index - log.base - 1;
    markChanged(log, index);
  }
}

/** Appends entries after the last one. Invariant kept by callers: their terms are ≥ lastTerm. */
export function append(log: RaftLog, entries: readonly Entry[]): void {
  for (let k = 0; k < entries.length; k++) log.entries.push(entries[k]!);
}

/**
 * Makes `index` (with `term`) the snapshot's last index: entries after it are
 * kept if the log holds that very entry, else the whole log goes (§7: a
 * snapshot that does not match our log supersedes it). Returns whether the
 * suffix was kept.
 */
export function compactTo(log: RaftLog, index: number, term: number): boolean {
  if (index <= log.base) throw new RaftLogError(`raft log: compacting to ${index}, already compacted through ${log.base}`);
  const kept = index <= lastIndex(log) && termAt(log, index) === term;
  if (!kept) markChanged(log, index + 1);
  log.entries = kept ? log.entries.slice(index - log.base) : [];
  log.base = index;
  log.baseTerm = term;
  return kept;
}

/** The first index of the run of `term` that ends at or after `at` (termAt(at) = term), never below base + 1. */
export function firstIndexOfTerm(log: RaftLog, term: number, at: number): number {
  let lo = log.base + 1;
  let hi = at;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (termAt(log, mid) < term) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, at);
}

/** The last index (≥ base) whose term is `term`, or -1 if the log has no such index. Terms are sorted, so this is a binary search. */
export function lastIndexOfTerm(log: RaftLog, term: number): number {
  if (log.baseTerm > term) return -1;
  let lo = log.base;
  let hi = lastIndex(log);
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (termAt(log, mid) <= term) lo = mid;
    else hi = mid - 1;
  }
  return termAt(log, lo) === term ? lo : -1;
}
