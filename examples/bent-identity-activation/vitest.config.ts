import { createVitestProject } from '../../vitest.shared';

export default createVitestProject('example-bent-identity');
