import { defineConfig } from 'vitest/config';

// `npm run e2e`: the browser suite (e2e/*.e2e.ts), one file at a time against one Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
