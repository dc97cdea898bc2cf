import { defineProject } from 'vitest/config';

/**
 * End-to-end tests: the built site served with its isolation headers, driven in Debian's chromium. They
 * run after every other project (`groupOrder`), alone: they time the page (no frame waits 50 ms while a
 * CNN trains in its worker), and on a 2-core machine another test file beside them took the page's core
 * (waits of 33–50 ms at the first epoch's end in one full run). Alone they read 16.7 ms at most in a calm
 * VM; in a slow phase of the 2-vCPU VM they missed the bound alone too, with the previous build as well.
 */
export default defineProject({
  test: {
    name: 'web',
    sequence: { groupOrder: 1 },
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
