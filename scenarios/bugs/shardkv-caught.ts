/**
 * Which shardkv scenario catches which variant of the shardkv bug zoo
 * (scenarios/bugs/shardkv.ts), and how: each row names the first seed from
 * 1 on where the variant fails; the tests search the seeds up to it, check
 * how it failed, and run the correct service on that seed, which must pass.
 */
import type { FailureKind } from '../../sim/scenario.ts';
import { shardkvDedupNotMigrated, shardkvDeletesEarly, shardkvPollsAhead, shardkvServesPulling, type ShardkvBug } from './shardkv.ts';

export interface ShardkvCatch {
  readonly bug: ShardkvBug;
  readonly scenario: string;
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

export const shardkvCatches: readonly ShardkvCatch[] = [
  {
    // A lost reply's Append, applied by the old owner, is retried at the new one and applied again.
    // (shardkv/5B/unreliable3 fails too: the history is not linearizable.)
    bug: shardkvDedupNotMigrated,
    scenario: 'shardkv/5B/unreliable2',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Get\(\d+\): expected:\n/,
  },
  {
    // Group 101 answers for a shard it has not pulled yet: an empty value.
    bug: shardkvServesPulling,
    scenario: 'shardkv/5B/miss-change',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Get\(\d+\): expected:\n.*\nreceived:\n$/,
  },
  {
    // The new owner pulls an emptied shard.
    bug: shardkvDeletesEarly,
    scenario: 'shardkv/5B/join-leave',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Get\(\d+\): expected:\n.*\nreceived:\n$/,
  },
  {
    // Joins and leaves while clerks append: a config is applied on top of one whose shards were still
    // moving, and a shard abandoned mid-pull is served without its appends. (miss-change, concurrent3 and
    // unreliable1-2 fail on seed 1 too; unreliable3 on seed 2, not linearizable.)
    bug: shardkvPollsAhead,
    scenario: 'shardkv/5B/concurrent1',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Get\(\d+\): expected:\n/,
  },
];
