import * as tf from '@tensorflow/tfjs-core';
import {
  constantInitializer,
  describeOnBackends,
  expectGradientsMatchNumeric,
  expectNoLeakedTensors,
  expectTensorsClose,
  testActivations,
} from '@gradwell/test-utils';
import { describe, expect, test } from 'vitest';
import type { ObjectResolvers } from '../contracts';
import { createRandom } from '../random';
import { computeFans, glorotUniformInitializer, zerosInitializer } from './default-initializers';
import { ActivationLayer } from './activation';
import { Conv2d, convOutputLength } from './conv2d';
import { DepthwiseConv2d } from './depthwise-conv2d';
import { createLayerRegistry } from './core-layers';
import { Dense } from './dense';
import { avgPool2d, flatten, globalAveragePool, maxPool2d } from './pooling';
import { Sequential, sequential } from './sequential';

const { relu, tanh } = testActivations;
const constant = constantInitializer;

const resolvers: ObjectResolvers = {
  activation: (s) => ({ relu, tanh })[s.className as 'relu' | 'tanh'],
  initializer: (s) =>
    s.className === 'zeros'
      ? zerosInitializer
      : s.className === 'constant'
        ? constant(s.config.value as number)
        : glorotUniformInitializer,
};

describe('shape helpers', () => {
  test('computeFans: dense [in, out], conv [kh, kw, in, out]', () => {
    expect(computeFans([784, 512])).toEqual({ fanIn: 784, fanOut: 512 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
  });

  test('convOutputLength', () => {
    expect(convOutputLength(28, 3, 1, 'valid')).toBe(26);
    expect(convOutputLength(28, 3, 2, 'same')).toBe(14);
    expect(convOutputLength(28, 3, 1, 'valid', 2)).toBe(24);
  });
});

describeOnBackends('basic layers', () => {
  test('dense computes f(x·W + b), fused and unfused', () => {
    const x = tf.tensor2d([
      [1, -2],
      [3, 4],
    ]);
    const fusedLayer = new Dense({
      units: 3,
      activation: relu,
      kernelInitializer: constant(0.5),
      biasInitializer: constant(-1),
    });
    const plainLayer = new Dense({
      units: 3,
      activation: tanh,
      kernelInitializer: constant(0.5),
      biasInitializer: constant(-1),
    });
    expectTensorsClose(fusedLayer.apply(x), tf.relu(tf.sub(tf.matMul(x, tf.fill([2, 3], 0.5)), 1)));
    expectTensorsClose(plainLayer.apply(x), tf.tanh(tf.sub(tf.matMul(x, tf.fill([2, 3], 0.5)), 1)));
    expect(fusedLayer.weights.map((w) => w.name)).toEqual(['dense/kernel', 'dense/bias']);
    expectTensorsClose(plainLayer.applyPreActivation(x), tf.sub(tf.matMul(x, tf.fill([2, 3], 0.5)), 1));
    expect(fusedLayer.computeOutputShape([2])).toEqual([3]);
  });

  test('dense transforms the last axis of rank-3 inputs', () => {
    const layer = new Dense({ units: 2, kernelInitializer: constant(1), useBias: false });
    const y = layer.apply(tf.ones([2, 3, 4]));
    expect(y.shape).toEqual([2, 3, 2]);
    expectTensorsClose(y, tf.fill([2, 3, 2], 4));
  });

  test('conv2d matches tf.conv2d plus bias; output shape as computed', () => {
    const x = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 1);
    const layer = new Conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      strides: 2,
      kernelInitializer: constant(0.1),
      biasInitializer: constant(0.2),
    });
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, ...layer.computeOutputShape([6, 6, 3])]);
    expectTensorsClose(
      y,
      tf.add(tf.conv2d(x as tf.Tensor4D, tf.fill<tf.Rank.R4>([3, 3, 3, 4], 0.1), 2, 'same'), 0.2),
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  test('depthwise conv2d matches tf.depthwiseConv2d plus bias; gradients match central differences', () => {
    const x = tf.randomUniform([2, 5, 5, 3], -1, 1, 'float32', 3);
    const layer = new DepthwiseConv2d({
      kernelSize: [3, 2],
      depthMultiplier: 2,
      strides: 2,
      padding: 'same',
      kernelInitializer: {
        className: 'r',
        apply: (shape) => tf.randomUniform([...shape], -1, 1, 'float32', 4),
        getConfig: () => ({}),
      },
      biasInitializer: constant(0.25),
    });
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 3, 3, 6]);
    expect(layer.computeOutputShape([5, 5, 3])).toEqual([3, 3, 6]);
    const kernel = layer.weights[0]!.variable as tf.Tensor4D;
    expectTensorsClose(y, tf.add(tf.depthwiseConv2d(x as tf.Tensor4D, kernel, 2, 'same'), 0.25));
    expectGradientsMatchNumeric((input) => tf.sum(tf.square(layer.apply(input))), [x], {
      rtol: 2e-2,
      atol: 2e-3,
    });
    expect(() => new DepthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 })).toThrow(
      "depthwiseConv2d: argument 'depthMultiplier' must be a positive integer, got 0",
    );
    layer.dispose();
  });

  test('pools, global average pool and flatten', () => {
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i),
      [1, 4, 4, 1],
    );
    expect(Array.from(maxPool2d().apply(x).dataSync())).toEqual([5, 7, 13, 15]);
    expect(Array.from(avgPool2d().apply(x).dataSync())).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(Array.from(globalAveragePool().apply(x).dataSync())).toEqual([7.5]);
    expect(flatten().apply(x).shape).toEqual([1, 16]);
    expect(maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }).computeOutputShape([4, 4, 1])).toEqual([
      4, 4, 1,
    ]);
  });

  test('bad configuration and bad inputs give errors naming the problem', () => {
    expect(() => new Dense({ units: 0 })).toThrow(
      "dense: argument 'units' must be a positive integer, got 0",
    );
    expect(() => new Conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(
      "argument 'padding' must be one of 'valid', 'same'",
    );
    expect(() => new Conv2d({ filters: 2, kernelSize: 5 }).apply(tf.zeros([1, 3, 3, 1]))).toThrow(
      /does not fit input \[3, 3, 1\]/,
    );
    expect(() => new Conv2d({ filters: 2, kernelSize: 3 }).apply(tf.zeros([1, 8, 8]))).toThrow(
      /must be NHWC images/,
    );
    const layer = new Dense({ units: 2 });
    layer.apply(tf.zeros([1, 3]));
    expect(() => layer.apply(tf.zeros([1, 4]))).toThrow(/per-example shape \[3\].*got \[4\]/);
  });

  test("tfjs variable names carry a 'gradwell/' prefix, apart from tfjs-layers' 'dense/kernel_1'", () => {
    const layer = new Dense({ units: 1, name: 'dense' });
    layer.build([2]);
    expect(layer.weights.map((w) => w.variable.name)).toEqual([
      expect.stringMatching(/^gradwell\/dense\/kernel_\d+$/),
      expect.stringMatching(/^gradwell\/dense\/bias_\d+$/),
    ]);
    expect(layer.weights.map((w) => w.name)).toEqual(['dense/kernel', 'dense/bias']);
    layer.dispose();
  });

  test('freezing removes weights from trainableWeights', () => {
    const layer = new Dense({ units: 2 });
    layer.build([3], createRandom(0));
    expect(layer.trainableWeights).toHaveLength(2);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(2);
  });
});

