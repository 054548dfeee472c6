import { describe, expect, it } from 'vitest';
import { decode, encode, Prng } from '../../sim/contract.ts';
import { decodeState } from './persist.ts';
import { RaftCluster, RaftProbe, type ApplyRecord } from './testkit.ts';
import { RPC, type AppendEntriesArgs, type ApplyMsg, type Entry, type InstallSnapshotArgs } from './types.ts';

/** A one-peer cluster: it elects itself and commits each Start at once. */
function soloLeader(commands: number): RaftProbe {
  const p = new RaftProbe({ me: 0, peers: 1 });
  p.fire('election');
  for (let k = 1; k <= commands; k++) p.call('start', { command: k * 10 });
  return p;
}

/** The blob the 3D tester hands to Snapshot: (index, commands 0..index). */
const blob = (index: number): Uint8Array => encode([index, [null, ...Array.from({ length: index }, (_, k) => (k + 1) * 10)]]);

const applied = (msgs: readonly ApplyMsg[]): (string | number)[] =>
  msgs.map((m) => (m.snapshotValid ? `snap@${m.snapshotIndex}` : m.commandIndex));

const appliedBy = (applies: readonly ApplyRecord[], node: number, incarnation: number) =>
  applied(applies.filter((a) => a.node === node && a.incarnation === incarnation).map((a) => a.msg));

describe('raft snapshots: the service Snapshot call', () => {
  it('trims the log through the index and persists state and snapshot together', () => {
    const p = soloLeader(12);
    expect(p.st.commitIndex).toBe(12);
    const outputs = p.step({ kind: 'call', callId: 99, method: 'snapshot', args: { index: 10, snapshot: blob(10) } });
    expect(outputs[0]).toMatchObject({ kind: 'persist', snapshot: blob(10) });
    expect([p.st.log.base, p.st.log.baseTerm, p.st.log.entries.length]).toEqual([10, 1, 2]);
    expect(decodeState(p.persisted.state).log).toEqual(p.st.log);
    expect(p.persisted.snapshot).toEqual(blob(10));
    expect(p.facts.at(-1)).toEqual({ type: 'raft/compact', index: 10, term: 1 });
    expect(outputs.at(-1)).toEqual({ kind: 'return', callId: 99, value: null });
  });

  it('ignores an older snapshot and refuses one beyond what was applied', () => {
    const p = soloLeader(12);
    p.call('snapshot', { index: 10, snapshot: blob(10) });
    expect(p.step({ kind: 'call', callId: 7, method: 'snapshot', args: { index: 5, snapshot: blob(5) } })).toEqual([
      { kind: 'return', callId: 7, value: null },
    ]);
    expect(p.st.log.base).toBe(10);
    expect(() => p.call('snapshot', { index: 13, snapshot: blob(13) })).toThrow(/beyond what was applied/);
  });

  it('keeps the snapshot in every later save (TestSnapshotInit3D)', () => {
    const p = soloLeader(12);
    p.call('snapshot', { index: 10, snapshot: blob(10) });
    p.restart();
    expect(p.persisted.snapshot).toEqual(blob(10));
    p.fire('election'); // a new term is saved
    expect(decodeState(p.persisted.state).currentTerm).toBe(2);
    expect(p.persisted.snapshot).toEqual(blob(10));
  });

  it('is safe when called re-entrantly while the applies of a step are being delivered', () => {
    const p = new RaftProbe({ me: 1, peers: 3 });
    const taken: number[] = [];
    p.onApply = (msg) => {
      if (msg.commandValid && (msg.commandIndex + 1) % 10 === 0) {
        taken.push(msg.commandIndex);
        p.call('snapshot', { index: msg.commandIndex, snapshot: blob(msg.commandIndex) });
      }
    };
    const es: Entry[] = Array.from({ length: 25 }, (_, k) => ({ term: 1, cmd: (k + 1) * 10 }));
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0, entries: es, leaderCommit: 0 });
    expect(p.applies).toEqual([]);
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 25, prevLogTerm: 1, entries: [], leaderCommit: 25 });
    expect(taken).toEqual([9, 19]);
    expect(applied(p.applies)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect([p.st.log.base, p.st.lastApplied, p.st.log.entries.length]).toEqual([19, 25, 6]);
    // The last save is the latest snapshot's, not the step that committed.
    expect(p.persisted.snapshot).toEqual(blob(19));
    expect(decodeState(p.persisted.state).log.base).toBe(19);
  });
});

