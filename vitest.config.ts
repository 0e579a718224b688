import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { TZ: 'UTC' },
    // fast-check draws from a fixed seed unless told otherwise (docs/reliability.md#fuzzing).
    setupFiles: ['test/setup/fast-check-seed.ts'],
  },
});
