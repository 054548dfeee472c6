/**
 * A Raft that emits no facts is judged by what the lab tester sees. The
 * correct Raft with every fact filtered out (scenarios/testdata/factless.ts)
 * passes every lab scenario and the property, with one log line saying the
 * invariant checks are off; the bug zoo wrapped the same way is still caught
 * by the tester's own checks (apply errors, crashes), except
 * voted-for-not-persisted, whose second vote only the facts reveal (no lab
 * scenario among 3C's within 200 seeds, nor prop/raft/safety within 1,000
 * schedules, turns it into a wrong apply).
 */
import { describe, expect, it } from 'vitest';
import { checkProperty } from '../../sim/property.ts';
import { findScenario, matchScenarios, runScenario, type FailureKind } from '../../sim/scenario.ts';
import { TraceKind } from '../../sim/trace.ts';
import { raft } from '../../protocols/raft/index.ts';
import '../raft/index.ts';
import { raftSafety } from '../properties/raft.ts';
import { factless } from '../testdata/factless.ts';
import {
  raftCommitOldTermByCount,
  raftInstallNoLastApplied,
  raftNoElectionRestriction,
  raftSnapshotNotRestored,
  type RaftBug,
} from './raft.ts';

const factlessRaft = factless(raft);

describe('a Raft without facts: the tester decides', () => {
  it('the fixture emits no facts, and the correct Raft does', () => {
    const count = (impl: typeof raft): number => {
      let facts = 0;
      runScenario(findScenario('raft/3A/initial-election')!, { seed: 1, impl: { raft: impl }, onRecord: (r) => void (r.kind === TraceKind.Fact && facts++) });
      return facts;
    };
    expect(count(raft)).toBeGreaterThan(0);
    expect(count(factlessRaft)).toBe(0);
  });

  it('passes every Raft lab scenario (seeds 1 and 2), saying once that the invariant checks are off', () => {
    const scenarios = matchScenarios('raft/**');
    expect(scenarios.length).toBeGreaterThanOrEqual(28);
    for (const s of scenarios) {
      for (const seed of [1, 2]) {
        const r = runScenario(s, { seed, impl: { raft: factlessRaft } });
        expect(r.failure, `${s.name} seed ${seed}`).toBeUndefined();
        expect(r.log.filter((l) => l.includes('invariant checks off for every server')).length, s.name).toBe(1);
      }
    }
    // With facts, the checks stay on and nothing is said.
    const on = runScenario(findScenario('raft/3D/install')!, { seed: 1 });
    expect(on.passed).toBe(true);
    expect(on.log.some((l) => l.includes('invariant checks off'))).toBe(false);
  });

  it('passes prop/raft/safety over 300 schedules', () => {
    const r = checkProperty(raftSafety, { seed: 1, numRuns: 300 }, { impl: { raft: factlessRaft } });
    expect(r.failed).toBe(false);
  });
});

interface GoCatch {
  readonly bug: RaftBug;
  readonly scenario: string;
  readonly firstSeed: number;
  readonly kind: FailureKind;
  readonly message: RegExp;
}

// Measured when written, seeds searched from 1 (every earlier seed passes).
const goCatches: readonly GoCatch[] = [
  { bug: raftCommitOldTermByCount, scenario: 'raft/3C/figure8-unreliable', firstSeed: 3, kind: 'assertion', message: /^apply error: commit index=\d+ server=\d+ \S+ != server=\d+/ },
  { bug: raftNoElectionRestriction, scenario: 'raft/3C/persist2', firstSeed: 1, kind: 'assertion', message: /^apply error: commit index=\d+ server=\d+ \S+ != server=\d+/ },
  { bug: raftInstallNoLastApplied, scenario: 'raft/3D/install', firstSeed: 1, kind: 'crash', message: /RaftLogError: raft log: no entry at index \d+/ },
  { bug: raftSnapshotNotRestored, scenario: 'raft/3D/init', firstSeed: 1, kind: 'assertion', message: /^apply error: server \d+ apply out of order, expected index \d+, got 1/ },
  { bug: raftSnapshotNotRestored, scenario: 'raft/3D/all-crash', firstSeed: 1, kind: 'assertion', message: /^apply error: server \d+ apply out of order, expected index \d+, got 1/ },
];

describe('the bug zoo without facts is still caught, in the tester\'s terms', () => {
  for (const c of goCatches) {
    it(`${c.bug.name}: ${c.scenario} fails first on seed ${c.firstSeed}`, () => {
      const s = findScenario(c.scenario)!;
      for (let seed = 1; seed <= c.firstSeed; seed++) {
        const r = runScenario(s, { seed, impl: { raft: factless(c.bug.node) } });
        if (seed < c.firstSeed) {
          expect(r.passed, `seed ${seed}`).toBe(true);
          continue;
        }
        expect(r.failure?.kind).toBe(c.kind);
        expect(r.failure!.message).toMatch(c.message);
      }
    });
  }

  for (const bug of [raftCommitOldTermByCount, raftNoElectionRestriction, raftInstallNoLastApplied, raftSnapshotNotRestored]) {
    it(`${bug.name}: prop/raft/safety finds it within 1,000 schedules (fast-check seed 5)`, () => {
      const r = checkProperty(raftSafety, { seed: 5, numRuns: 1000, maxShrinkRuns: 200 }, { impl: { raft: factless(bug.node) } });
      expect(r.failed).toBe(true);
      expect(['safety', 'crash']).toContain(r.counterexample!.failure!.kind);
    });
  }
});
