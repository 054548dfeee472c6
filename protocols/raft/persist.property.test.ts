/**
 * The save encoder's caches and the decoder's validation, against plain
 * references: after any sequence of log changes the saved bytes are those
 * of the layout encoded afresh, and the runs nothing touched are the very
 * pieces of the previous save; the decoder accepts exactly the canonical
 * encodings of a state and refuses every structural corruption of one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOf, encode } from '../../sim/contract.ts';
import * as Log from './log.ts';
import { RaftPersistError, decodeState, encodeState, restore } from './persist.ts';
import type { Entry, RaftState } from './types.ts';

const RUN = 32;
const none = { state: new Uint8Array(0), snapshot: new Uint8Array(0) };

/** The layout of persist.ts's header comment, encoded value by value with nothing cached. */
function reference(st: RaftState): Uint8Array {
  const e = st.log.entries;
  const full = Math.floor(e.length / RUN);
  const parts = [encode([st.currentTerm, st.votedFor, st.log.base, st.log.baseTerm, full])];
  for (let k = 0; k <= full; k++) {
    const run = e.slice(k * RUN, Math.min(e.length, (k + 1) * RUN));
    parts.push(encode([run.map((x) => x.term), run.map((x) => x.cmd)]));
  }
  return bytesOf(parts);
}

const command = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.string({ maxLength: 6 }), fc.record({ op: fc.constantFrom('put', 'append'), v: fc.nat(99) }));

type Op =
  | { kind: 'append'; cmds: unknown[]; bump: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'compact'; at: number; match: boolean }
  | { kind: 'replace'; at: number; cmd: unknown }
  | { kind: 'copy' }
  | { kind: 'relog' }
  | { kind: 'save' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), cmds: fc.array(command, { maxLength: 45, size: 'max' }), bump: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(120) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), at: fc.nat(120), match: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(120), cmd: command }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relog' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('save' as const) }) },
);

/** Applies one change the way Raft's handlers make them (log.ts), or replaces the entries array behind log.ts's back. */
function apply(st: RaftState, o: Op): void {
  const log = st.log;
  const last = Log.lastIndex(log);
  switch (o.kind) {
    case 'append': {
      const term = Log.lastTerm(log) + (o.bump ? 1 : 0);
      Log.append(log, o.cmds.map((cmd) => ({ term, cmd }) as Entry));
      return;
    }
    case 'truncate':
      if (last > log.base) Log.truncateFrom(log, log.base + 1 + (o.at % (last - log.base + 2)));
      return;
    case 'compact': {
      const index = log.base + 1 + (o.at % (last - log.base + 3));
      const term = index <= last && o.match ? Log.termAt(log, index) : Log.lastTerm(log) + 1;
      Log.compactTo(log, index, term);
      return;
    }
    case 'replace': {
      // A new entries array with one entry changed, as an InstallSnapshot or a rebuilt log would hand over, without markChanged.
      if (log.entries.length === 0) return;
      const k = o.at % log.entries.length;
      const entries = log.entries.slice();
      entries[k] = { term: entries[k]!.term, cmd: o.cmd as Entry['cmd'] };
      st.log = { base: log.base, baseTerm: log.baseTerm, entries };
      return;
    }
    case 'copy':
      st.log = { base: log.base, baseTerm: log.baseTerm, entries: log.entries.slice() };
      return;
    case 'relog':
      // A new log object around the same array: log.ts's record of in-place changes stays with the old one.
      st.log = { base: log.base, baseTerm: log.baseTerm, entries: log.entries };
      return;
    case 'save':
      return;
  }
}

function pieces(st: RaftState): readonly Uint8Array[] {
  const b = encodeState(st);
  return b instanceof Uint8Array ? [b] : b;
}

