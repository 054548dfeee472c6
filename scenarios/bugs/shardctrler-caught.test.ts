import { describe, expect, it } from 'vitest';
import { findScenario, runScenario, type ScenarioResult } from '../../sim/scenario.ts';
import { SHARDCTRLER_SERVER_ROLE } from '../shardctrler/config.ts';
import '../shardctrler/index.ts';
import { shardctrlerCatches } from './shardctrler-caught.ts';
import { shardctrlerBugs } from './shardctrler.ts';

describe('the shard-controller bug zoo is caught by the lab scenarios', () => {
  for (const c of shardctrlerCatches) {
    it(`${c.bug.name} fails ${c.scenario} (first on seed ${c.firstSeed}); the correct service passes that seed`, () => {
      const s = findScenario(c.scenario)!;
      let caught: ScenarioResult | undefined;
      for (let seed = 1; seed <= c.firstSeed && caught === undefined; seed++) {
        const r = runScenario(s, { seed, impl: { [SHARDCTRLER_SERVER_ROLE]: c.bug.service } });
        if (!r.passed) caught = r;
      }
      expect(caught?.seed).toBe(c.firstSeed);
      expect(caught!.failure!.kind).toBe(c.kind);
      expect(caught!.failure!.message).toMatch(c.message);
      expect(runScenario(s, { seed: c.firstSeed }).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(shardctrlerCatches.map((c) => c.bug.name))).toEqual(new Set(shardctrlerBugs.map((b) => b.name)));
  });
});
