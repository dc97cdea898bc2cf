import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';
import { tfjsGradientsPlugin } from './build/tfjs-gradients-plugin';

export default defineConfig(
  createTsupConfig({
    entry: {
      index: 'src/index.ts',
      'tfjs-gradient-configs': 'src/gradients/tfjs-gradient-configs.ts',
    },
    external: ['#tfjs-gradient-configs'],
    // import.meta.url in the CJS build (node-threads resolves the wasm package's files with it).
    shims: true,
    esbuildPlugins: [tfjsGradientsPlugin()],
  }),
);
