/**
 * Mean-only batch norm against a float64 closed form (forward, dx, dβ, the running mean) on dense and NHWC
 * inputs, its gradients against central differences, inference, PreciseBN, the config, bad input and leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createLayerRegistry, createRandom } from '@gradwell/core';
import {
  describeOnBackends,
  expectNoLeakedTensors,
  expectTensorsClose,
  findGradientMismatches,
  findVariableGradientMismatches,
} from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { NORMALIZATION_LAYER_FACTORIES } from './index';
import { meanOnlyBatchNormalization, MeanOnlyBatchNorm } from './mean-only-batch-norm';

/** Per-channel float64 mean over every axis but the last. */
function channelMeans(values: number[], channels: number): number[] {
  const means = new Array<number>(channels).fill(0);
  values.forEach((v, i) => (means[i % channels] = (means[i % channels] as number) + v));
  return means.map((s) => (s * channels) / values.length);
}

const CASES: Array<[string, number[]]> = [
  ['dense [6, 3]', [6, 3]],
  ['NHWC [2, 3, 3, 2]', [2, 3, 3, 2]],
];

const weightOf = (layer: MeanOnlyBatchNorm, name: string): tf.Variable => {
  const found = layer.weights.find((w) => w.name.endsWith(`/${name}`));
  if (found === undefined) throw new Error(`no weight ${name}`);
  return found.variable;
};