describe('sequential', () => {
  const makeCnn = (seed: number) =>
    sequential(
      [
        new Conv2d({ filters: 32, kernelSize: 3, activation: relu }),
        maxPool2d(),
        new Conv2d({ filters: 64, kernelSize: 3, activation: relu }),
        maxPool2d(),
        flatten(),
        new Dense({ units: 128, activation: relu }),
        new Dense({ units: 10 }),
      ],
      { inputShape: [28, 28, 1], seed },
    );

  test('names layers uniquely, builds from one seed, serialises and rebuilds', () => {
    const model = makeCnn(3);
    expect(model.layers.map((l) => l.name)).toEqual([
      'conv2d',
      'maxPool2d',
      'conv2d_1',
      'maxPool2d_1',
      'flatten',
      'dense',
      'dense_1',
    ]);
    expect(model.layerOutputShapes([28, 28, 1])).toEqual([
      [26, 26, 32],
      [13, 13, 32],
      [11, 11, 64],
      [5, 5, 64],
      [1600],
      [128],
      [10],
    ]);
    const again = makeCnn(3);
    model.weights.forEach((w, i) =>
      expectTensorsClose(w.variable, (again.weights[i] as { variable: tf.Variable }).variable, {
        rtol: 0,
        atol: 0,
      }),
    );
    const json = JSON.parse(JSON.stringify(model.getConfig())) as Record<string, unknown>;
    const rebuilt = Sequential.fromConfig(json, createLayerRegistry(), resolvers, 3);
    expect(rebuilt.getConfig()).toEqual(model.getConfig());
    expect((rebuilt.layers[0] as Conv2d).activation).toBe(relu);
    expect(() => model.getLayer('nope')).toThrow(/has no layer 'nope'; its layers: conv2d, maxPool2d/);
    for (const m of [model, again, rebuilt]) m.dispose();
  });

  test('every core layer class round-trips through the registry', () => {
    const registry = createLayerRegistry();
    expect(registry.list()).toEqual([
      'Activation',
      'AvgPool2d',
      'Conv2d',
      'Dense',
      'DepthwiseConv2d',
      'Flatten',
      'GlobalAveragePool',
      'MaxPool2d',
    ]);
    const layers = [
      new ActivationLayer(tanh),
      new Dense({ units: 2, activation: relu }),
      new Conv2d({ filters: 1, kernelSize: 2 }),
      new DepthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: relu }),
      maxPool2d(),
      avgPool2d(),
      globalAveragePool(),
      flatten(),
    ];
    for (const layer of layers) {
      const copy = registry.get(layer.className)(layer.getConfig(), resolvers);
      expect(copy.className).toBe(layer.className);
      expect(copy.getConfig()).toEqual(layer.getConfig());
    }
  });

  describeOnBackends(
    'training',
    () => {
      test('the foundation CNN trains on a fixed batch for 30 SGD steps: loss falls, nothing leaks', async () => {
        const model = makeCnn(1);
        // A fixed, learnable batch: noise plus a bright 6×6 patch whose position encodes the class.
        const random = createRandom(5);
        const classes = Array.from({ length: 64 }, (_, i) => i % 10);
        const pixels = Float32Array.from({ length: 64 * 28 * 28 }, () => random.uniform(0, 0.3));
        classes.forEach((c, n) => {
          const top = 2 + 8 * Math.floor(c / 4);
          const left = 2 + 6 * (c % 4);
          for (let r = top; r < top + 6; r++)
            for (let col = left; col < left + 6; col++) pixels[n * 784 + r * 28 + col] = 1;
        });
        const x = tf.tensor4d(pixels, [64, 28, 28, 1]);
        const labels = tf.oneHot(tf.tensor1d(classes, 'int32'), 10);
        const optimizer = tf.train.sgd(0.1);
        const variables = model.trainableWeights.map((w) => w.variable);
        const losses: number[] = [];
        await expectNoLeakedTensors(() => {
          for (let step = 0; step < 30; step++) {
            const loss = optimizer.minimize(
              (): tf.Scalar => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true })),
              true,
              variables,
            );
            losses.push((loss as tf.Scalar).dataSync()[0] as number);
            loss?.dispose();
          }
        });
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses[29] as number).toBeLessThan((losses[0] as number) * 0.5);
        optimizer.dispose();
        model.dispose();
        tf.dispose([x, labels]);
      });
    },
    ['wasm'],
  );
});

describe('a failed build leaves nothing behind', () => {
  test('a Sequential whose later layer refuses the shape unbuilds the earlier ones (no weights, no tensors)', async () => {
    const { Sequential } = await import('./sequential');
    const { Dense } = await import('./dense');
    const { GlobalAveragePool } = await import('./pooling');
    const model = new Sequential([new Dense({ units: 3 }), new GlobalAveragePool()]);
    const before = tf.memory().numTensors;
    const x = tf.ones([2, 4]);
    expect(() => model.apply(x)).toThrow(/argument 'x': input must be NHWC images/);
    x.dispose();
    expect(model.built).toBe(false);
    expect(model.weights).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
