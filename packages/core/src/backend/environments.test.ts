/**
 * `@gradwell/core` from every environment the foundation issue names: Node ESM, Node CJS (separate
 * processes, using the built package) and a browser bundle (esbuild, platform 'browser', as a user's
 * bundler would build it: Node built-ins must not be reachable).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

test.each([
  [
    'ESM',
    [
      '--input-type=module',
      '-e',
      "const { setupBackend, registerGradients } = await import('@gradwell/core'); const r = await setupBackend({ threads: 1 }); console.log(JSON.stringify(r));",
    ],
  ],
  [
    'CJS',
    [
      '-e',
      "require('@gradwell/core').setupBackend({ threads: 1 }).then((r) => console.log(JSON.stringify(r)));",
    ],
  ],
] as const)('Node %s: setupBackend runs wasm with SIMD', (_kind, args) => {
  const output = execFileSync(process.execPath, [...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(JSON.parse(output.trim())).toEqual({
    backend: 'wasm',
    simd: true,
    threads: 1,
    simdKernelThreads: 1,
    xnnpackThreads: 1,
    simdFlavour: 'relaxed-simd',
  });
});

test('a browser bundle builds without Node built-ins and takes the browser path', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gradwell-bundle-'));
  writeFileSync(
    path.join(dir, 'entry.mjs'),
    "export { setupBackend, Dense, sequential } from '@gradwell/core';\n",
  );
  writeFileSync(path.join(dir, 'tsconfig.json'), '{}');
  const result = await build({
    entryPoints: [path.join(dir, 'entry.mjs')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    nodePaths: [path.join(root, 'node_modules')],
    tsconfig: path.join(dir, 'tsconfig.json'),
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0]?.text ?? '';
  expect(code).toContain('the Node.js threads loader is not available in this environment');
  expect(code).not.toMatch(/from ["']node:/);
});
