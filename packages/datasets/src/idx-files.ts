/**
 * Image sets stored as idx files (LeCun's format: MNIST, Fashion-MNIST, EMNIST, KMNIST): a pair of
 * image and label files per split, plain or gzipped. Only the bytes of the requested examples are read
 * from a plain file, so a small subset loads in milliseconds.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  assertBoolean,
  assertKnownOptions,
  optionKeys,
  assertNonNegativeInteger,
  assertOneOf,
  assertPositiveInteger,
  GradwellArgumentError,
} from '@gradwell/core';
import {
  datasetFromPixels,
  parseIdxHeader,
  type ImageSetOptions,
  type TensorDataset,
} from '@gradwell/trainer';

export type Split = 'train' | 'test';

export interface ImageSetLoadOptions extends ImageSetOptions {
  /** Examples to read (default: all of the split). */
  limit?: number;
  /** First example to read; default 0. */
  offset?: number;
}

export const IMAGE_SET_LOAD_KEYS = optionKeys<ImageSetLoadOptions>({
  flat: 1,
  name: 1,
  limit: 1,
  offset: 1,
});

/** The standard file names of the two splits. */
export const IDX_FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

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

/** Reads `limit` records starting at record `offset` from an idx file (plain or .gz). */
function readIdxRecords(file: string, offset: number | undefined, limit: number | undefined) {
  const whole = file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : undefined;
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

/** One split of an idx image set in `directory`: images [n, h, w, 1] in [0, 1] (or flat), class ids. */
export function loadIdxImageSet(
  directory: string,
  split: Split,
  options: ImageSetLoadOptions,
  name: string,
): TensorDataset {
  assertOneOf(name, 'split', split, ['train', 'test']);
  assertKnownOptions(name, options, IMAGE_SET_LOAD_KEYS);
  if (options.limit !== undefined) assertPositiveInteger(name, 'limit', options.limit);
  if (options.offset !== undefined) assertNonNegativeInteger(name, 'offset', options.offset);
  if (options.flat !== undefined) assertBoolean(name, 'flat', options.flat);
  if (typeof directory !== 'string' || !existsSync(directory))
    throw new GradwellArgumentError(name, 'directory', 'a folder holding the idx files', directory);
  const locate = (base: string) => {
    for (const candidate of [base, `${base}.gz`]) {
      const file = path.join(directory, candidate);
      if (existsSync(file)) return file;
    }
    throw GradwellArgumentError.because(
      name,
      'directory',
      `argument 'directory': no ${base} (or ${base}.gz) in ${directory}. Put the four idx files of the set there (${Object.values(
        IDX_FILES,
      )
        .flatMap((pair) => [pair.images, pair.labels])
        .join(', ')}).`,
    );
  };
  const images = readIdxRecords(locate(IDX_FILES[split].images), options.offset, options.limit);
  const labels = readIdxRecords(locate(IDX_FILES[split].labels), options.offset, options.limit);
  if (labels.count !== images.count)
    throw new Error(`${name}: ${images.count} images but ${labels.count} labels.`);
  return datasetFromPixels(images.data, labels.data, images.shape.slice(1), {
    flat: options.flat,
    name: options.name ?? `${name}-${split}`,
  });
}
