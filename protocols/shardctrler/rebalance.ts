/**
 * The rebalance every replica runs when groups join or leave: a pure
 * function of the old shard assignment and the set of groups, so every
 * replica computes the same configuration.
 *
 * - Balance: each group gets ⌊N/n⌋ or ⌈N/n⌉ shards (max − min ≤ 1; with more
 *   groups than shards some get none).
 * - Minimal movement: the ⌈N/n⌉ places go to the groups that own the most
 *   shards already; a group keeps its shards up to its target, gives up only
 *   what it has beyond it (its highest shards first), and under-full groups
 *   take the freed and the orphaned shards (of gid 0 or of a group that
 *   left), lowest shard to the lowest gid. No shard moves between two groups
 *   unless the first is over its target and the second under it.
 * - Ties are broken by gid, never by the order groups were named in.
 */
import { NShards } from './types.ts';

/** The new assignment (shard → gid) for the groups `gids`; all 0 when there are none. */
export type Rebalance = (shards: readonly number[], gids: readonly number[]) => number[];

/** How groups that own equally many shards are ordered before the stable sort by count. */
export type TieOrder = (gidsAscending: number[]) => number[];

export const byGid: TieOrder = (gids) => gids;

export const rebalance: Rebalance = rebalanceWith(byGid);

export function rebalanceWith(tieOrder: TieOrder): Rebalance {
  return (shards, gids) => {
    const next = [...shards];
    const live = tieOrder([...new Set(gids)].sort((a, b) => a - b));
    if (live.length === 0) return next.fill(0);
    const owned = new Map<number, number[]>(live.map((g) => [g, []]));
    const free: number[] = [];
    shards.forEach((g, shard) => (owned.get(g) ?? free).push(shard));
    const target = targets(live, owned);
    for (const g of live) {
      const mine = owned.get(g)!;
      while (mine.length > target.get(g)!) free.push(mine.pop()!);
    }
    free.sort((a, b) => a - b);
    let k = 0;
    for (const g of live) {
      for (let have = owned.get(g)!.length; have < target.get(g)!; have++) next[free[k++]!] = g;
    }
    return next;
  };
}

/** gid → shards it should own: the N mod n extra places go to the groups owning most (stable on the given order). */
function targets(live: readonly number[], owned: ReadonlyMap<number, readonly number[]>): Map<number, number> {
  const base = Math.floor(NShards / live.length);
  const extra = NShards % live.length;
  const byCount = [...live].sort((a, b) => owned.get(b)!.length - owned.get(a)!.length);
  return new Map(byCount.map((g, rank) => [g, base + (rank < extra ? 1 : 0)]));
}
