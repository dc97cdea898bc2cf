#!/usr/bin/env node
/**
 * Loads the shipped CC0 photo and writes the lecture's augmentation panels as PNG files:
 * original, horizontal flip, vertical flip, both, a random crop, colour jitter and a 3-step pipeline.
 *
 *   node packages/augment/examples/write-variants.mjs [output-folder]   (default: ./augment-variants)
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { colorJitter, compose, flipHorizontal, flipVertical, randomCrop, rescaleBy } from '@gradwell/augment';
import { readImage, samplePhotoPath, writePng } from '@gradwell/augment/node';

await setupBackend();
const out = path.resolve(process.argv[2] ?? 'augment-variants');
await mkdir(out, { recursive: true });
const photo = rescaleBy(await readImage(samplePhotoPath()), 0.5);
const random = createRandom(1);
const variants = {
  original: photo,
  'flip-horizontal': flipHorizontal(photo),
  'flip-vertical': flipVertical(photo),
  'flip-both': flipVertical(flipHorizontal(photo)),
  'random-crop': randomCrop(
    photo,
    { size: [Math.floor(photo.shape[0] * 0.6), Math.floor(photo.shape[1] * 0.6)] },
    random,
  ),
  'color-jitter': colorJitter(photo, { brightness: 0.4, contrast: 0.4, saturation: 0.6, hue: 0.2 }, random),
  pipeline: compose(
    [
      { type: 'flipHorizontal', p: 0.5 },
      { type: 'randomResizedCrop', params: { size: [256, 256] } },
      { type: 'colorJitter', params: { brightness: 0.3, hue: 0.1 } },
    ],
    { seed: 7 },
  ).apply(photo),
};
for (const [name, image] of Object.entries(variants)) {
  const file = path.join(out, `${name}.png`);
  await writePng(file, image);
  console.log(`wrote ${file} (${image.shape.join('×')})`);
}
tf.dispose(Object.values(variants));
