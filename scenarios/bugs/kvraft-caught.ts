/**
 * Which kvraft scenario catches which variant of the kvraft bug zoo
 * (scenarios/bugs/kvraft.ts), and how: each row names the first seed from 1
 * on where the variant fails; the tests search the seeds up to it, check how
 * it failed, and run the correct service on that seed, which must pass.
 */
import type { FailureKind } from '../../sim/scenario.ts';
import { kvraftNeverSnapshots, kvraftRestartForgetsDedup, kvraftSnapshotWithoutDedup, kvraftStaleRead, kvraftUncheckedIndex, type KvraftBug } from './kvraft.ts';

export interface KvraftCatch {
  readonly bug: KvraftBug;
  readonly scenario: string;
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

export const kvraftCatches: readonly KvraftCatch[] = [
  {
    // The restart loses the table; an Append committed before the shutdown is retried and applied again.
    // (Without restarts too: kvraft/4B/snapshot-unreliable fails from seed 6 on, by a follower that installed a snapshot.)
    bug: kvraftSnapshotWithoutDedup,
    scenario: 'kvraft/4B/snapshot-unreliable-recover-concurrent-partition',
    firstSeed: 1,
    kind: 'assertion',
    message: /^duplicate element x \d+ \d+ y in Append result/,
  },
  {
    // The leader cut off in the minority still answers Gets.
    bug: kvraftStaleRead,
    scenario: 'kvraft/4A/one-partition',
    firstSeed: 1,
    kind: 'assertion',
    message: /^Get in minority completed$/,
  },
  {
    // A minority leader's pending Append at index i is answered OK by another op the new leader committed at i.
    // (With random keys, kvraft/4A/persist-partition-unreliable-linearizable fails on seed 3: history not linearizable.)
    bug: kvraftUncheckedIndex,
    scenario: 'kvraft/4A/persist-partition-unreliable',
    firstSeed: 1,
    kind: 'assertion',
    message: /^client-\d+: get wrong value, key \d+/,
  },
  {
    bug: kvraftRestartForgetsDedup,
    scenario: 'kvraft/4B/snapshot-unreliable-recover-concurrent-partition',
    firstSeed: 1,
    kind: 'assertion',
    message: /^duplicate element x \d+ \d+ y in Append result/,
  },
  {
    bug: kvraftNeverSnapshots,
    scenario: 'kvraft/4B/snapshot-size',
    firstSeed: 1,
    kind: 'assertion',
    message: /^logs were not trimmed \(\d+ > 8\*1000\)$/,
  },
];
