import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { trainingKernelsInstalled } from '../kernels/install-training-kernels';
import { setupBackend } from './setup-backend';

describe('setupBackend', () => {
  test('defaults to wasm with SIMD, one thread in Node (with the reason when more are asked for)', async () => {
    const report = await setupBackend();
    expect(report).toEqual({ backend: 'wasm', simd: true, threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(trainingKernelsInstalled()).toBe(true);
    const asked = await setupBackend({ backend: 'wasm', threads: 4 });
    expect(asked.threads).toBe(1);
    expect(asked.threadsNote).toMatch(/single-threaded in Node/);
  });

  test('is idempotent and switches between wasm and cpu', async () => {
    expect(await setupBackend()).toEqual(await setupBackend());
    expect((await setupBackend({ backend: 'cpu' })).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await setupBackend({ backend: 'wasm' })).backend).toBe('wasm');
  });

  test('gradients work with tfjs-core alone after set-up', async () => {
    await setupBackend();
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
  });

  test('rejects bad options with the argument named', async () => {
    await expect(setupBackend({ backend: 'webgl' as 'wasm' })).rejects.toThrow(
      "setupBackend: argument 'backend' must be one of 'wasm', 'cpu', got \"webgl\"",
    );
    await expect(setupBackend({ threads: 0 })).rejects.toThrow(
      "argument 'threads' must be a positive integer, got 0",
    );
  });
});
