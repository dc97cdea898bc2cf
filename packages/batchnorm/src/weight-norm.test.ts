import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  Dense,
  constantInitializer,
  createLayerRegistry,
  createRandom,
  maxPool2d,
  sequential,
  type ActivationFunction,
} from '@gradwell/core';
import {
  describeOnBackends,
  expectNoLeakedTensors,
  expectTensorsClose,
  findGradientMismatches,
  findVariableGradientMismatches,
} from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { NORMALIZATION_LAYER_FACTORIES } from './index';
import {
  isWeightNormalized,
  kernelNorms,
  weightNormConv2d,
  weightNormDense,
  weightNormKernel,
  WeightNormDense,
} from './weight-norm';
import { initializeWeightNorm } from './weight-norm-init';

const relu: ActivationFunction = { name: 'relu', apply: (x) => tf.relu(x), fused: 'relu' };
const tanh: ActivationFunction = { name: 'tanh', apply: (x) => tf.tanh(x) };

const weightOf = (
  layer: { name: string; weights: readonly { name: string; variable: tf.Variable }[] },
  short: string,
) => layer.weights.find((w) => w.name === `${layer.name}/${short}`)!.variable;

describeOnBackends('weight normalisation', () => {
  test('the kernel is g·v/‖v‖ per output unit (closed form), and ‖v‖ is the norm over all but the last axis', () => {
    const v = tf.tensor2d([
      [3, 1],
      [4, 0],
    ]);
    expectTensorsClose(weightNormKernel(v, tf.tensor1d([2, 5])), tf.tensor2d([1.2, 5, 1.6, 0], [2, 2]));
    expectTensorsClose(kernelNorms(tf.ones([3, 3, 2, 4])), new Array(4).fill(Math.sqrt(18)));
    const layer = weightNormDense({ units: 2 });
    layer.apply(tf.zeros([1, 2]));
    weightOf(layer, 'kernel').assign(v);
    weightOf(layer, 'g').assign(tf.tensor1d([2, 5]));
    weightOf(layer, 'bias').assign(tf.tensor1d([0.5, -1]));
    // [1, 1]·[[1.2, 5], [1.6, 0]] + [0.5, −1] = [3.3, 4]
    expectTensorsClose(layer.apply(tf.ones([1, 2])), tf.tensor2d([[3.3, 4]]));
  });

  test.each([
    [
      'dense',
      () => [weightNormDense({ units: 3, activation: tanh }), new Dense({ units: 3, activation: tanh })],
      [5, 4],
    ],
    [
      'conv',
      () => [
        weightNormConv2d({ filters: 3, kernelSize: 2, activation: relu }),
        new Conv2d({ filters: 3, kernelSize: 2, activation: relu }),
      ],
      [2, 4, 4, 2],
    ],
  ] as const)(
    '%s: a fresh layer computes what the plain layer with the same initial weights does (g = ‖v‖)',
    (_name, make, shape) => {
      const [normalized, plain] = make() as unknown as [Dense | Conv2d, Dense | Conv2d];
      const x = createRandom(3).normalTensor([...shape]);
      normalized.build(shape.slice(1), createRandom(7));
      plain.build(shape.slice(1), createRandom(7));
      expectTensorsClose(weightOf(normalized, 'g'), kernelNorms(weightOf(plain, 'kernel')));
      expectTensorsClose(normalized.apply(x), plain.apply(x), { atol: 1e-5 });
      expectTensorsClose(normalized.apply(x, { training: true }), plain.apply(x), { atol: 1e-5 });
      expect(normalized.weights.map((w) => w.name)).toEqual([
        `${normalized.name}/kernel`,
        `${normalized.name}/bias`,
        `${normalized.name}/g`,
      ]);
    },
  );

  test('under a tape, a batch of fewer rows than features gives the values of the scaled kernel', () => {
    for (const activation of [relu, tanh, undefined]) {
      const layer = weightNormDense({ units: 5, activation });
      const x = createRandom(2).normalTensor([3, 16]);
      const inference = layer.apply(x); // no tape: the plain layer with g·v/‖v‖
      let taped: Float32Array | undefined;
      tf.grad((input: tf.Tensor) => {
        const y = layer.apply(input, { training: true });
        taped = y.dataSync() as Float32Array;
        return tf.sum(y);
      })(x);
      expectTensorsClose(tf.tensor(taped!, inference.shape), inference, { atol: 1e-5 });
    }
  });

  test('the output does not change when v is rescaled: only its direction counts', () => {
    const layer = weightNormDense({ units: 4, activation: relu });
    const x = createRandom(1).normalTensor([6, 5]);
    const before = layer.apply(x);
    const kernel = weightOf(layer, 'kernel');
    kernel.assign(tf.mul(kernel, 7.5));
    expectTensorsClose(layer.apply(x), before, { atol: 1e-5 });
  });

  test.each([
    ['WeightNormDense (tanh)', () => weightNormDense({ units: 3, activation: tanh }), [6, 4]],
    [
      'WeightNormDense (fused relu, taped bias-ReLU)',
      () => weightNormDense({ units: 3, activation: relu }),
      [6, 4],
    ],
    // fewer rows than features: the per-unit scale on the product, not the kernel
    ['WeightNormDense (tanh, scaled product)', () => weightNormDense({ units: 3, activation: tanh }), [3, 8]],
    ['WeightNormDense (relu, scaled product)', () => weightNormDense({ units: 3, activation: relu }), [3, 8]],
    [
      'WeightNormDense (no bias, scaled product)',
      () => weightNormDense({ units: 3, useBias: false }),
      [3, 8],
    ],
    [
      'WeightNormConv2d (relu)',
      () => weightNormConv2d({ filters: 2, kernelSize: 2, activation: relu }),
      [2, 3, 3, 2],
    ],
  ] as const)(
    '%s: gradients for x, v, g and b match central differences; nothing leaks',
    async (_n, make, shape) => {
      const layer = make();
      const x = createRandom(8).normalTensor([...shape], 0.3, 1.2);
      layer.apply(x).dispose();
      const outputShape = [shape[0], ...layer.computeOutputShape(shape.slice(1))];
      const dy = createRandom(9).uniformTensor(outputShape, -1, 1);
      const variables = layer.trainableWeights.map((w) => w.variable);
      await expectNoLeakedTensors(() => {
        expect(
          findGradientMismatches((input) => layer.apply(input, { training: true }), [x], { epsilon: 1e-3 }),
        ).toEqual([]);
        expect(
          findVariableGradientMismatches(
            () => tf.sum(tf.mul(layer.apply(x, { training: true }), dy)),
            variables,
            {
              epsilon: 1e-3,
            },
          ),
        ).toEqual([]);
      });
    },
  );

  test("v's gradient is orthogonal to v (the paper's eq. 4): a step of v never shrinks it at first order", () => {
    const layer = weightNormDense({ units: 3, activation: tanh });
    const x = createRandom(4).normalTensor([8, 5]);
    layer.apply(x).dispose();
    const v = weightOf(layer, 'kernel');
    const { grads, value } = tf.variableGrads(
      () => tf.sum(tf.square(layer.apply(x, { training: true }))),
      [v],
    );
    const perUnit = tf.sum(tf.mul(grads[v.name]!, v), 0);
    expectTensorsClose(perUnit, [0, 0, 0], { atol: 1e-4 });
    expect(tf.norm(grads[v.name]!).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([value, perUnit, ...Object.values(grads)]);
  });

  test('a conv layer followed by max pooling in a model trains through the weight-normalised kernel', () => {
    const model = sequential(
      [weightNormConv2d({ filters: 2, kernelSize: 2, activation: relu }), maxPool2d({ poolSize: 2 })],
      { inputShape: [5, 5, 1], seed: 2 },
    );
    const x = createRandom(5).normalTensor([3, 5, 5, 1]);
    const g = model.layers[0]!.weights.find((w) => w.name.endsWith('/g'))!.variable;
    const { grads, value } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true })), [g]);
    expect(tf.norm(grads[g.name]!).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
  });

  test('resetWeights redraws v and sets g to the new norms', () => {
    const layer = weightNormDense({ units: 3 });
    layer.build([4], createRandom(1));
    weightOf(layer, 'g').assign(tf.fill([3], 9));
    layer.resetWeights(createRandom(2));
    expectTensorsClose(weightOf(layer, 'g'), kernelNorms(weightOf(layer, 'kernel')));
  });

  test('bad input: zero kernels, bad units, unknown options; a failed build leaves nothing behind', async () => {
    const ones = tf.ones([1, 3]);
    await expectNoLeakedTensors(() => {
      const zero = weightNormDense({ units: 2, kernelInitializer: constantInitializer(0) });
      expect(() => zero.apply(ones)).toThrow(
        "WeightNormDense 'weightNormDense': weight normalisation divides by the norm of each unit's weights, and unit 0's initial weights have norm 0",
      );
      expect(zero.built).toBe(false);
      expect(zero.weights).toEqual([]);
    });
    expect(() => weightNormDense({ units: 0 })).toThrow(
      "weightNormDense: argument 'units' must be a positive integer",
    );
    expect(() => weightNormConv2d({ filters: 1.5, kernelSize: 2 })).toThrow(
      "weightNormConv2d: argument 'filters' must be a positive integer",
    );
    expect(() => weightNormDense({ units: 2, gain: 1 } as never)).toThrow(
      "WeightNormDense: unknown option 'gain'",
    );
    expect(() => weightNormConv2d({ filters: 2, kernelSize: 2 }).apply(tf.ones([1, 4]))).toThrow(
      "WeightNormConv2d 'weightNormConv2d': argument 'x': input must be NHWC images",
    );
  });

  test('both layers round-trip their config through the registry, and isWeightNormalized tells them apart', () => {
    const registry = createLayerRegistry();
    for (const [name, factory] of NORMALIZATION_LAYER_FACTORIES) registry.register(name, factory);
    const half = constantInitializer(0.5);
    const resolvers = { initializer: () => half, activation: () => tanh };
    const given = { activation: tanh, kernelInitializer: half, biasInitializer: half };
    for (const layer of [
      weightNormDense({ units: 3, useBias: false, name: 'wn1', ...given }),
      weightNormConv2d({ filters: 2, kernelSize: [3, 1], padding: 'same', name: 'wn2', ...given }),
    ]) {
      const copy = registry.get(layer.className)(layer.getConfig(), resolvers);
      expect(copy.className).toBe(layer.className);
      expect(copy.getConfig()).toEqual(layer.getConfig());
      expect(isWeightNormalized(copy)).toBe(true);
    }
    expect(isWeightNormalized(new Dense({ units: 1 }))).toBe(false);
    expect(new WeightNormDense({ units: 1 }).getConfig()).toMatchObject({
      name: 'weightNormDense',
      units: 1,
    });
  });
});

