import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setupBackend } from '@gradwell/core';
import { beforeAll, expect, test } from 'vitest';
import { decodeImage, encodePng, readImage, samplePhotoPath, writePng } from './index';

beforeAll(async () => {
  await setupBackend();
});

test('the shipped CC0 photo decodes to an RGB tensor in [0, 1]', async () => {
  const photo = await readImage(samplePhotoPath());
  expect(photo.rank).toBe(3);
  expect(photo.shape[2]).toBe(3);
  expect(photo.shape[0] * photo.shape[1]).toBeGreaterThan(100_000);
  const [lo, hi] = [tf.min(photo).dataSync()[0] as number, tf.max(photo).dataSync()[0] as number];
  expect(lo).toBeGreaterThanOrEqual(0);
  expect(hi).toBeLessThanOrEqual(1);
  photo.dispose();
});

test('PNG encoding round-trips 8-bit values exactly', async () => {
  const values = Array.from({ length: 4 * 5 * 3 }, (_, i) => (i * 17) % 256).map((v) => v / 255);
  const image = tf.tensor3d(values, [4, 5, 3]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gradwell-augment-')), 'x.png');
  await writePng(file, image);
  const back = await readImage(file);
  expect(Array.from(back.dataSync()).map((v) => Math.round(v * 255))).toEqual(
    values.map((v) => Math.round(v * 255)),
  );
  expect(decodeImage(encodePng(image)).shape).toEqual([4, 5, 3]);
  expect(() => decodeImage(new Uint8Array([1, 2, 3]))).toThrow('neither PNG nor JPEG');
});
