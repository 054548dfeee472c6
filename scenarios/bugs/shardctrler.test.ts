import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.ts';
import { rebalanceWith } from '../../protocols/shardctrler/index.ts';
import { balanced, minimalMovement, orderIndependent } from '../../protocols/shardctrler/testkit.ts';
import { roundRobin } from './shardctrler.ts';

describe('the rebalance properties catch the zoo’s rebalances', () => {
  it('dealing the shards out from scratch is balanced and order-free, but not minimal', () => {
    expect(fc.check(balanced(roundRobin)).failed).toBe(false);
    expect(fc.check(orderIndependent(roundRobin)).failed).toBe(false);
    expect(fc.check(minimalMovement(roundRobin)).failed).toBe(true);
  });

  it('breaking ties in a random (map) order moves minimally, but depends on the order', () => {
    const order = new Prng(1);
    const mapOrder = rebalanceWith((gids) => order.shuffle(gids));
    expect(fc.check(minimalMovement(mapOrder)).failed).toBe(false);
    expect(fc.check(orderIndependent(mapOrder)).failed).toBe(true);
  });
});