let checks = 0;
describe('raft persistence, by property', () => {
  it('saves exactly the layout encoded afresh after any changes, and hands on untouched runs as the same pieces', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }), fc.nat(9), (ops, term) => {
        const st = restore({ me: 0, peers: 3 }, none);
        st.currentTerm = term;
        let before: readonly Uint8Array[] = [];
        let runsBefore = 0;
        let untouched = true; // nothing but appends and saves since the previous save
        for (const o of ops) {
          apply(st, o);
          if (o.kind !== 'append' && o.kind !== 'save') untouched = false;
          if (o.kind !== 'save') continue;
          const now = pieces(st);
          expect(bytesOf(now)).toEqual(reference(st));
          if (untouched) {
            for (let k = 1; k <= runsBefore; k++) expect(now[k]).toBe(before[k]);
            checks += runsBefore;
          }
          before = now;
          runsBefore = Math.floor(st.log.entries.length / RUN);
          untouched = true;
        }
        expect(bytesOf(encodeState(st))).toEqual(reference(st));
        expect(decodeState(encodeState(st))).toEqual({ currentTerm: st.currentTerm, votedFor: st.votedFor, log: st.log });
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(checks).toBeGreaterThan(500); // the identity check ran
  });

  it('re-encodes every run from the lowest change since the last save, whatever changed after it', () => {
    const cmds = (n: number, tag: string) => Array.from({ length: n }, (_, k) => `${tag}${k}`);
    const cases: Op[][] = [
      // Truncated low, refilled, truncated higher: the runs from the low point are stale.
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 10 }, { kind: 'append', cmds: cmds(90, 'b'), bump: true }, { kind: 'truncate', at: 80 }, { kind: 'save' }],
      // Truncated at the last two places of a run (indexes 31 and 32 of the first): that run is stale too.
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 30 }, { kind: 'append', cmds: cmds(80, 'b'), bump: true }, { kind: 'save' }],
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 31 }, { kind: 'append', cmds: cmds(80, 'b'), bump: true }, { kind: 'save' }],
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 32 }, { kind: 'append', cmds: cmds(80, 'b'), bump: true }, { kind: 'save' }],
      // The same, the log object replaced around its array before the save.
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 10 }, { kind: 'append', cmds: cmds(90, 'b'), bump: true }, { kind: 'relog' }, { kind: 'save' }],
      // The array copied after an in-place change.
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'truncate', at: 40 }, { kind: 'append', cmds: cmds(60, 'b'), bump: true }, { kind: 'copy' }, { kind: 'save' }],
      // A compaction that keeps the suffix: the runs are cut from a new origin.
      [{ kind: 'append', cmds: cmds(100, 'a'), bump: false }, { kind: 'save' }, { kind: 'compact', at: 4, match: true }, { kind: 'save' }, { kind: 'compact', at: 64, match: true }, { kind: 'save' }],
    ];
    for (const ops of cases) {
      const st = restore({ me: 0, peers: 3 }, none);
      for (const o of ops) {
        apply(st, o);
        if (o.kind === 'save') expect(bytesOf(encodeState(st))).toEqual(reference(st));
      }
    }
  });

  /** A state's layout as values (what reference() encodes), to corrupt one part of. */
  function layout(entries: number, base: number): unknown[] {
    const e = Array.from({ length: entries }, (_, k) => ({ term: 1 + (k >> 4), cmd: k % 3 === 0 ? `c${k}` : k }));
    const full = Math.floor(entries / RUN);
    const values: unknown[] = [[4, 1, base, base > 0 ? 1 : 0, full]];
    for (let k = 0; k <= full; k++) {
      const run = e.slice(k * RUN, Math.min(entries, (k + 1) * RUN));
      values.push([run.map((x) => x.term), run.map((x) => x.cmd)]);
    }
    return values;
  }

  const bytes = (values: unknown[]): Uint8Array => bytesOf(values.map((v) => encode(v)));

  it('accepts canonical layouts and refuses each structural corruption of one', () => {
    for (const n of [0, 1, 31, 32, 33, 70]) {
      const ok = layout(n, 5);
      const st = decodeState(bytes(ok));
      expect(st.log.entries).toHaveLength(n);
      const back = restore({ me: 0, peers: 3 }, { state: bytes(ok), snapshot: new Uint8Array(0) });
      expect(bytesOf(encodeState(back))).toEqual(bytes(ok));
    }
    const corruptions: [string, (v: unknown[]) => unknown[], RegExp][] = [
      ['no header', () => [], /5-field header/],
      ['a header of 4 fields', (v) => [(v[0] as unknown[]).slice(0, 4), ...v.slice(1)], /5-field header/],
      ['a header that is no array', (v) => [7, ...v.slice(1)], /5-field header/],
      ['a negative term', (v) => [[-1, ...(v[0] as unknown[]).slice(1)], ...v.slice(1)], /term, vote or snapshot/],
      ['a fractional term', (v) => [[1.5, ...(v[0] as unknown[]).slice(1)], ...v.slice(1)], /term, vote or snapshot/],
      ['a vote that is a string', (v) => [[4, 'x', ...(v[0] as unknown[]).slice(2)], ...v.slice(1)], /term, vote or snapshot/],
      ['a negative vote', (v) => [[4, -2, ...(v[0] as unknown[]).slice(2)], ...v.slice(1)], /term, vote or snapshot/],
      ['a negative base', (v) => [[4, 1, -3, 0, (v[0] as unknown[])[4]], ...v.slice(1)], /term, vote or snapshot/],
      ['a base term that is null', (v) => [[4, 1, 5, null, (v[0] as unknown[])[4]], ...v.slice(1)], /term, vote or snapshot/],
      ['a run count that is a string', (v) => [[4, 1, 5, 1, '2'], ...v.slice(1)], /log is malformed/],
      ['a negative run count', (v) => [[4, 1, 5, 1, -1], ...v.slice(1)], /log is malformed/],
      ['one run more than the count', (v) => [[4, 1, 5, 1, ((v[0] as unknown[])[4] as number) - 1], ...v.slice(1)], /log is malformed/],
      ['one run fewer than the count', (v) => [[4, 1, 5, 1, ((v[0] as unknown[])[4] as number) + 1], ...v.slice(1)], /log is malformed/],
      ['three runs fewer than the count', (v) => [[4, 1, 5, 1, ((v[0] as unknown[])[4] as number) + 3], ...v.slice(1)], /log is malformed/],
      ['no tail', (v) => v.slice(0, -1), /log is malformed/],
      ['no tail, and a count that takes the runs for all but one', (v) => [[4, 1, 5, 1, ((v[0] as unknown[])[4] as number) + 1], ...v.slice(1, -1)], /log is malformed/],
      ['a value after the tail', (v) => [...v, 0], /log is malformed/],
      ['a tail that is no pair', (v) => [...v.slice(0, -1), 3], /log is malformed/],
      ['a tail of three parts', (v) => [...v.slice(0, -1), [...(v.at(-1) as unknown[]), []]], /log is malformed/],
      ['a tail whose terms are no array', (v) => [...v.slice(0, -1), [5, (v.at(-1) as unknown[])[1]]], /log is malformed/],
      ['a tail whose commands are no array', (v) => [...v.slice(0, -1), [(v.at(-1) as unknown[])[0], 'x']], /log is malformed/],
      ['a tail with one command too many', (v) => [...v.slice(0, -1), [(v.at(-1) as unknown[])[0], [...((v.at(-1) as unknown[])[1] as unknown[]), 9]]], /log is malformed/],
      ['a tail with a negative term', (v) => [...v.slice(0, -1), [[-1], ['x']]], /log is malformed/],
      ['a tail with a term that is a string', (v) => [...v.slice(0, -1), [['1'], ['x']]], /log is malformed/],
      ['a full tail (32 entries)', (v) => [...v.slice(0, -1), [new Array(RUN).fill(1), new Array(RUN).fill(0)]], /log is malformed/],
      ['a run of 31 entries', (v) => [v[0], [new Array(RUN - 1).fill(1), new Array(RUN - 1).fill(0)], ...v.slice(2)], /log is malformed/],
      ['a run of 33 entries', (v) => [v[0], [new Array(RUN + 1).fill(1), new Array(RUN + 1).fill(0)], ...v.slice(2)], /log is malformed/],
      ['a run that is no pair', (v) => [v[0], 'run', ...v.slice(2)], /log is malformed/],
      ['a run of one part', (v) => [v[0], [(v[1] as unknown[])[0]], ...v.slice(2)], /log is malformed/],
      ['a run whose terms are no array', (v) => [v[0], [{}, (v[1] as unknown[])[1]], ...v.slice(2)], /log is malformed/],
      ['a run whose commands are no array', (v) => [v[0], [(v[1] as unknown[])[0], null], ...v.slice(2)], /log is malformed/],
      ['a run with a command missing', (v) => [v[0], [(v[1] as unknown[])[0], ((v[1] as unknown[])[1] as unknown[]).slice(1)], ...v.slice(2)], /log is malformed/],
      ['a run with a fractional term', (v) => [v[0], [[0.5, ...((v[1] as unknown[])[0] as unknown[]).slice(1)], (v[1] as unknown[])[1]], ...v.slice(2)], /log is malformed/],
    ];
    for (const [what, corrupt, message] of corruptions) {
      const values = corrupt(layout(70, 5));
      expect(() => decodeState(bytes(values)), what).toThrow(RaftPersistError);
      expect(() => decodeState(bytes(values)), what).toThrow(message);
      expect(() => decodeState(bytes(values)), what).not.toThrow(/does not decode/); // a structural refusal, not a codec error
    }
    expect(() => decodeState(new Uint8Array([0x07, 0x05, 0x03]))).toThrow(/does not decode/);
  });

  it('refuses a config without 0 ≤ me < peers (integers, peers ≥ 1)', () => {
    for (const [me, peers] of [[0, 0], [0, 1.5], [-1, 3], [0.5, 3], [3, 3], [4, 3], [Number.NaN, 3], [0, Number.NaN]] as const) {
      expect(() => restore({ me, peers }, none), `me=${me} peers=${peers}`).toThrow(/0 ≤ me < peers/);
    }
    for (const [me, peers] of [[0, 1], [2, 3], [6, 7]] as const) expect(restore({ me, peers }, none).me).toBe(me);
  });
});
