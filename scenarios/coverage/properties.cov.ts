/**
 * The properties as `npm run coverage` runs them (not part of npm test):
 * each one over a fixed number of generated inputs from a fixed fast-check
 * seed (SIMLAB_SEED/SIMLAB_RUNS change them), every input required to pass.
 */
import { describe, expect, it } from 'vitest';
import { testFcParams } from '../../sim/cli/env.ts';
import { allProperties, checkProperty } from '../../sim/property.ts';
import '../index.ts';

/** Inputs per property: 1,000 for the Raft ones (about 7 ms a run), 30 for any other (a kvraft run costs about 100 times more). */
const runsOf = (name: string) => (name.startsWith('prop/raft/') ? 1000 : 30);

describe('the properties at fast-check seed 1', () => {
  for (const p of allProperties()) {
    const params = testFcParams({ seed: 1, numRuns: runsOf(p.name) });
    it(`${p.name}: ${params.numRuns} inputs`, () => {
      const r = checkProperty(p, { ...params, endOnFailure: true });
      expect(r.original?.failure ?? null).toBeNull();
    });
  }
});
