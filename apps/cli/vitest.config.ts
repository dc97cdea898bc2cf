import { createVitestProject } from '../../vitest.shared';

export default createVitestProject('cli', ['test/**/*.test.ts']);
