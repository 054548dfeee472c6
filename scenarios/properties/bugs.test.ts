/**
 * The Raft bug zoo against the property (not the fixed lab scenarios): each
 * variant must fail prop/raft/safety within 1,000 generated schedules, and
 * the failure must shrink to at most 5 fault actions. fast-check seed 5;
 * measured when written (runs to the first failure → fault actions after
 * shrinking): commit-old-term 189 → 3, voted-for-not-persisted 15 → 4,
 * no-election-restriction 1 → 1, install-no-last-applied 5 → 2,
 * snapshot-not-restored 33 → 2 — about 2 s in all.
 */
import { describe, expect, it } from 'vitest';
import { checkProperty, failureSignature } from '../../sim/property.ts';
import { raftBugs, raftSnapshotNotRestored } from '../bugs/raft.ts';
import { raftSafety } from './raft.ts';

const SEED = 5;

describe('prop/raft/safety finds every bug of the zoo', () => {
  for (const bug of raftBugs) {
    it(`${bug.name}: found within 1,000 schedules, shrunk to at most 5 fault actions`, () => {
      const r = checkProperty(raftSafety, { seed: SEED, numRuns: 1000, maxShrinkRuns: 3000 }, { impl: { raft: bug.node } });
      expect(r.failed, `${bug.name} passed 1,000 schedules at fast-check seed ${SEED}`).toBe(true);
      expect(r.runsToFailure).toBeLessThanOrEqual(1000);
      const shrunk = r.counterexample!;
      expect(shrunk.passed).toBe(false);
      expect(shrunk.input.actions.length, JSON.stringify(shrunk.input.actions)).toBeLessThanOrEqual(5);
      expect(r.shrinkLimited).toBe(false);
      expect(failureSignature(shrunk.failure!)).toBe(failureSignature(r.original!.failure!));
      console.log(
        `${bug.name}: run ${r.runsToFailure} failed; shrunk in ${r.shrinkRuns} runs to ${shrunk.input.actions.length} action(s) ` +
          `(${shrunk.failure!.kind}): ${JSON.stringify(shrunk.input.actions)}`,
      );
    });
  }
});

describe('shrinking keeps the failure of the first failing run', () => {
  // Without the rule, fast-check takes any smaller failing schedule: before the
  // acknowledged-kept invariant, seed 1's state-machine-safety violation shrank
  // into a leader-completeness one, and seed 3's liveness failure into a safety
  // one ("apply error"). Now the restart that lost acknowledged entries is named
  // at once (seeds 1 and 3 fail as acknowledged-kept); seed 6 still fails first
  // as state-machine-safety.
  for (const [seed, kind, invariant] of [
    [1, 'safety', 'acknowledged-kept'],
    [6, 'safety', 'state-machine-safety'],
  ] as const) {
    it(`${raftSnapshotNotRestored.name} at fast-check seed ${seed}: first ${kind}${invariant ? ` (${invariant})` : ''}, shrunk the same`, () => {
      const r = checkProperty(raftSafety, { seed, numRuns: 100, maxShrinkRuns: 3000 }, { impl: { raft: raftSnapshotNotRestored.node } });
      const first = r.original!.failure!;
      const shrunk = r.counterexample!.failure!;
      expect(failureSignature(first)).toBe(invariant ? `${kind} (${invariant})` : kind);
      expect(failureSignature(shrunk)).toBe(failureSignature(first));
      expect(r.counterexample!.input.actions.length).toBeLessThanOrEqual(r.original!.input.actions.length);
    });
  }
});
