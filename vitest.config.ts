import { defineConfig } from 'vitest/config';

// One PGlite instance per worker is shared across test files (isolate: false); every test
// file gets its own schema, so files never see each other's rows.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
