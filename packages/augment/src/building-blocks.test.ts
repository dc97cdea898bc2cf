/**
 * The exported building blocks the steps are made of: colour-space conversions against closed forms,
 * the saved normaliser, ImageData in, and the batches of a dataset.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { grayscaleChannel, hsvToRgb, rgbToHsv } from './color';
import { imageDataToTensor } from './image-data';
import { batchesOf, fitNormalizer, normalizerFrom } from './normalizer';

beforeAll(async () => {
  await setupBackend();
});

/** One pixel per colour, [1, 1, n, 3]. */
const pixels = (rgb: number[][]) => tf.tensor4d(rgb.flat(), [1, 1, rgb.length, 3]);

describe('colour spaces', () => {
  test('rgbToHsv matches the closed form on primaries, grey and a mixed colour; hsvToRgb inverts it', async () => {
    await expectNoLeakedTensors(() => {
      const colours = [
        [1, 0, 0], // red: h 0, s 1, v 1
        [0, 1, 0], // green: h 1/3
        [0, 0, 1], // blue: h 2/3
        [0.5, 0.5, 0.5], // grey: h 0, s 0, v ½
        [0.2, 0.4, 0.8], // max b 0.8, min r 0.2: s = 0.6/0.8, h = (4 + (r − g)/c)/6 = (4 − 1/3)/6
      ];
      const x = pixels(colours);
      const [h, s, v] = rgbToHsv(x);
      const near = (t: tf.Tensor, expected: number[]) =>
        Array.from(t.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 6));
      near(h, [0, 1 / 3, 2 / 3, 0, (4 - 1 / 3) / 6]);
      near(s, [1, 1, 1, 0, 0.75]);
      near(v, [1, 1, 1, 0.5, 0.8]);
      const back = hsvToRgb(h, s, v);
      expectTensorsClose(back, x, { atol: 1e-6 });
      tf.dispose([x, h, s, v, back]);
    });
  });

  test('grayscaleChannel is the ITU-R 601 luma 0.2989 R + 0.587 G + 0.114 B', async () => {
    await expectNoLeakedTensors(() => {
      const x = pixels([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0.2, 0.4, 0.8],
      ]);
      const y = grayscaleChannel(x);
      expect(y.shape).toEqual([1, 1, 4, 1]);
      Array.from(y.dataSync()).forEach((value, i) =>
        expect(value).toBeCloseTo(
          [0.2989, 0.587, 0.114, 0.2989 * 0.2 + 0.587 * 0.4 + 0.114 * 0.8][i] as number,
          6,
        ),
      );
      tf.dispose([x, y]);
    });
  });
});

