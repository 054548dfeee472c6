/**
 * The run viewer's model, without a DOM: what is shown (time window, cursor,
 * filters, search), how that view is written to and read from the URL
 * fragment, and the questions the page asks of the data (which events fall
 * in a window, a node's state at a time, the next event of a node).
 */
import { TraceKind, traceKindName } from '../../sim/trace.ts';
import { isAnswered, ROLE_NAMES, type RunReportData } from './run-data.ts';

export interface View {
  /** The visible time window, µs. */
  t0: number;
  t1: number;
  /** The cursor's time (µs) and the event it stands on (-1: none). */
  cursor: number;
  cursorEvent: number;
  readonly hiddenNodes: Set<number>;
  readonly hiddenKinds: Set<number>;
  /** Hidden message methods (string indices of labels). */
  readonly hiddenMethods: Set<number>;
  query: string;
}

/** The kinds whose label is an RPC method. */
const MESSAGE_KINDS: ReadonlySet<number> = new Set([TraceKind.Send, TraceKind.Deliver, TraceKind.Reply, TraceKind.Response]);

/** What the viewer derives once from the data. */
export interface RunIndex {
  /** The longest arrow (send → delivery, reply → response) or call, µs: how far before a window one reaching into it can start. */
  readonly maxSpanUs: number;
  /** For a call event, its return's index (and back); -1 otherwise. */
  readonly callPair: Int32Array;
  /** Per lane: the intervals in which some link into or out of it is cut, with the number of cut links. */
  readonly cutIntervals: { t0: number; t1: number; count: number; text: string }[][];
  /** Message methods (label string indices) in the order first seen. */
  readonly methods: number[];
  /** Event kinds present, ascending. */
  readonly kinds: number[];
  readonly endUs: number;
  /** Lanes in display order: names in natural order (server 2 before 10), the tester's tasks last. */
  readonly order: number[];
}

export function buildIndex(d: RunReportData): RunIndex {
  const e = d.events;
  const n = e.t.length;
  let maxSpanUs = 0;
  const callPair = new Int32Array(n).fill(-1);
  const openCalls = new Map<number, number[]>();
  const methods = new Set<number>();
  const kinds = new Set<number>();
  for (let k = 0; k < n; k++) {
    const link = e.link[k]!;
    const kind = e.kind[k]!;
    if (link > k && isAnswered(e.fate[link]!)) maxSpanUs = Math.max(maxSpanUs, e.t[link]! - e.t[k]!);
    kinds.add(kind);
    if (MESSAGE_KINDS.has(kind)) methods.add(e.label[k]!);
    if (kind === TraceKind.Call) {
      let stack = openCalls.get(e.node[k]!);
      if (stack === undefined) openCalls.set(e.node[k]!, (stack = []));
      stack.push(k);
    } else if (kind === TraceKind.Return) {
      const call = openCalls.get(e.node[k]!)?.pop();
      if (call !== undefined) {
        callPair[call] = k;
        callPair[k] = call;
        maxSpanUs = Math.max(maxSpanUs, e.t[k]! - e.t[call]!);
      }
    }
  }
  const endUs = Math.max(d.virtualUs, n > 0 ? e.t[n - 1]! : 0, 1);
  return {
    maxSpanUs,
    callPair,
    cutIntervals: cutIntervals(d, endUs),
    methods: [...methods],
    kinds: [...kinds].sort((a, b) => a - b),
    endUs,
    order: laneOrder(d),
  };
}

function laneOrder(d: RunReportData): number[] {
  const tasks = new Set<number>();
  d.events.kind.forEach((kind, k) => {
    if (kind === TraceKind.Task) tasks.add(d.events.node[k]!);
  });
  const collator = new Intl.Collator('en', { numeric: true });
  return d.nodes
    .map((_, lane) => lane)
    .sort((a, b) => Number(tasks.has(a)) - Number(tasks.has(b)) || collator.compare(d.nodes[a]!, d.nodes[b]!));
}

function cutIntervals(d: RunReportData, endUs: number): RunIndex['cutIntervals'] {
  const lanes = d.nodes.map(() => [] as RunIndex['cutIntervals'][number]);
  const cut = d.nodes.map(() => new Set<string>());
  const since = d.nodes.map(() => 0);
  const c = d.cuts;
  const close = (lane: number, t: number) => {
    if (cut[lane]!.size > 0 && t > since[lane]!) {
      lanes[lane]!.push({ t0: since[lane]!, t1: t, count: cut[lane]!.size, text: [...cut[lane]!].sort().join(', ') });
    }
    since[lane] = t;
  };
  for (let k = 0; k < c.t.length; k++) {
    const t = c.t[k]!;
    const name = `${d.nodes[c.from[k]!]}→${d.nodes[c.to[k]!]}`;
    for (const lane of [c.from[k]!, c.to[k]!]) {
      close(lane, t);
      if (c.cut[k] === 1) cut[lane]!.add(name);
      else cut[lane]!.delete(name);
    }
  }
  d.nodes.forEach((_, lane) => close(lane, endUs));
  return lanes;
}

