/**
 * contributing/add-an-activation.md, followed as written: from an empty folder outside the repository
 * (gradwell installed from its packed tarballs and the npm registry), write the plugin, check it, train with
 * it, measure it, and build it from TypeScript. The guide's marked blocks are what runs here:
 * `<!-- guide-test: run -->` before a shell block, `<!-- guide-test: file NAME -->` before a file's text.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The guide's marked blocks, in order, as one bash script. */
export function guideScript(markdown: string): string {
  const steps: string[] = [];
  const marker = /<!-- guide-test: (run|file (\S+)) -->\s*\n\s*```\w*\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(marker)) {
    const [, kind, file, body] = match;
    if (kind === 'run') steps.push(body as string);
    else steps.push(`cat > '${file}' <<'GUIDE_EOF'\n${body as string}GUIDE_EOF\n`);
  }
  return ['set -euo pipefail', ...steps].join('\n');
}

test('the guide to a plugin in your own folder works as written, from an empty folder to training and measuring', () => {
  const guide = readFileSync(path.join(root, 'contributing', 'add-an-activation.md'), 'utf8');
  const script = guideScript(guide);
  expect(script).toMatch(/npx gradwell train --plugin/);
  expect(script).toMatch(/cat > 'bent-identity.ts'/);
  const result = spawnSync('bash', ['-c', script], {
    cwd: inject('outside'),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false' },
    timeout: 600_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(result.status, output).toBe(0);
  expect(output).toMatch(/bentIdentity: passes all \d+ checks/);
  expect(output).toMatch(/bentIdentity \(plugin\)/);
  expect(output).toMatch(/glorotUniform \(chosen for bentIdentity\)/);
  expect(output).toMatch(/test accuracy \d+\.\d+%/);
  expect(output).toMatch(/│ bentIdentity +│ [\d.]+ +│ [\d.]+ +│/);
  // One copy of tfjs-core in the folder: the plugin and gradwell share its engine.
  const tree = spawnSync('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], {
    cwd: path.join(inject('outside'), 'my-activation'),
    encoding: 'utf8',
  });
  expect(new Set(tree.stdout.trim().split('\n')).size, tree.stdout).toBe(1);
}, 600_000);
