import { describe, expect, it } from 'vitest';
import { bytesOf, encode } from '../../sim/contract.ts';
import * as Log from './log.ts';
import { RaftPersistError, decodeState, encodeState, restore } from './persist.ts';
import { RaftCluster, RaftProbe } from './testkit.ts';
import { RPC, type RequestVoteReply } from './types.ts';

const none = { state: new Uint8Array(0), snapshot: new Uint8Array(0) };

describe('raft persistence', () => {
  it('round-trips term, vote and log (with its snapshot position) through the codec', () => {
    const st = restore({ me: 1, peers: 3 }, none);
    st.currentTerm = 7;
    st.votedFor = 2;
    st.log = { base: 20, baseTerm: 5, entries: [{ term: 5, cmd: 'x' }, { term: 7, cmd: { k: [1, 'y'] } }] };
    expect(decodeState(encodeState(st))).toEqual({ currentTerm: 7, votedFor: 2, log: st.log });
    st.votedFor = null;
    expect(decodeState(encodeState(st)).votedFor).toBeNull();
  });

  it('round-trips long logs cut into cached runs, after appends, truncations and compactions', () => {
    const st = restore({ me: 0, peers: 3 }, none);
    const entries = Array.from({ length: 300 }, (_, k) => ({ term: 1 + Math.floor(k / 100), cmd: k * 7 }));
    st.log = { base: 0, baseTerm: 0, entries: entries.slice(0, 150) };
    const roundTrip = () => expect(decodeState(encodeState(st)).log).toEqual(st.log);
    roundTrip();
    Log.append(st.log, entries.slice(150));
    roundTrip();
    Log.truncateFrom(st.log, 70); // inside the second cached run
    Log.append(st.log, [{ term: 9, cmd: 'new' }, { term: 9, cmd: 'newer' }]);
    roundTrip();
    Log.append(st.log, Array.from({ length: 100 }, (_, k) => ({ term: 9, cmd: `x${k}` })));
    roundTrip();
    Log.compactTo(st.log, 100, 9);
    roundTrip();
    Log.compactTo(st.log, 128, 9);
    roundTrip();
  });

  it('saves the bytes of the whole layout encoded at once, though the runs and commands are cached pieces', () => {
    const st = restore({ me: 0, peers: 3 }, none);
    const entries = Array.from({ length: 40 }, (_, k) => ({ term: 2, cmd: { op: 'append', value: `v${k}` } }));
    st.log = { base: 0, baseTerm: 0, entries };
    const whole = (): Uint8Array => {
      const parts = [encode([st.currentTerm, st.votedFor, 0, 0, 1]), encode([entries.slice(0, 32).map((e) => e.term), entries.slice(0, 32).map((e) => e.cmd)])];
      const tail = st.log.entries.slice(32);
      parts.push(encode([tail.map((e) => e.term), tail.map((e) => e.cmd)]));
      return bytesOf(parts);
    };
    expect(bytesOf(encodeState(st))).toEqual(whole());
    Log.append(st.log, [{ term: 3, cmd: 'next' }]); // the cached commands are reused beside a new one
    expect(bytesOf(encodeState(st))).toEqual(whole());
  });

  it('a restart reads back runs decoded before as the same entries, and a run that differs in one byte afresh', () => {
    const st = restore({ me: 0, peers: 3 }, none);
    st.log = { base: 0, baseTerm: 0, entries: Array.from({ length: 70 }, (_, k) => ({ term: 1, cmd: { op: 'put', key: `k${k % 3}`, value: `v${k}` } })) };
    const bytes = bytesOf(encodeState(st));
    const first = decodeState(bytes).log.entries;
    const again = decodeState(bytes.slice()).log.entries; // equal bytes, another array
    expect(again).toEqual(st.log.entries);
    expect(again[5]).toBe(first[5]); // a full run's entries, reused
    expect(again[65]).not.toBe(first[65]); // the partial last run is decoded each time
    // One command byte changed inside the first run: not the memo's entries, and the change is read.
    const at = bytes.indexOf('v'.charCodeAt(0), 20);
    const changed = bytes.slice();
    changed[at + 1] = '9'.charCodeAt(0);
    const other = decodeState(changed).log.entries;
    expect(other.filter((e, k) => JSON.stringify(e) !== JSON.stringify(st.log.entries[k]))).toHaveLength(1);
    expect(other[40]).toBe(first[40]); // the second run is unchanged: reused
    // Re-encoding what was read back gives the bytes read (the reused commands' encodings included).
    const back = restore({ me: 0, peers: 3 }, { state: changed, snapshot: new Uint8Array(0) });
    expect(bytesOf(encodeState(back))).toEqual(changed);
    expect(bytesOf(encodeState(restore({ me: 0, peers: 3 }, { state: bytes, snapshot: new Uint8Array(0) })))).toEqual(bytes);
  });

  it('refuses a corrupt run even where its first bytes match a run read before', () => {
    const st = restore({ me: 0, peers: 3 }, none);
    st.log = { base: 0, baseTerm: 0, entries: Array.from({ length: 33 }, (_, k) => ({ term: 2, cmd: `c${k}` })) };
    const bytes = bytesOf(encodeState(st));
    decodeState(bytes); // memoized
    expect(() => decodeState(bytes.subarray(0, bytes.length - 4))).toThrow(/does not decode|malformed/);
    const invalidUtf8 = bytes.slice();
    invalidUtf8[bytes.indexOf('c'.charCodeAt(0), 10)] = 0xff; // inside a command of the full run
    expect(() => decodeState(invalidUtf8)).toThrow(/does not decode/);
    expect(() => decodeState(bytesOf([bytes, encode(1)]))).toThrow(/log is malformed/); // trailing value
  });

  it('refuses malformed persisted state loudly', () => {
    const seq = (...values: unknown[]) => values.map((v) => encode(v));
    expect(() => decodeState(encode([1, 2, 3]))).toThrow(/5-field header/);
    expect(() => decodeState(new Uint8Array([42]))).toThrow(/does not decode/);
    // Header says one run, but none follows the tail.
    expect(() => decodeState(seq([1, null, 0, 0, 1], [[1], ['a']]))).toThrow(/log is malformed/);
    // A run of the wrong length.
    expect(() => decodeState(seq([1, null, 0, 0, 1], [[1], ['a']], [[], []]))).toThrow(/log is malformed/);
    // Terms and commands of different lengths.
    expect(() => decodeState(seq([1, null, 0, 0, 0], [[1, 2], ['a']]))).toThrow(/log is malformed/);
    expect(() => decodeState(seq([-1, null, 0, 0, 0], [[], []]))).toThrow(RaftPersistError);
    // Well formed: accepted, as pieces or as one array.
    expect(decodeState(seq([3, 1, 0, 0, 0], [[2], ['x']])).currentTerm).toBe(3);
    expect(() => restore({ me: 3, peers: 3 }, none)).toThrow(/0 ≤ me < peers/);
  });

  it('restores term, vote and log after every server crashes, and carries on (TestPersist13C)', () => {
    const c = new RaftCluster(3, { seed: 31 });
    for (const cmd of [11, 12, 13]) c.one(cmd, 3);
    const before = c.states.map((s) => ({ term: s!.currentTerm, vote: s!.votedFor, log: s!.log.entries }));
    for (let i = 0; i < 3; i++) c.restart(i);
    const after = c.states.map((s) => ({ term: s!.currentTerm, vote: s!.votedFor, log: s!.log.entries }));
    expect(after).toEqual(before);
    expect(c.states.every((s) => s!.role.kind === 'follower' && s!.commitIndex === 0)).toBe(true);
    expect(c.factsOf('raft/boot').filter((f) => f.incarnation === 1).map((f) => f.fact.lastIndex)).toEqual([3, 3, 3]);
    expect(c.one(14, 3)).toBe(4);
    // Each restarted server applied 1..4 again, in order, in its new incarnation.
    for (let i = 0; i < 3; i++) {
      const again = c.applies.filter((a) => a.node === i && a.incarnation === 1).map((a) => a.msg.commandValid && a.msg.commandIndex);
      expect(again).toEqual([1, 2, 3, 4]);
    }
    expect(c.errors).toEqual([]);
  });

  it('never votes twice in a term across a crash', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    const ask = (candidateId: number) =>
      (p.request(RPC.requestVote, { term: 5, candidateId, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply).voteGranted;
    expect(ask(1)).toBe(true);
    p.restart();
    expect([p.st.currentTerm, p.st.votedFor]).toEqual([5, 1]);
    expect(ask(2)).toBe(false);
    expect(ask(1)).toBe(true); // the same vote, repeated
    expect(p.facts.filter((f) => f.type === 'raft/vote')).toEqual([{ type: 'raft/vote', term: 5, for: 1 }]);
  });

  it('persists a vote granted in a term it already knew (no term change to ride on)', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, { term: 5, leaderId: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    expect(decodeState(p.persisted.state)).toMatchObject({ currentTerm: 5, votedFor: null });
    const vote = p.step({ kind: 'request', reqId: 1, method: RPC.requestVote, args: { term: 5, candidateId: 2, lastLogIndex: 0, lastLogTerm: 0 } });
    expect(vote[0]!.kind).toBe('persist');
    expect(decodeState(p.persisted.state)).toMatchObject({ currentTerm: 5, votedFor: 2 });
    p.restart();
    expect((p.request(RPC.requestVote, { term: 5, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0 }) as RequestVoteReply).voteGranted).toBe(false);
  });

  it('puts the persist first in any step that changes durable state, before its reply and sends', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    const vote = p.step({ kind: 'request', reqId: 1, method: RPC.requestVote, args: { term: 2, candidateId: 1, lastLogIndex: 0, lastLogTerm: 0 } });
    expect(vote.map((o) => o.kind)).toEqual(['persist', 'fact', 'fact', 'setTimer', 'reply']); // raft/term, raft/vote
    const candidacy = p.fire('election');
    expect(candidacy[0]!.kind).toBe('persist');
    expect(candidacy.filter((o) => o.kind === 'persist').length).toBe(1);
    expect(candidacy.findIndex((o) => o.kind === 'send')).toBeGreaterThan(0);
    const saved = decodeState(p.persisted.state);
    expect([saved.currentTerm, saved.votedFor]).toEqual([3, 0]);
  });

  it('emits nothing durable for a step that changes nothing durable', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    expect(p.step({ kind: 'call', callId: 1, method: 'getState', args: null })).toEqual([
      { kind: 'return', callId: 1, value: { term: 0, isLeader: false } },
    ]);
    expect(p.step({ kind: 'timer', name: 'heartbeat' })).toEqual([]); // a follower's stale heartbeat
  });

  it('an empty persister starts a fresh follower at term 0 with an empty log', () => {
    const st = restore({ me: 0, peers: 1 }, none);
    expect([st.currentTerm, st.votedFor, Log.lastIndex(st.log), st.commitIndex, st.role.kind]).toEqual([0, null, 0, 0, 'follower']);
  });
});
