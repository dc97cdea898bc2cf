import { createVitestProject } from '../../vitest.shared';

export default createVitestProject('datasets');
