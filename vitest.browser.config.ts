import { defineConfig } from 'vitest/config';

/** The docs page in headless Chromium (npm run test:browser); not part of npm test. */
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
