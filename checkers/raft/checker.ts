/**
 * The Raft invariants, checked on a trace as it is recorded (README.md lists
 * them). The checker folds each node's facts, by node name across
 * incarnations, into what that node's log, votes and commit point are, and
 * keeps four global tables: the leader of each term, the first sighting of
 * every (index, term) entry, the committed log and the applied commands.
 *
 * Every record costs O(1) plus O(entries it carries, or indexes it is the
 * first to commit), so a trace is checked in time linear in its size (a
 * snapshot handed to a service also costs its length when a decoder reads
 * it); the prefixes the invariants speak of are never rescanned, except once
 * to name the index in a violation's message. That rests on one inductive
 * step: when an entry (index, term) is sighted again, its command and the
 * term just before it must be the ones first sighted. If that holds for
 * every entry ever written, two logs that share an (index, term) share
 * everything up through it, so comparing one term at one index stands for
 * comparing whole prefixes (leader completeness and commits use this). A log
 * fact replaces a suffix, so each node's entry at j always sits on its
 * current entry at j − 1.
 *
 * Only the first violation is reported; records after it are ignored.
 */
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import { CommandKeys, describeKey, type CommandKey } from './command-key.ts';
import type {
  RaftApply,
  RaftCheckSummary,
  RaftCheckerOptions,
  RaftFact,
  RaftFactEntry,
  RaftInvariant,
  RaftTermRaise,
  RaftViolation,
} from './types.ts';

/** A term the trace did not reveal (a node booted from state whose history the trace lacks). */
const UNKNOWN = -1;

interface Vote {
  readonly candidate: number;
  readonly incarnation: number;
}

/** The first time entry (index, term) was seen in any log: later copies must agree with it. */
interface Sighting {
  readonly term: number;
  readonly key: CommandKey;
  /** The term at index − 1 in that log; UNKNOWN until some log reveals it. */
  prevTerm: number;
  readonly node: string;
  /** Another term sighted at the same index. */
  readonly next: Sighting | undefined;
}

/** One node, by name: what its facts say its durable state and commit point are. */
class NodeView {
  /** The snapshot replaces indexes 1..base; terms[base] is its last term. */
  base = 0;
  /** The log's last index. Invariant: base ≤ last, and terms.length = keys.length = last + 1. */
  last = 0;
  /** terms[j] for base ≤ j ≤ last, UNKNOWN where unrevealed. Slots below base are stale. */
  readonly terms: number[] = [0];
  /** keys[j] for base < j ≤ last, undefined where unrevealed. */
  readonly keys: (CommandKey | undefined)[] = [undefined];
  /**
   * The highest index this node has committed, in any incarnation: an entry
   * it committed stays committed, so it must never hold another one there.
   */
  commit = 0;
  /** Boot facts seen. */
  incarnations = 0;
  /** Votes by term, across incarnations (a vote must survive a crash). */
  readonly votes = new Map<number, Vote>();
  /** The highest term its facts named (a boot sets it to the booted term). */
  term = 0;
  /**
   * The acknowledged prefix: 1..ackIndex was acknowledged to the leader of
   * ackTerm and must stay held until a leader of a later term replaces part
   * of it (then ackIndex drops below the replaced part). ackTerm 0: none.
   */
  ackTerm = 0;
  ackIndex = 0;
  /** The highest index acknowledged in each term (what a leader of that term may count as matched). */
  readonly acks = new Map<number, number>();
  /** As leader: the latest term it led, its lastIndex then, and each peer's [matchIndex, nextIndex] reported since. */
  leadTerm = 0;
  leadLast = 0;
  readonly progress = new Map<number, readonly [number, number]>();

  constructor(readonly name: string) {}

  termAt(j: number): number {
    return j >= this.base && j <= this.last ? this.terms[j]! : UNKNOWN;
  }

  keyAt(j: number): CommandKey | undefined {
    return j > this.base && j <= this.last ? this.keys[j] : undefined;
  }

  /** Makes the log end at `last` (≥ base), padding with unrevealed entries when it grows. */
  setLast(last: number): void {
    for (let j = this.terms.length; j <= last; j++) {
      this.terms.push(UNKNOWN);
      this.keys.push(undefined);
    }
    if (this.terms.length > last + 1) {
      this.terms.length = last + 1;
      this.keys.length = last + 1;
    }
    this.last = last;
  }

