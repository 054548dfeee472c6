import { describe, expect, it } from 'vitest';
import { Prng, Out } from '../../sim/contract.ts';
import { defineRaft, raft, raftParts } from './index.ts';
import * as Log from './log.ts';
import { RaftCluster } from './testkit.ts';

/**
 * A Figure-8-style storm: loss, reordering, Starts on every live server, the
 * leader crashed or cut off most rounds, one random server revived when fewer
 * than 3 are up; then heal everything and require agreement by all five.
 */
function churn(seed: number, snapshotEvery = 0, rounds = 300): RaftCluster {
  const c = new RaftCluster(5, { seed, snapshotEvery });
  const chaos = new Prng(seed).fork('chaos');
  c.shuffle = true;
  c.dropIf = () => chaos.chance(1, 10);
  const up = (i: number) => c.alive(i) && c.connected[i];
  for (let round = 0; round < rounds; round++) {
    let leader = -1;
    for (let i = 0; i < 5; i++) if (c.alive(i) && c.start(i, round * 10 + i).isLeader) leader = i;
    c.advance(chaos.chance(1, 10) ? chaos.below(500) * 1000 : chaos.below(13) * 1000);
    if (leader >= 0 && chaos.chance(1, 5)) {
      if (chaos.chance(1, 2)) c.crash(leader);
      else c.disconnect(leader);
    }
    if ([0, 1, 2, 3, 4].filter(up).length < 3) {
      const who = chaos.below(5);
      if (!c.alive(who)) c.restart(who);
      c.connect(who);
    }
  }
  c.dropIf = undefined;
  for (let i = 0; i < 5; i++) {
    if (!c.alive(i)) c.restart(i);
    c.connect(i);
  }
  c.one('final', 5);
  return c;
}

/** Log matching over live nodes: equal terms at an index mean equal prefixes (checked through each pair's common committed range). */
function committedPrefixesAgree(c: RaftCluster): boolean {
  const sts = c.states.filter((s) => s !== undefined);
  for (const a of sts) {
    for (const b of sts) {
      const from = Math.max(a.log.base, b.log.base) + 1;
      const to = Math.min(a.commitIndex, b.commitIndex);
      for (let i = from; i <= to; i++) {
        const x = Log.entryAt(a.log, i);
        const y = Log.entryAt(b.log, i);
        if (x.term !== y.term || x.cmd !== y.cmd) return false;
      }
    }
  }
  return true;
}

describe('raft node', () => {
  it('is deterministic: same seed and script, same outputs; another seed, another run', () => {
    const a = churn(7);
    const b = churn(7);
    expect(b.hash).toBe(a.hash);
    expect(b.facts).toEqual(a.facts);
    expect(churn(8).hash).not.toBe(a.hash);
  });

  it('stays safe and live through churn (3C-style)', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const c = churn(seed);
      if (c.errors.length > 0 || c.termsWithTwoLeaders().length > 0 || !committedPrefixesAgree(c)) {
        throw new Error(`seed ${seed}: ${c.errors.join('; ')} two leaders in ${c.termsWithTwoLeaders()}`);
      }
      // Sometimes-properties: the storm did change leaders, restart servers and commit a lot.
      expect(c.factsOf('raft/leader').length).toBeGreaterThanOrEqual(5);
      expect(c.incarnation.some((k) => k > 0)).toBe(true);
      expect(c.state(0).commitIndex).toBeGreaterThan(30);
    }
  });

  it('stays safe and live through churn with snapshots every 10 entries (3D-style)', () => {
    let installs = 0;
    for (const seed of [11, 12, 13, 14]) {
      const c = churn(seed, 10);
      if (c.errors.length > 0 || c.termsWithTwoLeaders().length > 0 || !committedPrefixesAgree(c)) {
        throw new Error(`seed ${seed}: ${c.errors.join('; ')} two leaders in ${c.termsWithTwoLeaders()}`);
      }
      expect(c.logSize()).toBeLessThan(2000);
      expect(c.states.some((s) => s!.log.base > 0)).toBe(true);
      installs += c.applies.filter((a) => a.msg.snapshotValid).length;
    }
    expect(installs).toBeGreaterThan(0); // some follower was caught up by InstallSnapshot
  });

  it('is assembled from its parts, and a part override is seen by the handlers that call it', () => {
    expect(raft.name).toBe('raft');
    let calls = 0;
    const counting = defineRaft({
      ...raftParts,
      isLogUpToDate(st, term, index) {
        calls++;
        return raftParts.isLogUpToDate(st, term, index);
      },
    });
    const c = new RaftCluster(3, { node: counting });
    c.checkOneLeader();
    expect(calls).toBeGreaterThan(0);
  });

  it('throws on inputs it cannot mean to handle', () => {
    const ctx = { nowUs: 0, rng: new Prng(1), fs: undefined };
    const { state } = raft.init({ me: 0, peers: 3 }, { state: new Uint8Array(0), snapshot: new Uint8Array(0) }, ctx);
    expect(() => raft.step(state, { kind: 'timer', name: 'bogus' }, ctx)).toThrow(/unknown timer/);
    expect(() => raft.step(state, { kind: 'call', callId: 1, method: 'Kill', args: null }, ctx)).toThrow(/unknown call/);
    expect(() => raft.step(state, { kind: 'request', reqId: 1, method: 'Raft.Nope', args: { term: 0 } }, ctx)).toThrow(/unknown RPC/);
    expect(new Out().list).toEqual([]);
  });
});
