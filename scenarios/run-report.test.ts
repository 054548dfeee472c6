import { describe, expect, it } from 'vitest';
import { raft } from '../protocols/raft/index.ts';
import './raft/index.ts';
import { raftNoElectionRestriction } from './bugs/raft.ts';
import { factless } from './testdata/factless.ts';
import { findScenario, runScenario, type RunOptions } from '../sim/scenario.ts';
import { TraceKind } from '../sim/trace.ts';
import { FATE, ROLE, type RunReportData } from '../checkers/report/run-data.ts';
import { RunRecorder } from '../checkers/report/run-recorder.ts';
import { stateAt } from '../checkers/report/run-view.ts';

function record(name: string, options: Omit<RunOptions, 'onRecord' | 'onLog'>): { data: RunReportData; events: number } {
  const rec = new RunRecorder();
  const r = runScenario(findScenario(name)!, { ...options, onRecord: rec.onRecord, onLog: rec.onLog });
  const data = rec.data({
    title: name,
    passed: r.passed,
    ...(r.failure ? { failure: r.failure } : {}),
    ...(r.failedAt !== undefined ? { failRecord: r.failedAt } : {}),
    replay: '',
    seed: r.seed,
    traceHash: r.traceHash,
    virtualUs: r.virtualUs,
  });
  return { data, events: r.world.trace.count };
}

const kindCount = (d: RunReportData, kind: number) => d.events.kind.filter((k) => k === kind).length;

describe('run report data from a Raft trace (raft/3C/figure8-unreliable, seed 1)', () => {
  const { data: d } = record('raft/3C/figure8-unreliable', { seed: 1 });
  const e = d.events;

  it('pairs every delivery with a send of the same method, from the lane it names', () => {
    let delivered = 0;
    e.kind.forEach((kind, k) => {
      if (kind !== TraceKind.Deliver) return;
      delivered++;
      const send = e.link[k]!;
      expect(e.kind[send]).toBe(TraceKind.Send);
      expect(e.label[send]).toBe(e.label[k]);
      expect(e.node[send]).toBe(e.peer[k]);
      expect(e.t[send]).toBeLessThanOrEqual(e.t[k]!);
    });
    expect(delivered).toBe(kindCount(d, TraceKind.Deliver));
    expect(delivered).toBeGreaterThan(100);
  });

  it('links replies to responses and tells lost requests from lost replies', () => {
    const replies = e.kind.map((kind, k) => (kind === TraceKind.Reply ? k : -1)).filter((k) => k >= 0);
    const answered = replies.filter((k) => e.link[k]! >= 0);
    for (const k of answered) expect(e.kind[e.link[k]!]).toBe(TraceKind.Response);
    expect(answered.length).toBeGreaterThan(replies.length * 0.5);
    const losses = new Set(e.fate.filter((x) => x !== FATE.Normal));
    expect(losses.has(FATE.RequestDropped)).toBe(true);
    expect(losses.has(FATE.ReplyLost)).toBe(true);
    expect(losses.has(FATE.Reordered)).toBe(true); // long reordering from iteration 200
  });

  it('follows each server: leaders with terms, commit and log, down after the final crash', () => {
    expect(['0', '1', '2', '3', '4'].every((n) => d.nodes.includes(n))).toBe(true);
    const leaders = d.states.flatMap((s) => s.role.filter((r) => r === ROLE.Leader)).length;
    expect(leaders).toBeGreaterThan(5);
    const end = stateAt(d, d.nodes.indexOf('0'), d.virtualUs);
    expect(end.role).toBe('down');
    expect(end.term).toBeGreaterThan(10);
    expect(end.commit).toBeGreaterThan(100);
    expect(end.lastIndex).toBeGreaterThanOrEqual(end.commit!);
    expect(end.tail).toMatch(/^… \d+=\d+:/);
  });

  it('turns net records into cuts between lanes and keeps them out of the events', () => {
    const net = d.events.kind.map((kind, k) => (kind === TraceKind.Net ? d.strings[d.events.label[k]!] : '')).filter((l) => l !== '');
    expect(new Set(net)).toEqual(new Set(['add-server', 'delete-server']));
    expect(d.cuts.t.length).toBeGreaterThan(20);
    expect(d.cuts.from.every((f, k) => f !== d.cuts.to[k])).toBe(true);
    expect(d.log.text.map((i) => d.strings[i])).toContain('Test (3C): Figure 8 (unreliable) ...');
  });
});

describe('run report data of failing and fact-less Rafts', () => {
  it('pins a bug-zoo failure to the record the checker named', () => {
    const { data: d } = record('raft/3C/persist2', { seed: 1, impl: { raft: raftNoElectionRestriction.node } });
    expect(d.passed).toBe(false);
    expect(d.failure!.kind).toBe('safety');
    const k = d.failEvent;
    expect(d.events.kind[k]).toBe(TraceKind.Fact);
    expect(d.strings[d.events.text[k]!]).toContain('"type":"raft/leader"');
    expect(k).toBeLessThan(d.events.t.length - 1);
  });

  it('gives a Raft without facts its lanes, messages and the terms the tester saw', () => {
    const { data: d } = record('raft/3A/initial-election', { seed: 1, impl: { raft: factless(raft) } });
    expect(kindCount(d, TraceKind.Fact)).toBe(0);
    expect(kindCount(d, TraceKind.Deliver)).toBeGreaterThan(10);
    const lane = d.nodes.indexOf('0');
    expect(d.hasState[lane]).toBe(true);
    expect(stateAt(d, lane, d.virtualUs - 1).term).toBeGreaterThan(0);
  });
});
