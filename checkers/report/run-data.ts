/**
 * What the run report embeds as JSON, shared by the recorder (Node) and the
 * viewer (browser). Columnar and string-tabled so that a 100,000-event run
 * stays a few megabytes: event k is (t[k], kind[k], node[k], …), and every
 * text is an index into `strings`.
 */

import type { ReportData } from './data.ts';

/** A node's role as its state bands draw it. */
export const ROLE = { Unknown: 0, Follower: 1, Candidate: 2, Leader: 3, Down: 4 } as const;
export const ROLE_NAMES = ['up', 'follower', 'candidate', 'leader', 'down'] as const;

/**
 * What became of a response, as far as the trace shows: a failed one lost
 * its request, lost its reply, or was never answered; an ok one may arrive
 * after the response to a call its caller sent later to the same server.
 */
export const FATE = { Normal: 0, RequestDropped: 1, ReplyLost: 2, Unanswered: 3, Reordered: 4 } as const;

/** Whether a response with this fate got its reply (an arrow is drawn to it). */
export const isAnswered = (fate: number): boolean => fate === FATE.Normal || fate === FATE.Reordered;

export interface RunEvents {
  /** Virtual time, µs; non-decreasing. */
  readonly t: number[];
  /** TraceKind (sim/trace.ts). */
  readonly kind: number[];
  /** Lane index into `nodes`. */
  readonly node: number[];
  /** Lane of the other side, or -1. */
  readonly peer: number[];
  /** Method, timer or other label (string index). */
  readonly label: number[];
  /** The event on one line (string index). */
  readonly text: number[];
  /**
   * The partner event: a send's delivery (or its failed response), a
   * delivery's send, a reply's response and back; -1 for none.
   */
  readonly link: number[];
  /** For responses: a FATE code; 0 otherwise. */
  readonly fate: number[];
}

/** A node's state after each change: entry k holds from t[k] until t[k + 1]. */
export interface NodeStates {
  readonly t: number[];
  readonly role: number[];
  readonly term: number[];
  /** -1: none. */
  readonly voted: number[];
  readonly commit: number[];
  readonly applied: number[];
  /** Index of the last log entry. */
  readonly log: number[];
  readonly snap: number[];
  /** The last log entries as text (string index). */
  readonly tail: number[];
}

/** Connectivity changes between two lanes (messages from → to). */
export interface Cuts {
  readonly t: number[];
  readonly from: number[];
  readonly to: number[];
  /** 1: the link is cut from t on; 0: it is whole again. */
  readonly cut: number[];
}

export interface RunReportData {
  readonly title: string;
  readonly passed: boolean;
  readonly failure: { readonly kind: string; readonly message: string } | null;
  /** The event the failure is pinned to (the checker's first bad record, else the last event), or -1. */
  readonly failEvent: number;
  readonly replay: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly virtualUs: number;
  readonly strings: string[];
  readonly nodes: string[];
  readonly events: RunEvents;
  /** Per lane; lanes with no state of their own have empty arrays. */
  readonly states: NodeStates[];
  /** Whether a lane carries protocol state worth a band (Raft facts or what the tester saw). */
  readonly hasState: boolean[];
  readonly cuts: Cuts;
  /** The scenario log (for property runs: the fault schedule as it was performed). */
  readonly log: { readonly t: number[]; readonly text: number[] };
  /** The client history the scenario checked last, drawn by the history viewer; null when it checked none. */
  readonly history: ReportData | null;
}

/**
 * The events as the page embeds them: times as differences from the event
 * before (most are 0 or a few digits) and links as offsets from their own
 * index, which makes the JSON of a 150,000-event run about a fifth smaller.
 */
export function packEvents(e: RunEvents): RunEvents {
  return { ...e, t: e.t.map((t, k) => (k === 0 ? t : t - e.t[k - 1]!)), link: e.link.map((l, k) => (l < 0 ? 0 : l - k)) };
}

/** The events as packEvents had them. */
export function unpackEvents(e: RunEvents): RunEvents {
  const t = new Array<number>(e.t.length);
  let at = 0;
  for (let k = 0; k < t.length; k++) t[k] = at += e.t[k]!;
  return { ...e, t, link: e.link.map((l, k) => (l === 0 ? -1 : k + l)) };
}
