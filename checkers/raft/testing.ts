/**
 * Hand-written Raft traces for tests: a builder whose verbs append the
 * TraceRecords a host would record (facts, applies, crashes), each returned
 * so a test can name the record a violation must point at.
 */
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import type { RaftApply, RaftFact } from './types.ts';

/** [term, command] pairs, the shape of a `log` fact's entries in a test. */
export type EntrySpec = readonly (readonly [number, unknown])[];

export class TraceBuilder {
  readonly records: TraceRecord[] = [];
  /** Virtual time of the next record; each record advances it by 1 ms. */
  timeUs = 0;

  push(kind: TraceKind, node: string, payload: unknown, label = ''): TraceRecord {
    const r: TraceRecord = {
      index: this.records.length,
      timeUs: this.timeUs,
      kind,
      node,
      peer: '',
      label,
      payload,
      ok: true,
      describe: undefined,
    };
    this.timeUs += 1000;
    this.records.push(r);
    return r;
  }

  fact(node: string, fact: RaftFact): TraceRecord {
    return this.push(TraceKind.Fact, node, fact);
  }

  boot(node: string, term = 0, votedFor: number | null = null, snapshotIndex = 0, lastIndex = 0): TraceRecord {
    return this.fact(node, { type: 'raft/boot', term, votedFor, snapshotIndex, lastIndex });
  }

  vote(node: string, term: number, candidate: number): TraceRecord {
    return this.fact(node, { type: 'raft/vote', term, for: candidate });
  }

  leader(node: string, term: number, lastIndex: number): TraceRecord {
    return this.fact(node, { type: 'raft/leader', term, lastIndex });
  }

  log(node: string, from: number, entries: EntrySpec): TraceRecord {
    return this.fact(node, { type: 'raft/log', from, entries: entries.map(([term, cmd]) => ({ term, cmd })) });
  }

  commit(node: string, index: number): TraceRecord {
    return this.fact(node, { type: 'raft/commit', index });
  }

  compact(node: string, index: number, term: number): TraceRecord {
    return this.fact(node, { type: 'raft/compact', index, term });
  }

  term(node: string, term: number): TraceRecord {
    return this.fact(node, { type: 'raft/term', term });
  }

  ack(node: string, term: number, index: number): TraceRecord {
    return this.fact(node, { type: 'raft/ack', term, index });
  }

  match(node: string, term: number, peer: number, match: number, next = match + 1): TraceRecord {
    return this.fact(node, { type: 'raft/match', term, peer, match, next });
  }

  apply(node: string, index: number, command: unknown): TraceRecord {
    const msg: RaftApply = { commandValid: true, command, commandIndex: index };
    return this.push(TraceKind.Apply, node, msg);
  }

  applySnapshot(node: string, index: number, term: number, snapshot: Uint8Array): TraceRecord {
    const msg: RaftApply = { snapshotValid: true, snapshot, snapshotTerm: term, snapshotIndex: index };
    return this.push(TraceKind.Apply, node, msg);
  }

  crash(node: string): TraceRecord {
    return this.push(TraceKind.Crash, node, undefined, 'crash');
  }

  /** A crash and a new incarnation booting from (term, votedFor, snapshotIndex, lastIndex). */
  restart(node: string, term: number, votedFor: number | null, snapshotIndex: number, lastIndex: number): TraceRecord {
    this.crash(node);
    this.push(TraceKind.Start, node, undefined, 'raft');
    return this.boot(node, term, votedFor, snapshotIndex, lastIndex);
  }

  /**
   * A whole election of `leader` in `term` by `voters` (which include the
   * leader), each voting in the term: the leader's self-vote, the others'
   * votes, then its leadership with a log ending at `lastIndex`.
   */
  elect(leader: string, term: number, voters: readonly string[], lastIndex: number): TraceRecord {
    const id = Number(leader);
    for (const v of voters) this.vote(v, term, id);
    return this.leader(leader, term, lastIndex);
  }
}
