import { defineProject } from 'vitest/config';

/** End-to-end tests: the built site served with its isolation headers, driven in Debian's chromium. */
export default defineProject({
  test: {
    name: 'web',
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
