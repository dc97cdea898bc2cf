import type { Options } from 'tsup';

/**
 * The one tsup configuration every gradwell package builds with: ESM + CJS + `.d.ts`, sourcemaps,
 * tfjs-core and every dependency left external (tsup externalises `dependencies` and
 * `peerDependencies` by default), Node 20 / ES2022 output.
 */
export function createTsupConfig(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    outDir: 'dist',
    ...overrides,
  };
}
