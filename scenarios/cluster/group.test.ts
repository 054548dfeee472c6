import { describe, expect, it } from 'vitest';
import type { ClientEnd } from '../../sim/network.ts';
import { Out, type Input, type NodeDef, type Step } from '../../sim/node.ts';
import { World } from '../../sim/world.ts';
import { ServerGroup, serverNames } from './group.ts';

/** A node that remembers one string it persists, and claims leadership in a term when told to. */
interface MemoState {
  readonly saved: string;
  readonly leaderTerm: number;
}
const text = new TextEncoder();
const memo: NodeDef<MemoState, null> = {
  name: 'memo',
  init(_config, persisted): Step<MemoState> {
    return { state: { saved: new TextDecoder().decode(persisted.state), leaderTerm: 0 }, outputs: [] };
  },
  step(state: MemoState, input: Input): Step<MemoState> {
    if (input.kind !== 'call') return { state, outputs: [] };
    const out = new Out();
    if (input.method === 'save') {
      out.persist(text.encode(input.args as string), new Uint8Array(0));
      return out.return(input.callId, null).done({ ...state, saved: input.args as string });
    }
    if (input.method === 'lead') return out.return(input.callId, null).done({ ...state, leaderTerm: input.args as number });
    return out.return(input.callId, state).done(state);
  },
};

function group(n: number): ServerGroup<MemoState, null> {
  const w = new World({ seed: 1 });
  const g = new ServerGroup<MemoState, null>(w, {
    names: serverNames(n),
    def: memo,
    config: () => null,
    leadership: (_, h) => {
      const s = h.callSync('get') as MemoState;
      return { term: s.leaderTerm, isLeader: s.leaderTerm > 0 };
    },
  });
  for (let i = 0; i < n; i++) g.start(i);
  return g;
}

function enabled(ends: readonly ClientEnd[]): boolean[] {
  return ends.map((e) => e.enabled);
}

function endsOf(g: ServerGroup<MemoState, null>, i: number): readonly ClientEnd[] {
  return g.endsOf(i)!;
}

describe('ServerGroup', () => {
  it('starts each incarnation with fresh ends, named after both servers and the incarnation, connected but not enabled', () => {
    const g = group(3);
    const first = endsOf(g, 1);
    expect(first.map((e) => [e.name, e.server, e.enabled])).toEqual([
      ['1->0#1', '0', false],
      ['1->1#1', '1', false],
      ['1->2#1', '2', false],
    ]);
    g.connectAll();
    expect(enabled(first)).toEqual([true, true, true]);
    g.shutdown(1);
    expect(enabled(first)).toEqual([false, false, false]);
    g.start(1);
    expect(endsOf(g, 1).map((e) => e.name)).toEqual(['1->0#2', '1->1#2', '1->2#2']);
    expect(g.incarnation(1)).toBe(2);
  });

  it('keeps exactly what was saved before a shutdown: a late save by the dead incarnation is lost (Go crash1)', () => {
    const g = group(1);
    g.host(0)!.callSync('save', 'kept');
    const used = g.persister(0)!;
    g.shutdown(0);
    used.save(text.encode('late'), new Uint8Array(0));
    g.start(0);
    expect((g.host(0)!.callSync('get') as MemoState).saved).toBe('kept');
    expect(g.persister(0)).not.toBe(used);
  });

  it('connect and disconnect form a clique: disconnected servers are isolated from everyone, each other included', () => {
    const g = group(3);
    for (const i of g.all()) g.connect(i);
    g.disconnect(0);
    g.disconnect(1);
    expect(enabled(endsOf(g, 0))).toEqual([false, false, false]);
    expect(enabled(endsOf(g, 2))).toEqual([false, false, true]);
    g.connect(1);
    expect(enabled(endsOf(g, 1))).toEqual([false, true, true]);
    expect(enabled(endsOf(g, 2))).toEqual([false, true, true]);
  });

  it('partitions and one-way cuts set every live link; clerk ends are never touched', () => {
    const g = group(3);
    g.connectAll();
    const clerk = g.clerkEnds('ck', [0, 2]);
    expect(clerk.map((e) => e.name)).toEqual(['ck->0', 'ck->1', 'ck->2']);
    g.partition([[0, 1]]);
    expect(enabled(endsOf(g, 0))).toEqual([true, true, false]);
    expect(enabled(endsOf(g, 2))).toEqual([false, false, true]);
    g.heal();
    g.cutLinks([0], [2]);
    expect(g.linkUp(0, 2)).toBe(false);
    expect(g.linkUp(2, 0)).toBe(true);
    expect(g.describeNetwork()).toBe('0 up, 1 up, 2 up; cut 0→2');
    expect(enabled(clerk)).toEqual([true, false, true]);
    g.disconnectClerk(clerk, [2]);
    g.connectClerk(clerk, [1]);
    expect(enabled(clerk)).toEqual([true, true, false]);
  });

  it('selects the leader, the longest-down servers, and the split "the leader and one follower | the rest"', () => {
    const g = group(5);
    g.connectAll();
    expect(g.leader()).toBeNull();
    expect(g.leaderAndFollowerSplit()).toBeNull();
    g.host(3)!.callSync('lead', 2);
    g.host(1)!.callSync('lead', 1);
    expect(g.leader()).toBe(3);
    expect(g.claimants()).toEqual([1, 3]);
    g.shutdown(0);
    expect(g.leaderAndFollowerSplit()).toEqual([
      [3, 1],
      [0, 2, 4],
    ]);
    g.shutdown(4);
    g.setConnected(2, false);
    g.setConnected(1, false);
    expect(g.select('longest-crashed')).toBe(0);
    expect(g.select('longest-disconnected')).toBe(2);
    expect(g.describeNetwork()).toBe('0 crashed, 1 disconnected, 2 disconnected, 3 up, 4 crashed');
  });
});
