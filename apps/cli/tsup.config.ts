import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';

/** One ESM file with a shebang: the `gradwell` bin. Dependencies stay external (installed with the app). */
export default defineConfig(
  createTsupConfig({
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    banner: { js: '#!/usr/bin/env node' },
  }),
);
