/** `countCorrect`: arg-max predictions against class ids or label rows, counted on the host. */
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { countCorrect } from './batches';

beforeAll(async () => {
  await setupBackend();
});

describe('countCorrect', () => {
  test('against class ids, one-hot rows and probability rows; float ids truncate as a cast does', () => {
    const before = tf.memory().numTensors;
    const outputs = tf.tensor2d([
      [0.1, 2, 0.3],
      [5, 1, 0],
      [0, 0, 9],
      [1, 3, 2],
    ]);
    const predicted = tf.argMax(outputs, -1); // 1, 0, 2, 1
    const ids = tf.tensor1d([1, 0, 1, 1], 'int32');
    const floats = tf.tensor1d([1.7, 0.2, 2.9, 0]);
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2, 2, 1], 'int32'), 3));
    const soft = tf.tensor2d([
      [0.2, 0.7, 0.1],
      [0.6, 0.3, 0.1],
      [0.1, 0.1, 0.8],
      [0.5, 0.25, 0.25],
    ]);
    expect(countCorrect(ids, predicted)).toBe(3);
    expect(countCorrect(floats, predicted)).toBe(3);
    expect(countCorrect(oneHot, predicted)).toBe(3);
    expect(countCorrect(soft, predicted)).toBe(3);
    tf.dispose([outputs, predicted, ids, floats, oneHot, soft]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
