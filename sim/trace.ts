/**
 * The trace: every delivered message, timer, call, apply, persist, crash,
 * restart, note and fact, with its virtual time. It always keeps a running
 * 64-bit fingerprint (two 32-bit lanes); the full record list and the
 * per-event hashes are kept only when asked for (printing a trace, checking
 * determinism, checkers that read facts).
 */
import { CodecScratch, mix } from './codec.ts';
import { hashString32 } from './prng.ts';

export const TraceKind = {
  Send: 1,
  Deliver: 2,
  Reply: 3,
  Response: 4,
  Timer: 5,
  Call: 6,
  Return: 7,
  Apply: 8,
  Persist: 9,
  Start: 10,
  Crash: 11,
  Exit: 12,
  Note: 13,
  Fact: 14,
  File: 15,
  Net: 16,
  Task: 17,
} as const;
export type TraceKind = (typeof TraceKind)[keyof typeof TraceKind];

const KIND_NAMES: Record<number, string> = {
  1: 'send',
  2: 'deliver',
  3: 'reply',
  4: 'response',
  5: 'timer',
  6: 'call',
  7: 'return',
  8: 'apply',
  9: 'persist',
  10: 'start',
  11: 'crash',
  12: 'exit',
  13: 'note',
  14: 'fact',
  15: 'file',
  16: 'net',
  17: 'task',
};

export function traceKindName(kind: TraceKind): string {
  return KIND_NAMES[kind] ?? `kind${kind}`;
}

/** Renders a payload on one line; supplied by the node's describe() where it has one. */
export type Describer = (method: string, payload: unknown, isReply: boolean) => string;

export interface TraceRecord {
  readonly index: number;
  readonly timeUs: number;
  readonly kind: TraceKind;
  /** The node (server or process name) the event happened at. */
  readonly node: string;
  /** The other side (server a message goes to, caller it came from), or "". */
  readonly peer: string;
  /** Method, timer name, file name or other short label. */
  readonly label: string;
  readonly payload: unknown;
  /** For responses: whether the call succeeded. */
  readonly ok: boolean;
  readonly describe: Describer | undefined;
}

export interface TraceOptions {
  /** Keep every record (for printing, facts and diffs). */
  readonly records?: boolean;
  /** Keep the hash after each event (for a cheap first-difference search). */
  readonly eventHashes?: boolean;
  /** Include payload contents in the fingerprint (default true). */
  readonly hashPayloads?: boolean;
}

const NAME_CACHE_MAX = 4096;

export class Trace {
  private hashA = 0x9747b28c;
  private hashB = 0x85ebca6b;
  /** Number of events traced. */
  count = 0;
  readonly records: TraceRecord[] | undefined;
  private eventHashes: Uint32Array | undefined;
  private readonly hashPayloads: boolean;
  private readonly nameHashes = new Map<string, number>();
  /** Called for records of the kinds they asked for, in the order added (checkers that watch facts, --trace). */
  private readonly listeners: { readonly fn: (r: TraceRecord) => void; readonly mask: number }[] = [];
  /** Union of the listeners' kind masks: records are built only for these kinds. */
  private listenMask = 0;

  /**
   * Adds a listener for every record from now on, or only for `kinds`
   * (records are allocated only for kinds somebody listens to); returns a
   * function that removes it.
   */
  addListener(fn: (r: TraceRecord) => void, kinds?: readonly TraceKind[]): () => void {
    const mask = kinds ? kinds.reduce((m, k) => m | (1 << k), 0) : ~0;
    const entry = { fn, mask };
    this.listeners.push(entry);
    this.listenMask |= mask;
    return () => {
      const i = this.listeners.indexOf(entry);
      if (i >= 0) this.listeners.splice(i, 1);
      this.listenMask = this.listeners.reduce((m, l) => m | l.mask, 0);
    };
  }

  /** Assigning a listener adds it (several may watch one trace). */
  set listener(fn: ((r: TraceRecord) => void) | undefined) {
    if (fn) this.addListener(fn);
  }

  /** `codec`: the world's scratch for hashing payloads (sim/codec.ts: CodecScratch). */
  constructor(
    options: TraceOptions = {},
    private readonly codec: CodecScratch = new CodecScratch(),
  ) {
    this.records = options.records ? [] : undefined;
    this.eventHashes = options.eventHashes ? new Uint32Array(1024) : undefined;
    this.hashPayloads = options.hashPayloads ?? true;
  }

  get keepsRecords(): boolean {
    return this.records !== undefined || this.listeners.length > 0;
  }

  /**
   * The hash a name contributes to the fingerprint. Cached up to a bound:
   * method, timer and server names recur all the time; the ends and clerks of
   * a 100,000-client test are one-off and are simply hashed.
   */
  nameHash(name: string): number {
    let h = this.nameHashes.get(name);
    if (h === undefined) {
      h = hashString32(name) | 0; // int32: held without boxing
      if (this.nameHashes.size < NAME_CACHE_MAX) this.nameHashes.set(name, h);
    }
    return h;
  }

