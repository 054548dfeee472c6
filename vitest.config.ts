import { defineConfig } from 'vitest/config';

// Pure code, no globals between files: share module state across files in a
// worker (isolate: false) — the biggest speed lever measured for this suite.
export default defineConfig({
  test: {
    include: ['{sim,protocols,scenarios,checkers,bench,bin,e2e}/**/*.test.ts'],
    pool: 'threads',
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