  /** A boot that contradicts the facts: from now on only its shape is known, not its entries. */
  forget(base: number, last: number): void {
    this.setLast(Math.max(base, last));
    for (let j = base; j <= this.last; j++) {
      this.terms[j] = UNKNOWN;
      this.keys[j] = undefined;
    }
    this.base = base;
  }

  compactTo(index: number, term: number): void {
    if (index > this.last) this.setLast(index);
    this.terms[index] = term;
    this.keys[index] = undefined;
    this.base = index;
  }
}

export class RaftInvariantChecker {
  private readonly decodeSnapshot: RaftCheckerOptions['decodeSnapshot'];
  private found: RaftViolation | null = null;
  /** Commands' keys, each object keyed once (a cache). */
  private readonly keys = new CommandKeys();
  private readonly nodes = new Map<string, NodeView>();
  /** The leader of each term that had one. */
  private readonly leaders = new Map<number, string>();
  /** Sightings by index. */
  private readonly sightings: (Sighting | undefined)[] = [];
  /** The committed log, 1..commitHigh: its terms (UNKNOWN where unrevealed), commands, and who committed each first. */
  private readonly committedTerms: number[] = [0];
  private readonly committedKeys: (CommandKey | undefined)[] = [undefined];
  private readonly committedBy: string[] = [''];
  /**
   * committedIn[j]: an upper bound on the term in which index j was first
   * committed — the highest term any fact had named when it was (see
   * termBound). Nondecreasing in j, since indexes are committed in order.
   */
  private readonly committedIn: number[] = [0];
  /** knownAt[j]: the highest committed index ≤ j whose term is known (0 if none). */
  private readonly knownAt: number[] = [0];
  /** The highest index any node committed. */
  private commitHigh = 0;
  /**
   * The highest term any fact has named so far. Every term starts with a
   * candidate's vote for itself (a vote fact, in the step that sends its
   * RequestVotes), and a node only ever takes on a term it made or was sent,
   * so no node is in a higher term at this point of the trace.
   */
  private termBound = 0;
  /** The first command applied (or installed by a snapshot) at each index, and where. */
  private readonly appliedKeys: (CommandKey | undefined)[] = [];
  private readonly appliedBy: string[] = [];
  private compactions = 0;
  private snapshotApplies = 0;
  private restarts = 0;
  private readonly peerNames: readonly string[] | undefined;
  private raise: RaftTermRaise | null = null;

  constructor(options: RaftCheckerOptions = {}) {
    this.decodeSnapshot = options.decodeSnapshot;
    this.peerNames = options.peerNames;
  }

  /** The first violation, or null while every invariant holds. */
  get violation(): RaftViolation | null {
    return this.found;
  }

  summary(): RaftCheckSummary {
    return {
      leaderTerms: this.leaders.size,
      highestCommit: this.commitHigh,
      compactions: this.compactions,
      snapshotApplies: this.snapshotApplies,
      restarts: this.restarts,
    };
  }

  /** Folds one record in; records must come in trace order. A no-op after the first violation. */
  observe(r: TraceRecord): void {
    if (this.found !== null) return;
    switch (r.kind) {
      case TraceKind.Fact:
        return this.observeFact(r);
      case TraceKind.Apply:
        return this.observeApply(r);
      default:
        return;
    }
  }

  private fail(invariant: RaftInvariant, message: string, record: TraceRecord): void {
    this.found = { invariant, message, record };
  }

  private node(name: string): NodeView {
    let n = this.nodes.get(name);
    if (n === undefined) {
      n = new NodeView(name);
      this.nodes.set(name, n);
    }
    return n;
  }

