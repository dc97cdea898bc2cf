/**
 * `Identity` on wasm shares its input's buffer: a clone costs no copy and no memory, each tensor is freed
 * on its own, and everything that clones (the engine saving tensors for gradients, `tf.clone`, variables)
 * still sees the values it had.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { setupBackend } from '../index';

beforeAll(async () => {
  await setupBackend({ backend: 'wasm', threads: 1 });
});

describe('Identity on wasm', () => {
  test('a clone shares the buffer: same values, no new buffer, each tensor freed on its own', () => {
    const buffers = tf.memory().numDataBuffers;
    const backendIds = tf.backend().numDataIds();
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.clone(a);
    expect(tf.memory().numDataBuffers).toBe(buffers + 1);
    expect(tf.backend().numDataIds()).toBe(backendIds + 1);
    expect(b.shape).toEqual([2, 2]);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
    expect(tf.backend().numDataIds()).toBe(backendIds);
  });

  test('int32 and bool clone alike; a string tensor goes to tfjs’s kernel', () => {
    const ints = tf.tensor1d([1, -2, 3], 'int32');
    const bools = tf.tensor1d([true, false], 'bool');
    const strings = tf.tensor1d(['a', 'b'], 'string');
    const [ci, cb, cs] = [tf.clone(ints), tf.clone(bools), tf.clone(strings)];
    expect([ci.dtype, cb.dtype, cs.dtype]).toEqual(['int32', 'bool', 'string']);
    expect(Array.from(ci.dataSync())).toEqual([1, -2, 3]);
    expect(Array.from(cb.dataSync())).toEqual([1, 0]);
    expect(cs.dataSync()).toEqual(['a', 'b']);
    tf.dispose([ints, bools, strings, ci, cb, cs]);
  });

  test('a variable assigned after a clone leaves the clone as it was; gradients that save inputs are right', () => {
    const before = tf.memory().numTensors;
    const [first, next] = [tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])];
    const v = tf.variable(first);
    const copy = tf.clone(v);
    v.assign(next);
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    // d/dx Σ x·sin(x) = sin(x) + x·cos(x): Mul and Sin save their inputs (the engine clones them).
    const x = tf.tensor1d([0.5, -1, 2]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, tf.sin(t))))(x);
    const expected = [0.5, -1, 2].map((t) => Math.sin(t) + t * Math.cos(t));
    Array.from(grad.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i] as number, 5));
    tf.dispose([first, next, v, copy, x, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
