import type { Options } from 'tsup';

/**
 * The one tsup configuration every gradwell package builds with: ESM + CJS + `.d.ts`, source maps
 * (without embedded sources: see below),
 * tfjs-core and every dependency left external (tsup externalises `dependencies` and
 * `peerDependencies` by default), Node 20 / ES2022 output.
 */
export function createTsupConfig(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Maps point into the package's own src/ (shipped beside dist/) instead of embedding every source
    // twice (ESM + CJS maps): stack traces and debuggers still show the TypeScript, at a third of the size.
    sourcemap: true,
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    ...overrides,
  };
}