describeOnBackends('mean-only batch normalisation', () => {
  test.each(CASES)(
    '%s: y = x − μ_B + β, dx = dy − mean_B(dy), dβ = Σ dy, running mean',
    async (_n, shape) => {
      const random = createRandom(21);
      const size = shape.reduce((a, b) => a * b, 1);
      const channels = shape[shape.length - 1] as number;
      const xs = Array.from({ length: size }, () => random.uniform(-2, 3));
      const dys = Array.from({ length: size }, () => random.uniform(-1, 1));
      const betas = Array.from({ length: channels }, () => random.uniform(-1, 1));
      const mean = channelMeans(xs, channels);
      const meanDy = channelMeans(dys, channels);
      const expectedY = xs.map(
        (v, i) => v - (mean[i % channels] as number) + (betas[i % channels] as number),
      );
      const expectedDx = dys.map((v, i) => v - (meanDy[i % channels] as number));
      const expectedDBeta = meanDy.map((v) => (v * size) / channels);
      const layer = meanOnlyBatchNormalization({ momentum: 0.9 });
      const [x, dy] = [tf.tensor(xs, shape), tf.tensor(dys, shape)];
      layer.build(shape.slice(1));
      weightOf(layer, 'beta').assign(tf.tensor1d(betas));
      await expectNoLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => {
          const y = layer.apply(x, { training: true });
          return tf.sum(tf.mul(y, dy));
        });
        const y = layer.apply(x, { training: true });
        const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }), dy)))(
          x,
        );
        const tolerance = { rtol: 1e-5, atol: 1e-5 };
        expectTensorsClose(y.dataSync(), expectedY, tolerance);
        expectTensorsClose(dx.dataSync(), expectedDx, tolerance);
        expectTensorsClose(grads[weightOf(layer, 'beta').name] as tf.Tensor, expectedDBeta, tolerance);
        expect(Object.keys(grads)).toEqual([weightOf(layer, 'beta').name]);
        tf.dispose([value, y, dx, ...Object.values(grads)]);
      });
      // Three training calls on the same batch: running = (1 − 0.9³)·μ_B from zeros.
      expectTensorsClose(
        weightOf(layer, 'movingMean'),
        mean.map((mu) => (1 - 0.9 ** 3) * mu),
        { rtol: 1e-5, atol: 1e-6 },
      );
      tf.dispose([x, dy]);
      layer.dispose();
    },
  );

  test('inference subtracts the running mean only; at batch size 1 too', () => {
    const layer = meanOnlyBatchNormalization();
    layer.build([2]);
    weightOf(layer, 'movingMean').assign(tf.tensor1d([1, -2]));
    weightOf(layer, 'beta').assign(tf.tensor1d([0.5, 0]));
    const x = tf.tensor2d([[3, 3]]);
    expectTensorsClose(layer.apply(x), [2.5, 5]);
    expectTensorsClose(layer.apply(x, { training: false }), [2.5, 5]);
    x.dispose();
    layer.dispose();
  });

  test('center: false learns nothing and centres each channel of the batch at 0', () => {
    const layer = meanOnlyBatchNormalization({ center: false });
    const x = createRandom(3).normalTensor([4, 5, 5, 3], 2, 3);
    const y = layer.apply(x, { training: true });
    expect(layer.trainableWeights).toEqual([]);
    expect(layer.weights.map((w) => w.name.split('/').pop())).toEqual(['movingMean']);
    expectTensorsClose(tf.mean(y, [0, 1, 2]), [0, 0, 0], { atol: 1e-5 });
    layer.dispose();
  });

  test.each([
    ['dense', [6, 3]],
    ['NHWC', [2, 3, 3, 2]],
  ] as const)('%s: gradients of x and β match central differences; nothing leaks', async (_n, shape) => {
    const layer = meanOnlyBatchNormalization();
    const x = createRandom(8).normalTensor([...shape], 0.5, 1.5);
    const dy = createRandom(9).uniformTensor([...shape], -1, 1);
    layer.apply(x, { training: true }).dispose(); // build
    weightOf(layer, 'beta').assign(
      createRandom(10).uniformTensor([shape[shape.length - 1] as number], -1, 1),
    );
    await expectNoLeakedTensors(() => {
      const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }), dy));
      expect(findGradientMismatches((input) => layer.apply(input, { training: true }), [x])).toEqual([]);
      expect(findGradientMismatches(loss, [x], { epsilon: 1e-3 })).toEqual([]);
      expect(
        findVariableGradientMismatches(
          () => loss(x),
          layer.trainableWeights.map((w) => w.variable),
          { epsilon: 1e-3 },
        ),
      ).toEqual([]);
    });
    tf.dispose([x, dy]);
    layer.dispose();
  });

  test('PreciseBN: the running mean becomes the mean over every batch, weighted by size', () => {
    const layer = meanOnlyBatchNormalization();
    const a = tf.tensor2d([
      [1, 10],
      [3, 20],
    ]);
    const b = tf.tensor2d([
      [5, 0],
      [7, 0],
      [9, 0],
      [11, 0],
    ]);
    layer.apply(a, { training: true }).dispose();
    layer.beginStatisticsEstimate();
    layer.apply(a, { training: true }).dispose();
    layer.apply(b, { training: true }).dispose();
    layer.apply(tf.tensor2d([[100, 100]]), { training: false }).dispose(); // inference: not counted
    expect(layer.endStatisticsEstimate()).toBe(6);
    expectTensorsClose(weightOf(layer, 'movingMean'), [36 / 6, 30 / 6], { rtol: 1e-6 });
    tf.dispose([a, b]);
    layer.dispose();
  });

  test('refuses a training batch of one value per channel, leaving the layer unbuilt', () => {
    const layer = meanOnlyBatchNormalization({ name: 'centre' });
    expect(() => layer.apply(tf.ones([1, 3]), { training: true })).toThrow(
      "MeanOnlyBatchNorm 'centre': argument 'x': training needs at least 2 values per channel (one would be centred to β alone), got 1 (input shape [1, 3])",
    );
    expect(layer.weights).toEqual([]);
    expect(() => meanOnlyBatchNormalization({ momentum: 1 })).toThrow(
      "meanOnlyBatchNorm: argument 'momentum' must be a number in [0, 1), got 1",
    );
    expect(() => meanOnlyBatchNormalization({ scale: true } as never)).toThrow("unknown option 'scale'");
    expect(() => meanOnlyBatchNormalization({ center: 'yes' } as never)).toThrow("'center'");
  });

  test('config: written, read back through the registry, unknown fields refused', () => {
    const layer = meanOnlyBatchNormalization({ name: 'mo', momentum: 0.9, center: false });
    expect(layer.getConfig()).toEqual({ name: 'mo', center: false, momentum: 0.9 });
    const registry = createLayerRegistry();
    for (const [name, factory] of NORMALIZATION_LAYER_FACTORIES) registry.register(name, factory);
    const none = () => {
      throw new Error();
    };
    const back = registry.get('MeanOnlyBatchNorm')(layer.getConfig(), {
      initializer: none,
      activation: none,
    });
    expect(back).toBeInstanceOf(MeanOnlyBatchNorm);
    expect(back.getConfig()).toEqual(layer.getConfig());
    expect(() => MeanOnlyBatchNorm.fromConfig({ name: 'mo', epsilon: 1e-3 })).toThrow(
      "unknown field 'epsilon'; MeanOnlyBatchNorm has 'name', 'center', 'momentum'",
    );
  });
});
