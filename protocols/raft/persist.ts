/**
 * The persistent state's bytes, and a fresh incarnation built from them.
 *
 * Layout (sim/codec.ts): a sequence of encodings saved back to back,
 *     [currentTerm, votedFor | null, lastIncludedIndex, lastIncludedTerm, runs]
 *     run 1 … run `runs`: each [terms[], commands[]] of RUN_ENTRIES entries
 *     [terms[], commands[]] of the last, partial run
 * The log after the snapshot is cut into runs of RUN_ENTRIES entries from
 * its first one. An entry costs its term and command only (no per-entry
 * keys): 20 entries of integer commands take about 250 bytes, far inside
 * 3D's 2000.
 *
 * Why runs: every step that changes the log saves the whole state (the
 * persister has no append), so encoding the log afresh each time costs
 * O(log length) per save and O(n²) over a run; 3C's churn tests grow logs of
 * thousands of entries without snapshots. The encoding of each full run is
 * cached per log and reused while nothing in it changed (log.ts reports
 * in-place changes; entries are immutable), and the save hands the cached
 * encodings to the persister as pieces (sim/node.ts Bytes) without copying:
 * a save encodes fewer than RUN_ENTRIES entries. The partial last run is
 * handed on the same way, as its terms and each entry's command encoded once
 * (the bytes are those of encoding [terms, commands] whole).
 */
import { arrayHeader, decodeSequence, encode, type CodecError, bytesOf, type Bytes, type Payload, type Persisted } from '../../sim/contract.ts';
import * as Log from './log.ts';
import type { Entry, RaftConfig, RaftLog, RaftState, RunCache } from './types.ts';

export class RaftPersistError extends Error {}

/** The persistent fields of Figure 2, plus the snapshot's last index and term. */
export interface DurableState {
  readonly currentTerm: number;
  readonly votedFor: number | null;
  readonly log: RaftLog;
}

/** Entries per run of the encoded log. */
const RUN_ENTRIES = 32;


function splitEntries(entries: readonly Entry[], from: number, to: number): [number[], Payload[]] {
  const terms = new Array<number>(to - from);
  const cmds = new Array<Payload>(to - from);
  for (let k = from; k < to; k++) {
    terms[k - from] = entries[k]!.term;
    cmds[k - from] = entries[k]!.cmd;
  }
  return [terms, cmds];
}

/** An empty run cache, for a new incarnation's state. */
export function emptyRunCache(): RunCache {
  return { base: 0, entries: [], runs: [], runFirst: [], commands: new WeakMap() };
}

/**
 * The cached full runs of the log, brought up to date: runs that log.ts
 * reports changed (or, after the entries array was replaced without a
 * reported change, whose entries differ) are dropped and re-encoded.
 */
function fullRuns(log: RaftLog, cache: RunCache): Uint8Array[] {
  const { base, entries } = log;
  const changed = Log.takeChangedFrom(log);
  if (cache.base !== base) {
    cache.base = base;
    cache.entries = entries;
    cache.runs.length = cache.runFirst.length = 0;
  }
  // Runs at or after the first changed index are stale.
  const keep = Math.min(cache.runs.length, Math.floor((changed - base - 1) / RUN_ENTRIES), Math.floor(entries.length / RUN_ENTRIES));
  if (cache.entries !== entries) {
    let k = 0;
    while (k < keep && holdsRun(cache, k, entries)) k++;
    cache.runs.length = cache.runFirst.length = k;
    cache.entries = entries;
  } else {
    cache.runs.length = cache.runFirst.length = Math.max(0, keep);
  }
  for (let k = cache.runs.length; (k + 1) * RUN_ENTRIES <= entries.length; k++) {
    cache.runs.push(encode(splitEntries(entries, k * RUN_ENTRIES, (k + 1) * RUN_ENTRIES)));
    cache.runFirst.push(entries[k * RUN_ENTRIES]!);
  }
  return cache.runs;
}

/** Whether run k's cached encoding still matches `entries` (a safety net for arrays replaced without a reported change). */
function holdsRun(cache: RunCache, k: number, entries: readonly Entry[]): boolean {
  const from = k * RUN_ENTRIES;
  if (cache.runFirst[k] !== entries[from]) return false;
  for (let j = from + 1; j < from + RUN_ENTRIES; j++) if (cache.entries[j] !== entries[j]) return false;
  return true;
}

