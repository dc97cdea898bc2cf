/**
 * MNIST-format image sets (28×28 grey digits or clothes) from idx bytes to a dataset: pixels scaled to
 * [0, 1], shape [n, 28, 28, 1] (or [n, 784] with `flat`). Browser-safe; the Node loaders read the bytes.
 */
import { assertKnownOptions, assertPositiveInteger, GradwellArgumentError, optionKeys } from '@gradwell/core';
import { hostDataset, type TensorDataset } from './dataset';
import { decodeIdx } from './idx';

export const MNIST_CLASSES = 10;

/** Fashion-MNIST's class names, in label order. */
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface ImageSetOptions {
  /** [n, 784] instead of [n, 28, 28, 1]. */
  flat?: boolean;
  name?: string;
}

const IMAGE_SET_KEYS = optionKeys<ImageSetOptions>({ flat: 1, name: 1 });

/** A dataset from the bytes of an idx image file and its idx label file. */
export function datasetFromIdx(
  imageFile: Uint8Array,
  labelFile: Uint8Array,
  options: ImageSetOptions = {},
): TensorDataset {
  assertKnownOptions('datasetFromIdx', options, IMAGE_SET_KEYS);
  const images = decodeIdx(imageFile, `${options.name ?? 'images'} (images)`);
  const labels = decodeIdx(labelFile, `${options.name ?? 'images'} (labels)`);
  return datasetFromPixels(images.data, labels.data, images.shape.slice(1), options);
}

/** A dataset from raw bytes: `pixels` holds n·h·w values in 0..255, `labels` n class ids. */
export function datasetFromPixels(
  pixels: Uint8Array,
  labels: Uint8Array,
  imageShape: number[],
  options: ImageSetOptions = {},
): TensorDataset {
  const context = 'datasetFromPixels';
  assertKnownOptions(context, options, IMAGE_SET_KEYS);
  for (const [argument, bytes] of Object.entries({ pixels, labels }))
    if (!(bytes instanceof Uint8Array))
      throw new GradwellArgumentError(context, argument, 'a Uint8Array of bytes', bytes);
  const shape: unknown = imageShape;
  if (!Array.isArray(shape) || shape.length !== 2)
    throw new GradwellArgumentError(context, 'imageShape', '[height, width] of grey images', imageShape);
  imageShape.forEach((size, i) => assertPositiveInteger(context, `imageShape[${i}]`, size));
  const perImage = imageShape.reduce((a, b) => a * b, 1);
  const n = labels.length;
  if (pixels.length !== n * perImage)
    throw GradwellArgumentError.because(
      context,
      'pixels',
      `${options.name ?? 'images'}: ${n} labels need ${n * perImage} pixels of [${imageShape.join(', ')}], got ${pixels.length}.`,
    );
  const label = labels.findIndex((value) => value >= MNIST_CLASSES);
  if (label >= 0)
    throw new GradwellArgumentError(
      context,
      `labels[${label}]`,
      `a class id below ${MNIST_CLASSES}`,
      labels[label],
    );
  const values = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) values[i] = (pixels[i] as number) / 255;
  const inputShape = options.flat === true ? [perImage] : [...imageShape, 1];
  return hostDataset(values, Int32Array.from(labels), inputShape, {
    name: options.name ?? 'images',
    numClasses: MNIST_CLASSES,
  });
}