describeOnBackends('initializeWeightNorm (data-dependent initialisation)', () => {
  const makeModel = () =>
    sequential(
      [
        weightNormConv2d({ filters: 4, kernelSize: 3, activation: relu, name: 'c1' }),
        maxPool2d({ poolSize: 2, name: 'p1' }),
        weightNormConv2d({ filters: 3, kernelSize: 2, name: 'c2', activation: relu }),
      ],
      { inputShape: [8, 8, 2], seed: 3 },
    );

  test("every unit's pre-activation has mean 0 and variance 1 on the batch; reports; nothing leaks", async () => {
    const model = makeModel();
    const batch = createRandom(1).normalTensor([6, 8, 8, 2], 2, 3);
    model.build([8, 8, 2]);
    await expectNoLeakedTensors(() => {
      const reports = initializeWeightNorm(model, batch);
      expect(reports.map((r) => r.layer)).toEqual(['c1', 'c2']);
      expect(reports[0]!.meanAbsMean).toBeGreaterThan(0.1); // the batch's mean 2 shows up before the rescaling
    });
    const [c1, p1, c2] = model.layers as [WeightNormDense, (typeof model.layers)[1], WeightNormDense];
    const check = (pre: tf.Tensor) => {
      const { mean, variance } = tf.moments(pre, [0, 1, 2]);
      expectTensorsClose(mean, new Array(pre.shape[3]).fill(0), { atol: 1e-4 });
      expectTensorsClose(variance, new Array(pre.shape[3]).fill(1), { atol: 1e-3 });
    };
    check(c1.applyPreActivation(batch));
    check(c2.applyPreActivation(p1.apply(c1.apply(batch))));
  });

  test('is repeatable: the same model and batch give the same weights', () => {
    const [a, b] = [makeModel(), makeModel()];
    const batch = createRandom(2).normalTensor([4, 8, 8, 2]);
    initializeWeightNorm(a, batch);
    initializeWeightNorm(b, batch);
    a.weights.forEach((w, i) => expectTensorsClose(w.variable, b.weights[i]!.variable));
  });

  test('a dense layer without a bias gets g only: variance 1 around its own mean', () => {
    const model = sequential([weightNormDense({ units: 3, useBias: false, name: 'd' })], { inputShape: [4] });
    const batch = createRandom(4).normalTensor([16, 4], 1, 2);
    initializeWeightNorm(model, batch);
    const { variance } = tf.moments((model.layers[0] as WeightNormDense).applyPreActivation(batch), 0);
    expectTensorsClose(variance, [1, 1, 1], { atol: 1e-3 });
  });

  test('bad input: one example, NaN, a model without weight norm, a constant batch — nothing changed', async () => {
    const model = makeModel();
    model.build([8, 8, 2]);
    const before = model.weights.map((w) => Array.from(w.variable.dataSync()));
    expect(() => initializeWeightNorm(model, tf.ones([1, 8, 8, 2]))).toThrow(
      "initializeWeightNorm: argument 'batch' must hold at least 2 examples",
    );
    expect(() => initializeWeightNorm(model, tf.fill([2, 8, 8, 2], NaN))).toThrow(
      "initializeWeightNorm: argument 'batch' must be a tensor of finite values",
    );
    expect(() => initializeWeightNorm(model, tf.ones([2, 4]))).toThrow(
      "initializeWeightNorm: argument 'batch' must be a batch of examples of shape [8, 8, 2]",
    );
    const constant = tf.ones([3, 8, 8, 2]);
    await expectNoLeakedTensors(() => {
      // c1's g and b are set to 1 and 0 to measure t, which is one value for a batch of equal images.
      expect(() => initializeWeightNorm(model, constant)).toThrow(
        "initializeWeightNorm: unit 0 of layer 'c1' gives one value for the whole batch",
      );
    });
    expect(model.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(before);
    const plain = sequential([new Dense({ units: 2, name: 'plain' })], { inputShape: [3] });
    expect(() => initializeWeightNorm(plain, tf.ones([2, 3]))).toThrow(
      "initializeWeightNorm: model 'sequential' has no weight-normalised layer (WeightNormDense, WeightNormConv2d); its layers are plain (Dense).",
    );
  });
});
