import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors, loadMnistSplit } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { compareBatchNormOnMlp, type ClassificationData } from './mnist-experiment';

beforeAll(async () => {
  await setupBackend();
});

test('3×100 sigmoid MLP on an MNIST subset: with batch norm, higher test accuracy after the same steps', async () => {
  const train = loadMnistSplit('train', { limit: 6000 });
  const test = loadMnistSplit('test', { limit: 2000 });
  const data: ClassificationData = {
    trainImages: tf.tensor2d(train.images, [train.count, 784]),
    trainLabels: tf.tensor1d(Int32Array.from(train.labels), 'int32'),
    testImages: tf.tensor2d(test.images, [test.count, 784]),
    testLabels: tf.tensor1d(Int32Array.from(test.labels), 'int32'),
  };
  const result = await expectNoLeakedTensors(() => compareBatchNormOnMlp(data, { steps: 400, seed: 3 }));
  expect(result.withBatchNorm.testAccuracy).toBeGreaterThan(result.withoutBatchNorm.testAccuracy);
  expect(result.withBatchNorm.testAccuracy).toBeGreaterThan(0.8);
  expect(result.withBatchNorm.curve).toHaveLength(10);
  const [p15, p50, p85] = result.withBatchNorm.curve[9]?.percentiles ?? [0, 0, 0];
  expect(p15).toBeLessThan(p50);
  expect(p50).toBeLessThan(p85);
  tf.dispose(Object.values(data));
});
