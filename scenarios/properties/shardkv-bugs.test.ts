/**
 * The shardkv bug zoo, and the shard controller's stale local Query,
 * against prop/shardkv/linearizable. Each row is what
 * `checkProperty(shardkvLinearizable, { seed: 5, numRuns: 1000,
 * maxShrinkRuns: 1000 }, { impl: { [role]: bug.service } })` reported when
 * this was written: the fast-check path of the shrunk failure (its first
 * number is the run, 0-based, that failed), the runs to the first failure
 * and the shrink runs after it. The test follows each path (nothing is run
 * to find it), checks the run is within the first 1,000 and the shrunk
 * schedule has at most 5 actions, runs it with the bug (it fails, as
 * reported) and with the correct service (it passes).
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches instead (about a minute).
 *
 * The other two controller variants (scenarios/bugs/shardctrler.ts) are not
 * found: a rebalance breaking ties in a per-replica map order gave no
 * failure in 1,000 runs of seed 5, and a rebalance that moves more shards
 * than needed is slow, not wrong. The controller scenarios catch all three
 * (scenarios/bugs/shardctrler-caught.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../sim/scenario.ts';
import { checkProperty, inputAt, runInput } from '../../sim/property.ts';
import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import { shardkvBugs, shardkvDedupNotMigrated, shardkvDeletesEarly, shardkvPollsAhead, shardkvServesPulling, type ShardkvBug } from '../bugs/shardkv.ts';
import { shardctrlerLocalQuery, type ShardctrlerBug } from '../bugs/shardctrler.ts';
import { SHARDCTRLER_SERVER_ROLE } from '../shardctrler/config.ts';
import { shardkvLinearizable } from './shardkv.ts';

const SEED = 5;

interface Found {
  readonly bug: ShardkvBug | ShardctrlerBug;
  readonly role: string;
  readonly path: string;
  /** Measured: runs to the first failure, and shrink runs. */
  readonly runs: number;
  readonly shrinkRuns: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

const found: readonly Found[] = [
  // Controller restarts, a crash in group 101, then its join over an unreliable network: a retried Append applied by the old owner is applied again by the new one.
  { bug: shardkvDedupNotMigrated, role: SHARDKV_SERVER_ROLE, path: '125:2:3:2:0:5:1:13:11:16:10:3:5:8:9:11:16:3:28', runs: 126, shrinkRuns: 192, kind: 'safety', message: /^history is not linearizable/ },
  // One join: the new owner answers a Get before it has pulled the shard.
  { bug: shardkvServesPulling, role: SHARDKV_SERVER_ROLE, path: '0:0:1:0:1:2:2:2', runs: 1, shrinkRuns: 17, kind: 'safety', message: /^history is not linearizable/ },
  // One join: the new owner pulls a shard the old one has emptied.
  { bug: shardkvDeletesEarly, role: SHARDKV_SERVER_ROLE, path: '4:0:5:3:6:6:6', runs: 5, shrinkRuns: 36, kind: 'safety', message: /^history is not linearizable/ },
  // A join, then a leave while the join's shards still move, over an unreliable network: the config after next is applied and the moves abandoned.
  { bug: shardkvPollsAhead, role: SHARDKV_SERVER_ROLE, path: '289:0:7:4:6:6:11:2:2:6:9:10:21:2:6:6:9:11:13:1:5:5:1:12:9:4:5:12:12:12:13', runs: 290, shrinkRuns: 265, kind: 'safety', message: /^history is not linearizable/ },
  // One controller server isolated from its peers at the start, still answering Queries from its own state: operations stay pending.
  { bug: shardctrlerLocalQuery, role: SHARDCTRLER_SERVER_ROLE, path: '5:0:1:1:1:1:1:1', runs: 6, shrinkRuns: 14, kind: 'liveness', message: /^no progress 10s after healing: pending clerk-\d+ / },
];

const impl = (f: Found) => ({ impl: { [f.role]: f.bug.service } });

describe('prop/shardkv/linearizable finds every shardkv bug of the zoo, and a controller that answers Query locally', () => {
  for (const f of found) {
    it(`${f.bug.name} (${f.role}): run ${f.runs} of fast-check seed ${SEED} fails, shrunk to at most 5 actions; the correct service passes it`, () => {
      expect(Number(f.path.split(':')[0]) + 1).toBe(f.runs);
      expect(f.runs).toBeLessThanOrEqual(1000);
      const input = inputAt(shardkvLinearizable, SEED, f.path);
      expect(input.actions.length).toBeLessThanOrEqual(5);
      const bad = runInput(shardkvLinearizable, input, impl(f));
      expect(bad.failure?.kind).toBe(f.kind);
      expect(bad.failure?.message).toMatch(f.message);
      expect(runInput(shardkvLinearizable, input).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(found.filter((f) => f.role === SHARDKV_SERVER_ROLE).map((f) => f.bug.name))).toEqual(new Set(shardkvBugs.map((b) => b.name)));
  });

  it.runIf(process.env.SIMLAB_ZOO_SEARCH === '1')('the searches themselves give these paths', () => {
    for (const f of found) {
      const r = checkProperty(shardkvLinearizable, { seed: SEED, numRuns: 1000, maxShrinkRuns: 1000 }, impl(f));
      expect(r.path, f.bug.name).toBe(f.path);
    }
  });
});
