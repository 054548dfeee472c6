/**
 * The kvraft bug zoo against prop/kvraft/linearizable. Each row is what
 * `checkProperty(kvraftLinearizable, { seed: 5, numRuns: 1000,
 * maxShrinkRuns: 1000 }, { impl: { 'kvraft-server': bug.service } })`
 * reported when this was written: the fast-check path of the shrunk failure
 * (its first number is the run, 0-based, that failed), the runs to the first
 * failure and the shrink runs after it. The test follows each path (nothing
 * is run to find it), checks the run is within the first 1,000 and the
 * shrunk schedule has at most 5 fault actions, runs it with the bug (it
 * fails, as reported) and with the correct service (it passes).
 * SIMLAB_ZOO_SEARCH=1 repeats the whole searches instead (minutes).
 */
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../sim/scenario.ts';
import { checkProperty, inputAt, runInput } from '../../sim/property.ts';
import { KVRAFT_SERVER_ROLE } from '../kvraft/config.ts';
import { kvraftNeverSnapshots, kvraftRestartForgetsDedup, kvraftSnapshotWithoutDedup, kvraftStaleRead, kvraftUncheckedIndex, kvraftBugs, type KvraftBug } from '../bugs/kvraft.ts';
import { kvraftLinearizable } from './kvraft.ts';

const SEED = 5;

interface Found {
  readonly bug: KvraftBug;
  readonly path: string;
  /** Measured: runs to the first failure, and shrink runs. */
  readonly runs: number;
  readonly shrinkRuns: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

const found: readonly Found[] = [
  { bug: kvraftNeverSnapshots, path: '1:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0', runs: 2, shrinkRuns: 19, kind: 'assertion', message: /^logs were not trimmed/ },
  // One crash of the leader: its successor reads from a state machine that has not applied everything committed yet.
  { bug: kvraftStaleRead, path: '1:0:0:0:0:1:0:0:0:0:0:0:0:0:0:1:4:5:4:4:8:9:0:4:4:4:4:4:4:4', runs: 2, shrinkRuns: 97, kind: 'safety', message: /^history is not linearizable/ },
  { bug: kvraftSnapshotWithoutDedup, path: '27:2:1:1:2:2:2:3:10:10:10:10:10:10:10:10:10:11:15:7:11:5:6:11:11:11', runs: 28, shrinkRuns: 227, kind: 'safety', message: /^history is not linearizable/ },
  // Two isolations of the leader: a deposed leader's waiting Append is answered by the op its successor committed at that index.
  { bug: kvraftUncheckedIndex, path: '168:3:6:6:1:0:0:0:0:0:0:2:11:12:11:19:19:19:19:19:19:19:19', runs: 169, shrinkRuns: 245, kind: 'safety', message: /^history is not linearizable/ },
  { bug: kvraftRestartForgetsDedup, path: '33:0:1:0:0:0:0:0:0:12:12:16:16:16:16:8:10:10:10', runs: 34, shrinkRuns: 155, kind: 'safety', message: /^history is not linearizable/ },
];

const impl = (bug: KvraftBug) => ({ impl: { [KVRAFT_SERVER_ROLE]: bug.service } });

describe('prop/kvraft/linearizable finds every kvraft bug of the zoo', () => {
  for (const f of found) {
    it(`${f.bug.name}: run ${f.runs} of fast-check seed ${SEED} fails, shrunk to at most 5 fault actions; the correct service passes it`, () => {
      expect(Number(f.path.split(':')[0]) + 1).toBe(f.runs);
      expect(f.runs).toBeLessThanOrEqual(1000);
      const input = inputAt(kvraftLinearizable, SEED, f.path);
      expect(input.actions.length).toBeLessThanOrEqual(5);
      const bad = runInput(kvraftLinearizable, input, impl(f.bug));
      expect(bad.failure?.kind).toBe(f.kind);
      expect(bad.failure?.message).toMatch(f.message);
      expect(runInput(kvraftLinearizable, input).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(found.map((f) => f.bug.name))).toEqual(new Set(kvraftBugs.map((b) => b.name)));
  });

  it.runIf(process.env.SIMLAB_ZOO_SEARCH === '1')('the searches themselves give these paths', () => {
    for (const f of found) {
      const r = checkProperty(kvraftLinearizable, { seed: SEED, numRuns: 1000, maxShrinkRuns: 1000 }, impl(f.bug));
      expect(r.path, f.bug.name).toBe(f.path);
    }
  });
});
