import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { repositoryDocs } from './docs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('repositoryDocs', () => {
  test('the tracked Markdown files, the changelogs and changesets left out', () => {
    const docs = repositoryDocs(root);
    expect(docs).toContain('README.md');
    expect(docs).toContain('packages/core/README.md');
    expect(docs.some((file) => file.endsWith('CHANGELOG.md'))).toBe(false);
    expect(docs.some((file) => file.startsWith('.changeset/'))).toBe(false);
    expect(docs.every((file) => file.endsWith('.md') && !path.isAbsolute(file))).toBe(true);
  });
});