/** First event index with t ≥ timeUs. */
export function firstAtOrAfter(d: RunReportData, timeUs: number): number {
  const t = d.events.t;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! < timeUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isShown(d: RunReportData, v: View, k: number): boolean {
  const e = d.events;
  if (v.hiddenNodes.has(e.node[k]!) || v.hiddenKinds.has(e.kind[k]!)) return false;
  return !(MESSAGE_KINDS.has(e.kind[k]!) && v.hiddenMethods.has(e.label[k]!));
}

let maskCache: { key: string; data: RunReportData; mask: Uint8Array } | undefined;

/** isShown for every event (1: shown), recomputed only when the filters change. */
export function shownMask(d: RunReportData, v: View): Uint8Array {
  const key = `${[...v.hiddenNodes]}|${[...v.hiddenKinds]}|${[...v.hiddenMethods]}`;
  if (maskCache?.key === key && maskCache.data === d) return maskCache.mask;
  const mask = new Uint8Array(d.events.t.length);
  for (let k = 0; k < mask.length; k++) mask[k] = isShown(d, v, k) ? 1 : 0;
  maskCache = { key, data: d, mask };
  return mask;
}

/** The last shown event at or before the time, or -1. */
export function lastShownAt(d: RunReportData, v: View, timeUs: number): number {
  for (let k = firstAtOrAfter(d, timeUs + 1) - 1; k >= 0; k--) if (isShown(d, v, k)) return k;
  return -1;
}

/** The next (dir 1) or previous (dir -1) shown event of `lane` (any lane: -1) from event `from`, or -1. */
export function stepEvent(d: RunReportData, v: View, from: number, lane: number, dir: 1 | -1): number {
  const n = d.events.t.length;
  for (let k = from + dir; k >= 0 && k < n; k += dir) {
    if ((lane < 0 || d.events.node[k] === lane) && isShown(d, v, k)) return k;
  }
  return -1;
}

/** Events whose text contains the query (case-insensitive), as a mask; null for an empty query. */
export function searchMask(d: RunReportData, query: string): Uint8Array | null {
  const q = query.trim().toLowerCase();
  if (q === '') return null;
  const hit = new Uint8Array(d.strings.length);
  d.strings.forEach((s, i) => {
    if (s.toLowerCase().includes(q)) hit[i] = 1;
  });
  const e = d.events;
  const mask = new Uint8Array(e.t.length);
  for (let k = 0; k < mask.length; k++) {
    mask[k] = hit[e.text[k]!]! | hit[e.label[k]!]! | (d.nodes[e.node[k]!]!.toLowerCase() === q ? 1 : 0);
  }
  return mask;
}

export interface NodeStateRow {
  readonly node: string;
  readonly role: string;
  readonly term: number | null;
  readonly votedFor: string;
  readonly commit: number | null;
  readonly applied: number | null;
  readonly lastIndex: number | null;
  readonly snapshot: number | null;
  readonly tail: string;
}

/** State entry of `lane` in force at the time, or -1 (before its first). */
export function stateEntryAt(d: RunReportData, lane: number, timeUs: number): number {
  const t = d.states[lane]!.t;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]! <= timeUs) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function stateAt(d: RunReportData, lane: number, timeUs: number): NodeStateRow {
  const s = d.states[lane]!;
  const k = stateEntryAt(d, lane, timeUs);
  const node = d.nodes[lane]!;
  if (k < 0) return { node, role: '', term: null, votedFor: '', commit: null, applied: null, lastIndex: null, snapshot: null, tail: '' };
  const role = ROLE_NAMES[s.role[k]!] ?? '';
  if (!d.hasState[lane]) return { node, role, term: null, votedFor: '', commit: null, applied: null, lastIndex: null, snapshot: null, tail: '' };
  return {
    node,
    role,
    term: s.term[k]!,
    votedFor: s.voted[k]! < 0 ? '—' : String(s.voted[k]),
    commit: s.commit[k]!,
    applied: s.applied[k]!,
    lastIndex: s.log[k]!,
    snapshot: s.snap[k]!,
    tail: d.strings[s.tail[k]!] ?? '',
  };
}

/** The cut links into or out of `lane` at the time ("0→2, 2→0"), or "". */
export function cutsAt(index: RunIndex, lane: number, timeUs: number): string {
  return index.cutIntervals[lane]!.find((c) => c.t0 <= timeUs && timeUs < c.t1)?.text ?? '';
}

// ---- the URL fragment ----

const list = (names: Iterable<string>) => [...names].map(encodeURIComponent).join(',');

/** The view as a URL fragment (without "#"): names, not indices, so it survives a re-generated report; the shorter of the hidden and the shown lanes. */
export function encodeView(d: RunReportData, v: View): string {
  const parts = [`t0=${Math.round(v.t0)}`, `t1=${Math.round(v.t1)}`, `cursor=${Math.round(v.cursor)}`];
  if (v.cursorEvent >= 0) parts.push(`event=${v.cursorEvent}`);
  if (v.hiddenNodes.size > d.nodes.length / 2) parts.push(`only=${list(d.nodes.filter((_, lane) => !v.hiddenNodes.has(lane)))}`);
  else if (v.hiddenNodes.size > 0) parts.push(`hide=${list([...v.hiddenNodes].map((n) => d.nodes[n]!))}`);
  if (v.hiddenKinds.size > 0) parts.push(`kinds=${list([...v.hiddenKinds].map((k) => traceKindName(k as TraceKind)))}`);
  if (v.hiddenMethods.size > 0) parts.push(`methods=${list([...v.hiddenMethods].map((m) => d.strings[m]!))}`);
  if (v.query !== '') parts.push(`q=${encodeURIComponent(v.query)}`);
  return parts.join('&');
}