describe('raft snapshots: InstallSnapshot', () => {
  it('a follower takes a snapshot beyond its commit point, keeping a matching suffix', () => {
    const p = new RaftProbe({ me: 1, peers: 3 });
    const es: Entry[] = Array.from({ length: 12 }, (_, k) => ({ term: 1, cmd: (k + 1) * 10 }));
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0, entries: es, leaderCommit: 3 });
    const args: InstallSnapshotArgs = { term: 1, leaderId: 0, lastIncludedIndex: 10, lastIncludedTerm: 1, data: blob(10) };
    expect(p.request(RPC.installSnapshot, args)).toEqual({ term: 1 });
    expect([p.st.log.base, p.st.commitIndex, p.st.lastApplied, p.st.log.entries.length]).toEqual([10, 10, 10, 2]);
    expect(applied(p.applies)).toEqual([1, 2, 3, 'snap@10']);
    expect(p.applies.at(-1)).toEqual({ snapshotValid: true, snapshot: blob(10), snapshotTerm: 1, snapshotIndex: 10 });
    expect(p.persisted.snapshot).toEqual(blob(10));
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 12, prevLogTerm: 1, entries: [], leaderCommit: 12 });
    expect(applied(p.applies)).toEqual([1, 2, 3, 'snap@10', 11, 12]);
  });

  it('a foreign snapshot replaces the whole log; an old one is ignored', () => {
    const p = new RaftProbe({ me: 1, peers: 3 });
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0, entries: [{ term: 1, cmd: 1 }, { term: 1, cmd: 2 }], leaderCommit: 1 });
    p.request(RPC.installSnapshot, { term: 3, leaderId: 2, lastIncludedIndex: 5, lastIncludedTerm: 3, data: blob(5) });
    expect([p.st.log.base, p.st.log.baseTerm, p.st.log.entries.length, p.st.currentTerm]).toEqual([5, 3, 0, 3]);
    expect(p.facts.slice(-5)).toEqual([
      { type: 'raft/term', term: 3 },
      { type: 'raft/compact', index: 5, term: 3 },
      { type: 'raft/log', from: 6, entries: [] },
      { type: 'raft/commit', index: 5 },
      { type: 'raft/ack', term: 3, index: 5 },
    ]);
    const count = p.applies.length;
    p.request(RPC.installSnapshot, { term: 3, leaderId: 2, lastIncludedIndex: 4, lastIncludedTerm: 3, data: blob(4) });
    expect(p.applies.length).toBe(count);
    expect(p.st.log.base).toBe(5);
  });

  it('a snapshot at or below the commit point changes nothing, even if it is beyond the log\'s own snapshot', () => {
    const p = new RaftProbe({ me: 1, peers: 3 });
    const es: Entry[] = Array.from({ length: 12 }, (_, k) => ({ term: 1, cmd: (k + 1) * 10 }));
    p.request(RPC.appendEntries, { term: 1, leaderId: 0, prevLogIndex: 0, prevLogTerm: 0, entries: es, leaderCommit: 12 });
    const persisted = p.persisted;
    expect(p.request(RPC.installSnapshot, { term: 1, leaderId: 0, lastIncludedIndex: 10, lastIncludedTerm: 1, data: blob(10) })).toEqual({ term: 1 });
    expect([p.st.log.base, p.st.commitIndex, p.st.lastApplied]).toEqual([0, 12, 12]);
    expect(applied(p.applies)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(p.persisted).toBe(persisted);
  });

  it('a follower accepts AppendEntries that reach back into its snapshot', () => {
    const p = new RaftProbe({ me: 1, peers: 3 });
    p.request(RPC.installSnapshot, { term: 2, leaderId: 0, lastIncludedIndex: 10, lastIncludedTerm: 2, data: blob(10) });
    const es: Entry[] = Array.from({ length: 6 }, (_, k) => ({ term: 2, cmd: (k + 8) * 10 })); // indexes 8..13
    const args: AppendEntriesArgs = { term: 2, leaderId: 0, prevLogIndex: 7, prevLogTerm: 2, entries: es, leaderCommit: 13 };
    expect(p.request(RPC.appendEntries, args)).toEqual({ term: 2, success: true });
    expect([p.st.log.base, p.st.log.entries.length, p.st.commitIndex]).toEqual([10, 3, 13]);
    expect(applied(p.applies)).toEqual(['snap@10', 11, 12, 13]);
  });

  it('a leader sends InstallSnapshot to a follower behind its snapshot, then the rest (TestSnapshotInstall3D)', () => {
    const c = new RaftCluster(3, { seed: 41, snapshotEvery: 10 });
    const leader = c.checkOneLeader();
    c.one(1, 3);
    const victim = (leader + 1) % 3;
    c.disconnect(victim);
    for (let k = 2; k <= 25; k++) c.one(k, 2);
    expect(c.state(leader).log.base).toBe(19);
    c.connect(victim);
    const mark = c.rpcs.length;
    c.one(26, 3);
    // At least one: the victim comes back with a higher term (it kept campaigning), which may force
    // a re-election and a second InstallSnapshot from the new leader, ignored as already covered.
    expect(c.rpcs.slice(mark).filter((r) => r.method === RPC.installSnapshot && r.callee === victim).length).toBeGreaterThanOrEqual(1);
    expect(appliedBy(c.applies, victim, 0)).toEqual([1, 'snap@19', 20, 21, 22, 23, 24, 25, 26]);
    expect(c.state(victim).log.base).toBe(19);
    expect(c.errors).toEqual([]);
  });

  it('a restarted server resumes from its persisted snapshot without re-delivering it (TestSnapshotInstallCrash3D)', () => {
    const c = new RaftCluster(3, { seed: 42, snapshotEvery: 10 });
    const leader = c.checkOneLeader();
    for (let k = 1; k <= 14; k++) c.one(k, 3);
    const victim = (leader + 2) % 3;
    c.crash(victim);
    for (let k = 15; k <= 17; k++) c.one(k, 2); // the leader's snapshot stays at 9
    c.restart(victim);
    const st = c.state(victim);
    expect([st.log.base, st.commitIndex, st.lastApplied]).toEqual([9, 9, 9]);
    expect(appliedBy(c.applies, victim, 1)).toEqual([]);
    expect(c.factsOf('raft/boot').at(-1)!.fact).toEqual({ type: 'raft/boot', term: st.currentTerm, votedFor: st.votedFor, snapshotIndex: 9, lastIndex: 14 });
    c.one(18, 3); // caught up by AppendEntries from its own snapshot point on
    expect(appliedBy(c.applies, victim, 1)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    // A longer outage: the leader compacts past the victim, which then gets InstallSnapshot after restart.
    c.crash(victim);
    for (let k = 19; k <= 31; k++) c.one(k, 2);
    c.restart(victim);
    expect(c.state(victim).log.base).toBe(9);
    c.one(32, 3);
    expect(appliedBy(c.applies, victim, 2)).toEqual(['snap@29', 30, 31, 32]);
    expect(c.errors).toEqual([]);
  });

  it('every server restarts from its snapshot and the index keeps growing (TestSnapshotAllCrash3D)', () => {
    const c = new RaftCluster(3, { seed: 43, snapshotEvery: 10 });
    c.checkOneLeader();
    let last = 0;
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < 7; k++) c.one(`r${round}k${k}`, 3);
      const index1 = c.one(`r${round}`, 3);
      for (let i = 0; i < 3; i++) c.restart(i);
      const index2 = c.one(`r${round}+`, 3);
      expect(index2).toBeGreaterThan(index1);
      expect(index1).toBeGreaterThan(last);
      last = index2;
    }
    expect(c.errors).toEqual([]);
  });

  it('keeps the persisted Raft state under 2000 bytes when the service snapshots every 10 entries', () => {
    const c = new RaftCluster(3, { seed: 44, snapshotEvery: 10 });
    const rng = new Prng(44);
    const big = () => rng.below(2 ** 30) * 2 ** 22 + rng.below(2 ** 22); // like Go's rand.Int(): wide integers
    let max = 0;
    const leader = c.checkOneLeader();
    for (let iter = 0; iter < 12; iter++) {
      const victim = (leader + 1) % 3;
      c.disconnect(victim);
      c.one(big(), 2);
      for (let k = 0; k < 5 + rng.below(10); k++) c.start(leader, big());
      c.one(big(), 2);
      max = Math.max(max, c.logSize());
      c.connect(victim);
      c.one(big(), 3);
      max = Math.max(max, c.logSize());
    }
    expect(max).toBeLessThan(2000);
    expect(c.state(leader).log.base).toBeGreaterThan(100);
    expect(c.errors).toEqual([]);
    // Without snapshots the same kind of log outgrows the bound, so the check above means something.
    const grow = new RaftCluster(3, { seed: 44 });
    for (let k = 0; k < 250; k++) grow.one(big(), 3);
    expect(grow.logSize()).toBeGreaterThan(2000);
  });

  it('the leader catches a follower up right after its snapshot is installed', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election');
    p.respond(1, RPC.requestVote, p.sends[0]!.args, { term: 1, voteGranted: true });
    for (let k = 1; k <= 12; k++) p.call('start', { command: k * 10 });
    p.fire('heartbeat'); // only the first Start went out at once; the heartbeat carries all twelve
    const toPeer1 = p.sends.filter((s) => s.to === 1 && s.method === RPC.appendEntries).at(-1)!.args as AppendEntriesArgs;
    p.respond(1, RPC.appendEntries, toPeer1, { term: 1, success: true });
    expect(p.st.commitIndex).toBe(12);
    p.call('snapshot', { index: 10, snapshot: blob(10) });
    p.fire('heartbeat');
    const hb = p.sends.filter((s) => s.to === 2).at(-1)!;
    expect(hb.method).toBe(RPC.installSnapshot); // peer 2 never answered: its nextIndex (1) is compacted
    const before = p.sends.length;
    p.respond(2, RPC.installSnapshot, hb.args, { term: 1 });
    const role = p.st.role;
    expect(role.kind === 'leader' && [role.matchIndex[2], role.nextIndex[2]]).toEqual([10, 11]);
    const follow = p.sends.slice(before);
    expect(follow.map((s) => [s.to, s.method, (s.args as AppendEntriesArgs).prevLogIndex])).toEqual([[2, RPC.appendEntries, 10]]);
    expect(decode(p.persisted.snapshot)).toEqual(decode(blob(10)));
  });
});
