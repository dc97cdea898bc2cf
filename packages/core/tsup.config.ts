import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';
import { tfjsGradientsPlugin } from './build/tfjs-gradients-plugin';

export default defineConfig([
  createTsupConfig({
    entry: {
      index: 'src/index.ts',
      // Node-only code behind the conditional import '#node-threads' (a stub elsewhere), so browser
      // bundles never see Node built-ins.
      'node-threads': 'src/backend/node-threads.ts',
      'node-threads-browser': 'src/backend/node-threads-browser.ts',
    },
    external: ['#tfjs-gradient-configs', '#node-threads'],
    // The two builds run side by side: this one leaves the other's output alone.
    clean: ['**/*', '!tfjs-gradient-configs.*'],
  }),
  // tfjs-core's own gradient definitions, bundled: no source map (it would point into the build
  // machine's node_modules) and no declarations (core imports it through '#tfjs-gradient-configs').
  createTsupConfig({
    entry: { 'tfjs-gradient-configs': 'src/gradients/tfjs-gradient-configs.ts' },
    esbuildPlugins: [tfjsGradientsPlugin()],
    sourcemap: false,
    dts: false,
    clean: false,
  }),
]);