/** Applies a fragment written by encodeView to `v`; unknown or malformed parts are ignored. */
export function decodeView(d: RunReportData, index: RunIndex, hash: string, v: View): void {
  const fields = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const number = (name: string) => {
    const x = Number(fields.get(name));
    return fields.has(name) && Number.isFinite(x) ? x : undefined;
  };
  const t0 = number('t0');
  const t1 = number('t1');
  if (t0 !== undefined && t1 !== undefined && t1 > t0) {
    v.t0 = t0;
    v.t1 = t1;
  }
  v.cursor = number('cursor') ?? v.cursor;
  const event = number('event');
  if (event !== undefined && event >= -1 && event < d.events.t.length) v.cursorEvent = event;
  const names = (name: string) => (fields.get(name) ?? '').split(',').filter((s) => s !== '').map(decodeURIComponent);
  if (fields.has('hide')) replaceSet(v.hiddenNodes, names('hide').map((n) => d.nodes.indexOf(n)));
  if (fields.has('only')) {
    const only = new Set(names('only'));
    replaceSet(v.hiddenNodes, d.nodes.map((n, lane) => (only.has(n) ? -1 : lane)));
  }
  if (fields.has('kinds')) replaceSet(v.hiddenKinds, names('kinds').map((k) => index.kinds.find((x) => traceKindName(x as TraceKind) === k) ?? -1));
  if (fields.has('methods')) replaceSet(v.hiddenMethods, names('methods').map((m) => index.methods.find((x) => d.strings[x] === m) ?? -1));
  if (fields.has('q')) v.query = decodeURIComponent(fields.get('q')!);
}

function replaceSet(set: Set<number>, values: number[]): void {
  set.clear();
  for (const x of values) if (x >= 0) set.add(x);
}

/** Lanes a report opens with at most (a 100,000-clerk run would make a canvas no browser draws); the filters show the others. */
export const MAX_LANES_SHOWN = 48;

/**
 * The view a report opens with: at the failure (a window of about 2 s
 * around it), else the whole run; lanes of tester tasks that only started
 * are hidden, and lanes past the first MAX_LANES_SHOWN (the failing
 * event's lane stays).
 */
export function initialView(d: RunReportData, index: RunIndex): View {
  const hidden = idleTaskLanes(d);
  const failLane = d.failEvent >= 0 ? d.events.node[d.failEvent]! : -1;
  const shown = index.order.filter((lane) => !hidden.has(lane));
  for (const lane of shown.slice(MAX_LANES_SHOWN)) if (lane !== failLane) hidden.add(lane);
  const v: View = { t0: 0, t1: index.endUs, cursor: index.endUs, cursorEvent: -1, hiddenNodes: hidden, hiddenKinds: new Set(), hiddenMethods: new Set(), query: '' };
  if (d.failEvent >= 0) {
    const tf = d.events.t[d.failEvent]!;
    const span = Math.min(index.endUs, 2_000_000);
    v.t0 = Math.max(0, tf - span * 0.7);
    v.t1 = v.t0 + span;
    v.cursor = tf;
    v.cursorEvent = d.failEvent;
  }
  return v;
}

function idleTaskLanes(d: RunReportData): Set<number> {
  const busy = new Set<number>();
  d.events.kind.forEach((kind, k) => {
    if (kind !== TraceKind.Task) busy.add(d.events.node[k]!);
  });
  return new Set(d.nodes.map((_, lane) => lane).filter((lane) => !busy.has(lane)));
}

/** Zooms the window by `factor` (< 1 zooms in) around time `at`, kept within the run. */
export function zoom(v: View, index: RunIndex, factor: number, at: number): void {
  const span = Math.min(Math.max((v.t1 - v.t0) * factor, 20), index.endUs * 1.1);
  const left = (at - v.t0) / (v.t1 - v.t0);
  v.t0 = at - span * left;
  v.t1 = v.t0 + span;
  clampWindow(v, index);
}

export function pan(v: View, index: RunIndex, deltaUs: number): void {
  v.t0 += deltaUs;
  v.t1 += deltaUs;
  clampWindow(v, index);
}

function clampWindow(v: View, index: RunIndex): void {
  const span = v.t1 - v.t0;
  const lo = -span * 0.05;
  const hi = index.endUs + span * 0.05;
  if (v.t0 < lo) {
    v.t0 = lo;
    v.t1 = lo + span;
  }
  if (v.t1 > hi && span < hi - lo) {
    v.t1 = hi;
    v.t0 = hi - span;
  }
}
