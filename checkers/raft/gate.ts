/**
 * The fact vocabulary is opt-in. A Raft that emits no facts (a student's
 * from-scratch Raft) is judged by what the lab tester sees; the invariant
 * checker must never fail it merely because its facts are missing, yet its
 * apply records alone would look like snapshots "beyond any commit".
 *
 * FactGate stands in front of a RaftInvariantChecker and switches it on per
 * node: a node's records reach the checker only from its first Raft fact on
 * (the correct Raft emits `boot` in init, before anything else). Restricted
 * to the nodes that speak, every invariant stays sound: the leaders, votes,
 * logs and commits it sees are a subset of the real ones, so a violation among
 * them is a real violation. Nothing here reads the invariant logic.
 */
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import type { RaftInvariantChecker } from './checker.ts';
import type { RaftFact } from './types.ts';

const VOCABULARY: ReadonlySet<string> = new Set<RaftFact['type']>([
  'raft/boot',
  'raft/vote',
  'raft/leader',
  'raft/log',
  'raft/commit',
  'raft/compact',
  'raft/term',
  'raft/ack',
  'raft/match',
]);

/** Whether a fact payload belongs to the Raft vocabulary (checkers/raft/types.ts: RaftFact). */
export function isRaftFact(payload: unknown): payload is RaftFact {
  if (typeof payload !== 'object' || payload === null) return false;
  const type = (payload as { type?: unknown }).type;
  return typeof type === 'string' && VOCABULARY.has(type);
}

export class FactGate {
  private readonly speaking = new Set<string>();

  constructor(readonly checker: RaftInvariantChecker) {}

  /** Folds one Fact or Apply record in (trace order), forwarding it when its node speaks the vocabulary. */
  observe(r: TraceRecord): void {
    if (r.kind === TraceKind.Fact) {
      if (!isRaftFact(r.payload)) return;
      this.speaking.add(r.node);
      this.checker.observe(r);
    } else if (r.kind === TraceKind.Apply) {
      if (this.speaking.has(r.node)) this.checker.observe(r);
    }
  }

  /**
   * One line when checks are off for some of `nodes` (null when every one
   * speaks): which nodes, and why.
   */
  offLine(nodes: readonly string[]): string | null {
    const off = nodes.filter((n) => !this.speaking.has(n));
    if (off.length === 0) return null;
    const which = off.length === nodes.length ? 'every server' : `server${off.length > 1 ? 's' : ''} ${off.join(', ')}`;
    return `invariant checks off for ${which}: no Raft facts emitted (opt-in; see README "Bring your own implementation"); the tester's own checks still decide`;
  }
}
