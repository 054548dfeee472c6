/**
 * The persistent state's bytes, and a fresh incarnation built from them.
 *
 * Layout (sim/codec.ts): one array
 *     [currentTerm, votedFor | null, lastIncludedIndex, lastIncludedTerm, terms[], commands[]]
 * with the log's terms and commands as two parallel arrays, so an entry
 * costs its term and command only (no per-entry keys): 20 entries of
 * integer commands take about 250 bytes, far inside 3D's 2000.
 */
import { decode, encode } from '../../sim/codec.ts';
import type { Payload, Persisted } from '../../sim/node.ts';
import * as Log from './log.ts';
import type { Entry, RaftConfig, RaftLog, RaftState } from './types.ts';

export class RaftPersistError extends Error {}

/** The persistent fields of Figure 2, plus the snapshot's last index and term. */
export interface DurableState {
  readonly currentTerm: number;
  readonly votedFor: number | null;
  readonly log: RaftLog;
}

export function encodeState(st: RaftState): Uint8Array {
  const { entries } = st.log;
  const terms = new Array<number>(entries.length);
  const cmds = new Array<Payload>(entries.length);
  for (let k = 0; k < entries.length; k++) {
    terms[k] = entries[k]!.term;
    cmds[k] = entries[k]!.cmd;
  }
  return encode([st.currentTerm, st.votedFor, st.log.base, st.log.baseTerm, terms, cmds]);
}

export function decodeState(bytes: Uint8Array): DurableState {
  const v = decode(bytes);
  if (!Array.isArray(v) || v.length !== 6) throw new RaftPersistError('raft: persisted state is not a 6-field array');
  const [currentTerm, votedFor, base, baseTerm, terms, cmds] = v as unknown[];
  if (!isCount(currentTerm) || !(votedFor === null || isCount(votedFor)) || !isCount(base) || !isCount(baseTerm)) {
    throw new RaftPersistError('raft: persisted term, vote or snapshot position is malformed');
  }
  if (!Array.isArray(terms) || !Array.isArray(cmds) || terms.length !== cmds.length || !terms.every(isCount)) {
    throw new RaftPersistError('raft: persisted log is malformed');
  }
  const entries: Entry[] = terms.map((term: number, k) => ({ term, cmd: cmds[k] as Payload }));
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
  };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
