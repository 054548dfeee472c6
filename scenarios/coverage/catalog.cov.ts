/**
 * The catalog as `npm run coverage` runs it (not part of npm test): every
 * scenario but the demos on a fixed seed set (SIMLAB_SEED/SIMLAB_RUNS
 * change it), each run required to pass.
 */
import { describe, expect, it } from 'vitest';
import { testRun, testSeeds } from '../../sim/cli/env.ts';
import { allScenarios } from '../../sim/scenario.ts';
import '../index.ts';

const SEEDS = testSeeds([1, 2, 3]);

describe(`the catalog on seeds ${SEEDS.join(', ')}`, () => {
  for (const s of allScenarios().filter((x) => !x.name.startsWith('demo/'))) {
    it(s.name, () => {
      const failures = SEEDS.map((seed) => testRun(s, { seed })).filter((r) => !r.passed).map((r) => `seed ${r.seed}: ${r.failure!.kind}: ${r.failure!.message}`);
      expect(failures).toEqual([]);
    });
  }
});
