import * as tf from '@tensorflow/tfjs-core';
import { createLayerRegistry, createRandom, sequential } from '@gradwell/core';
import {
  describeOnBackends,
  expectNoLeakedTensors,
  expectTensorsClose,
  findGradientMismatches,
  findVariableGradientMismatches,
} from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { batchNormalization } from './batch-norm-layer';
import { batchRenormalization } from './batch-renorm';
import { distributionSnapshot, quantile } from './distribution-snapshot';
import { groupNormalization } from './group-norm';
import { NORMALIZATION_LAYER_FACTORIES } from './index';
import { layerNormalization } from './layer-norm';

describeOnBackends('normalisation relatives', () => {
  test('LayerNorm normalises each example over its features; works at batch size 1', () => {
    const x = tf.tensor2d([
      [1, 2, 3, 6],
      [-1, 0, 1, 0],
    ]);
    const y = layerNormalization({ epsilon: 1e-6 }).apply(x);
    const { mean, variance } = tf.moments(y, 1);
    expectTensorsClose(mean, [0, 0], { atol: 1e-6 });
    expectTensorsClose(variance, [1, 1], { atol: 1e-4 });
    expect(layerNormalization().apply(tf.ones([1, 4])).shape).toEqual([1, 4]);
  });

  test("GroupNorm normalises each (example, group) over height, width and the group's channels", () => {
    const x = createRandom(2).normalTensor([2, 4, 4, 6], 3, 2);
    const y = groupNormalization({ groups: 3, epsilon: 1e-6 }).apply(x);
    const grouped = tf.reshape(y, [2, 4, 4, 3, 2]);
    const { mean, variance } = tf.moments(grouped, [1, 2, 4]);
    expectTensorsClose(mean, new Array(6).fill(0), { atol: 1e-5 });
    expectTensorsClose(variance, new Array(6).fill(1), { atol: 1e-3 });
    expect(() => groupNormalization({ groups: 4 }).apply(tf.ones([1, 2, 2, 6]))).toThrow(
      '4 groups do not divide 6 channels',
    );
  });

  test('BatchRenorm equals batch norm at r = 1, d = 0 (r_max = 1, d_max = 0)', () => {
    const x = createRandom(4).normalTensor([8, 3], 1, 2);
    const renorm = batchRenormalization({ rMax: 1, dMax: 0 }).apply(x, { training: true });
    const plain = batchNormalization().apply(x, { training: true });
    expectTensorsClose(renorm, plain, { rtol: 1e-5, atol: 1e-5 });
    expect(() => batchRenormalization({ rMax: 0.5 })).toThrow(
      "batchRenorm: argument 'rMax' must be a number ≥ 1, got 0.5",
    );
  });

  test.each([
    ['BatchNorm (fused)', () => batchNormalization(), [6, 3]],
    ['BatchNorm (autodiff)', () => batchNormalization({ gradient: 'autodiff' }), [6, 3]],
    ['LayerNorm', () => layerNormalization(), [4, 5]],
    ['GroupNorm', () => groupNormalization({ groups: 2 }), [2, 3, 3, 4]],
    ['BatchRenorm', () => batchRenormalization({ rMax: 1.5, dMax: 0.5 }), [6, 3]],
  ] as const)(
    '%s: gradients for x and the weights match central differences; nothing leaks',
    async (_name, make, shape) => {
      const layer = make();
      const x = createRandom(8).normalTensor([...shape], 0.5, 1.5);
      const dy = createRandom(9).uniformTensor([...shape], -1, 1);
      layer.apply(x, { training: true }).dispose(); // build
      if (layer.className === 'BatchRenorm') {
        // Its gradient treats r and d as constants by design; with running statistics far from the batch's,
        // both sit at their clipping bounds, where they are constant, so central differences must agree.
        layer.weights.find((w) => w.name.endsWith('movingMean'))?.variable.assign(tf.fill([3], 100));
        layer.weights.find((w) => w.name.endsWith('movingVariance'))?.variable.assign(tf.fill([3], 1e4));
      }
      const trainable = layer.trainableWeights.map((w) => w.variable);
      await expectNoLeakedTensors(() => {
        expect(
          findGradientMismatches((input) => layer.apply(input, { training: true }), [x], { epsilon: 1e-3 }),
        ).toEqual([]);
        expect(
          findVariableGradientMismatches(
            () => tf.sum(tf.mul(layer.apply(x, { training: true }), dy)),
            trainable,
            { epsilon: 1e-3 },
          ),
        ).toEqual([]);
      });
    },
  );

  test('every normalisation layer round-trips its config through the registry', () => {
    const registry = createLayerRegistry();
    for (const [name, factory] of NORMALIZATION_LAYER_FACTORIES) registry.register(name, factory);
    const model = sequential(
      [batchNormalization({ momentum: 0.9 }), layerNormalization(), batchRenormalization()],
      { inputShape: [4] },
    );
    for (const layer of model.layers)
      expect(
        registry
          .get(layer.className)(layer.getConfig(), {
            initializer: () => {
              throw new Error();
            },
            activation: () => {
              throw new Error();
            },
          })
          .getConfig(),
      ).toEqual(layer.getConfig());
  });
});

test('distributionSnapshot: percentiles and histograms per feature', () => {
  const values = Array.from({ length: 101 }, (_, i) => [i, -i]).flat();
  const snapshot = distributionSnapshot(tf.tensor2d(values, [101, 2]), { bins: 4 });
  expect(snapshot[0]).toMatchObject({ feature: 0, p15: 15, p50: 50, p85: 85, mean: 50 });
  expect(snapshot[1]).toMatchObject({ p15: -85, p50: -50, p85: -15 });
  expect(snapshot[0]?.histogram.counts.reduce((a, b) => a + b, 0)).toBe(101);
  expect(quantile([0, 10], 0.25)).toBe(2.5);
  expect(() => distributionSnapshot(tf.ones([2, 2]), { features: [5] })).toThrow(
    "distributionSnapshot: argument 'features' must be feature indices in [0, 2), got 5",
  );
});
