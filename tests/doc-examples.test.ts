/**
 * The code the docs show runs. Every `ts`/`js` block of every Markdown doc is run as a module, in a folder
 * of its own (what it writes goes there; `file:///abs/path/` in it stands for that folder), with the
 * workspace's packages as a user's app would import them. Two comments before a block steer it:
 * `<!-- example: continues the block above -->` runs it after that block, in the same module;
 * `<!-- example: not run: <why> -->` leaves it out, and the why must say which test runs the same calls.
 * A block that the plugin guide's test writes as a file (`<!-- guide-test: file NAME -->`) is that file
 * beside every example of its doc (`import … from './bent-identity.js'`), not an example itself.
 * The example scripts of the packages (`packages/<name>/examples/*.mjs`) run as documented too, on the
 * build.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repositoryDocs } from '@gradwell/test-utils';

const execFile = promisify(execFileCallback);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Modules go inside the workspace, so bare imports resolve as in an app that depends on the packages. */
const modules = path.join(root, 'tests', '.doc-examples');

interface Example {
  /** `file:line` of its first block. */
  where: string;
  code: string;
  /** TypeScript (type-checked against the packages' published types) or JavaScript. */
  language: 'ts' | 'js';
  /** Why it is not run, when a comment says so. */
  notRun?: string;
}

const MARKER = /^<!-- (?:example: (continues the block above|not run: (.+))|guide-test: file (\S+)) -->$/;

/** The files a doc's blocks write (`<!-- guide-test: file NAME -->` before the block), by name. */
function filesIn(text: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [, name, code] of text.matchAll(/<!-- guide-test: file (\S+) -->\s*\n```\w*\n([\s\S]*?)\n```/g))
    files[name as string] = code as string;
  return files;
}

/** The examples of one Markdown text: its ts/js blocks, continued blocks joined to the one before. */
function examplesIn(file: string, text: string): Example[] {
  const examples: Example[] = [];
  const lines = text.split('\n');
  let marker: RegExpExecArray | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const found = MARKER.exec(line);
    if (found !== null) {
      marker = found;
      continue;
    }
    const fence = /^```(ts|js|typescript|javascript)$/.exec(line);
    if (fence === null) {
      if (line.trim() !== '') marker = undefined;
      continue;
    }
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block without its closing fence`);
    const code = lines.slice(i + 1, end).join('\n');
    const where = `${file}:${i + 1}`;
    if (marker?.[3] !== undefined) {
      // a file the guide writes: filesIn() puts it beside the doc's examples
    } else if (marker?.[1] === 'continues the block above') {
      const previous = examples.at(-1);
      if (previous === undefined) throw new Error(`${where}: continues, but no block comes before it`);
      previous.code += `\n${code}`;
    } else {
      const language = fence[1]?.startsWith('t') === true ? 'ts' : 'js';
      examples.push({ where, code, language, ...(marker?.[2] === undefined ? {} : { notRun: marker[2] }) });
    }
    marker = undefined;
    i = end;
  }
  return examples;
}

const texts = new Map(
  repositoryDocs(root).map((file) => [file, readFileSync(path.join(root, file), 'utf8')] as const),
);
const examples = [...texts].flatMap(([file, text]) => examplesIn(file, text));
const run = examples.filter((e) => e.notRun === undefined);

/** Each example's module (beside its doc's guide files) and the folder it runs in, written before the tests. */
const written = new Map<string, { module: string; folder: string }>();

beforeAll(() => {
  rmSync(modules, { recursive: true, force: true });
  for (const example of run) {
    const here = path.join(modules, example.where.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(here, { recursive: true });
    const doc = texts.get(example.where.split(':')[0] as string) as string;
    for (const [name, text] of Object.entries(filesIn(doc))) writeFileSync(path.join(here, name), text);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'gradwell-doc-example-'));
    const module = path.join(here, `example.${example.language === 'ts' ? 'ts' : 'mjs'}`);
    const code = example.code.replaceAll('file:///abs/path/', `${pathToFileURL(folder).href}/`);
    writeFileSync(module, `${code}\nexport {};\n`);
    written.set(example.where, { module, folder });
  }
  // What an app in Node has: strict, ES modules resolved as Node resolves them, the packages' .d.ts files.
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    skipLibCheck: true,
    types: ['node'],
  };
  writeFileSync(
    path.join(modules, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, include: ['*/example.ts'] }),
  );
});