export function encodeState(st: RaftState): Bytes {
  const log = st.log;
  const runs = fullRuns(log, st.runCache);
  return [encode([st.currentTerm, st.votedFor, log.base, log.baseTerm, runs.length]), ...runs, ...tailPieces(log.entries, runs.length * RUN_ENTRIES, st.runCache)];
}

/** The pieces of encode([terms, commands]) for entries[from..], each command's encoding cached per entry. */
function tailPieces(entries: readonly Entry[], from: number, cache: RunCache): Uint8Array[] {
  const n = entries.length - from;
  const terms = new Array<number>(n);
  const pieces = new Array<Uint8Array>(n + 3);
  pieces[0] = PAIR_HEADER;
  pieces[2] = arrayHeader(n);
  for (let k = 0; k < n; k++) {
    const e = entries[from + k]!;
    terms[k] = e.term;
    let cmd = cache.commands.get(e);
    if (cmd === undefined) cache.commands.set(e, (cmd = encode(e.cmd)));
    pieces[k + 3] = cmd;
  }
  pieces[1] = encode(terms);
  return pieces;
}

const PAIR_HEADER = arrayHeader(2);

export function decodeState(bytes: Bytes): DurableState {
  let values: unknown[];
  try {
    values = decodeSequence(bytesOf(bytes));
  } catch (e) {
    throw new RaftPersistError(`raft: persisted state does not decode: ${(e as CodecError).message}`);
  }
  const header = values[0];
  if (!Array.isArray(header) || header.length !== 5) throw new RaftPersistError('raft: persisted state does not start with a 5-field header');
  const [currentTerm, votedFor, base, baseTerm, runCount] = header as unknown[];
  if (!isCount(currentTerm) || !(votedFor === null || isCount(votedFor)) || !isCount(base) || !isCount(baseTerm)) {
    throw new RaftPersistError('raft: persisted term, vote or snapshot position is malformed');
  }
  if (!isCount(runCount) || values.length !== runCount + 2) throw new RaftPersistError('raft: persisted log is malformed');
  const entries: Entry[] = [];
  const take = (t: unknown, c: unknown): void => {
    if (!Array.isArray(t) || !Array.isArray(c) || t.length !== c.length || !t.every(isCount)) {
      throw new RaftPersistError('raft: persisted log is malformed');
    }
    for (let k = 0; k < t.length; k++) entries.push({ term: t[k] as number, cmd: c[k] as Payload });
  };
  for (let k = 1; k <= runCount; k++) {
    const run = values[k];
    if (!Array.isArray(run) || run.length !== 2 || !Array.isArray(run[0]) || run[0].length !== RUN_ENTRIES) {
      throw new RaftPersistError('raft: persisted log is malformed');
    }
    take(run[0], run[1]);
  }
  const tail = values[runCount + 1];
  if (!Array.isArray(tail) || tail.length !== 2 || !Array.isArray(tail[0]) || tail[0].length >= RUN_ENTRIES) {
    throw new RaftPersistError('raft: persisted log is malformed');
  }
  take(tail[0], tail[1]);
  return { currentTerm, votedFor, log: { base, baseTerm, entries } };
}

/**
 * A new incarnation: a follower holding what was persisted. Everything
 * through the snapshot counts as committed and applied (the service restores
 * its state from the persisted snapshot itself, so it is not re-delivered),
 * and the snapshot is kept so that later saves carry it on.
 */
export function restore(config: RaftConfig, persisted: Persisted): RaftState {
  const { me, peers } = config;
  if (!Number.isInteger(peers) || peers < 1 || !Number.isInteger(me) || me < 0 || me >= peers) {
    throw new RangeError(`raft: config needs 0 ≤ me < peers, got me=${me} peers=${peers}`);
  }
  const durable: DurableState =
    persisted.state.length === 0 ? { currentTerm: 0, votedFor: null, log: Log.emptyLog() } : decodeState(persisted.state);
  return {
    me,
    peers,
    currentTerm: durable.currentTerm,
    votedFor: durable.votedFor,
    log: durable.log,
    snapshot: persisted.snapshot,
    role: { kind: 'follower' },
    commitIndex: durable.log.base,
    lastApplied: durable.log.base,
    runCache: emptyRunCache(),
    ackSent: { term: 0, index: 0 },
  };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