  private observeFact(r: TraceRecord): void {
    const f = r.payload as RaftFact | null | undefined;
    if (typeof f !== 'object' || f === null) return;
    this.raiseTermBound(f, r);
    switch (f.type) {
      case 'raft/boot':
        return this.onBoot(this.node(r.node), f, r);
      case 'raft/vote':
        this.noteTerm(this.node(r.node), f.term);
        return this.recordVote(this.node(r.node), f.term, f.for, 'voted', r);
      case 'raft/leader':
        return this.onLeader(this.node(r.node), f.term, f.lastIndex, r);
      case 'raft/log':
        return this.onLog(this.node(r.node), f.from, f.entries, r);
      case 'raft/commit':
        return this.onCommit(this.node(r.node), f.index, r);
      case 'raft/compact':
        return this.onCompact(this.node(r.node), f.index, f.term, r);
      case 'raft/term':
        return this.noteTerm(this.node(r.node), f.term);
      case 'raft/ack':
        return this.onAck(this.node(r.node), f.term, f.index, r);
      case 'raft/match':
        return this.onMatch(this.node(r.node), f, r);
      default:
        return;
    }
  }

  private raiseTermBound(f: RaftFact, r: TraceRecord): void {
    let t = 0;
    switch (f.type) {
      case 'raft/boot':
      case 'raft/vote':
      case 'raft/leader':
      case 'raft/compact':
      case 'raft/term':
      case 'raft/ack':
      case 'raft/match':
        t = f.term;
        break;
      case 'raft/log':
        for (const e of f.entries) if (e.term > t) t = e.term;
        break;
      default:
        return;
    }
    if (typeof t === 'number' && t > this.termBound) {
      this.termBound = t;
      const how =
        f.type === 'raft/vote' ? (String(f.for) === r.node || this.peerNames?.[f.for] === r.node ? 'started an election' : 'voted in it')
        : f.type === 'raft/term' ? 'adopted it'
        : `named it first in a ${f.type} fact`;
      this.raise = { term: t, node: r.node, how, record: r };
    }
  }

  private noteTerm(n: NodeView, term: number): void {
    if (term > n.term) n.term = term;
  }

  /** The highest term any fact has named so far (0 before any). */
  get highestTerm(): number {
    return this.termBound;
  }

  /** The fact that last raised highestTerm: which node moved the cluster to that term, and how (null before any term). */
  get lastTermRaise(): RaftTermRaise | null {
    return this.raise;
  }

  // ── Votes and leaders ──────────────────────────────────────────────────────

  /** A new incarnation: its persisted vote counts as a vote; its log must be the one its facts built. */
  private onBoot(n: NodeView, f: Extract<RaftFact, { type: 'raft/boot' }>, r: TraceRecord): void {
    n.incarnations++;
    if (n.incarnations > 1) this.restarts++;
    n.term = f.term;
    if (f.votedFor !== null) this.recordVote(n, f.term, f.votedFor, 'boots with a vote', r);
    if (this.found !== null) return;
    if (n.ackIndex > f.lastIndex) {
      this.fail(
        'acknowledged-kept',
        `node ${n.name} restarts with a log ending at index ${f.lastIndex}, but it acknowledged index ${n.ackIndex} to the leader of term ${n.ackTerm} ` +
          `and no later leader replaced it: indexes ${f.lastIndex + 1}..${n.ackIndex} were lost by the restart (not persisted before the reply, or not restored)`,
        r,
      );
      return;
    }
    if (f.snapshotIndex !== n.base || f.lastIndex !== n.last) n.forget(f.snapshotIndex, f.lastIndex);
  }

  /**
   * Vote once per term: "each server will vote for at most one candidate in
   * a given term, on a first-come-first-served basis" (§5.2), across crashes
   * ("votedFor … updated on stable storage before responding", Figure 2).
   */
  private recordVote(n: NodeView, term: number, candidate: number, how: string, r: TraceRecord): void {
    const prior = n.votes.get(term);
    if (prior === undefined) {
      n.votes.set(term, { candidate, incarnation: n.incarnations });
      return;
    }
    if (prior.candidate === candidate) return;
    const when = prior.incarnation !== n.incarnations ? ' before a restart' : '';
    this.fail(
      'vote-once',
      `node ${n.name} ${how} for ${candidate} in term ${term}, but it voted for ${prior.candidate} in that term${when}`,
      r,
    );
  }

