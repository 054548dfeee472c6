import { describe, expect, it } from 'vitest';
import { encodedSize, Prng } from '../../sim/contract.ts';
import { nextIndexAfterConflict } from './replication.ts';
import { RaftCluster, RaftProbe, setUpFigure8, type ApplyRecord } from './testkit.ts';
import { RPC, appendEntriesMax, type AppendEntriesArgs, type AppendEntriesReply, type Entry, type RaftLog } from './types.ts';

const entries = (...terms: number[]): Entry[] => terms.map((term, k) => ({ term, cmd: `c${k + 1}` }));

function appendArgs(term: number, prevLogIndex: number, prevLogTerm: number, es: Entry[], leaderCommit = 0): AppendEntriesArgs {
  return { term, leaderId: 1, prevLogIndex, prevLogTerm, entries: es, leaderCommit };
}

/** Each incarnation's command applies are 1, 2, 3, … with no gap and no repeat (no snapshots involved). */
function applyRunsAreConsecutive(applies: readonly ApplyRecord[]): boolean {
  const last = new Map<string, number>();
  for (const a of applies) {
    if (!a.msg.commandValid) return false;
    const key = `${a.node}/${a.incarnation}`;
    if (a.msg.commandIndex !== (last.get(key) ?? 0) + 1) return false;
    last.set(key, a.msg.commandIndex);
  }
  return true;
}

describe('raft replication', () => {
  it('replicates and commits, applying each index once, in order, on every peer', () => {
    const c = new RaftCluster(3, { seed: 21 });
    c.checkOneLeader();
    for (let index = 1; index <= 3; index++) {
      expect(c.nCommitted(index).count).toBe(0);
      expect(c.one(index * 100, 3, false)).toBe(index);
    }
    c.advance(500_000);
    for (let i = 0; i < 3; i++) {
      const mine = c.applies.filter((a) => a.node === i).map((a) => [a.msg.commandValid && a.msg.commandIndex, a.msg.commandValid && a.msg.command]);
      expect(mine).toEqual([[1, 100], [2, 200], [3, 300]]);
    }
    expect(c.errors).toEqual([]);
  });

  it('applies exactly once and in order per incarnation through loss, reordering, partitions and crashes', () => {
    const c = new RaftCluster(5, { seed: 22 });
    const chaos = new Prng(2222);
    c.shuffle = true;
    c.dropIf = () => chaos.chance(1, 10);
    for (let round = 0; round < 40; round++) {
      const victim = chaos.below(5);
      const down = c.connected.filter((x) => !x).length;
      if (!c.connected[victim]) c.connect(victim);
      else if (down < 2 && chaos.chance(1, 2)) c.disconnect(victim);
      if (chaos.chance(1, 5)) c.restart(chaos.below(5));
      c.one(1000 + round, 1);
    }
    for (let i = 0; i < 5; i++) c.connect(i);
    c.dropIf = undefined;
    const last = c.one('final', 5);
    expect(last).toBeGreaterThanOrEqual(41);
    expect(c.errors).toEqual([]);
    expect(applyRunsAreConsecutive(c.applies)).toBe(true);
    expect(c.termsWithTwoLeaders()).toEqual([]);
  });

  it('does not let a cut-off leader commit, and replaces its entries when it rejoins (TestRejoin3B)', () => {
    const c = new RaftCluster(3, { seed: 23 });
    c.one(101, 3);
    const leader1 = c.checkOneLeader();
    c.disconnect(leader1);
    for (const cmd of [102, 103, 104]) expect(c.start(leader1, cmd).index).toBeGreaterThan(1);
    c.one(103, 2);
    const leader2 = c.checkOneLeader();
    c.disconnect(leader2);
    c.connect(leader1);
    c.one(104, 2);
    c.connect(leader2);
    c.one(105, 3);
    expect([1, 2, 3, 4].map((i) => c.nCommitted(i).command)).toEqual([101, 103, 104, 105]);
    expect(c.errors).toEqual([]);
  });

  it('commits nothing without a majority (TestFailNoAgree3B)', () => {
    const c = new RaftCluster(5, { seed: 24 });
    c.one(10, 5);
    const leader = c.checkOneLeader();
    for (const k of [1, 2, 3]) c.disconnect((leader + k) % 5);
    const r = c.start(leader, 20);
    expect(r).toMatchObject({ isLeader: true, index: 2 });
    c.advance(2_000_000);
    expect(c.nCommitted(2).count).toBe(0);
    for (const k of [1, 2, 3]) c.connect((leader + k) % 5);
    expect(c.one(1000, 5)).toBeGreaterThanOrEqual(2);
  });

  it('sends each large command to each follower about once (TestRPCBytes3B)', () => {
    const c = new RaftCluster(3, { seed: 25 });
    c.checkOneLeader();
    c.one(99, 3);
    const mark = c.rpcs.length;
    const text = new Prng(25);
    for (let k = 0; k < 10; k++) {
      const cmd = Array.from({ length: 5000 }, () => String.fromCharCode(97 + text.below(26))).join('');
      expect(c.one(cmd, 3, false)).toBe(2 + k);
    }
    let bytes = 0;
    for (const r of c.rpcs.slice(mark)) bytes += encodedSize(r.args) + encodedSize(r.reply);
    expect(bytes).toBeGreaterThan(2 * 10 * 5000);
    expect(bytes).toBeLessThanOrEqual(3 * 50_000 + 50_000);
  });
});

