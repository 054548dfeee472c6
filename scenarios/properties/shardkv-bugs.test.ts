/**
 * The shardkv bug zoo against prop/shardkv/linearizable. Each row is what
 * `checkProperty(shardkvLinearizable, { seed: 5, numRuns: 1000,
 * maxShrinkRuns: 1000 }, { impl: { 'shardkv-server': bug.service } })`
 * reported when this was written: the fast-check path of the shrunk failure
 * (its first number is the run, 0-based, that failed), the runs to the first
 * failure and the shrink runs after it. The test follows each path (nothing
 * is run to find it), checks the run is within the first 1,000 and the
 * shrunk schedule has at most 5 actions, runs it with the bug (it fails, as
 * reported) and with the correct service (it passes).
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches instead (about 35 s).
 *
 * The shard-controller zoo (scenarios/bugs/shardctrler.ts) is not here: the
 * property never faults the controller, so a replica-dependent rebalance or
 * a Query answered by a stale replica does not show (no failure in 1,000
 * runs of seed 5), and a rebalance that moves more shards than needed is
 * slow, not wrong; the controller scenarios catch all three.
 */
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../sim/scenario.ts';
import { checkProperty, inputAt, runInput } from '../../sim/property.ts';
import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import { shardkvBugs, shardkvDedupNotMigrated, shardkvDeletesEarly, shardkvPollsAhead, shardkvServesPulling, type ShardkvBug } from '../bugs/shardkv.ts';
import { shardkvLinearizable } from './shardkv.ts';

const SEED = 5;

interface Found {
  readonly bug: ShardkvBug;
  readonly path: string;
  /** Measured: runs to the first failure, and shrink runs. */
  readonly runs: number;
  readonly shrinkRuns: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

const found: readonly Found[] = [
  // A crash in the group that is joined later, an unreliable network: a retried Append applied by the old owner is applied again by the new one.
  { bug: shardkvDedupNotMigrated, path: '59:0:3:10:20:19:18:11:2:18', runs: 60, shrinkRuns: 128, kind: 'safety', message: /^history is not linearizable/ },
  // One join: the new owner answers a Get before it has pulled the shard.
  { bug: shardkvServesPulling, path: '32:0:1:1:2:2', runs: 33, shrinkRuns: 13, kind: 'safety', message: /^history is not linearizable/ },
  { bug: shardkvDeletesEarly, path: '4:0:5:3:6:3:3:3:3:4:6:8:9:9:8:7:8:7', runs: 5, shrinkRuns: 116, kind: 'safety', message: /^history is not linearizable/ },
  // A join of a group that is down, then a move: the config after next is applied while the join's shards are still moving.
  { bug: shardkvPollsAhead, path: '342:0:2:0:1:8:7:8:10:11:10:12:12', runs: 343, shrinkRuns: 103, kind: 'safety', message: /^history is not linearizable/ },
];

const impl = (bug: ShardkvBug) => ({ impl: { [SHARDKV_SERVER_ROLE]: bug.service } });

describe('prop/shardkv/linearizable finds every shardkv bug of the zoo', () => {
  for (const f of found) {
    it(`${f.bug.name}: run ${f.runs} of fast-check seed ${SEED} fails, shrunk to at most 5 actions; the correct service passes it`, () => {
      expect(Number(f.path.split(':')[0]) + 1).toBe(f.runs);
      expect(f.runs).toBeLessThanOrEqual(1000);
      const input = inputAt(shardkvLinearizable, SEED, f.path);
      expect(input.actions.length).toBeLessThanOrEqual(5);
      const bad = runInput(shardkvLinearizable, input, impl(f.bug));
      expect(bad.failure?.kind).toBe(f.kind);
      expect(bad.failure?.message).toMatch(f.message);
      expect(runInput(shardkvLinearizable, input).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(found.map((f) => f.bug.name))).toEqual(new Set(shardkvBugs.map((b) => b.name)));
  });

  it.runIf(process.env.SIMLAB_ZOO_SEARCH === '1')('the searches themselves give these paths', () => {
    for (const f of found) {
      const r = checkProperty(shardkvLinearizable, { seed: SEED, numRuns: 1000, maxShrinkRuns: 1000 }, impl(f.bug));
      expect(r.path, f.bug.name).toBe(f.path);
    }
  });
});