  /** Election Safety: "at most one leader can be elected in a given term" (Figure 3). */
  private onLeader(n: NodeView, term: number, lastIndex: number, r: TraceRecord): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== n.name) {
      this.fail('election-safety', `term ${term} has two leaders: node ${other}, then node ${n.name}`, r);
      return;
    }
    this.leaders.set(term, n.name);
    this.noteTerm(n, term);
    n.leadTerm = term;
    n.leadLast = lastIndex;
    n.progress.clear();
    this.checkLeaderCompleteness(n, term, r);
  }

  /**
   * Leader Completeness: "if a log entry is committed in a given term, then
   * that entry will be present in the logs of the leaders for all
   * higher-numbered terms" (Figure 3). Only entries committed in a term
   * below `term` bind this leader: an entry committed in its own term or a
   * later one does not (a term-1 leader may be elected late, after a term-2
   * leader committed). committedIn[j] is an upper bound on that term, so an
   * index with committedIn[j] < term surely binds; those form a prefix. The
   * leader must hold that prefix through its highest known index g: covered
   * by its snapshot, or the same term at g (log matching then vouches for
   * everything before it). A leader is checked as it is elected, when its
   * log is the one its votes judged.
   */
  private checkLeaderCompleteness(n: NodeView, term: number, r: TraceRecord): void {
    const g = this.knownAt[this.lastCommittedBefore(term)]!;
    if (g <= n.base) return;
    if (g <= n.last && this.matchesCommitted(g, n.termAt(g), n.keyAt(g))) return;
    const j = this.firstDifference(n, g);
    const held = j > n.last ? `its log ends at index ${n.last}` : `it holds term ${n.termAt(j)} ${describeKey(n.keyAt(j))} there`;
    this.fail('leader-completeness', `leader ${n.name} of term ${term} lacks committed index ${j} (${this.describeCommitted(j)}): ${held}`, r);
  }

  /** The highest committed index whose commit term is surely below `term` (binary search: committedIn is nondecreasing). */
  private lastCommittedBefore(term: number): number {
    let lo = 0;
    let hi = this.commitHigh;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.committedIn[mid]! < term) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // ── Logs ───────────────────────────────────────────────────────────────────

  /**
   * The node's log now holds `entries` from `from` and nothing after them.
   * Each entry is a claim checked against the committed log and the
   * sightings; only those above the snapshot are kept as the node's log.
   */
  private onLog(n: NodeView, from: number, entries: readonly RaftFactEntry[], r: TraceRecord): void {
    if (from <= n.ackIndex && !this.keepsAcknowledged(n, from, entries, r)) return;
    if (from > n.last + 1) n.setLast(from - 1); // the trace missed entries before these
    let prevTerm = n.termAt(from - 1);
    for (let k = 0; k < entries.length; k++) {
      const j = from + k;
      const e = entries[k]!;
      const key = this.keys.of(e.cmd);
      if (j <= n.commit && !this.matchesCommitted(j, e.term, key)) {
        this.fail(
          'state-machine-safety',
          `node ${n.name} overwrites its committed index ${j} (${this.describeCommitted(j)}) with term ${e.term} ${describeKey(key)}`,
          r,
        );
        return;
      }
      if (!this.sight(n, j, e.term, key, prevTerm, r)) return;
      if (j > n.base) {
        n.terms[j] = e.term;
        n.keys[j] = key;
      }
      prevTerm = e.term;
    }
    n.setLast(Math.max(n.base, from + entries.length - 1));
  }

  /**
   * Log Matching: "if two logs contain an entry with the same index and term,
   * then the logs are identical in all entries up through the given index"
   * (Figure 3). Checked one entry at a time: (j, term) must carry the command
   * and predecessor term it was first seen with; by induction that is the
   * whole prefix.
   */
  private sight(n: NodeView, j: number, term: number, key: CommandKey, prevTerm: number, r: TraceRecord): boolean {
    let s = this.sightings[j];
    while (s !== undefined && s.term !== term) s = s.next;
    if (s === undefined) {
      this.sightings[j] = { term, key, prevTerm, node: n.name, next: this.sightings[j] };
      return true;
    }
    if (s.key !== key) {
      this.fail(
        'log-matching',
        `index ${j} term ${term} holds ${describeKey(key)} at node ${n.name} but ${describeKey(s.key)} at node ${s.node}`,
        r,
      );
      return false;
    }
    if (prevTerm === UNKNOWN) return true;
    if (s.prevTerm === UNKNOWN) s.prevTerm = prevTerm;
    else if (s.prevTerm !== prevTerm) {
      this.fail(
        'log-matching',
        `index ${j} term ${term} follows term ${prevTerm} at node ${n.name} but term ${s.prevTerm} at node ${s.node}: the logs differ at index ${j - 1}`,
        r,
      );
      return false;
    }
    return true;
  }

  // ── Acknowledgements ───────────────────────────────────────────────────────

  /**
   * A follower keeps what it acknowledged: its success reply told the leader
   * of ackTerm that it holds that leader's entries through ackIndex, and the
   * leader counts them toward commitment. Only a leader of a later term may
   * replace them (they may be uncommitted); while the node is still in
   * ackTerm, a log fact from `from` ≤ ackIndex must rewrite each of those
   * indexes with the term it held and reach ackIndex. Called before the log
   * fact is folded in; returns false on a violation.
   */
  private keepsAcknowledged(n: NodeView, from: number, entries: readonly RaftFactEntry[], r: TraceRecord): boolean {
    if (n.term > n.ackTerm) {
      n.ackIndex = Math.max(n.base, from - 1); // a later leader's replacement: the acknowledged prefix ends before it
      return true;
    }
    const end = from + entries.length - 1;
    for (let j = Math.max(from, n.base + 1); j <= n.ackIndex; j++) {
      const held = n.termAt(j);
      if (j > end) {
        this.failAcknowledged(n, j, `its log now ends at index ${end}`, r);
        return false;
      }
      if (held !== UNKNOWN && entries[j - from]!.term !== held) {
        this.failAcknowledged(n, j, `it replaces that index's term-${held} entry with a term-${entries[j - from]!.term} one`, r);
        return false;
      }
    }
    return true;
  }

  private failAcknowledged(n: NodeView, j: number, what: string, r: TraceRecord): void {
    this.fail(
      'acknowledged-kept',
      `node ${n.name} acknowledged index ${n.ackIndex} to the leader of term ${n.ackTerm} and is still in that term, but loses index ${j}: ${what}`,
      r,
    );
  }

  /** An acknowledgement must be held when it is sent (a reply may not promise entries the log lacks); it extends the acknowledged prefix. */
  private onAck(n: NodeView, term: number, index: number, r: TraceRecord): void {
    this.noteTerm(n, term);
    if (n.incarnations > 0 && index > n.last) {
      this.fail('acknowledged-kept', `node ${n.name} acknowledges index ${index} to the leader of term ${term}, but its log ends at index ${n.last}`, r);
      return;
    }
    const prior = n.acks.get(term);
    if (prior === undefined || prior < index) n.acks.set(term, index);
    if (term > n.ackTerm) {
      n.ackTerm = term;
      n.ackIndex = index;
    } else if (term === n.ackTerm && index > n.ackIndex) n.ackIndex = index;
  }

  /**
   * A leader's matchIndex for a peer is never above what that peer
   * acknowledged to it: matchIndex counts toward commitment, so an
   * overstated one commits entries a majority may not hold. Checked for
   * peers that emit ack facts.
   */
  private onMatch(n: NodeView, f: Extract<RaftFact, { type: 'raft/match' }>, r: TraceRecord): void {
    this.noteTerm(n, f.term);
    if (n.leadTerm !== f.term) {
      n.leadTerm = f.term;
      n.progress.clear();
    }
    n.progress.set(f.peer, [f.match, f.next]);
    const peer = this.nodes.get(this.peerName(f.peer));
    if (peer === undefined || peer.acks.size === 0) return;
    const acked = peer.acks.get(f.term);
    if (f.match > (acked ?? 0)) {
      const said = acked === undefined ? 'acknowledged nothing in that term' : `acknowledged only through index ${acked} in that term`;
      this.fail('match-acknowledged', `leader ${n.name} of term ${f.term} sets matchIndex ${f.match} for node ${peer.name}, which ${said}`, r);
    }
  }

  private peerName(peer: number): string {
    return this.peerNames?.[peer] ?? String(peer);
  }

  /**
   * One line on how `follower` stands with `leader`, as the facts tell it
   * (null when neither emitted any): the follower's log, commit point and
   * latest acknowledgement, and the leader's nextIndex and matchIndex for it
   * in its latest term. For liveness messages.
   */
  describeFollower(leader: string, follower: string, peer: number): string | null {
    const f = this.nodes.get(follower);
    const l = this.nodes.get(leader);
    const parts: string[] = [];
    if (f !== undefined && f.incarnations > 0) {
      const ack = f.ackTerm > 0 ? `, acknowledged through ${f.ackIndex} in term ${f.ackTerm}` : ', acknowledged nothing';
      const snap = f.base > 0 ? ` (snapshot through ${f.base})` : '';
      parts.push(`term ${f.term}, log ends at ${f.last}${snap}, commit ${f.commit}${ack}`);
    }
    if (l !== undefined && l.leadTerm > 0) {
      const p = l.progress.get(peer);
      const [match, next] = p ?? [0, l.leadLast + 1];
      parts.push(`leader ${leader} (term ${l.leadTerm}) has nextIndex ${next}, matchIndex ${match}${p === undefined ? ' (as elected)' : ''}`);
    }
    return parts.length > 0 ? parts.join('; ') : null;
  }

  // ── Commits ────────────────────────────────────────────────────────────────

  /**
   * The node's entries through `index` are committed: those at or below the
   * global commit point must be the committed ones (checked at one index, by
   * log matching); those above it extend the committed log.
   */
  private onCommit(n: NodeView, index: number, r: TraceRecord): void {
    if (index <= n.commit) return;
    const m = Math.min(index, this.commitHigh);
    if (m > n.base && !this.matchesCommitted(m, n.termAt(m), n.keyAt(m))) {
      const j = this.firstDifference(n, m);
      this.fail(
        'state-machine-safety',
        `node ${n.name} commits index ${index} holding term ${n.termAt(j)} ${describeKey(n.keyAt(j))} at index ${j}, which was committed as ${this.describeCommitted(j)}`,
        r,
      );
      return;
    }
    for (let j = this.commitHigh + 1; j <= index; j++) {
      const t = n.termAt(j);
      this.committedTerms.push(t);
      this.committedKeys.push(n.keyAt(j));
      this.committedBy.push(n.name);
      this.committedIn.push(this.termBound);
      this.knownAt.push(t !== UNKNOWN ? j : this.knownAt[j - 1]!);
    }
    if (index > this.commitHigh) this.commitHigh = index;
    n.commit = index;
  }

  /** Whether (term, key) may be the committed entry at j ≤ commitHigh (unknown parts match anything). */
  private matchesCommitted(j: number, term: number, key: CommandKey | undefined): boolean {
    const ct = this.committedTerms[j] ?? UNKNOWN;
    const ck = this.committedKeys[j];
    return (term === UNKNOWN || ct === UNKNOWN || term === ct) && (key === undefined || ck === undefined || key === ck);
  }

  /** The lowest index in (base, limit] where the node's log is not the committed one (last + 1 if it is shorter). Only on a violation. */
  private firstDifference(n: NodeView, limit: number): number {
    const end = Math.min(limit, n.last);
    for (let j = n.base + 1; j <= end; j++) if (!this.matchesCommitted(j, n.termAt(j), n.keyAt(j))) return j;
    return end < limit ? end + 1 : limit;
  }

  private describeCommitted(j: number): string {
    const t = this.committedTerms[j] ?? UNKNOWN;
    return `term ${t === UNKNOWN ? '?' : t} ${describeKey(this.committedKeys[j])}, committed by node ${this.committedBy[j] ?? '?'}`;
  }

  // ── Snapshots ──────────────────────────────────────────────────────────────

  private onCompact(n: NodeView, index: number, term: number, r: TraceRecord): void {
    this.compactions++;
    if (!this.checkSnapshotPoint(n.name, 'compacts its log', index, term, r)) return;
    if (index > n.base) n.compactTo(index, term);
  }

  /** A snapshot through (index, term) must cover committed entries only, and end on the committed entry. */
  private checkSnapshotPoint(node: string, what: string, index: number, term: number, r: TraceRecord): boolean {
    if (index > this.commitHigh) {
      this.fail('snapshot-committed', `node ${node} ${what} through index ${index} (term ${term}), beyond the highest commit anywhere (${this.commitHigh})`, r);
      return false;
    }
    const ct = this.committedTerms[index] ?? UNKNOWN;
    if (index > 0 && ct !== UNKNOWN && ct !== term) {
      this.fail('snapshot-contents', `node ${node} ${what} through index ${index} with term ${term}, but index ${index} was committed as ${this.describeCommitted(index)}`, r);
      return false;
    }
    return true;
  }

  // ── Applies ────────────────────────────────────────────────────────────────

  private observeApply(r: TraceRecord): void {
    const m = r.payload as RaftApply | null | undefined;
    if (typeof m !== 'object' || m === null) return;
    if ('commandValid' in m && m.commandValid === true) this.onApplyCommand(r.node, m.commandIndex, this.keys.of(m.command), r);
    else if ('snapshotValid' in m && m.snapshotValid === true) this.onApplySnapshot(r.node, m, r);
  }

  /**
   * State Machine Safety: "if a server has applied a log entry at a given
   * index to its state machine, no other server will ever apply a different
   * log entry for the same index" (Figure 3). One command per index,
   * everywhere, and it is the committed one.
   */
  private onApplyCommand(node: string, j: number, key: CommandKey, r: TraceRecord): void {
    const prior = this.appliedKeys[j];
    if (prior !== undefined && prior !== key) {
      this.fail('state-machine-safety', `index ${j} applied as ${describeKey(key)} at node ${node} but as ${describeKey(prior)} at node ${this.appliedBy[j]}`, r);
      return;
    }
    const ck = j <= this.commitHigh ? this.committedKeys[j] : undefined;
    if (ck !== undefined && ck !== key) {
      this.fail('state-machine-safety', `node ${node} applies ${describeKey(key)} at index ${j}, which was committed as ${this.describeCommitted(j)}`, r);
      return;
    }
    if (prior === undefined) {
      this.appliedKeys[j] = key;
      this.appliedBy[j] = node;
    }
  }

  private onApplySnapshot(node: string, m: Extract<RaftApply, { snapshotValid: true }>, r: TraceRecord): void {
    this.snapshotApplies++;
    const index = m.snapshotIndex;
    if (!this.checkSnapshotPoint(node, 'is handed a snapshot', index, m.snapshotTerm, r)) return;
    const commands = this.decodeSnapshot?.(m.snapshot);
    if (commands !== undefined) this.checkSnapshotCommands(node, index, commands, r);
  }

  /** The snapshot's commands through `index` must be the ones applied (and committed) there; they count as applied. */
  private checkSnapshotCommands(node: string, index: number, commands: readonly unknown[], r: TraceRecord): void {
    if (commands.length !== index + 1) {
      this.fail('snapshot-contents', `node ${node} is handed a snapshot through index ${index} that holds commands through index ${commands.length - 1}`, r);
      return;
    }
    for (let j = 1; j <= index; j++) {
      const key = this.keys.of(commands[j]);
      const prior = this.appliedKeys[j];
      const ck = j <= this.commitHigh ? this.committedKeys[j] : undefined;
      if ((prior !== undefined && prior !== key) || (ck !== undefined && ck !== key)) {
        const other = prior !== undefined && prior !== key
          ? `${describeKey(prior)} was applied there at node ${this.appliedBy[j]}`
          : `it was committed as ${this.describeCommitted(j)}`;
        this.fail('snapshot-contents', `node ${node} is handed a snapshot through index ${index} holding ${describeKey(key)} at index ${j}, but ${other}`, r);
        return;
      }
    }
    for (let j = 1; j <= index; j++) {
      if (this.appliedKeys[j] === undefined) {
        this.appliedKeys[j] = this.keys.of(commands[j]);
        this.appliedBy[j] = node;
      }
    }
  }
}

/** Checks a whole trace (records in trace order); returns its first violation, or null. */
export function checkRaftTrace(records: Iterable<TraceRecord>, options: RaftCheckerOptions = {}): RaftViolation | null {
  const checker = new RaftInvariantChecker(options);
  for (const r of records) {
    checker.observe(r);
    if (checker.violation !== null) break;
  }
  return checker.violation;
}
