import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';

export default defineConfig(
  createTsupConfig({ entry: { index: 'src/index.ts', node: 'src/node/index.ts' } }),
);
