import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base';

export default defineConfig(
  createTsupConfig({
    entry: {
      index: 'src/index.ts',
      node: 'src/node/index.ts',
      // Node's file:// handler behind the conditional import '#file-system' (a stub elsewhere), so browser
      // bundles never see Node built-ins.
      'file-system': 'src/node/file-system.ts',
      'file-system-browser': 'src/node/file-system-browser.ts',
    },
    external: ['#file-system'],
  }),
);
