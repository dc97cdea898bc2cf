import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { batchNormalization, batchRenormalization } from '@gradwell/batchnorm';
import { dropoutLayer } from '@gradwell/regularizers';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { estimateBatchNormStatistics } from './batch-norm-statistics';
import { batchStream, tensorDataset } from './data/dataset';
import { spirals } from './data/synthetic';
import { fit } from './training/fit';
import { dense } from './layers';
import { model } from './model';

beforeAll(async () => {
  await setupBackend();
});

/** Rows of 3 features (seeded, shifted and scaled per feature) and class ids. */
function rows(count: number) {
  const random = createRandom(3);
  const values = Array.from({ length: count }, () => [
    random.normal() * 2 + 1,
    random.normal() * 0.5 - 3,
    random.uniform(0, 4),
  ]);
  return {
    values,
    data: tensorDataset(
      tf.tensor2d(values),
      tf.tensor1d(
        values.map((_, i) => i % 3),
        'int32',
      ),
    ),
  };
}

/** Per feature: the mean over `values`, and the batches' unbiased variances weighted by their sizes (float64). */
function expected(all: number[][], batchSize: number) {
  const values = all.length % batchSize === 1 ? all.slice(0, -1) : all; // a last batch of one is left out
  const mean = [0, 1, 2].map((j) => values.reduce((s, r) => s + r[j]!, 0) / values.length);
  const variance = [0, 0, 0];
  for (let start = 0; start < values.length; start += batchSize) {
    const batch = values.slice(start, start + batchSize);
    if (batch.length < 2) continue;
    for (let j = 0; j < 3; j++) {
      const m = batch.reduce((s, r) => s + r[j]!, 0) / batch.length;
      const unbiased = batch.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / (batch.length - 1);
      variance[j]! += unbiased * batch.length;
    }
  }
  return { mean, variance: variance.map((v) => v / values.length) };
}

const statistics = (m: ReturnType<typeof model>, layer: string) =>
  Object.fromEntries(
    m.layers
      .find((l) => l.name === layer)!
      .nonTrainableWeights.map((w) => [w.name.split('/')[1], Array.from(w.variable.dataSync())]),
  ) as { movingMean: number[]; movingVariance: number[] };

describe('estimateBatchNormStatistics', () => {
  test.each([
    [16, undefined, 50],
    [16, 20, 20],
    [7, undefined, 49],
  ])(
    'batches of %i (examples %s): the mean over every example, the size-weighted unbiased batch variances',
    async (batchSize, examples, used) => {
      const { values, data } = rows(50);
      const m = model([batchNormalization({ name: 'bn' })], { inputShape: [3] });
      const estimate = await expectNoLeakedTensors(() =>
        estimateBatchNormStatistics(m, data, { batchSize, ...(examples === undefined ? {} : { examples }) }),
      );
      expect(estimate).toEqual({ layers: ['bn'], examples: used });
      const want = expected(values.slice(0, examples ?? 50), batchSize);
      const got = statistics(m, 'bn');
      got.movingMean.forEach((v, j) => expect(v).toBeCloseTo(want.mean[j]!, 4));
      got.movingVariance.forEach((v, j) => expect(v).toBeCloseTo(want.variance[j]!, 3));
      m.dispose();
      data.dispose();
    },
  );

  test('a trained network: only the running statistics change, dropout draws as if it had not run', async () => {
    const data = spirals({ pointsPerClass: 30, seed: 2 });
    const m = model(
      [
        dense({ units: 16, activation: 'relu', name: 'h1' }),
        batchNormalization({ name: 'bn', momentum: 0.99 }),
        dropoutLayer({ rate: 0.3, seed: 4, name: 'drop' }),
        batchRenormalization({ name: 'renorm' }),
        dense({ units: 3, name: 'out' }),
      ],
      { inputShape: [2], seed: 1 },
    );
    await fit(m, data, { epochs: 2, batchSize: 10, seed: 1 });
    const trainable = m.trainableWeights.map((w) => Array.from(w.variable.dataSync()));
    const before = statistics(m, 'bn');
    const dropout = m.layers.find((l) => l.name === 'drop') as unknown as { getRandomState(): unknown };
    const state = dropout.getRandomState();
    const estimate = await estimateBatchNormStatistics(m, data);
    expect(estimate).toEqual({ layers: ['bn', 'renorm'], examples: 90 });
    expect(m.trainableWeights.map((w) => Array.from(w.variable.dataSync()))).toEqual(trainable);
    expect(statistics(m, 'bn').movingMean).not.toEqual(before.movingMean);
    expect(dropout.getRandomState()).toEqual(state);
    // In one batch of everything, bn's mean is the mean of its inputs exactly.
    const single = await estimateBatchNormStatistics(m, data, { batchSize: 90 });
    expect(single.examples).toBe(90);
    const inputs = tf.tidy(() => tf.mean(m.layers[0]!.apply(data.x, { training: false }), 0));
    statistics(m, 'bn').movingMean.forEach((v, j) => expect(v).toBeCloseTo(inputs.dataSync()[j]!, 4));
    inputs.dispose();
    m.dispose();
    data.dispose();
  });

  test('bad input is an error naming it; a failing pass puts the statistics back', async () => {
    const { data } = rows(20);
    const plain = model([dense({ units: 3 })], { inputShape: [3] });
    await expect(estimateBatchNormStatistics(plain, data)).rejects.toThrow(
      /estimateBatchNormStatistics: argument 'model' must be a model with batch-norm layers.*got "layers Dense"/,
    );
    const m = model([batchNormalization({ name: 'bn' })], { inputShape: [3] });
    await expect(estimateBatchNormStatistics(m, data, { batchSize: 0 })).rejects.toThrow(/'batchSize'/);
    await expect(estimateBatchNormStatistics(m, data, { examples: 1.5 })).rejects.toThrow(/'examples'/);
    await expect(estimateBatchNormStatistics(m, data, { batch_size: 8 } as object)).rejects.toThrow(
      /did you mean 'batchSize'/,
    );
    const wrong = tensorDataset(tf.zeros([4, 5]), tf.tensor1d([0, 1, 2, 0], 'int32'));
    await expect(estimateBatchNormStatistics(m, wrong)).rejects.toThrow(/shape \[3\]/);
    const before = statistics(m, 'bn');
    const failing = batchStream(
      function* () {
        yield data.batch([0, 1, 2, 3]);
        throw new Error('the disk went away');
      },
      { inputShape: [3], numClasses: 3 },
    );
    const count = tf.memory().numTensors;
    await expect(estimateBatchNormStatistics(m, failing)).rejects.toThrow(/the disk went away/);
    expect(tf.memory().numTensors).toBe(count);
    expect(statistics(m, 'bn')).toEqual(before);
    for (const d of [plain, m, data, wrong]) d.dispose();
  });
});
