/**
 * The repository's docs, for the tests that read them as code (doc examples, documented commands).
 */
import { execFileSync } from 'node:child_process';

/**
 * Every Markdown file git tracks under `root` (paths relative to it) but the changelogs and changesets,
 * which are history: what they show was true once and is not checked again.
 */
export function repositoryDocs(root: string): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !file.endsWith('CHANGELOG.md') && !file.startsWith('.changeset/'));
}
