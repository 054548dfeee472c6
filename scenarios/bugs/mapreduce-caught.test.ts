import { describe, expect, it } from 'vitest';
import { findScenario, runScenario } from '../../sim/scenario.ts';
import '../mr/index.ts';
import '../mrx/index.ts';
import { mapreduceCatches } from './mapreduce-caught.ts';

describe('known MapReduce bugs caught by the mr scenarios', () => {
  for (const c of mapreduceCatches) {
    it(`${c.bug.name} fails ${c.scenario} on seed ${c.seed}; the correct node passes it`, () => {
      expect(c.seed).toBeLessThanOrEqual(100);
      const s = findScenario(c.scenario)!;
      const bad = runScenario(s, { seed: c.seed, impl: { [c.role]: c.bug } });
      expect(bad.passed).toBe(false);
      expect(bad.failure?.message).toMatch(c.message);
      expect(runScenario(s, { seed: c.seed }).passed).toBe(true);
    });
  }
});