describe('normalizerFrom', () => {
  test("(x − mean)/std per channel, its inverse and mean subtraction; toJSON round-trips; the caller's arrays are copied", async () => {
    await expectNoLeakedTensors(() => {
      const mean = [0.5, 1];
      const std = [0.25, 2];
      const normalizer = normalizerFrom(mean, std);
      mean[0] = 99; // later changes to the caller's arrays do not reach the normaliser
      const x = tf.tensor2d([
        [1, 3],
        [0, -1],
      ]);
      const y = normalizer.transform(x);
      expect(Array.from(y.dataSync())).toEqual([2, 1, -2, -1]);
      const back = normalizer.inverse(y);
      expectTensorsClose(back, x, { atol: 1e-6 });
      const centred = normalizer.subtractMean(x);
      expect(Array.from(centred.dataSync())).toEqual([0.5, 2, -0.5, -2]);
      const again = normalizerFrom(normalizer.toJSON().mean, normalizer.toJSON().std);
      expect(again.toJSON()).toEqual({ mean: [0.5, 1], std: [0.25, 2] });
      tf.dispose([x, y, back, centred]);
    });
  });

  test('bad statistics and images of other channels are named', () => {
    expect(() => normalizerFrom([], [])).toThrow(
      "normalizerFrom: argument 'meanValues' must be a non-empty array of finite numbers, got []",
    );
    expect(() => normalizerFrom([0, Number.NaN], [1, 1])).toThrow(/'meanValues'/);
    expect(() => normalizerFrom([0, 0], [1, 0])).toThrow(
      "normalizerFrom: argument 'stdValues' must be 2 finite numbers > 0, got [1, 0]",
    );
    expect(() => normalizerFrom([0, 0], [1])).toThrow(/'stdValues' must be 2 finite numbers > 0/);
    const normalizer = normalizerFrom([0, 0, 0], [1, 1, 1]);
    const two = tf.zeros([2, 2]);
    expect(() => normalizer.transform(two)).toThrow(
      "normalizer.transform: argument 'images' must be a last axis of 3 channels (the normaliser's), got a float32 tensor of shape [2, 2]",
    );
    expect(() => normalizer.subtractMean(two)).toThrow(/normalizer\.subtractMean: argument 'images'/);
    two.dispose();
  });

  test('fitNormalizer takes epsilon > 0 and finite data', async () => {
    const constant = tf.fill([2, 2, 2, 1], 3);
    await expect(fitNormalizer(constant, { epsilon: 0 })).rejects.toThrow(
      "fitNormalizer: argument 'epsilon' must be a number > 0, got 0",
    );
    const fitted = await fitNormalizer(constant);
    expect(fitted.mean).toEqual([3]);
    expect(fitted.std[0]).toBeGreaterThan(0); // a constant channel: std = epsilon, no division by zero
    const nan = tf.tensor2d([[Number.NaN], [1]]);
    await expect(fitNormalizer(nan)).rejects.toThrow(
      /fitNormalizer: argument 'dataset batch' must be finite values/,
    );
    tf.dispose([constant, nan]);
  });
});

describe('imageDataToTensor', () => {
  test('RGBA bytes to an [h, w, 3] tensor in [0, 1], alpha dropped', async () => {
    await expectNoLeakedTensors(() => {
      const data = Uint8ClampedArray.from([255, 0, 51, 7, 0, 255, 0, 255]);
      const image = imageDataToTensor({ data, width: 2, height: 1 });
      expect(image.shape).toEqual([1, 2, 3]);
      Array.from(image.dataSync()).forEach((v, i) =>
        expect(v).toBeCloseTo([1, 0, 0.2, 0, 1, 0][i] as number, 6),
      );
      image.dispose();
    });
  });

  test('a size that disagrees with the bytes, or no ImageData at all, is named', () => {
    const data = new Uint8ClampedArray(8);
    expect(() => imageDataToTensor({ data, width: 3, height: 1 })).toThrow(
      'imageDataToTensor: argument \'data\' must be a Uint8ClampedArray of width × height × 4 = 12 RGBA bytes, got "8 bytes"',
    );
    expect(() => imageDataToTensor({ data, width: 0, height: 2 })).toThrow(
      /'width' must be a positive integer/,
    );
    expect(() => imageDataToTensor({ data: [1, 2, 3, 4] as never, width: 1, height: 1 })).toThrow(/'data'/);
    expect(() => imageDataToTensor(undefined as never)).toThrow(/'imageData'/);
  });
});

test('batchesOf: a tensor is one batch; an array, a generator or an async generator gives its own', async () => {
  const a = tf.zeros([2, 1]);
  const b = tf.ones([3, 1]);
  const sizes = async (dataset: Parameters<typeof batchesOf>[0]) => {
    const out: number[] = [];
    for await (const batch of batchesOf(dataset)) out.push(batch.shape[0]);
    return out;
  };
  expect(await sizes(a)).toEqual([2]);
  expect(await sizes([a, b])).toEqual([2, 3]);
  expect(
    await sizes(
      (function* () {
        yield b;
      })(),
    ),
  ).toEqual([3]);
  expect(
    await sizes(
      (async function* () {
        yield await Promise.resolve(a); // as a reader of files would
        yield b;
      })(),
    ),
  ).toEqual([2, 3]);
  tf.dispose([a, b]);
});
