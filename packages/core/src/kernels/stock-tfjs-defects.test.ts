/**
 * Reproduces, on stock tfjs 4.22, each kernel defect that gradwell's training kernels fix, then checks
 * the fix. If a tfjs upgrade fixes one upstream, its "stock" assertion fails here and tells us the
 * replacement can go.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@gradwell/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installTrainingKernels, setupBackend, uninstallTrainingKernels } from '../index';

const conv = (x: tf.Tensor4D, w: tf.Tensor4D) =>
  tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(w);
const maxPoolGradient = () =>
  tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(
    tf.tensor4d([-4, -1, -3, -2], [1, 2, 2, 1]),
  );
/** A 2 × 2 window whose first value is NaN, then 1, 2, 3 (one channel of four). */
const nanFirstMaxPool = () =>
  tf.maxPool(
    tf.tensor4d(
      [Number.NaN, 1, 2, 3].flatMap((v) => [v, 0, 0, 0]),
      [1, 2, 2, 4],
    ),
    2,
    2,
    'valid',
  );
const avgPoolGradient = () =>
  tf.grad((x: tf.Tensor) => tf.sum(tf.avgPool(x as tf.Tensor4D, 3, 1, 'same')))(tf.ones([1, 3, 3, 1]));
const nearestGradient = () =>
  tf.grad((x: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [4, 4])))(
    tf.ones([2, 2, 2, 1]),
  );

describe('stock tfjs 4.22 on wasm, without gradwell kernels', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm' });
    uninstallTrainingKernels();
  });
  afterAll(() => installTrainingKernels());

  test('conv2d has no filter gradient (Conv2DBackpropFilter missing)', () => {
    expect(() => conv(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]))).toThrow(/Conv2DBackpropFilter/);
  });

  test('maxPool misroutes the gradient of windows whose values are all ≤ 0', () => {
    expect(Array.from(maxPoolGradient().dataSync())).not.toEqual([0, 1, 0, 0]);
  });

  test('maxPool gives −∞ for a 2 × 2 window whose first value is NaN (XNNPACK), where cpu gives 3', () => {
    expect(nanFirstMaxPool().dataSync()[0]).toBe(-Infinity);
  });

  test('gather with batchDims 1 reads the wrong batch entry (x [2, 5, 6, 3], rows of image 1)', () => {
    const x = tf.reshape(tf.range(0, 180), [2, 5, 6, 3]);
    const rows = tf.add(tf.reshape(tf.tensor1d([1, 2], 'int32'), [2, 1]), tf.range(0, 3, 1, 'int32'));
    const firstOfImage1 = tf.gather(x, rows, 1, 1).arraySync() as number[][][][];
    expect(firstOfImage1[1]?.[0]?.[0]?.[0]).not.toBe(90 + 2 * 18); // image 1, row 2
  });

  test('float32 oneHot comes out as integer bit patterns', () => {
    const values = tf.oneHot(tf.tensor1d([1], 'int32'), 2, 1, 0, 'float32').dataSync();
    expect(values[1]).not.toBe(1);
  });
});

describe('with gradwell kernels', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm' });
  });

  test('maxPool routes the gradient to the window maximum even when it is negative', () => {
    expect(Array.from(maxPoolGradient().dataSync())).toEqual([0, 1, 0, 0]);
  });

  test('maxPool passes over a NaN at the front of a window, as the cpu backend does', () => {
    expect(nanFirstMaxPool().dataSync()[0]).toBe(3);
  });

  test('float32 oneHot is float32 ones and zeros', () => {
    expect(Array.from(tf.oneHot(tf.tensor1d([1, 0], 'int32'), 2, 1, 0, 'float32').dataSync())).toEqual([
      0, 1, 1, 0,
    ]);
  });

  test.each(['wasm', 'cpu'] as const)(
    'resizeNearestNeighbor gradient sums each 2×2 block, every batch entry [%s]',
    async (backend) => {
      await setupBackend({ backend });
      expect(Array.from(nearestGradient().dataSync())).toEqual(new Array(8).fill(4));
    },
  );

  test.each(['wasm', 'cpu'] as const)(
    "avgPool 'same' gradient divides by each window's in-bounds count [%s]",
    async (backend) => {
      await setupBackend({ backend });
      // Each input pixel reaches the windows around it, each of which divides by its own in-bounds count.
      const expected = [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [2, 0],
        [2, 1],
        [2, 2],
      ].map(([r, c]) => {
        let total = 0;
        for (let wr = (r as number) - 1; wr <= (r as number) + 1; wr++) {
          for (let wc = (c as number) - 1; wc <= (c as number) + 1; wc++) {
            if (wr < 0 || wr > 2 || wc < 0 || wc > 2) continue;
            const rows = Math.min(2, wr + 1) - Math.max(0, wr - 1) + 1;
            const cols = Math.min(2, wc + 1) - Math.max(0, wc - 1) + 1;
            total += 1 / (rows * cols);
          }
        }
        return total;
      });
      expectTensorsClose(avgPoolGradient().dataSync(), expected, { rtol: 1e-6 });
    },
  );
});
