import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'apps/cli', 'apps/web', 'tests'],
    reporters: ['default'],
  },
});
