/**
 * The rebalance's properties as fast-check properties of any Rebalance, so
 * the unit tests hold the correct one to them and the bug zoo's tests show
 * they catch the wrong ones (scenarios/bugs/shardctrler.test.ts).
 */
import fc from 'fast-check';
import type { Rebalance } from './rebalance.ts';
import { NShards } from './types.ts';

/** An old assignment over gids 0..14 (0: unassigned; some gids not live: a group that left) and the live groups, 1..12. */
export const arbitraryCase = fc.record({
  shards: fc.array(fc.integer({ min: 0, max: 14 }), { minLength: NShards, maxLength: NShards }),
  gids: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
});

const countOf = (shards: readonly number[], g: number): number => shards.filter((x) => x === g).length;

/** The fewest shards any balanced assignment must move, found by trying every choice of the groups that get ⌈N/n⌉. */
export function fewestMoves(shards: readonly number[], gids: readonly number[]): number {
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

/** Every shard on a live group; max − min ≤ 1 over all live groups. */
export function balanced(rb: Rebalance) {
  return fc.property(arbitraryCase, ({ shards, gids }) => {
    const next = rb(shards, gids);
    const counts = gids.map((g) => countOf(next, g));
    return next.length === NShards && next.every((g) => gids.includes(g)) && Math.max(...counts) - Math.min(...counts) <= 1;
  });
}

/** As few moves as any balanced assignment, and each from an over-full group to an under-full one. */
export function minimalMovement(rb: Rebalance) {
  return fc.property(arbitraryCase, ({ shards, gids }) => {
    const next = rb(shards, gids);
    if (next.filter((g, i) => g !== shards[i]!).length !== fewestMoves(shards, gids)) return false;
    return next.every((g, i) => {
      const from = shards[i]!;
      if (g === from || !gids.includes(from)) return true;
      return countOf(shards, from) > countOf(next, from) && countOf(shards, g) < countOf(next, g);
    });
  });
}

/** The same result whatever order the groups are named in. */
export function orderIndependent(rb: Rebalance) {
  return fc.property(
    arbitraryCase.chain((c) => fc.shuffledSubarray(c.gids, { minLength: c.gids.length }).map((shuffled) => ({ ...c, shuffled }))),
    ({ shards, gids, shuffled }) => JSON.stringify(rb(shards, shuffled)) === JSON.stringify(rb(shards, gids)),
  );
}
