import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Pure code, no globals between files: share module state across files in a
// worker (isolate: false) — the biggest speed lever measured for this suite.
export default defineConfig({
  // `import … from 'simlab'` (README examples, user files) means the library entry's sources, as the typecheck's paths do.
  resolve: { alias: [{ find: /^simlab$/, replacement: fileURLToPath(new URL('./lib/index.ts', import.meta.url)) }] },
  test: {
    // Every test file in the repository, a user's own anywhere too; the package test (npm run test:pack) and generated files apart.
    include: ['**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'pack/**', '.cache/**'],
    pool: 'threads',
    // SIMLAB_WORKERS caps the worker threads, as it does for simlab sweep (bad values are the CLI's to report).
    ...(/^[1-9]\d*$/.test(process.env.SIMLAB_WORKERS ?? '') ? { maxWorkers: Number(process.env.SIMLAB_WORKERS) } : {}),
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
