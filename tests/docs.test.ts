/**
 * The facts the docs state that the code can check: README's package table lists every workspace package
 * with its real status, architecture.md's graph is exactly the package.json dependencies, its file
 * listings name files that exist, and no doc links outside the repository or to a missing file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

/** Every workspace package outside examples/: its folder and manifest. */
function workspacePackages(): Array<{ dir: string; manifest: Manifest }> {
  const dirs = [
    ...['packages', 'apps'].flatMap((group) =>
      readdirSync(path.join(root, group)).map((name) => `${group}/${name}`),
    ),
    'tests',
  ];
  return dirs
    .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(read(`${dir}/package.json`)) as Manifest }));
}

describe("README's package table", () => {
  const rows = read('README.md')
    .split('\n')
    .filter((line) => line.startsWith('| [`@gradwell/'))
    .map((line) => {
      const [, link, , status] = line.split('|').map((cell) => cell.trim());
      const match = /\[`(@gradwell\/[^`]+)`\]\(([^)]+)\)/.exec(link ?? '');
      return { name: match?.[1], dir: match?.[2], status };
    });

  test.each(workspacePackages().map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    '%s has a row that links its folder and gives its status',
    (name, dir, manifest) => {
      const row = rows.find((r) => r.name === name);
      expect(row, `no row for ${name}`).toBeDefined();
      expect(row?.dir).toBe(dir);
      const published = manifest.private !== true;
      const isApp = dir.startsWith('apps/');
      expect(row?.status).toBe(published || isApp ? '✅' : 'internal');
    },
  );

  test('no row names a package that does not exist, and nothing is "planned"', () => {
    const names = new Set(workspacePackages().map((p) => p.manifest.name));
    for (const row of rows) expect(names.has(row.name ?? '')).toBe(true);
    expect(read('README.md')).not.toMatch(/\|\s*planned\s*\|/);
  });
});

describe("architecture.md's graph", () => {
  const text = read('architecture.md');
  const graph = /```mermaid\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const nodes = new Map(
    [...graph.matchAll(/^\s*(\w+)\["(@gradwell\/[\w-]+)/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  const edges = new Set(
    [...graph.matchAll(/^\s*(\w+) --> (\w+)\s*$/gm)].map((m) => `${nodes.get(m[1]!)} -> ${nodes.get(m[2]!)}`),
  );
  const shown = workspacePackages().filter(({ manifest }) => [...nodes.values()].includes(manifest.name));

  test('shows every published package and app', () => {
    for (const { dir, manifest } of workspacePackages())
      if (manifest.private !== true || dir.startsWith('apps/'))
        expect([...nodes.values()]).toContain(manifest.name);
  });

  test('its arrows are exactly the gradwell dependencies of the package.json files', () => {
    const declared = new Set(
      shown.flatMap(({ manifest }) =>
        Object.keys(manifest.dependencies ?? {})
          .filter((dependency) => dependency.startsWith('@gradwell/'))
          .map((dependency) => `${manifest.name} -> ${dependency}`),
      ),
    );
    expect([...edges].sort()).toEqual([...declared].sort());
  });

  test('the technique packages depend on core alone, as the text says', () => {
    for (const name of ['activations', 'init', 'augment', 'regularizers', 'batchnorm']) {
      const manifest = JSON.parse(read(`packages/${name}/package.json`)) as Manifest;
      expect(Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@gradwell/'))).toEqual([
        '@gradwell/core',
      ]);
    }
  });

  test('the files its listings name exist', () => {
    for (const [pkg, block] of [
      ['trainer', /## @gradwell\/trainer\n\n```\n([\s\S]*?)```/.exec(text)?.[1]],
      ['core', /## @gradwell\/core\n\n```\n([\s\S]*?)```/.exec(text)?.[1]],
    ] as const) {
      expect(block, `no listing for ${pkg}`).toBeDefined();
      const names = [...(block ?? '').matchAll(/\b([\w-]+\.ts)\b/g)].map((m) => m[1] as string);
      expect(names.length).toBeGreaterThan(5);
      const files = readdirSync(path.join(root, 'packages', pkg), { recursive: true, encoding: 'utf8' }).map(
        (file) => path.basename(file),
      );
      for (const name of names) expect(files, `${name} in architecture.md`).toContain(name);
    }
  });
});

describe('the activations README (what contributing/add-an-activation.md says a built-in joins)', () => {
  test('names every built-in activation in its catalogue sentence and its initialisation table', async () => {
    const { BUILT_IN_ACTIVATIONS } = await import('@gradwell/activations');
    const readme = read('packages/activations/README.md');
    const catalogue = /Catalogue: ([\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';
    const table = /### Initialisation pairs[\s\S]*?\n\n(\|[\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';
    for (const { name } of BUILT_IN_ACTIVATIONS) {
      expect(catalogue, `${name} in the catalogue sentence`).toContain(`\`${name}\``);
      expect(table, `${name} in the initialisation table`).toMatch(new RegExp(`[|,] ${name}\\b`));
    }
  });
});

describe('links in the docs', () => {
  const docs = [
    'README.md',
    'architecture.md',
    ...readdirSync(path.join(root, 'contributing')).map((file) => `contributing/${file}`),
    ...workspacePackages()
      .map(({ dir }) => `${dir}/README.md`)
      .filter((file) => existsSync(path.join(root, file))),
  ].filter((file) => file.endsWith('.md'));

  test.each(docs)('%s links only to files in the repository that exist', (doc) => {
    const links = [...read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target));
    for (const target of links) {
      const resolved = path.resolve(root, path.dirname(doc), target);
      expect(resolved.startsWith(root + path.sep), `${doc} → ${target} leaves the repository`).toBe(true);
      expect(existsSync(resolved), `${doc} → ${target} does not exist`).toBe(true);
    }
  });
});
