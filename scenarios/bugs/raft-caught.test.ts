import { describe, expect, it } from 'vitest';
import { findScenario, runScenario, type ScenarioResult } from '../../sim/scenario.ts';
import '../raft/index.ts';
import { raftCatches } from './raft-caught.ts';
import { raftBugs } from './raft.ts';

const SEARCH_MAX = 200;

describe('the Raft bug zoo is caught by the lab scenarios', () => {
  for (const c of raftCatches) {
    it(`${c.bug.name} fails ${c.scenario} within ${SEARCH_MAX} seeds (first on seed ${c.firstSeed}); the correct Raft passes that seed`, () => {
      expect(c.firstSeed).toBeLessThanOrEqual(SEARCH_MAX);
      const s = findScenario(c.scenario)!;
      let caught: ScenarioResult | undefined;
      for (let seed = 1; seed <= c.firstSeed && caught === undefined; seed++) {
        const r = runScenario(s, { seed, impl: { raft: c.bug.node } });
        if (!r.passed) caught = r;
      }
      expect(caught?.seed).toBe(c.firstSeed);
      expect(caught!.failure!.kind).toBe(c.kind);
      expect(caught!.failure!.message).toMatch(c.message);
      const good = runScenario(s, { seed: c.firstSeed });
      expect(good.failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(raftCatches.map((c) => c.bug.name))).toEqual(new Set(raftBugs.map((b) => b.name)));
  });
});
