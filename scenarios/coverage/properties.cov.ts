/**
 * The properties as `npm run coverage` runs them (not part of npm test):
 * each one over a fixed number of generated inputs from a fixed fast-check
 * seed (SIMLAB_SEED/SIMLAB_RUNS change them), every input required to pass.
 */
import { describe, expect, it } from 'vitest';
import { testFcParams } from '../../sim/cli/env.ts';
import { allProperties, checkProperty } from '../../sim/property.ts';
import '../index.ts';

const PARAMS = testFcParams({ seed: 1, numRuns: 300 });

describe(`the properties at fast-check seed ${PARAMS.seed}, ${PARAMS.numRuns} inputs each`, () => {
  for (const p of allProperties()) {
    it(p.name, () => {
      const r = checkProperty(p, { ...PARAMS, endOnFailure: true });
      expect(r.original?.failure ?? null).toBeNull();
    });
  }
});
