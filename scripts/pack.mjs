#!/usr/bin/env node
/**
 * Packs every publishable workspace package (what `changeset publish` would upload) into a folder and
 * reports each tarball's size, packed and unpacked:
 *
 *   node scripts/pack.mjs [folder]      default folder: a new temporary one; --json for machine output
 *
 * The consumer test (tests/consumer.test.ts) installs these tarballs in a project outside the workspace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The workspace's publishable packages: { name, dir }. */
export function publishablePackages() {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(path.join(root, group))
      .map((name) => path.join(root, group, name))
      .filter((dir) => {
        try {
          return !JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).private;
        } catch {
          return false;
        }
      })
      .map((dir) => ({ name: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name, dir })),
  );
}

/** Bytes of all files in a .tgz (tar entries: 512-byte headers, size in octal at offset 124). */
function unpackedBytes(tarball) {
  const tar = gunzipSync(readFileSync(tarball));
  let total = 0;
  let files = 0;
  for (let at = 0; at + 512 <= tar.length;) {
    const size = parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString('latin1')
        .replace(/\0/g, '')
        .trim() || '0',
      8,
    );
    if (tar[at] === 0) break;
    total += size;
    files += 1;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { bytes: total, files };
}

/** Packs each publishable package into `folder` with pnpm (workspace: versions become real ones). */
export function packAll(folder = mkdtempSync(path.join(tmpdir(), 'gradwell-pack-'))) {
  return publishablePackages().map(({ name, dir }) => {
    // Under `pnpm run` (CI runs pnpm through npx), call the same pnpm; otherwise the one on PATH.
    const pnpm = process.env.npm_execpath?.includes('pnpm')
      ? [process.execPath, [process.env.npm_execpath]]
      : ['pnpm', []];
    const output = execFileSync(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', folder], {
      cwd: dir,
      encoding: 'utf8',
    });
    const tarball = output.trim().split('\n').at(-1).trim();
    const file = path.isAbsolute(tarball) ? tarball : path.join(folder, path.basename(tarball));
    return { name, tarball: file, packedBytes: statSync(file).size, ...unpackedBytes(file) };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const packed = packAll(folder);
  if (process.argv.includes('--json')) console.log(JSON.stringify(packed, null, 2));
  else
    for (const p of packed)
      console.log(
        `${p.name.padEnd(24)} ${(p.packedBytes / 1024).toFixed(1).padStart(7)} kB packed  ${(p.bytes / 1024).toFixed(1).padStart(8)} kB unpacked  ${String(p.files).padStart(4)} files`,
      );
}
