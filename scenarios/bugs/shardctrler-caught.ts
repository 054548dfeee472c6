/**
 * Which shardctrler scenario catches which variant of the shard-controller
 * bug zoo (scenarios/bugs/shardctrler.ts), and how: each row names the
 * first seed from 1 on where the variant fails; the tests search the seeds
 * up to it, check how it failed, and run the correct service on that seed,
 * which must pass.
 */
import type { FailureKind } from '../../sim/scenario.ts';
import { shardctrlerLocalQuery, shardctrlerMapOrder, shardctrlerNotMinimal, type ShardctrlerBug } from './shardctrler.ts';

export interface ShardctrlerCatch {
  readonly bug: ShardctrlerBug;
  readonly scenario: string;
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

export const shardctrlerCatches: readonly ShardctrlerCatch[] = [
  {
    // The new leader's own history differs from the one the old leader answered with.
    bug: shardctrlerMapOrder,
    scenario: 'shardctrler/multi/agree-config',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Shards wrong in config \d+: /,
  },
  {
    // Joining gid 3 moves shards between gids 1 and 2 (the Basic/Multi minimal-transfer sections are vacuous, as in Go).
    bug: shardctrlerNotMinimal,
    scenario: 'shardctrler/minimal-again',
    firstSeed: 1,
    kind: 'assertion',
    message: /^non-minimal transfer after Join\(\): shard \d+ moved from \d+ to \d+$/,
  },
  {
    // The clerk asks its first end first; a follower that has not yet learned the Join committed answers with config 0.
    bug: shardctrlerLocalQuery,
    scenario: 'shardctrler/basic/leave-join',
    firstSeed: 1,
    kind: 'assertion',
    message: /^wanted 1 groups, got 0$/,
  },
];