afterAll(() => {
  rmSync(modules, { recursive: true, force: true });
  for (const { folder } of written.values()) rmSync(folder, { recursive: true, force: true });
});

describe('the code blocks of the docs', () => {
  test('are found, and each one left out says why and which test runs its calls instead', () => {
    expect(run.length).toBeGreaterThanOrEqual(10);
    for (const file of ['README.md', 'packages/core/README.md', 'packages/trainer/README.md'])
      expect(
        run.some((e) => e.where.startsWith(`${file}:`)),
        file,
      ).toBe(true);
    for (const { where, notRun } of examples.filter((e) => e.notRun !== undefined))
      expect(notRun, where).toMatch(/\.test\.ts runs /);
  });

  test.each(run.map((e) => [e.where] as const))('%s runs', async (where) => {
    const { module, folder } = written.get(where) as { module: string; folder: string };
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      await import(/* @vite-ignore */ pathToFileURL(module).href);
    } finally {
      process.chdir(cwd);
    }
  });

  test("the TypeScript ones type-check (strict) against the packages' published types", async () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await execFile(process.execPath, [tsc, '-p', path.join(modules, 'tsconfig.json')], {
      cwd: root,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(result.stdout.replaceAll(`${modules}/`, '')).toBe('');
  });
});

describe("the packages' example scripts", () => {
  const scripts = readdirSync(path.join(root, 'packages')).flatMap((name) => {
    const dir = path.join('packages', name, 'examples');
    try {
      return readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });

  test.each(scripts)('node %s <folder> runs and writes there', async (script) => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'gradwell-example-script-'));
    try {
      await execFile(process.execPath, [path.join(root, script), folder], { cwd: folder });
      expect(readdirSync(folder).length).toBeGreaterThan(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the markers', () => {
  test("join a continued block to the one before, keep why a block is not run, and take the guide's files", () => {
    const doc = [
      '```ts',
      'const a = 1;',
      '```',
      '',
      '<!-- example: continues the block above -->',
      '',
      '```ts',
      'console.log(a);',
      '```',
      '<!-- example: not run: it needs a GPU; gpu.test.ts runs the same calls -->',
      '```js',
      'gpu();',
      '```',
      '<!-- guide-test: file plugin.mjs -->',
      '```js',
      'export const plugin = 1;',
      '```',
      '```sh',
      'echo not code',
      '```',
    ].join('\n');
    expect(examplesIn('doc.md', doc)).toEqual([
      { where: 'doc.md:1', code: 'const a = 1;\nconsole.log(a);', language: 'ts' },
      {
        where: 'doc.md:11',
        code: 'gpu();',
        language: 'js',
        notRun: 'it needs a GPU; gpu.test.ts runs the same calls',
      },
    ]);
    expect(filesIn(doc)).toEqual({ 'plugin.mjs': 'export const plugin = 1;' });
  });

  test('a marker applies to the next block only, and a continuation needs a block before it', () => {
    const doc = ['<!-- example: not run: x.test.ts runs it -->', 'Some prose.', '```ts', 'ok();', '```'];
    expect(examplesIn('doc.md', doc.join('\n'))).toEqual([
      { where: 'doc.md:3', code: 'ok();', language: 'ts' },
    ]);
    expect(() =>
      examplesIn(
        'doc.md',
        ['<!-- example: continues the block above -->', '```ts', 'x();', '```'].join('\n'),
      ),
    ).toThrow(/no block comes before it/);
  });
});
