/**
 * The properties as `npm run mutation` runs them (not part of npm test): those
 * of the mutated protocols' labs, each over a fixed number of generated
 * inputs from a fixed fast-check seed, stopping at the first failing input.
 */
import { describe, expect, it } from 'vitest';
import { allProperties, checkProperty } from '../../sim/property.ts';
import { checkPrefixes, MUTATION_FC_SEED, MUTATION_PROPERTY_RUNS, mutationTargets } from './targets.ts';

const { properties: prefixes, modules } = checkPrefixes(mutationTargets());
for (const m of modules) await import(`../${m}`);
const properties = allProperties().filter((p) => prefixes.some((x) => p.name.startsWith(x)));

describe(`properties at fast-check seed ${MUTATION_FC_SEED}`, () => {
  for (const p of properties) {
    it(`${p.name}: ${MUTATION_PROPERTY_RUNS} inputs`, () => {
      const r = checkProperty(p, { seed: MUTATION_FC_SEED, numRuns: MUTATION_PROPERTY_RUNS, endOnFailure: true });
      expect(r.original?.failure ?? null).toBeNull();
    });
  }
});
