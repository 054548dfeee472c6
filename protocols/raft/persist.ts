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
 *
 * Each entry's command is encoded once per entry object in the process
 * (commandOf), not once per server: entries are immutable and travel by
 * reference, so the leader and every follower holding an entry share its
 * encoding. A snapshot moves the runs' boundaries (they are cut from the
 * first entry after it), and the runs re-cut then are built from those
 * encodings: a run costs its terms' encoding and a copy, not a walk of its
 * commands. kvraft snapshots every few entries, so this is most of its saves.
 */
import { arrayHeader, CodecError, encode, Encoded, bytesOf, sameBytes, ValueCursor, type Bytes, type Payload, type Persisted } from '../../sim/contract.ts';
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


/**
 * Each entry object's command, encoded once. A memo of a pure function over
 * immutable values, keyed weakly: it changes no byte and no decision, only
 * how often the same bytes are made (the entry objects a log holds are
 * shared by every server that received them).
 */
const COMMANDS = new WeakMap<Entry, Encoded>();

function commandOf(e: Entry): Encoded {
  let c = COMMANDS.get(e);
  if (c === undefined) COMMANDS.set(e, (c = new Encoded(encode(e.cmd))));
  return c;
}

/** encode([terms, commands]) of entries[from..to), the commands from commandOf. */
function encodeRun(entries: readonly Entry[], from: number, to: number): Uint8Array {
  const terms = new Array<number>(to - from);
  const cmds = new Array<Encoded>(to - from);
  for (let k = from; k < to; k++) {
    const e = entries[k]!;
    terms[k - from] = e.term;
    cmds[k - from] = commandOf(e);
  }
  return encode([terms, cmds]);
}

/** An empty run cache, for a new incarnation's state. */
export function emptyRunCache(): RunCache {
  return { base: 0, log: undefined, entries: [], runs: [], runEntries: [] };
}

/**
 * The cached full runs of the log, brought up to date: runs that log.ts
 * reports changed are dropped and re-encoded. When the log or its entries
 * array is not the one the runs were last checked against (replaced behind
 * log.ts's back, so its record of changes may be lost), a run is kept only
 * if it still holds the very entry objects it was encoded from.
 */
function fullRuns(log: RaftLog, cache: RunCache): Uint8Array[] {
  const { base, entries } = log;
  const changed = Log.takeChangedFrom(log);
  if (cache.base !== base) {
    cache.base = base;
    cache.runs.length = cache.runEntries.length = 0;
  }
  // Runs at or after the first changed index are stale.
  let keep = Math.min(cache.runs.length, Math.floor((changed - base - 1) / RUN_ENTRIES), Math.floor(entries.length / RUN_ENTRIES));
  if (cache.log !== log || cache.entries !== entries) {
    let k = 0;
    while (k < keep && holdsRun(cache.runEntries[k]!, entries, k * RUN_ENTRIES)) k++;
    keep = k;
    cache.log = log;
    cache.entries = entries;
  }
  cache.runs.length = cache.runEntries.length = Math.max(0, keep);
  for (let k = cache.runs.length; (k + 1) * RUN_ENTRIES <= entries.length; k++) {
    cache.runs.push(encodeRun(entries, k * RUN_ENTRIES, (k + 1) * RUN_ENTRIES));
    cache.runEntries.push(entries.slice(k * RUN_ENTRIES, (k + 1) * RUN_ENTRIES));
  }
  return cache.runs;
}

/** Whether `entries` holds, from `from`, exactly the entry objects a cached run was encoded from. */
function holdsRun(run: readonly Entry[], entries: readonly Entry[], from: number): boolean {
  for (let j = 0; j < RUN_ENTRIES; j++) if (run[j] !== entries[from + j]) return false;
  return true;
}

export function encodeState(st: RaftState): Bytes {
  const log = st.log;
  const runs = fullRuns(log, st.runCache);
  return [encode([st.currentTerm, st.votedFor, log.base, log.baseTerm, runs.length]), ...runs, ...tailPieces(log.entries, runs.length * RUN_ENTRIES)];
}

/** The pieces of encode([terms, commands]) for entries[from..], each command's encoding from commandOf. */
function tailPieces(entries: readonly Entry[], from: number): Uint8Array[] {
  const n = entries.length - from;
  const terms = new Array<number>(n);
  const pieces = new Array<Uint8Array>(n + 3);
  pieces[0] = PAIR_HEADER;
  pieces[2] = arrayHeader(n);
  for (let k = 0; k < n; k++) {
    const e = entries[from + k]!;
    terms[k] = e.term;
    pieces[k + 3] = commandOf(e).bytes;
  }
  pieces[1] = encode(terms);
  return pieces;
}

