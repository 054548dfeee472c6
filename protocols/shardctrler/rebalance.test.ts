import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalance } from './rebalance.ts';
import { balanced, minimalMovement, orderIndependent } from './testkit.ts';
import { NShards } from './types.ts';

describe('rebalance', () => {
  it('balances: every shard on a live group, max − min ≤ 1 over all live groups', () => {
    fc.assert(balanced(rebalance));
  });

  it('moves as few shards as any balanced assignment can, and only from over-full to under-full groups', () => {
    fc.assert(minimalMovement(rebalance));
  });

  it('is deterministic: the order the groups are named in does not matter', () => {
    fc.assert(orderIndependent(rebalance));
  });

  it('breaks ties by gid: the lower gid gets the extra shard, the lowest free shard goes to the lowest gid', () => {
    expect(rebalance(new Array(NShards).fill(0), [7, 3, 5])).toEqual([3, 3, 3, 3, 5, 5, 5, 7, 7, 7]);
  });

  it('leaves every shard on gid 0 when no group is left', () => {
    expect(rebalance([1, 1, 2, 2, 1, 2, 1, 2, 1, 2], [])).toEqual(new Array(NShards).fill(0));
  });
});
