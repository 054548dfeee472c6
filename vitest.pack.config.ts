import { defineConfig } from 'vitest/config';

// npm run test:pack: packs simlab, installs the tarball into a scratch project
// outside the repository and uses it there as a user would (pack/pack.test.ts).
export default defineConfig({
  test: {
    include: ['pack/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
