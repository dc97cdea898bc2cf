/**
 * Every function a published package exports is named in some test — called, or taken by its registry
 * name (`getInitializer('glorotNormal')`) — the engineering rule that every public function has a test.
 * A new export that no test names fails here, naming it. Classes (capitalised) are exercised through
 * their factories and the layers' own tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as activations from '@gradwell/activations';
import * as augment from '@gradwell/augment';
import * as batchnorm from '@gradwell/batchnorm';
import * as core from '@gradwell/core';
import * as datasets from '@gradwell/datasets';
import * as init from '@gradwell/init';
import * as regularizers from '@gradwell/regularizers';
import * as trainer from '@gradwell/trainer';
import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = path.relative(root, fileURLToPath(import.meta.url));

const packages = { activations, augment, batchnorm, core, datasets, init, regularizers, trainer };

/** The text of every test file but this one. */
const tests = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.test.ts'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && file !== self)
  .map((file) => readFileSync(path.join(root, file), 'utf8'))
  .join('\n');

test.each(Object.entries(packages))(
  '@gradwell/%s: every exported function is named in a test',
  (_name, api) => {
    const functions = Object.entries(api as Record<string, unknown>)
      .filter(([name, value]) => typeof value === 'function' && /^[a-z]/.test(name))
      .map(([name]) => name);
    expect(functions.length).toBeGreaterThan(3);
    const untested = functions.filter((name) => !new RegExp(`\\b${name}\\b`).test(tests));
    expect(untested, 'exported functions no test names').toEqual([]);
  },
);
