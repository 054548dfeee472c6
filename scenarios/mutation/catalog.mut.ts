/**
 * The catalog as `npm run mutation` runs it (not part of npm test): the
 * scenarios of the mutated protocols' labs, on the fixed seeds, one test per
 * (seed, scenario) so that Stryker's per-test coverage runs only the ones
 * that reach a mutant. Seed by seed, in catalog order: a mutant that breaks
 * a lab usually fails on the first seed of an early scenario, and the run
 * stops at the first failure.
 */
import { describe, expect, it } from 'vitest';
import { testRun } from '../../sim/cli/env.ts';
import { allScenarios } from '../../sim/scenario.ts';
import { checkPrefixes, MUTATION_SEEDS, mutationTargets } from './targets.ts';

const { scenarios: prefixes, modules } = checkPrefixes(mutationTargets());
for (const m of modules) await import(`../${m}`);
const scenarios = allScenarios().filter((s) => prefixes.some((p) => s.name.startsWith(p)));

for (const seed of MUTATION_SEEDS) {
  describe(`catalog seed ${seed}`, () => {
    for (const s of scenarios) {
      it(s.name, () => {
        const r = testRun(s, { seed });
        expect(r.passed ? null : `${r.failure!.kind}: ${r.failure!.message}`).toBeNull();
      });
    }
  });
}
