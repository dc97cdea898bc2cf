import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';
import { tfjsGradientsPlugin } from './build/tfjs-gradients-plugin';

export default defineConfig(
  createTsupConfig({
    entry: {
      index: 'src/index.ts',
      'tfjs-gradient-configs': 'src/gradients/tfjs-gradient-configs.ts',
      // Node-only code behind the conditional import '#node-threads' (a stub elsewhere), so browser
      // bundles never see Node built-ins.
      'node-threads': 'src/backend/node-threads.ts',
      'node-threads-browser': 'src/backend/node-threads-browser.ts',
    },
    external: ['#tfjs-gradient-configs', '#node-threads'],
    esbuildPlugins: [tfjsGradientsPlugin()],
  }),
);