describe('raft AppendEntries, follower side', () => {
  it('rejects a stale term without touching its log or its timer', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, appendArgs(3, 0, 0, entries(1, 3)));
    const due = p.timers.get('election');
    p.nowUs = 50_000;
    const reply = p.request(RPC.appendEntries, appendArgs(2, 0, 0, entries(2)));
    expect(reply).toEqual({ term: 3, success: false });
    expect(p.st.log.entries).toEqual(entries(1, 3));
    expect(p.timers.get('election')).toBe(due);
  });

  it('never truncates on a reordered, shorter AppendEntries of the same leader', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, appendArgs(1, 0, 0, entries(1, 1, 1)));
    const factsBefore = p.facts.length;
    const persistedBefore = p.persisted;
    expect(p.request(RPC.appendEntries, appendArgs(1, 0, 0, entries(1)))).toEqual({ term: 1, success: true });
    expect(p.st.log.entries).toEqual(entries(1, 1, 1));
    expect(p.facts.length).toBe(factsBefore);
    expect(p.persisted).toBe(persistedBefore); // nothing changed, nothing saved
  });

  it('truncates at the first conflicting entry and reports the new suffix as a fact', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, appendArgs(1, 0, 0, entries(1, 1, 1)));
    const x: Entry = { term: 2, cmd: 'x' };
    p.request(RPC.appendEntries, appendArgs(2, 1, 1, [{ term: 1, cmd: 'c2' }, x]));
    expect(p.st.log.entries).toEqual([...entries(1, 1), x]);
    expect(p.facts.at(-1)).toEqual({ type: 'raft/ack', term: 2, index: 3 });
    expect(p.facts.at(-2)).toEqual({ type: 'raft/log', from: 3, entries: [x] });
  });

  it('answers a mismatch with the fast-backup hint', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, appendArgs(3, 0, 0, entries(1, 2, 2, 2, 3)));
    expect(p.request(RPC.appendEntries, appendArgs(5, 9, 4, []))).toEqual({ term: 5, success: false, conflictIndex: 6 });
    expect(p.request(RPC.appendEntries, appendArgs(5, 4, 4, []))).toEqual({ term: 5, success: false, conflictTerm: 2, conflictIndex: 2 });
    expect(p.request(RPC.appendEntries, appendArgs(5, 1, 1, []))).toEqual({ term: 5, success: true });
  });

  it('follows the leader commit only as far as the entries this message vouches for', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.request(RPC.appendEntries, appendArgs(1, 0, 0, entries(1, 1, 1, 1)));
    // A new leader's heartbeat proves entries through 2 only; its commit is 4.
    p.request(RPC.appendEntries, appendArgs(2, 2, 1, [], 4));
    expect(p.st.commitIndex).toBe(2);
    expect(p.applies.map((a) => a.commandValid && a.commandIndex)).toEqual([1, 2]);
  });
});

