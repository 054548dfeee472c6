/**
 * Builds a run report's data from the trace as it happens: every record
 * becomes a columnar event on its node's lane, messages are paired (send →
 * delivery by the request's identity, reply → response likewise, a failed
 * response to a call of that caller, server and method left without one),
 * net records become cuts, and each Raft node's state is followed from its
 * facts and from what the tester saw (Start/GetState returns, applies,
 * crashes), so a Raft that emits no facts still gets lanes and messages.
 */
import { describeRecord, TraceKind, type TraceRecord } from '../../sim/trace.ts';
import { parseSimlabHistory } from '../history/simlab.ts';
import { checkOperations } from '../linearizability/index.ts';
import { MODELS } from '../linearizability/models/index.ts';
import type { ReportData } from './data.ts';
import { reportData } from './report.ts';
import type { RaftFact } from '../raft/types.ts';
import { FATE, ROLE, type Cuts, type NodeStates, type RunEvents, type RunReportData } from './run-data.ts';

/** Longest event text kept; the rest is cut with "…". */
const TEXT_MAX = 160;
const TAIL_ENTRIES = 3;
/** Search steps for checking a run's history again (deterministic; the testers use the same order of magnitude). */
const HISTORY_BUDGET_STEPS = 20_000_000;

export interface RunOutcome {
  readonly title: string;
  readonly passed: boolean;
  readonly failure?: { readonly kind: string; readonly message: string };
  /** The trace index of the failure's first bad record, when a checker named one. */
  readonly failRecord?: number;
  readonly replay: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly virtualUs: number;
}

interface NodeState {
  role: number;
  term: number;
  voted: number;
  commit: number;
  applied: number;
  log: number;
  snap: number;
  /** Log entry terms and commands by index (index 0 unused), for the tail. */
  entries: string[];
}

interface OpenSend {
  readonly event: number;
  readonly payload: unknown;
  /** Caller and server names. */
  readonly from: string;
  readonly to: string;
  delivered: number;
  replied: boolean;
  done: boolean;
}

const emptyStates = (): NodeStates => ({ t: [], role: [], term: [], voted: [], commit: [], applied: [], log: [], snap: [], tail: [] });

