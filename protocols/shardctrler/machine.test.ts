import { describe, expect, it } from 'vitest';
import { ctrlerMachine } from './machine.ts';
import { CtrlerJoin, CtrlerLeave, CtrlerMove, CtrlerQuery, NShards, type Config, type CtrlerOp } from './types.ts';

const m = ctrlerMachine();
const query = (s: ReturnType<typeof m.init>, num: number): Config => m.doOp(s, { method: CtrlerQuery, num }).config!;
const join = (seq: number, servers: Record<number, string[]>, clientId = 1): CtrlerOp => ({ method: CtrlerJoin, clientId, seq, servers });

describe('the shard-controller machine', () => {
  it('starts at config 0: no groups, every shard on gid 0', () => {
    const c = query(m.init(), -1);
    expect(c).toEqual({ num: 0, shards: new Array(NShards).fill(0), groups: {} });
  });

  it('numbers each write’s config after the last; Query(-1) and Query past the latest answer the latest', () => {
    const s = m.init();
    m.doOp(s, join(1, { 1: ['x', 'y', 'z'] }));
    m.doOp(s, join(2, { 2: ['a', 'b', 'c'] }));
    m.doOp(s, { method: CtrlerMove, clientId: 1, seq: 3, shard: 0, gid: 2 });
    m.doOp(s, { method: CtrlerLeave, clientId: 1, seq: 4, gids: [1] });
    expect(query(s, -1).num).toBe(4);
    expect(query(s, 99)).toBe(query(s, -1));
    expect(query(s, 1).shards).toEqual(new Array(NShards).fill(1));
    expect(query(s, 2).shards).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(query(s, 3).shards).toEqual([2, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(query(s, 4)).toEqual({ num: 4, shards: new Array(NShards).fill(2), groups: { 2: ['a', 'b', 'c'] } });
  });

  it('keeps the history frozen, sharing what a write does not touch', () => {
    const s = m.init();
    m.doOp(s, join(1, { 1: ['x'], 2: ['a'] }));
    m.doOp(s, { method: CtrlerMove, clientId: 1, seq: 2, shard: 9, gid: 1 });
    const [c1, c2] = [query(s, 1), query(s, 2)];
    expect(Object.isFrozen(c1) && Object.isFrozen(c1.shards) && Object.isFrozen(c1.groups[1])).toBe(true);
    expect(() => ((c1.shards as number[])[0] = 7)).toThrow(TypeError);
    expect(c2.groups).toBe(c1.groups);
    expect(c2.shards).not.toBe(c1.shards);
  });

  it('applies a write once per (clientId, seq): a retry changes nothing', () => {
    const s = m.init();
    m.doOp(s, join(1, { 1: ['x'] }));
    m.doOp(s, join(1, { 1: ['x'] }));
    m.doOp(s, join(1, { 1: ['x'] }, 2));
    expect(query(s, -1).num).toBe(2);
  });

  it('snapshots and restores the history and the dedup table', () => {
    const s = m.init();
    m.doOp(s, join(1, { 1: ['x'], 2: ['a'] }));
    const r = m.restore(m.snapshot(s));
    expect(query(r, 1)).toEqual(query(s, 1));
    expect(Object.isFrozen(query(r, 1).shards)).toBe(true);
    m.doOp(r, join(1, { 3: ['q'] }));
    expect(query(r, -1).num).toBe(1);
  });
});
