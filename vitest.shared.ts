import { existsSync, readdirSync } from 'node:fs';
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
  return readdirSync(packagesDir)
    .filter((name) => existsSync(path.join(packagesDir, name, 'src/index.ts')))
    .map((name) => ({
      find: new RegExp(`^@gradwell/${name}$`),
      replacement: path.join(packagesDir, name, 'src/index.ts'),
    }));
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
