import { createVitestProject } from '../vitest.shared';

export default createVitestProject('integration', ['**/*.test.ts']);
