import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Tests import every `@gradwell/*` package from its source, so the whole test run shares one copy of
 * each module (and of its state: registries, installed kernels). Only core's bundled tfjs gradients
 * (`#tfjs-gradient-configs`) come from its build.
 */
export function workspaceAliases(): Array<{ find: RegExp; replacement: string }> {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir).flatMap((name) => {
    const dir = path.join(packagesDir, name);
    if (!existsSync(path.join(dir, 'src/index.ts'))) return [];
    // Subpath exports (`@gradwell/activations/testing`) map to src/<subpath>/index.ts or src/<subpath>.ts.
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
    };
    const subpaths = Object.keys(manifest.exports ?? {})
      .filter((key) => key !== '.' && key !== './package.json')
      .map((key) => key.slice(2))
      .flatMap((sub) => {
        const candidates = [path.join(dir, 'src', sub, 'index.ts'), path.join(dir, 'src', `${sub}.ts`)];
        const file = candidates.find((candidate) => existsSync(candidate));
        return file === undefined
          ? []
          : [{ find: new RegExp(`^@gradwell/${name}/${sub}$`), replacement: file }];
      });
    return [
      ...subpaths,
      { find: new RegExp(`^@gradwell/${name}$`), replacement: path.join(dir, 'src/index.ts') },
    ];
  });
}

/** Shared test settings: wasm start-up and numerical checks need more than the default 5 s. */
export function createVitestProject(name: string, include = ['src/**/*.test.ts']): UserWorkspaceConfig {
  return defineProject({
    resolve: { alias: workspaceAliases() },
    test: {
      name,
      include,
      environment: 'node',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  });
}
