import { describe, expect, it } from 'vitest';
import { findScenario, runScenario, type ScenarioResult } from '../../sim/scenario.ts';
import { SHARDKV_SERVER_ROLE } from '../shardkv/config.ts';
import '../shardkv/index.ts';
import { shardkvCatches } from './shardkv-caught.ts';
import { shardkvBugs } from './shardkv.ts';

describe('the shardkv bug zoo is caught by the lab scenarios', () => {
  for (const c of shardkvCatches) {
    it(`${c.bug.name} fails ${c.scenario} (first on seed ${c.firstSeed}); the correct service passes that seed`, () => {
      const s = findScenario(c.scenario)!;
      let caught: ScenarioResult | undefined;
      for (let seed = 1; seed <= c.firstSeed && caught === undefined; seed++) {
        const r = runScenario(s, { seed, impl: { [SHARDKV_SERVER_ROLE]: c.bug.service } });
        if (!r.passed) caught = r;
      }
      expect(caught?.seed).toBe(c.firstSeed);
      expect(caught!.failure!.kind).toBe(c.kind);
      expect(caught!.failure!.message).toMatch(c.message);
      expect(runScenario(s, { seed: c.firstSeed }).failure).toBeUndefined();
    });
  }

  it('covers every variant of the zoo', () => {
    expect(new Set(shardkvCatches.map((c) => c.bug.name))).toEqual(new Set(shardkvBugs.map((b) => b.name)));
  });
});
