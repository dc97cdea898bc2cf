/**
 * Fashion-MNIST (Xiao et al. 2017) from its idx files on disk: no npm package ships them, so the
 * directory is given or named by $GRADWELL_FASHION_MNIST_DIR.
 */
import type { TensorDataset } from '@gradwell/trainer';
import { assertKnownOptions } from '@gradwell/core';
import { IMAGE_SET_LOAD_KEYS, loadIdxImageSet, type ImageSetLoadOptions, type Split } from './idx-files';

/** The environment variable naming a directory of Fashion-MNIST idx files. */
export const FASHION_MNIST_ENV = 'GRADWELL_FASHION_MNIST_DIR';

/** One split of Fashion-MNIST from its idx files (plain or .gz) in `directory` (default: $GRADWELL_FASHION_MNIST_DIR). */
export function loadFashionMnist(
  split: Split,
  options: ImageSetLoadOptions & { directory?: string } = {},
): TensorDataset {
  assertKnownOptions('fashion-mnist', options, [...IMAGE_SET_LOAD_KEYS, 'directory']);
  const directory = options.directory ?? process.env[FASHION_MNIST_ENV];
  if (directory === undefined || directory === '') {
    throw new Error(
      `fashion-mnist: no directory given. Download the four idx files from https://github.com/zalandoresearch/fashion-mnist and pass { directory } or set ${FASHION_MNIST_ENV}.`,
    );
  }
  const { directory: _directory, ...rest } = options;
  return loadIdxImageSet(directory, split, rest, 'fashion-mnist');
}