const PAIR_HEADER = arrayHeader(2);

export function decodeState(bytes: Bytes): DurableState {
  const cursor = new ValueCursor(bytesOf(bytes));
  try {
    return decodeLayout(cursor);
  } catch (e) {
    if (e instanceof CodecError) throw new RaftPersistError(`raft: persisted state does not decode: ${e.message}`);
    throw e;
  }
}

function malformed(): never {
  throw new RaftPersistError('raft: persisted log is malformed');
}

function decodeLayout(c: ValueCursor): DurableState {
  const header = c.done ? undefined : c.value();
  if (!Array.isArray(header) || header.length !== 5) throw new RaftPersistError('raft: persisted state does not start with a 5-field header');
  const [currentTerm, votedFor, base, baseTerm, runCount] = header as unknown[];
  if (!isCount(currentTerm) || !(votedFor === null || isCount(votedFor)) || !isCount(base) || !isCount(baseTerm)) {
    throw new RaftPersistError('raft: persisted term, vote or snapshot position is malformed');
  }
  if (!isCount(runCount)) malformed();
  const entries: Entry[] = [];
  for (let k = 0; k < runCount; k++) {
    if (c.done) malformed();
    fullRun(c, entries);
  }
  if (c.done) malformed();
  decodeRun(c, entries, false);
  if (!c.done) malformed();
  return { currentTerm, votedFor, log: { base, baseTerm, entries } };
}

/**
 * Full runs decoded before, by their bytes. A restarted server reads back
 * runs it (or a peer) saved and decoded already: their bytes are equal, so
 * are their entries, and the entry objects are reused, with their cached
 * command encodings (commandOf) and every other cache keyed by them (a
 * checker's command keys). Like COMMANDS a memo of a pure function: a hit
 * and a miss give equal entries. Bounded: the oldest run is dropped first.
 */
const RUN_MEMO = new Map<number, { readonly bytes: Uint8Array; readonly entries: readonly Entry[] }>();
const RUN_MEMO_MAX = 4096;

/**
 * Empties the memo of decoded runs. The benchmarks call it before each run
 * they time, so a figure counts what a run decodes itself, never the runs an
 * earlier run of the same seed left behind.
 */
export function forgetDecodedRuns(): void {
  RUN_MEMO.clear();
}

function fullRun(c: ValueCursor, entries: Entry[]): void {
  const from = c.pos;
  c.skip();
  const span = c.bytes.subarray(from, c.pos);
  const key = spanHash(span);
  const known = RUN_MEMO.get(key);
  if (known !== undefined && sameBytes(known.bytes, span)) {
    for (const e of known.entries) entries.push(e);
    return;
  }
  // A copy of its own: the memo and the commands' encodings must not hold the whole state's bytes.
  const own = new ValueCursor(span.slice());
  const run = decodeRun(own, entries, true);
  if (!own.done) malformed();
  if (RUN_MEMO.size >= RUN_MEMO_MAX) RUN_MEMO.delete(RUN_MEMO.keys().next().value!);
  RUN_MEMO.set(key, { bytes: own.bytes, entries: run });
}

/**
 * One [terms[], commands[]] run onto `entries`; a full one holds
 * RUN_ENTRIES entries, the last fewer. A full run's commands keep their
 * bytes as their cached encodings (the cursor's bytes are the run's own).
 */
function decodeRun(c: ValueCursor, entries: Entry[], full: boolean): Entry[] {
  if (c.arrayHeader() !== 2) malformed();
  const terms = c.value();
  if (!Array.isArray(terms) || !(full ? terms.length === RUN_ENTRIES : terms.length < RUN_ENTRIES) || !terms.every(isCount)) malformed();
  if (c.arrayHeader() !== terms.length) malformed();
  const run = new Array<Entry>(terms.length);
  for (let k = 0; k < terms.length; k++) {
    const at = c.pos;
    const e: Entry = { term: terms[k] as number, cmd: c.value() as Payload };
    if (full) COMMANDS.set(e, new Encoded(c.bytes.subarray(at, c.pos)));
    run[k] = e;
    entries.push(e);
  }
  return run;
}

/** A digest of a run's bytes, to look it up in RUN_MEMO (a hit is then compared byte by byte). */
function spanHash(b: Uint8Array): number {
  let h = b.length | 0;
  const step = b.length > 256 ? (b.length >>> 7) : 1;
  for (let i = 0; i < b.length; i += step) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = Math.max(0, b.length - 16); i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
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
