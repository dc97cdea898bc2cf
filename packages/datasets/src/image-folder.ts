/**
 * A folder of labelled images — one sub-folder per class, PNG or JPEG files in each (the layout of
 * Keras's `image_dataset_from_directory` and torchvision's `ImageFolder`) — resized to a square size and
 * split into a training and a test set. Files that are not PNG or JPEG are skipped and counted; an image
 * that cannot be decoded is an error naming the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dispose, image, stack, tensor1d, tidy, type Tensor, type Tensor3D } from '@tensorflow/tfjs-core';
import {
  assertInRange,
  assertKnownOptions,
  optionKeys,
  assertPositiveInteger,
  GradwellArgumentError,
} from '@gradwell/core';
import { decodeImage } from '@gradwell/augment/node';
import { splitDataset, tensorDataset, type TensorDataset } from '@gradwell/trainer';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export interface ImageFolderOptions {
  /** Side of the square the images are resized to; default 32. */
  imageSize?: number;
  /** At most this many images per class (default: all). */
  limit?: number;
  /** Share held out as the test set; default 0.2. */
  testShare?: number;
  /** Seed of the split; default 0. */
  seed?: number;
}

export interface ImageFolderSet {
  name: string;
  train: TensorDataset;
  test: TensorDataset;
  /** Class names (the sub-folder names, sorted), in label order. */
  classNames: string[];
  /** Files that were not PNG or JPEG images and were skipped (paths relative to the folder). */
  skipped: string[];
}

/** An image that is in the folder but cannot be decoded. */
export class UnreadableImageError extends Error {
  override readonly name = 'UnreadableImageError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot read the image '${file}': ${reason}`);
  }
}

function classFolders(root: string): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new GradwellArgumentError('loadImageFolder', 'folder', 'a folder of class sub-folders', root);
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (classes.length < 2)
    throw new Error(
      `loadImageFolder: '${root}' holds ${classes.length} class sub-folder(s); at least 2 are needed (one sub-folder of images per class).`,
    );
  return classes;
}

function decodeResized(file: string, shown: string, size: number): Tensor {
  let decoded: Tensor3D;
  try {
    decoded = decodeImage(readFileSync(file));
  } catch (error) {
    throw new UnreadableImageError(shown, (error as Error).message);
  }
  try {
    return tidy(() => image.resizeBilinear(decoded, [size, size]));
  } finally {
    decoded.dispose();
  }
}

const IMAGE_FOLDER_KEYS = optionKeys<ImageFolderOptions>({
  imageSize: 1,
  limit: 1,
  testShare: 1,
  seed: 1,
});

/** Loads a folder of class sub-folders of images (see the module comment). */
export function loadImageFolder(folder: string, options: ImageFolderOptions = {}): ImageFolderSet {
  assertKnownOptions('loadImageFolder', options, IMAGE_FOLDER_KEYS);
  const size = options.imageSize ?? 32;
  assertPositiveInteger('loadImageFolder', 'imageSize', size);
  if (options.limit !== undefined) assertPositiveInteger('loadImageFolder', 'limit', options.limit);
  const testShare = options.testShare ?? 0.2;
  assertInRange('loadImageFolder', 'testShare', testShare, {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
  });
  if (typeof folder !== 'string' || folder === '')
    throw new GradwellArgumentError('loadImageFolder', 'folder', 'a path to a folder', folder);
  const root = path.resolve(folder);
  const classNames = classFolders(root);
  const images: Tensor[] = [];
  const labels: number[] = [];
  const skipped: string[] = [];
  try {
    classNames.forEach((className, label) => {
      const entries = readdirSync(path.join(root, className), { withFileTypes: true }).filter((e) =>
        e.isFile(),
      );
      const files = entries
        .map((entry) => entry.name)
        .filter((name) => {
          const isImage = IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
          if (!isImage) skipped.push(path.join(className, name));
          return isImage;
        })
        .sort();
      if (files.length === 0)
        throw new Error(`loadImageFolder: the class folder '${className}' holds no PNG or JPEG images.`);
      for (const name of files.slice(0, options.limit ?? Number.POSITIVE_INFINITY)) {
        const image = decodeResized(path.join(root, className, name), path.join(className, name), size);
        // Every image becomes RGB: a grey PNG decodes to 3 equal channels already.
        images.push(image);
        labels.push(label);
      }
    });
    const all = tensorDataset(stack(images), tensor1d(labels, 'int32'), {
      name: path.basename(root),
      numClasses: classNames.length,
    });
    try {
      const { train, validation } = splitDataset(all, { validation: testShare, seed: options.seed ?? 0 });
      return { name: path.basename(root), train, test: validation, classNames, skipped };
    } finally {
      all.dispose();
    }
  } finally {
    dispose(images);
  }
}
