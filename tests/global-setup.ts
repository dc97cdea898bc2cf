/**
 * Packs every publishable package once per test run (what `changeset publish` would upload), for the tests
 * that install gradwell outside the workspace as a user would (consumer.test.ts, plugin-guide.test.ts).
 * The tarballs go to `<tmp>/gradwell-packages`, the folder name the contributing guide uses.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: a plain ESM script of the repository, without declarations
import { packAll } from '../scripts/pack.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder holding `gradwell-packages/` (the tarballs); install projects beside it. */
    outside: string;
  }
}

export default function setup(project: TestProject): () => void {
  const outside = mkdtempSync(path.join(tmpdir(), 'gradwell-outside-'));
  const packages = path.join(outside, 'gradwell-packages');
  mkdirSync(packages);
  (packAll as (folder: string) => unknown)(packages);
  project.provide('outside', outside);
  return () => rmSync(outside, { recursive: true, force: true });
}
