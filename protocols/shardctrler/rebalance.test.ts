import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalance } from './rebalance.ts';
import { NShards } from './types.ts';

/** An old assignment over gids 0..14 (0: unassigned; some gids not live: a group that left) and the live groups, 1..12. */
const arbitraryCase = fc.record({
  shards: fc.array(fc.integer({ min: 0, max: 14 }), { minLength: NShards, maxLength: NShards }),
  gids: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
});

const countOf = (shards: readonly number[], g: number): number => shards.filter((x) => x === g).length;

/** The fewest shards any balanced assignment must move, found by trying every choice of the groups that get ⌈N/n⌉. */
function fewestMoves(shards: readonly number[], gids: readonly number[]): number {
  const base = Math.floor(NShards / gids.length);
  const extra = NShards % gids.length;
  let bestKept = 0;
  const choose = (from: number, left: number, chosen: Set<number>): void => {
    if (left === 0) {
      const kept = gids.reduce((sum, g) => sum + Math.min(countOf(shards, g), base + (chosen.has(g) ? 1 : 0)), 0);
      bestKept = Math.max(bestKept, kept);
      return;
    }
    for (let i = from; i <= gids.length - left; i++) choose(i + 1, left - 1, new Set([...chosen, gids[i]!]));
  };
  choose(0, extra, new Set());
  return NShards - bestKept;
}

describe('rebalance', () => {
  it('balances: every shard on a live group, max − min ≤ 1 over all live groups', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ shards, gids }) => {
        const next = rebalance(shards, gids);
        expect(next).toHaveLength(NShards);
        for (const g of next) expect(gids).toContain(g);
        const counts = gids.map((g) => countOf(next, g));
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('moves as few shards as any balanced assignment can, and only from over-full to under-full groups', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ shards, gids }) => {
        const next = rebalance(shards, gids);
        const moved = next.filter((g, i) => g !== shards[i]!);
        expect(moved.length).toBe(fewestMoves(shards, gids));
        next.forEach((g, i) => {
          const from = shards[i]!;
          if (g === from || !gids.includes(from)) return;
          expect(countOf(shards, from)).toBeGreaterThan(countOf(next, from));
          expect(countOf(shards, g)).toBeLessThan(countOf(next, g));
        });
      }),
    );
  });

  it('is deterministic: the order the groups are named in does not matter', () => {
    fc.assert(
      fc.property(
        arbitraryCase.chain((c) => fc.shuffledSubarray(c.gids, { minLength: c.gids.length }).map((shuffled) => ({ ...c, shuffled }))),
        ({ shards, gids, shuffled }) => {
          expect(rebalance(shards, shuffled)).toEqual(rebalance(shards, gids));
        },
      ),
    );
  });

  it('breaks ties by gid: the lower gid gets the extra shard, the lowest free shard goes to the lowest gid', () => {
    expect(rebalance(new Array(NShards).fill(0), [7, 3, 5])).toEqual([3, 3, 3, 3, 5, 5, 5, 7, 7, 7]);
  });

  it('leaves every shard on gid 0 when no group is left', () => {
    expect(rebalance([1, 1, 2, 2, 1, 2, 1, 2, 1, 2], [])).toEqual(new Array(NShards).fill(0));
  });
});