export class RunRecorder {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly nodes: string[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly events: RunEvents = { t: [], kind: [], node: [], peer: [], label: [], text: [], link: [], fate: [] };
  private readonly states: NodeStates[] = [];
  private readonly current: NodeState[] = [];
  private readonly hasState: boolean[] = [];
  private readonly cuts: Cuts = { t: [], from: [], to: [], cut: [] };
  private readonly log: { t: number[]; text: number[] } = { t: [], text: [] };
  /** Trace index → event index (records of unparsed ends are left out). */
  private readonly byRecord = new Map<number, number>();
  /** Undelivered sends by their request (an object by identity, and it may go to several servers; a primitive by value). */
  private readonly sendOf = new Map<unknown, OpenSend[]>();
  /** Replies not yet received, by their reply (as sends are keyed), with the server they come from and the caller they go to. */
  private readonly replyOf = new Map<unknown, { event: number; from: string; to: string }[]>();
  /** Open sends by "caller|server|method", oldest first. */
  private readonly open = new Map<string, OpenSend[]>();
  /** Deliveries not yet replied to, by "server|caller|method", oldest first (with their sends). */
  private readonly unreplied = new Map<string, OpenSend[]>();
  private readonly replyFor = new Map<number, OpenSend>();
  /** Per "caller|server": the latest send time of a call whose response has come back. */
  private readonly latestAnswered = new Map<string, number>();
  /** Failed responses, paired with their calls when the run is over. */
  private readonly failed: { event: number; open: OpenSend[] }[] = [];
  /** Per end name: its pair of lanes and whether it is enabled. */
  private readonly endPairs = new Map<string, { from: number; to: number }>();
  private readonly pairCut = new Map<string, boolean>();
  private lastTimeUs = 0;
  private history: ReportData | null = null;

  /** Takes one trace record (give it to RunOptions.onRecord). */
  readonly onRecord = (r: TraceRecord): void => {
    this.lastTimeUs = r.timeUs;
    if (r.kind === TraceKind.Net && this.netRecord(r)) return;
    const k = this.addEvent(r);
    this.byRecord.set(r.index, k);
    this.pair(r, k);
    this.follow(r);
  };

  /**
   * Takes the history the scenario checked, in simlab's format (give it to
   * RunOptions.onHistory), and checks it again with the model its header
   * names, for the history view; the last one is shown.
   */
  readonly onHistory = (text: string): void => {
    const h = parseSimlabHistory(text, 'the run\'s history');
    const entry = MODELS[h.model ?? ''];
    if (entry === undefined) return;
    const result = checkOperations(entry.model, h.operations, { budgetSteps: HISTORY_BUDGET_STEPS });
    this.history = reportData(entry.model, h.operations, result, 'client history');
  };

  /** Takes one scenario log line, "12.345s text" (give it to RunOptions.onLog). */
  readonly onLog = (line: string): void => {
    const m = /^(\d+\.\d+)s (.*)$/.exec(line);
    this.log.t.push(m ? Math.round(Number(m[1]) * 1e6) : this.lastTimeUs);
    this.log.text.push(this.str(m ? m[2]! : line));
  };

  /** The report's data, once the run is over. */
  data(o: RunOutcome): RunReportData {
    this.pairFailures();
    const last = this.events.t.length - 1;
    const pinned = o.failRecord === undefined ? undefined : this.byRecord.get(o.failRecord);
    return {
      title: o.title,
      passed: o.passed,
      failure: o.failure ? { kind: o.failure.kind, message: o.failure.message } : null,
      failEvent: o.passed ? -1 : (pinned ?? last),
      replay: o.replay,
      seed: o.seed,
      traceHash: o.traceHash,
      virtualUs: o.virtualUs,
      strings: this.strings,
      nodes: this.nodes,
      events: this.events,
      states: this.states,
      hasState: this.hasState,
      cuts: this.cuts,
      log: this.log,
      history: this.history,
    };
  }

  private str(s: string): number {
    let k = this.stringIndex.get(s);
    if (k === undefined) {
      k = this.strings.push(s) - 1;
      this.stringIndex.set(s, k);
    }
    return k;
  }

  private lane(name: string): number {
    let k = this.nodeIndex.get(name);
    if (k === undefined) {
      k = this.nodes.push(name) - 1;
      this.nodeIndex.set(name, k);
      this.states.push(emptyStates());
      this.current.push({ role: ROLE.Unknown, term: 0, voted: -1, commit: 0, applied: 0, log: 0, snap: 0, entries: [''] });
      this.hasState.push(false);
    }
    return k;
  }

  private addEvent(r: TraceRecord): number {
    const e = this.events;
    let text = describeRecord(r);
    if (text.length > TEXT_MAX) text = text.slice(0, TEXT_MAX - 1) + '…';
    e.t.push(r.timeUs);
    e.kind.push(r.kind);
    e.node.push(this.lane(r.node));
    e.peer.push(r.peer === '' || r.peer === '?' ? -1 : this.lane(r.peer));
    e.label.push(this.str(r.label));
    e.text.push(this.str(text));
    e.link.push(-1);
    e.fate.push(FATE.Normal);
    return e.t.length - 1;
  }

  /** Net records of ends named "from->to#n" become cuts (nothing else); true when the record was consumed. */
  private netRecord(r: TraceRecord): boolean {
    const m = /^(.+)->(.+)#\d+$/.exec(r.node);
    if (m === null) return r.label === 'enable' || r.label === 'disable';
    if (m[1] === m[2]) return true;
    const from = this.lane(m[1]!);
    const to = this.lane(m[2]!);
    this.endPairs.set(r.node, { from, to });
    const key = `${from}|${to}`;
    const cut = r.label !== 'enable';
    if ((this.pairCut.get(key) ?? false) !== cut) {
      this.pairCut.set(key, cut);
      this.cuts.t.push(r.timeUs);
      this.cuts.from.push(from);
      this.cuts.to.push(to);
      this.cuts.cut.push(cut ? 1 : 0);
    }
    return true;
  }

  private pair(r: TraceRecord, k: number): void {
    const e = this.events;
    const key = (a: string, b: string) => `${a}|${b}|${r.label}`;
    if (r.kind === TraceKind.Send) {
      const s: OpenSend = { event: k, payload: r.payload, from: r.node, to: r.peer, delivered: -1, replied: false, done: false };
      queue(this.sendOf, r.payload).push(s);
      queue(this.open, key(r.node, r.peer)).push(s);
    } else if (r.kind === TraceKind.Deliver) {
      const s = take(this.sendOf, r.payload, (x) => x.to === r.node && x.from === r.peer);
      if (s === undefined) return;
      s.delivered = k;
      e.link[s.event] = k;
      e.link[k] = s.event;
      queue(this.unreplied, key(r.node, r.peer)).push(s);
    } else if (r.kind === TraceKind.Reply) {
      const s = queue(this.unreplied, key(r.node, r.peer)).shift();
      if (s !== undefined) {
        s.replied = true;
        this.replyFor.set(k, s);
      }
      queue(this.replyOf, r.payload).push({ event: k, from: r.node, to: r.peer });
    } else if (r.kind === TraceKind.Response) {
      this.response(r, k, queue(this.open, key(r.node, r.peer)));
    }
  }

  private response(r: TraceRecord, k: number, open: OpenSend[]): void {
    const e = this.events;
    const reply = r.ok ? take(this.replyOf, r.payload, (x) => x.to === r.node && x.from === r.peer)?.event : undefined;
    if (reply !== undefined) {
      e.link[reply] = k;
      e.link[k] = reply;
      const s = this.replyFor.get(reply);
      this.replyFor.delete(reply);
      if (s !== undefined) {
        s.done = true;
        this.markReordered(s, k);
      }
    } else if (!r.ok) this.failed.push({ event: k, open });
    while (open.length > 0 && open[0]!.done) open.shift();
  }

  /** Marks response `k` reordered when its call was sent before one whose response came back already. */
  private markReordered(s: OpenSend, k: number): void {
    const key = `${s.from}|${s.to}`;
    const sentAt = this.events.t[s.event]!;
    const latest = this.latestAnswered.get(key) ?? -1;
    if (sentAt < latest) this.events.fate[k] = FATE.Reordered;
    else this.latestAnswered.set(key, sentAt);
  }

  /**
   * Pairs each failed response with a call of its caller, server and method
   * that got no reply: the oldest one sent before it that was not delivered
   * after it (a call is delivered, if ever, before its response). Done once
   * the run is over, when every delivery is known.
   */
  private pairFailures(): void {
    const e = this.events;
    for (const { event: k, open } of this.failed.splice(0)) {
      const s = open.find((x) => !x.done && e.t[x.event]! <= e.t[k]! && (x.delivered < 0 || e.t[x.delivered]! <= e.t[k]!));
      if (s === undefined) continue;
      s.done = true;
      e.link[k] = s.event;
      if (s.delivered < 0) e.link[s.event] = k;
      e.fate[k] = s.delivered < 0 ? FATE.RequestDropped : s.replied ? FATE.ReplyLost : FATE.Unanswered;
    }
  }


  /** Follows a node's protocol state from facts, applies and what the tester saw. */
  private follow(r: TraceRecord): void {
    const n = this.nodeIndex.get(r.node)!;
    const s = this.current[n]!;
    const before = `${s.role} ${s.term} ${s.voted} ${s.commit} ${s.applied} ${s.log} ${s.snap}`;
    if (r.kind === TraceKind.Fact) this.fact(r.node, s, r.payload);
    else if (r.kind === TraceKind.Apply) applied(s, r.payload);
    else if (r.kind === TraceKind.Return) seen(s, r.payload);
    else if (r.kind === TraceKind.Crash || r.kind === TraceKind.Exit) s.role = ROLE.Down;
    else if (r.kind === TraceKind.Start) s.role = ROLE.Unknown;
    else return;
    if (`${s.role} ${s.term} ${s.voted} ${s.commit} ${s.applied} ${s.log} ${s.snap}` === before) return;
    this.hasState[n] ||= r.kind === TraceKind.Fact || r.kind === TraceKind.Apply || r.kind === TraceKind.Return;
    const st = this.states[n]!;
    const at = st.t.length - 1;
    if (at >= 0 && st.t[at] === r.timeUs) popState(st);
    st.t.push(r.timeUs);
    st.role.push(s.role);
    st.term.push(s.term);
    st.voted.push(s.voted);
    st.commit.push(s.commit);
    st.applied.push(s.applied);
    st.log.push(s.log);
    st.snap.push(s.snap);
    st.tail.push(this.str(tailText(s)));
  }

  /** Raft facts (checkers/raft/types.ts names them); facts of other types leave the state alone. */
  private fact(node: string, s: NodeState, payload: unknown): void {
    const f = payload as RaftFact;
    switch (f?.type) {
      case 'raft/boot':
        s.role = ROLE.Follower;
        s.term = f.term;
        s.voted = f.votedFor ?? -1;
        s.snap = f.snapshotIndex;
        s.commit = s.snap;
        s.log = f.lastIndex;
        s.entries.length = Math.min(s.entries.length, s.log + 1);
        break;
      case 'raft/vote':
        s.term = f.term;
        s.voted = f.for;
        s.role = String(f.for) === node ? ROLE.Candidate : ROLE.Follower;
        break;
      case 'raft/leader':
        s.term = f.term;
        s.role = ROLE.Leader;
        break;
      case 'raft/log':
        logFact(s, f.from, f.entries);
        break;
      case 'raft/commit':
        s.commit = f.index;
        break;
      case 'raft/compact':
        s.snap = f.index;
        break;
    }
  }
}

function queue<K, T>(map: Map<K, T[]>, key: K): T[] {
  let q = map.get(key);
  if (q === undefined) map.set(key, (q = []));
  return q;
}

/** Removes and returns the first entry under `key` that matches. */
function take<T>(map: Map<unknown, T[]>, key: unknown, match: (x: T) => boolean): T | undefined {
  const list = map.get(key);
  if (list === undefined) return undefined;
  const i = list.findIndex(match);
  if (i < 0) return undefined;
  const [x] = list.splice(i, 1);
  if (list.length === 0) map.delete(key);
  return x;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function popState(st: NodeStates): void {
  for (const column of Object.values(st) as number[][]) column.pop();
}

function logFact(s: NodeState, from: number, entries: readonly { term: number; cmd: unknown }[]): void {
  s.entries.length = Math.max(1, Math.min(s.entries.length, from));
  while (s.entries.length < from) s.entries.push('?');
  for (const x of entries) s.entries.push(`${x.term}:${shortValue(x.cmd)}`);
  s.log = from - 1 + entries.length;
}

function applied(s: NodeState, payload: unknown): void {
  const a = payload as { commandValid?: boolean; commandIndex?: number; snapshotValid?: boolean; snapshotIndex?: number } | undefined;
  if (a?.commandValid === true) s.applied = num(a.commandIndex);
  else if (a?.snapshotValid === true) {
    s.applied = num(a.snapshotIndex);
    s.snap = Math.max(s.snap, s.applied);
  }
}

/** A Start or GetState return: the term and leadership the tester saw. */
function seen(s: NodeState, payload: unknown): void {
  const v = payload as { term?: unknown; isLeader?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.term !== 'number' || typeof v.isLeader !== 'boolean') return;
  s.term = Math.max(s.term, v.term);
  if (v.isLeader) s.role = ROLE.Leader;
  else if (s.role === ROLE.Leader || s.role === ROLE.Unknown) s.role = ROLE.Follower;
}

function shortValue(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return text.length > 12 ? text.slice(0, 11) + '…' : text;
}

function tailText(s: NodeState): string {
  if (s.log === 0) return '(empty)';
  const first = Math.max(1, s.log - TAIL_ENTRIES + 1, s.snap + 1);
  const shown: string[] = [];
  for (let i = first; i <= s.log; i++) shown.push(`${i}=${s.entries[i] ?? '?'}`);
  return `${first > 1 ? '… ' : ''}${shown.join(' ')}${s.snap > 0 ? ` (snapshot ≤ ${s.snap})` : ''}`;
}
