import * as tf from '@tensorflow/tfjs-core';
import {
  constantInitializer,
  createLayerRegistry,
  createRandom,
  sequential,
  type ObjectResolvers,
} from '@gradwell/core';
import {
  describeOnBackends,
  expectNoLeakedTensors,
  expectTensorsClose,
  findVariableGradientMismatches,
} from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { ACTIVATION_LAYER_FACTORIES, Maxout, preluLayer, sreluLayer } from './index';

const resolvers: ObjectResolvers = {
  initializer: (s) => constantInitializer((s.config.value as number | undefined) ?? 0.5),
  activation: () => {
    throw new Error('no activations here');
  },
};

describeOnBackends('learnable activations', () => {
  test('PReLU: per-channel α starting at 0.25, or shared', () => {
    const x = tf.tensor2d([
      [-4, 2, -1],
      [1, -2, 3],
    ]);
    const layer = preluLayer();
    expectTensorsClose(layer.apply(x), [-1, 2, -0.25, 1, -0.5, 3]);
    expect(layer.weights[0]?.variable.shape).toEqual([3]);
    const shared = preluLayer({ shared: true });
    shared.apply(x);
    expect(shared.weights[0]?.variable.shape).toEqual([1]);
  });

  test('SReLU follows its three pieces', () => {
    const layer = sreluLayer({
      tLeftInitializer: constantInitializer(-1),
      aLeftInitializer: constantInitializer(0.1),
      tRightInitializer: constantInitializer(2),
      aRightInitializer: constantInitializer(0.5),
    });
    const y = layer.apply(tf.tensor2d([[-3], [-1], [0.5], [2], [4]]));
    // x ≤ −1: −1 + 0.1(x + 1); −1 < x < 2: x; x ≥ 2: 2 + 0.5(x − 2)
    expectTensorsClose(y, [-1.2, -1, 0.5, 2, 3]);
  });

  test('Maxout takes the max of k affine pieces', () => {
    const layer = new Maxout({
      units: 1,
      pieces: 2,
      kernelInitializer: constantInitializer(1),
      biasInitializer: constantInitializer(0),
    });
    layer.build([2], createRandom(0));
    const [kernel, bias] = layer.weights.map((w) => w.variable);
    kernel?.assign(
      tf.tensor2d([
        [1, -1],
        [2, 0.5],
      ]),
    );
    bias?.assign(tf.tensor1d([0, 1]));
    // pieces: x1 + 2x2 and −x1 + 0.5x2 + 1
    expectTensorsClose(
      layer.apply(
        tf.tensor2d([
          [1, 1],
          [-2, 0],
        ]),
      ),
      [3, 3],
    );
    expect(() => new Maxout({ units: 2, pieces: 0 })).toThrow(
      "maxout: argument 'pieces' must be a positive integer, got 0",
    );
  });

  test('gradients with respect to the learned parameters match central differences', () => {
    const x = tf.tensor2d([
      [-1.3, 0.7, 2.9],
      [0.4, -2.2, 1.1],
    ]);
    for (const layer of [
      preluLayer(),
      sreluLayer({ tRightInitializer: constantInitializer(1.5), aLeftInitializer: constantInitializer(0.2) }),
      new Maxout({ units: 2, pieces: 3 }),
    ]) {
      layer.build([3], createRandom(3));
      const weights = tf.slice(
        tf.tensor2d([
          [0.3, -0.7, 1.1],
          [-0.2, 0.9, 0.5],
        ]),
        [0, 0],
        [2, layer.computeOutputShape([3])[0] as number],
      );
      const loss = () => tf.sum(tf.mul(layer.apply(x), weights));
      expect(
        findVariableGradientMismatches(
          loss,
          layer.weights.map((w) => w.variable),
          { epsilon: 1e-3 },
        ),
      ).toEqual([]);
    }
  });

  test('a model with these layers trains without leaking and round-trips its config', async () => {
    const model = sequential([new Maxout({ units: 4, pieces: 2 }), preluLayer(), sreluLayer()], {
      inputShape: [3],
      seed: 2,
    });
    const x = tf.randomUniform([8, 3], -1, 1, 'float32', 1);
    const optimizer = tf.train.sgd(0.1);
    await expectNoLeakedTensors(() => {
      for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.mean<tf.Scalar>(tf.square(model.apply(x))));
    });
    const registry = createLayerRegistry();
    for (const [name, factory] of ACTIVATION_LAYER_FACTORIES) registry.register(name, factory);
    for (const layer of model.layers)
      expect(registry.get(layer.className)(layer.getConfig(), resolvers).className).toBe(layer.className);
  });
});
