/** Ioffe & Szegedy's MNIST experiment in small (trainer's batchNormExperiment, shared with the CLI and the web app). */
import { setupBackend } from '@gradwell/core';
import { loadMnist } from '@gradwell/datasets';
import { batchNormExperiment } from '@gradwell/trainer';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, expect, test } from 'vitest';

beforeAll(async () => {
  await setupBackend();
});

test('3×100 sigmoid MLP on an MNIST subset: with batch norm, higher test accuracy after the same steps', async () => {
  const data = {
    train: loadMnist('train', { limit: 6000, flat: true }),
    test: loadMnist('test', { limit: 2000, flat: true }),
  };
  const result = await expectNoLeakedTensors(() => batchNormExperiment(data, { steps: 400, seed: 3 }));
  expect(result.withBatchNorm.testAccuracy).toBeGreaterThan(result.withoutBatchNorm.testAccuracy);
  expect(result.withBatchNorm.testAccuracy).toBeGreaterThan(0.8);
  expect(result.withBatchNorm.curve).toHaveLength(10);
  expect(result.withBatchNorm.curve.at(-1)?.step).toBe(400);
  const [p15, p50, p85] = result.withBatchNorm.curve[9]?.percentiles ?? [0, 0, 0];
  expect(p15).toBeLessThan(p50);
  expect(p50).toBeLessThan(p85);
  data.train.dispose();
  data.test.dispose();
});
