import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // e2e tests share the lab fleet and its namespaces: run files one at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
