import { describe, expect, it } from 'vitest';
import { findScenario, runScenario } from '../../sim/scenario.ts';
import '../kvsrv/index.ts';
import { kvsrvCatches } from './kvsrv-caught.ts';

describe('known kvsrv bugs caught by the kvsrv scenarios', () => {
  for (const c of kvsrvCatches) {
    it(`${c.bug.name} fails ${c.scenario} on seed ${c.seed}; the correct server passes it`, () => {
      expect(c.seed).toBeLessThanOrEqual(100);
      const s = findScenario(c.scenario)!;
      const bad = runScenario(s, { seed: c.seed, impl: { [c.role]: c.bug } });
      expect(bad.passed).toBe(false);
      expect(bad.failure?.message).toMatch(c.message);
      expect(runScenario(s, { seed: c.seed }).passed).toBe(true);
    });
  }

  it('the cache-forever server is correct under loss: only a memory budget catches it', () => {
    const r = runScenario(findScenario('kvsrv/unreliable')!, { seed: 1, impl: { 'kvsrv-server': kvsrvCatches[2]!.bug } });
    expect(r.passed).toBe(true);
  });
});
