import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import {
  crop,
  cropAt,
  flipHorizontal,
  flipVertical,
  randomCrop,
  randomResizedCrop,
  rescaleBy,
  sampleResizedCropBox,
} from './geometry';

/** A batch whose every value encodes its own (n, row, col, channel) index. */
const N = 2,
  H = 5,
  W = 6,
  C = 3;
const code = (n: number, r: number, c: number, k: number) => n * 1000 + r * 100 + c * 10 + k;
const indexed = () =>
  tf.tensor4d(
    Array.from({ length: N * H * W * C }, (_, i) =>
      code(Math.floor(i / (H * W * C)), Math.floor(i / (W * C)) % H, Math.floor(i / C) % W, i % C),
    ),
    [N, H, W, C],
  );
const at = (t: tf.Tensor, n: number, r: number, c: number, k: number) =>
  (t.arraySync() as number[][][][])[n]![r]![c]![k];

describeOnBackends('geometry', () => {
  test('flips are exact (index arithmetic), for batches and single images', async () => {
    const x = indexed();
    await expectNoLeakedTensors(() => {
      const h = flipHorizontal(x);
      const v = flipVertical(x);
      const both = tf.tidy(() => flipVertical(flipHorizontal(x)));
      for (let n = 0; n < N; n++)
        for (let r = 0; r < H; r++)
          for (let c = 0; c < W; c++)
            for (let k = 0; k < C; k++) {
              expect(at(h, n, r, c, k)).toBe(code(n, r, W - 1 - c, k));
              expect(at(v, n, r, c, k)).toBe(code(n, H - 1 - r, c, k));
              expect(at(both, n, r, c, k)).toBe(code(n, H - 1 - r, W - 1 - c, k));
            }
      tf.dispose([h, v, both]);
    });
    const single = flipHorizontal(tf.tensor3d([[[1], [2], [3]]]));
    expect(single.shape).toEqual([1, 3, 1]);
    expect(Array.from(single.dataSync())).toEqual([3, 2, 1]);
  });

  test('crops are exact, with per-image offsets', () => {
    const x = indexed();
    const y = cropAt(x, [1, 2], [0, 3], [3, 2]);
    expect(y.shape).toEqual([N, 3, 2, C]);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 2; c++) {
        expect(at(y, 0, r, c, 1)).toBe(code(0, 1 + r, c, 1));
        expect(at(y, 1, r, c, 2)).toBe(code(1, 2 + r, 3 + c, 2));
      }
    expect(at(crop(x, { top: 4, left: 5, height: 1, width: 1 }), 1, 0, 0, 0)).toBe(code(1, 4, 5, 0));
  });

  test('randomCrop with padding: windows of the padded image, zero outside', () => {
    const y = randomCrop(tf.ones([4, 5, 5, 1]), { size: [5, 5], padding: 2 }, createRandom(3));
    expect(y.shape).toEqual([4, 5, 5, 1]);
    const total = tf.sum(y).dataSync()[0] as number;
    expect(total).toBeGreaterThanOrEqual(4 * 9); // at least a 3×3 overlap per image
    expect(total).toBeLessThanOrEqual(4 * 25);
  });

  test('randomResizedCrop: boxes follow the scale and ratio ranges; output has the asked size', () => {
    const random = createRandom(4);
    for (let i = 0; i < 200; i++) {
      const [top, left, h, w] = sampleResizedCropBox(100, 80, [0.08, 1], [3 / 4, 4 / 3], random);
      expect(top + h).toBeLessThanOrEqual(100);
      expect(left + w).toBeLessThanOrEqual(80);
      expect((h * w) / 8000).toBeGreaterThan(0.06);
    }
    expect(randomResizedCrop(tf.ones([3, 32, 40, 3]), { size: [16, 16] }, createRandom(1)).shape).toEqual([
      3, 16, 16, 3,
    ]);
  });

  test('rescaleBy: output size round(H·f) × round(W·f); a constant image stays constant', () => {
    for (const factor of [1.1, 1.5, 3, 0.5]) {
      const y = rescaleBy(tf.fill([1, 10, 7, 3], 0.25), factor);
      expect(y.shape).toEqual([1, Math.round(10 * factor), Math.round(7 * factor), 3]);
      expect(Math.max(...tf.abs(tf.sub(y, 0.25)).dataSync())).toBeLessThan(1e-6);
    }
  });

  test('bad parameters name the argument', () => {
    const x = tf.ones([1, 4, 4, 3]);
    expect(() => crop(x, { top: 0, left: 0, height: 5, width: 2 })).toThrow(
      "crop: argument 'size' must be at most the image size [4, 4], got [5, 2]",
    );
    expect(() => crop(x, { top: -1, left: 0, height: 1, width: 1 })).toThrow(
      "crop: argument 'top' must be a non-negative integer, got -1",
    );
    expect(() => randomCrop(x, { size: [6, 6] }, createRandom(0))).toThrow(
      "randomCrop: argument 'size' must be at most the padded image size [4, 4]",
    );
    expect(() => rescaleBy(x, -2)).toThrow("rescaleBy: argument 'factor' must be a number > 0, got -2");
    expect(() => flipHorizontal(tf.ones([4, 4]))).toThrow(
      "flipHorizontal: argument 'images' must be a tensor of rank 3 or 4",
    );
  });
});
