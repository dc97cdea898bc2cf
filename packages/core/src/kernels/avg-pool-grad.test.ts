/**
 * `AvgPoolGrad` (avg-pool-grad.ts) through tfjs: gradwell's SIMD kernel on wasm, the JavaScript loop it
 * replaces there (`setSimdKernels(false)`) and the same loop on the cpu backend give the same bits, for
 * disjoint, overlapping and padded windows and any channel count; nothing leaks. The kernel itself
 * against a reference: pool-windows.test.ts; the padded border against its closed form and the gradient
 * against central differences: stock-tfjs-defects.test.ts and the op table.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectSameFloats, seededFloats } from '@gradwell/test-utils';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { setupBackend } from '../index';
import { setSimdKernels } from './simd/simd-kernels';

/** Seeded floats in [-1, 1). */
const values = (count: number, seed: number): Float32Array => seededFloats(count, seed);

describe('AvgPoolGrad through tfjs', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 1 });
  });
  afterEach(async () => {
    setSimdKernels(true);
    await setupBackend({ backend: 'wasm', threads: 1 });
  });

  test.each([
    { shape: [4, 16, 16, 32], size: 2, stride: 2, pad: 'valid' as const }, // DenseNet's transition
    { shape: [2, 9, 9, 24], size: 3, stride: 1, pad: 'same' as const }, // Inception's pooling branch
    { shape: [2, 11, 11, 8], size: 3, stride: 2, pad: 'same' as const },
    { shape: [3, 7, 9, 6], size: 2, stride: 2, pad: 'same' as const }, // 4 + 2 channels, padded
    { shape: [2, 5, 6, 3], size: 2, stride: 1, pad: 'valid' as const }, // 3 channels
  ])(
    'avgPool of $shape, window $size, stride $stride, $pad: SIMD = JavaScript loop = cpu, bit for bit',
    async ({ shape, size, stride, pad }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const gradient = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(values(count, 5), shape as [number, number, number, number]);
          const weights = (y: tf.Tensor) => tf.tensor(values(y.size, 6), y.shape);
          const f = (v: tf.Tensor) => {
            const y = tf.avgPool(v as tf.Tensor4D, size, stride, pad);
            return tf.sum(tf.mul(y, weights(y)));
          };
          return tf.grad(f)(x).dataSync().slice();
        });
      const before = tf.memory().numTensors;
      const on = gradient();
      setSimdKernels(false);
      const off = gradient();
      setSimdKernels(true);
      expect(tf.memory().numTensors).toBe(before);
      await setupBackend({ backend: 'cpu' });
      const cpu = gradient();
      expectSameFloats(on, off);
      expectSameFloats(on, cpu);
    },
  );

  test('on two threads the images are shared among them: the same bits as on one', async () => {
    const shape: [number, number, number, number] = [64, 28, 28, 24]; // 4.8 MB of dx: shared
    const dy = () => tf.tensor4d(values(64 * 14 * 14 * 24, 8), [64, 14, 14, 24]);
    const run = () =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel<tf.Tensor>(
            'AvgPoolGrad',
            { dy: dy(), input: tf.zeros(shape) },
            { filterSize: 3, strides: 2, pad: 'same' },
          )
          .dataSync()
          .slice(),
      );
    const one = run();
    await setupBackend({ backend: 'wasm', threads: 2 });
    expectSameFloats(run(), one);
  });
});