  /** Records one event. `payload` is hashed by content (when enabled) and kept by reference. */
  event(
    timeUs: number,
    kind: TraceKind,
    node: string,
    peer: string,
    label: string,
    payload: unknown,
    ok = true,
    describe?: Describer,
    /** The payload's content hash when the caller computed it already (NaN: hash here; -1: don't). */
    payloadHash = NaN,
  ): void {
    let ph = payloadHash;
    if (ph !== ph) ph = this.hashPayloads && payload !== undefined ? this.codec.hashValue(0x3c6ef372, payload) : -1;
    this.eventHashed(
      timeUs,
      kind,
      this.nameHash(node),
      node,
      peer === '' ? 0 : this.nameHash(peer),
      peer,
      label === '' ? 0 : this.nameHash(label),
      label,
      payload,
      ph,
      ok,
      describe,
    );
  }

  /** event() with the name hashes supplied by the caller (hot paths cache them). */
  eventHashed(
    timeUs: number,
    kind: TraceKind,
    nodeHash: number,
    node: string,
    peerHash: number,
    peer: string,
    labelHash: number,
    label: string,
    payload: unknown,
    payloadHash: number,
    ok: boolean,
    describe: Describer | undefined,
  ): void {
    let a = mix(this.hashA, (timeUs | 0) ^ (kind << 24) ^ (ok ? 0x800000 : 0));
    if (timeUs >= 0x100000000) a = mix(a, (timeUs / 0x100000000) | 0);
    a = mix(a, nodeHash);
    if (peerHash !== 0) a = mix(a, peerHash);
    if (labelHash !== 0) a = mix(a, labelHash);
    if (payloadHash !== -1) a = mix(a, payloadHash);
    this.hashA = a;
    this.hashB = (Math.imul(this.hashB, 0x01000193) + a) | 0;
    const index = this.count++;
    if (this.eventHashes) {
      if (index === this.eventHashes.length) {
        const bigger = new Uint32Array(index * 2);
        bigger.set(this.eventHashes);
        this.eventHashes = bigger;
      }
      this.eventHashes[index] = a;
    }
    if (this.records !== undefined || (this.listenMask & (1 << kind)) !== 0) {
      const r: TraceRecord = { index, timeUs, kind, node, peer, label, payload, ok, describe };
      this.records?.push(r);
      for (let i = 0; i < this.listeners.length; i++) {
        const l = this.listeners[i]!;
        if ((l.mask & (1 << kind)) !== 0) l.fn(r);
      }
    }
  }

  /** The run's fingerprint: 16 hex digits. */
  get hash(): string {
    return (this.hashB >>> 0).toString(16).padStart(8, '0') + (this.hashA >>> 0).toString(16).padStart(8, '0');
  }

  /** Hash after event i (when eventHashes was on). */
  hashAt(i: number): number | undefined {
    return this.eventHashes && i < this.count ? this.eventHashes[i] : undefined;
  }
}

/** Seconds with microsecond precision, fixed width: "  12.345678s". */
export function formatTime(timeUs: number): string {
  const s = Math.floor(timeUs / 1_000_000);
  const us = timeUs % 1_000_000;
  return `${s.toString().padStart(4)}.${us.toString().padStart(6, '0')}s`;
}

function short(payload: unknown, max = 120): string {
  if (payload === undefined) return '';
  let text: string;
  try {
    text = JSON.stringify(payload, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  } catch {
    text = String(payload);
  }
  if (text === undefined) return '';
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** What happened, on one line, without the time and node (formatRecord adds them). */
export function describeRecord(r: TraceRecord): string {
  const d = (isReply: boolean) =>
    r.describe ? r.describe(r.label, r.payload, isReply) : `${r.label} ${short(r.payload)}`.trimEnd();
  let what: string;
  switch (r.kind) {
    case TraceKind.Send:
      what = `→ ${r.peer} ${d(false)}`;
      break;
    case TraceKind.Deliver:
      what = `← ${r.peer} ${d(false)}`;
      break;
    case TraceKind.Reply:
      what = `reply → ${r.peer} ${d(true)}`;
      break;
    case TraceKind.Response:
      what = r.ok ? `response ← ${r.peer} ${d(true)}` : `response ← ${r.peer} ${r.label} FAILED`;
      break;
    case TraceKind.Timer:
      what = `timer ${r.label}`;
      break;
    case TraceKind.Call:
      what = `call ${r.label} ${short(r.payload)}`;
      break;
    case TraceKind.Return:
      what = `return ${r.label} ${short(r.payload)}`;
      break;
    case TraceKind.Apply:
      what = `apply ${short(r.payload)}`;
      break;
    case TraceKind.Persist: {
      const p = r.payload as { state: number; snapshot: number } | undefined;
      what = p ? `persist ${p.state}+${p.snapshot} bytes` : 'persist';
      break;
    }
    case TraceKind.Note:
      what = `note ${r.label}`;
      break;
    case TraceKind.Fact:
      what = `fact ${short(r.payload)}`;
      break;
    default:
      what = `${traceKindName(r.kind)} ${r.label}${r.payload !== undefined ? ' ' + short(r.payload) : ''}`;
  }
  return what.trimEnd();
}

/** One human-readable line per record: time, node, what happened. */
export function formatRecord(r: TraceRecord): string {
  return `${formatTime(r.timeUs)}  ${r.node.padEnd(8)} ${describeRecord(r)}`.trimEnd();
}
