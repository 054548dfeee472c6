import { describe, expect, it } from 'vitest';
import { findScenario, runScenario, type ScenarioResult } from '../../sim/scenario.ts';
import { KVRAFT_SERVER_ROLE } from '../kvraft/config.ts';
import '../kvraft/index.ts';
import { kvraftCatches } from './kvraft-caught.ts';
import { kvraftBugs } from './kvraft.ts';

describe('the kvraft bug zoo is caught by the lab scenarios', () => {
  for (const c of kvraftCatches) {
    it(`${c.bug.name} fails ${c.scenario} (first on seed ${c.firstSeed}); the correct service passes that seed`, () => {
      const s = findScenario(c.scenario)!;
      let caught: ScenarioResult | undefined;
      for (let seed = 1; seed <= c.firstSeed && caught === undefined; seed++) {
        const r = runScenario(s, { seed, impl: { [KVRAFT_SERVER_ROLE]: c.bug.service } });
        if (!r.passed) caught = r;
      }
      expect(caught?.seed).toBe(c.firstSeed);
      expect(caught!.failure!.kind).toBe(c.kind);
      expect(caught!.failure!.message).toMatch(c.message);
      expect(runScenario(s, { seed: c.firstSeed }).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(kvraftCatches.map((c) => c.bug.name))).toEqual(new Set(kvraftBugs.map((b) => b.name)));
  });
});
