import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// npm run coverage (scenarios/coverage/run.ts): the catalog and the properties as two projects, each run alone
// with v8 branch coverage of protocols/ (reports under coverage/, which git ignores).
export default defineConfig({
  resolve: base.resolve,
  test: {
    ...base.test,
    include: [],
    projects: [
      { extends: true, test: { name: 'catalog', include: ['scenarios/coverage/catalog.cov.ts'] } },
      { extends: true, test: { name: 'properties', include: ['scenarios/coverage/properties.cov.ts'] } },
    ],
    coverage: {
      provider: 'v8',
      include: ['protocols/**/*.ts'],
      // Test and trace tooling, not protocol logic: the testkits, Raft's script tests, the trace describers.
      exclude: ['**/*.test.ts', 'protocols/**/testkit.ts', 'protocols/raft/script.ts', 'protocols/**/describe.ts'],
      reporter: ['json', 'html'],
    },
  },
});
