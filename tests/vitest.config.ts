import { defineProject, mergeConfig } from 'vitest/config';
import { createVitestProject } from '../vitest.shared';

export default mergeConfig(
  createVitestProject('integration', ['**/*.test.ts']),
  defineProject({ test: { globalSetup: ['./global-setup.ts'] } }),
);
