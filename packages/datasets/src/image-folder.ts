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

function classFolders(root: string, context = 'loadImageFolder'): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new GradwellArgumentError(context, 'folder', 'a folder of class sub-folders', root);
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (classes.length < 2)
    throw new Error(
      `${context}: '${root}' holds ${classes.length} class sub-folder(s); at least 2 are needed (one sub-folder of images per class).`,
    );
  return classes;
}

/**
 * The class names of a folder of labelled images — its sub-folders (hidden ones aside), sorted — in the
 * label order `loadImageFolder` gives them: what a model trained on the folder's labels mean.
 */
export function imageFolderClasses(folder: string): string[] {
  if (typeof folder !== 'string' || folder === '')
    throw new GradwellArgumentError('imageFolderClasses', 'folder', 'a path to a folder', folder);
  return classFolders(path.resolve(folder), 'imageFolderClasses');
}

function decodeResized(file: string, shown: string, [height, width]: readonly [number, number]): Tensor3D {
  let decoded: Tensor3D;
  try {
    decoded = decodeImage(readFileSync(file));
  } catch (error) {
    throw new UnreadableImageError(shown, (error as Error).message);
  }
  try {
    return tidy(() => image.resizeBilinear(decoded, [height, width]));
  } finally {
    decoded.dispose();
  }
}

/**
 * One PNG or JPEG file as `loadImageFolder` reads its images: RGB in [0, 1], resized (bilinear, aspect
 * not kept) to `[height, width]` — to classify new images the way a model saw its training set.
 */
export function loadImageFile(file: string, size: readonly [number, number]): Tensor3D {
  if (typeof file !== 'string' || file === '')
    throw new GradwellArgumentError('loadImageFile', 'file', 'a path to a PNG or JPEG file', file);
  if (!Array.isArray(size) || size.length !== 2)
    throw new GradwellArgumentError('loadImageFile', 'size', '[height, width]', size);
  assertPositiveInteger('loadImageFile', 'size[0]', size[0]);
  assertPositiveInteger('loadImageFile', 'size[1]', size[1]);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new GradwellArgumentError('loadImageFile', 'file', 'a path to a PNG or JPEG file', file);
  return decodeResized(file, file, size);
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
        const image = decodeResized(path.join(root, className, name), path.join(className, name), [
          size,
          size,
        ]);
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
