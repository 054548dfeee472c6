// StrykerJS for `npm run mutation` (scenarios/mutation/run.ts sets SIMLAB_MUTATE and SIMLAB_MUTATION_NAME;
// see README "Mutation testing"). Mutants are killed by the vitest project of vitest.mutation.config.ts.
const targets = process.env.SIMLAB_MUTATE_GLOBS;
const name = process.env.SIMLAB_MUTATION_NAME;
if (!targets || !name) throw new Error('run Stryker through `npm run mutation [-- FILES]` (it sets SIMLAB_MUTATE_GLOBS and SIMLAB_MUTATION_NAME)');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // TypeScript 7 (the native compiler) has no JS compiler API, which @stryker-mutator/typescript-checker needs: no checker.
  checkers: [],
  // Stryker rewrites tsconfigFile's extends/references for the sandbox with the same missing API (ts.parseConfigFileTextToJson);
  // ours has neither, so name a file that does not exist and the rewrite is skipped (vite reads tsconfig.json itself).
  tsconfigFile: 'tsconfig.stryker-skip.json',
  mutate: targets.split(','),
  coverageAnalysis: 'perTest',
  // Two Stryker workers (each one vitest thread): the machine has 2 cores.
  concurrency: Number(process.env.SIMLAB_MUTATION_CONCURRENCY ?? 2),
  incremental: true,
  incrementalFile: `.cache/mutation/${name}.incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: '.cache/stryker-tmp',
  ignorePatterns: ['/dist', '/coverage', '/.cache', '/simlab-artifacts', '/soak-results', '/e2e', '/pack'],
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
  // Generous: other work shares the 2 cores, and a slow but correct run must not count as a kill (hitLimit catches real infinite loops).
  timeoutMS: 30000,
};
