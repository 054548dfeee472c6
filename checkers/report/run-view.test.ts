import { describe, expect, it } from 'vitest';
import { TraceKind, type TraceRecord } from '../../sim/trace.ts';
import { FATE, packEvents, unpackEvents, type RunReportData } from './run-data.ts';
import { RunRecorder } from './run-recorder.ts';
import { buildIndex, cutsAt, decodeView, encodeView, initialView, searchMask, stateAt, stepEvent, zoom } from './run-view.ts';

let index = 0;
function rec(timeUs: number, kind: TraceKind, node: string, peer = '', label = '', payload: unknown = undefined, ok = true): TraceRecord {
  return { index: index++, timeUs, kind, node, peer, label, payload, ok, describe: undefined };
}

/** Two servers: 0 wins term 1, a heartbeat to 1 arrives, a second is lost on a cut link, then 1 crashes. */
function tinyRun(): RunReportData {
  index = 0;
  const r = new RunRecorder();
  const args1 = { term: 1 };
  const args2 = { term: 1 };
  const reply1 = { ok: true };
  const records = [
    rec(0, TraceKind.Fact, '0', '', '', { type: 'raft/boot', term: 0, votedFor: null, snapshotIndex: 0, lastIndex: 0 }),
    rec(0, TraceKind.Fact, '1', '', '', { type: 'raft/boot', term: 0, votedFor: null, snapshotIndex: 0, lastIndex: 0 }),
    rec(100, TraceKind.Fact, '0', '', '', { type: 'raft/vote', term: 1, for: 0 }),
    rec(200, TraceKind.Fact, '0', '', '', { type: 'raft/leader', term: 1, lastIndex: 0 }),
    rec(300, TraceKind.Send, '0', '1', 'Raft.AppendEntries', args1),
    rec(310, TraceKind.Deliver, '1', '0', 'Raft.AppendEntries', args1),
    rec(310, TraceKind.Reply, '1', '0', 'Raft.AppendEntries', reply1),
    rec(320, TraceKind.Response, '0', '1', 'Raft.AppendEntries', reply1),
    rec(400, TraceKind.Net, '0->1#1', '1', 'disable'),
    rec(500, TraceKind.Send, '0', '1', 'Raft.AppendEntries', args2),
    rec(520, TraceKind.Response, '0', '1', 'Raft.AppendEntries', undefined, false),
    rec(600, TraceKind.Crash, '1', '', 'crash'),
  ];
  for (const x of records) r.onRecord(x);
  return r.data({ title: 'tiny', passed: false, failure: { kind: 'safety', message: 'x' }, failRecord: 3, replay: 'r', seed: 1, traceHash: 'h', virtualUs: 700 });
}

describe('the run viewer\'s model', () => {
  const d = tinyRun();
  const ix = buildIndex(d);
  const e = d.events;

  it('pairs the heartbeat, marks the lost one, and knows the state and cuts at any time', () => {
    const send = e.kind.indexOf(TraceKind.Send);
    expect(e.kind[e.link[send]!]).toBe(TraceKind.Deliver);
    const failed = e.kind.lastIndexOf(TraceKind.Response);
    expect(e.fate[failed]).toBe(FATE.RequestDropped);
    expect(stateAt(d, d.nodes.indexOf('0'), 150)).toMatchObject({ role: 'candidate', term: 1, votedFor: '0' });
    expect(stateAt(d, d.nodes.indexOf('0'), 250).role).toBe('leader');
    expect(stateAt(d, d.nodes.indexOf('1'), 650).role).toBe('down');
    expect(cutsAt(ix, d.nodes.indexOf('1'), 450)).toBe('0→1');
    expect(cutsAt(ix, d.nodes.indexOf('1'), 350)).toBe('');
  });

  it('opens at the failure, steps through one node\'s events, and searches texts', () => {
    const v = initialView(d, ix);
    expect(d.strings[e.text[v.cursorEvent]!]).toContain('raft/leader');
    const next = stepEvent(d, v, v.cursorEvent, d.nodes.indexOf('1'), 1);
    expect([e.kind[next], e.node[next]]).toEqual([TraceKind.Deliver, d.nodes.indexOf('1')]);
    const mask = searchMask(d, 'FAILED')!;
    expect([...mask].reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('packs the events for the page and unpacks them unchanged', () => {
    const packed = packEvents(e);
    expect(packed.t.slice(0, 3)).toEqual([0, 0, 100]);
    expect(unpackEvents(packed)).toEqual(e);
  });

  it('keeps the view in the fragment: window, cursor, hidden nodes, kinds and methods, the query', () => {
    const v = initialView(d, ix);
    v.hiddenNodes.add(d.nodes.indexOf('1'));
    v.hiddenKinds.add(TraceKind.Fact);
    v.hiddenMethods.add(d.strings.indexOf('Raft.AppendEntries'));
    v.query = 'a b&c';
    zoom(v, ix, 0.5, 300);
    const hash = encodeView(d, v);
    const back = initialView(d, ix);
    decodeView(d, ix, `#${hash}`, back);
    expect(back).toEqual(v);
    decodeView(d, ix, '#only=1', back);
    expect([...back.hiddenNodes].map((n) => d.nodes[n])).toEqual(['0']);
    decodeView(d, ix, '#t0=9&t1=2&hide=nosuch&kinds=&q', back);
    expect([back.t0, back.hiddenNodes.size, back.hiddenKinds.size]).toEqual([v.t0, 0, 0]);
  });
});
