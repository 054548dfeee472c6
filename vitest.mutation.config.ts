import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';
import { checkPrefixes, mutationProtocols, mutationTargets } from './scenarios/mutation/targets.ts';

// npm run mutation (scenarios/mutation/run.ts → Stryker's vitest runner): the checks that try to kill
// the mutants of the targets SIMLAB_MUTATE names — the catalog of their labs on the fixed seeds, their
// properties at the fixed budget, then the protocols' own unit tests (the *.mutation.test.ts among them).
const targets = mutationTargets();
const prefixes = checkPrefixes(targets);
const include = [
  ...(prefixes.scenarios.length > 0 ? ['scenarios/mutation/catalog.mut.ts'] : []),
  ...(prefixes.properties.length > 0 ? ['scenarios/mutation/properties.mut.ts'] : []),
  ...mutationProtocols(targets).map((p) => `protocols/${p}/**/*.test.ts`),
];

/** The catalog first, the properties next, the unit tests last: a mutant's first killer (Stryker's killedBy) then says whether the simulator's checks caught it. */
class CatalogFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => (f.moduleId.endsWith('catalog.mut.ts') ? 0 : f.moduleId.endsWith('properties.mut.ts') ? 1 : 2);
    return [...files].sort((a, b) => rank(a) - rank(b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
  }
}

export default defineConfig({
  resolve: base.resolve,
  test: {
    ...base.test,
    include,
    sequence: { sequencer: CatalogFirst },
  },
});