describe('raft AppendEntries, leader side', () => {
  it('skips a whole conflicting term per round (the fast backup)', () => {
    const log: RaftLog = { base: 0, baseTerm: 0, entries: entries(1, 1, 4, 4, 5, 5, 6, 6) };
    expect(nextIndexAfterConflict(log, 6, undefined)).toBe(6); // follower too short
    expect(nextIndexAfterConflict(log, 4, 4)).toBe(5); // we hold term 4: resume after our last of it
    expect(nextIndexAfterConflict(log, 3, 3)).toBe(3); // we lack term 3: resume at its first index
    const compacted: RaftLog = { base: 4, baseTerm: 4, entries: entries(5, 5) };
    expect(nextIndexAfterConflict(compacted, 2, 4)).toBe(5); // the snapshot's own term counts
    expect(nextIndexAfterConflict(compacted, 2, 1)).toBe(2); // → InstallSnapshot, as 2 ≤ base
  });

  it('brings a long divergent log in line in one rejected round per conflicting term', () => {
    const c = new RaftCluster(3, { seed: 26 });
    c.fire(0, 'election');
    c.pump();
    c.one('x', 3);
    c.disconnect(0); // node 0 keeps leading term 1 alone
    for (let k = 0; k < 50; k++) c.start(0, `stale${k}`);
    c.pump();
    c.fire(1, 'election');
    c.pump();
    for (let k = 0; k < 50; k++) c.start(1, `two${k}`);
    c.pump();
    c.fire(2, 'election');
    c.pump();
    for (let k = 0; k < 50; k++) c.start(2, `three${k}`);
    c.pump();
    expect(c.leaders().map((l) => [l.node, l.term])).toEqual([[0, 1], [2, 3]]);
    c.connect(0);
    const mark = c.rpcs.length;
    c.fire(2, 'heartbeat');
    c.pump();
    const toNode0 = c.rpcs.slice(mark).filter((r) => r.method === RPC.appendEntries && r.callee === 0);
    const rejected = toNode0.filter((r) => !(r.reply as AppendEntriesReply).success);
    // 50 entries of term 1 diverge; the follower's one conflicting term costs one round.
    expect(rejected.length).toBe(1);
    // Then the 100 entries after index 1 follow in full batches, each sent as soon as the previous one is acknowledged.
    expect(toNode0.length).toBe(1 + Math.ceil(100 / appendEntriesMax));
    expect(toNode0.every((r) => (r.args as AppendEntriesArgs).entries.length <= appendEntriesMax)).toBe(true);
    expect(c.state(0).log.entries).toEqual(c.state(2).log.entries);
    expect(c.state(0).log.entries.length).toBe(101);
  });

  it('sends a Start at once only to followers holding everything before it; their acknowledgement brings the rest', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election');
    p.respond(1, RPC.requestVote, p.sends[0]!.args, { term: 1, voteGranted: true });
    const before = p.sends.length;
    for (const cmd of ['a', 'b', 'c']) p.call('start', { command: cmd });
    const cmds = (from: number) => p.sends.slice(from).map((s) => [s.to, (s.args as AppendEntriesArgs).entries.map((e) => e.cmd)]);
    expect(cmds(before)).toEqual([[1, ['a']], [2, ['a']]]);
    p.respond(1, RPC.appendEntries, p.sends[before]!.args, { term: 1, success: true });
    expect(cmds(before + 2)).toEqual([[1, ['b', 'c']]]);
  });

  it('ignores stale replies: a rejection never moves nextIndex below what is known to match', () => {
    const p = new RaftProbe({ me: 0, peers: 3 });
    p.fire('election');
    p.respond(1, RPC.requestVote, p.sends[0]!.args, { term: 1, voteGranted: true });
    for (const cmd of ['a', 'b', 'c']) p.call('start', { command: cmd });
    p.fire('heartbeat'); // only the first Start went out at once; the heartbeat carries all three
    const full = p.sends.filter((s) => s.to === 1 && s.method === RPC.appendEntries).at(-1)!.args as AppendEntriesArgs;
    expect(full.entries.length).toBe(3);
    p.respond(1, RPC.appendEntries, full, { term: 1, success: true });
    const role = p.st.role;
    expect(role.kind === 'leader' && [role.matchIndex[1], role.nextIndex[1]]).toEqual([3, 4]);
    const sent = p.sends.length;
    p.respond(1, RPC.appendEntries, { ...full, prevLogIndex: 2, prevLogTerm: 1, entries: [] }, { term: 1, success: false, conflictIndex: 1 });
    expect(role.kind === 'leader' && role.nextIndex[1]).toBe(4);
    expect(p.sends.length).toBe(sent);
    p.respond(1, RPC.appendEntries, { ...full, term: 0 }, { term: 1, success: false, conflictIndex: 1 }); // an earlier term's reply
    expect(role.kind === 'leader' && role.nextIndex[1]).toBe(4);
  });

  it('Figure 8: never commits an older-term entry by counting replicas; commits it with a current-term entry', () => {
    const c = new RaftCluster(5, { seed: 27 });
    setUpFigure8(c);
    const role = c.state(0).role;
    expect(c.state(0).currentTerm).toBe(3);
    expect(role.kind === 'leader' && role.matchIndex).toEqual([2, 2, 2, 2, 0]); // index 2 (term 1) on a majority
    c.fire(0, 'heartbeat');
    c.pump();
    expect(c.state(0).commitIndex).toBe(1);
    expect(c.nCommitted(2).count).toBe(0);
    expect(c.factsOf('raft/commit').some((f) => f.fact.index >= 2)).toBe(false);
    expect(c.start(0, 'd')).toMatchObject({ index: 3, term: 3 });
    c.pump();
    c.fire(0, 'heartbeat');
    c.pump();
    expect([0, 1, 2, 3].map((i) => c.state(i).commitIndex)).toEqual([3, 3, 3, 3]);
    expect(c.nCommitted(2)).toEqual({ count: 4, command: 'b' });
    // Node 4's term-2 entry at index 2 could not win: its log is older than the majority's now.
    c.partition([0, 1, 2, 3, 4]);
    c.fire(0, 'heartbeat');
    c.pump();
    expect(c.nCommitted(2)).toEqual({ count: 5, command: 'b' });
    expect(c.errors).toEqual([]);
  });
});
