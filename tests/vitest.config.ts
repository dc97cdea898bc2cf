import { defineProject, mergeConfig } from 'vitest/config';
import { createVitestProject } from '../vitest.shared';

export default mergeConfig(
  createVitestProject('integration', ['**/*.test.ts']),
  // The end-to-end runs train real models on MNIST: minutes each on a busy 2-core machine.
  defineProject({ test: { globalSetup: ['./global-setup.ts'], testTimeout: 600_000 } }),
);
