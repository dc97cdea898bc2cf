import * as tf from '@tensorflow/tfjs-core';
import {
  constantInitializer,
  describeOnBackends,
  expectNoLeakedTensors,
  expectSameFloats,
  expectTensorsClose,
  findVariableGradientMismatches,
  testActivations,
} from '@gradwell/test-utils';
import { afterEach, expect, test, vi } from 'vitest';
import type { ActivationFunction, Initializer } from '../contracts';
import { createRandom } from '../random';
import { Conv2d, type PoolWindows } from './conv2d';
import { Dense } from './dense';
import { avgPool2d, flatten, maxPool2d, type Pool2dArgs } from './pooling';
import { Sequential } from './sequential';

const { relu, tanh } = testActivations;
const constant = constantInitializer;
/** Biases spread over [−0.3, 0.3), so that windows mix positive and negative sums. */
const spreadBias: Initializer = {
  className: 'spread',
  apply: (shape) => tf.sub(tf.mul(createRandom(5).uniformTensor([...shape]), 0.6), 0.3),
  getConfig: () => ({}),
};

interface ModelOptions {
  pool?: ReturnType<typeof maxPool2d> | ReturnType<typeof avgPool2d>;
  activation?: ActivationFunction;
  useBias?: boolean;
}

/** conv (3×3, 4 filters, `activation`, a bias unless `useBias` is false) → `pool` → flatten → dense 3. */
function convPoolModel({
  pool = maxPool2d(),
  activation = relu,
  useBias = true,
}: ModelOptions = {}): Sequential {
  const conv = new Conv2d({ filters: 4, kernelSize: 3, activation, useBias, biasInitializer: spreadBias });
  return new Sequential([conv, pool, flatten(), new Dense({ units: 3 })], {
    inputShape: [9, 9, 2],
    seed: 3,
  });
}

/** The model's output and the gradients of its summed square: through `apply`, or layer by layer. */
function outputAndGradients(model: Sequential, x: tf.Tensor, layerByLayer: boolean) {
  let output: tf.Tensor | undefined;
  const variables = model.trainableWeights.map((w) => w.variable);
  const { value, grads } = tf.variableGrads(() => {
    const y = layerByLayer ? (model.applyWithIntermediates(x).at(-1) as tf.Tensor) : model.apply(x);
    output = tf.keep(y.clone());
    return tf.sum(tf.square(y));
  }, variables);
  value.dispose();
  return { output: output as tf.Tensor, grads: variables.map((v) => grads[v.name] as tf.Tensor) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describeOnBackends('a conv with a bias and ReLU before max pooling: the pooling first', () => {
  const windows: Array<[string, Pool2dArgs]> = [
    ['2×2 disjoint', {}],
    ['3×3 overlapping, same padding', { poolSize: 3, strides: 2, padding: 'same' }],
  ];
  test.each(windows)('%s: same outputs and gradients as layer by layer', (_, poolArgs) => {
    const model = convPoolModel({ pool: maxPool2d(poolArgs) });
    const x = tf.sub(createRandom(7).uniformTensor([5, 9, 9, 2]), 0.5);
    const spy = vi.spyOn(Conv2d.prototype, 'applyMaxPooled');
    const pooledFirst = outputAndGradients(model, x, false);
    // the fused path ran (a tensor came back), and only through `apply`
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.results[0]?.value).toBeInstanceOf(tf.Tensor);
    const layered = outputAndGradients(model, x, true);
    expect(spy).toHaveBeenCalledTimes(1);
    expectSameFloats(pooledFirst.output.dataSync(), layered.output.dataSync());
    // the same gradient terms; the bias's summed over the pooled values alone (another order)
    pooledFirst.grads.forEach((g, i) => expectTensorsClose(g, layered.grads[i] as tf.Tensor, { atol: 1e-5 }));
    tf.dispose([x, pooledFirst.output, layered.output, ...pooledFirst.grads, ...layered.grads]);
    model.dispose();
  });

  test('gradients match central differences', () => {
    const model = convPoolModel();
    const x = tf.sub(createRandom(8).uniformTensor([3, 9, 9, 2]), 0.5);
    const spy = vi.spyOn(Conv2d.prototype, 'applyMaxPooled');
    const mismatches = findVariableGradientMismatches(
      () => tf.sum(tf.square(model.apply(x, { training: true }))),
      model.trainableWeights.map((w) => w.variable),
      { epsilon: 1e-3, maxCoordinates: 24 },
    );
    expect(mismatches).toEqual([]);
    expect(spy.mock.results.some((r) => r.value instanceof tf.Tensor)).toBe(true);
    x.dispose();
    model.dispose();
  });

  test('a step leaves no tensor behind', async () => {
    const model = convPoolModel();
    const x = tf.sub(createRandom(9).uniformTensor([2, 9, 9, 2]), 0.5);
    await expectNoLeakedTensors(() => {
      const { output, grads } = outputAndGradients(model, x, false);
      tf.dispose([output, ...grads]);
    });
    x.dispose();
    model.dispose();
  });

  test('a window of values the bias rounds to one float32: the gradient goes to the largest', () => {
    // 2^24 + 0.25 and 2^24 + 0.5 both round to 2^24: equal after the bias, not before
    const conv = new Conv2d({
      filters: 1,
      kernelSize: 1,
      kernelInitializer: constant(1),
      biasInitializer: constant(2 ** 24),
      activation: relu,
    });
    const pool = maxPool2d();
    conv.build([2, 2, 1]);
    pool.build([2, 2, 1]);
    const x = tf.tensor4d([0.25, 0.5, 0.125, 0.375], [1, 2, 2, 1]);
    const gradient = (first: boolean) =>
      tf.grad((input: tf.Tensor) =>
        tf.sum(first ? (conv.applyMaxPooled(input, pool) as tf.Tensor) : pool.apply(conv.apply(input))),
      )(x);
    const [pooledFirst, layered] = [gradient(true), gradient(false)];
    expect(Array.from(pooledFirst.dataSync())).toEqual([0, 1, 0, 0]);
    expect(Array.from(layered.dataSync())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, pooledFirst, layered]);
    conv.dispose();
  });

  test('a window of NaN alone: −∞ layer by layer (pooling skips NaN), 0 pooling first', () => {
    const conv = new Conv2d({ filters: 4, kernelSize: 1, kernelInitializer: constant(1), activation: relu });
    const pool = maxPool2d();
    conv.build([2, 2, 4]);
    pool.build([2, 2, 4]);
    // image 0 all NaN; image 1 NaN beside numbers, whose maximum both orders give
    const x = tf.tensor4d(
      [...Array<number>(16).fill(NaN), ...Array<number>(4).fill(NaN), ...Array<number>(12).fill(1)],
      [2, 2, 2, 4],
    );
    const [pooledFirst, layered] = tf.tidy(() => {
      let first: tf.Tensor | undefined;
      let after: tf.Tensor | undefined;
      tf.grad((input: tf.Tensor) => {
        first = tf.keep(conv.applyMaxPooled(input, pool) as tf.Tensor);
        after = tf.keep(pool.apply(conv.apply(input)));
        return tf.sum(first);
      })(x);
      return [first as tf.Tensor, after as tf.Tensor];
    });
    expect(Array.from(layered.dataSync())).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, 4, 4, 4, 4]);
    expect(Array.from(pooledFirst.dataSync())).toEqual([0, 0, 0, 0, 4, 4, 4, 4]);
    tf.dispose([x, pooledFirst, layered]);
    conv.dispose();
  });

  test('bad windows are named', () => {
    const conv = new Conv2d({ filters: 4, kernelSize: 3, activation: relu });
    const x = tf.zeros([1, 9, 9, 2]);
    const bad = [
      { poolSize: [0, 2], strides: [2, 2], padding: 'valid' },
      { poolSize: [2, 2], strides: [2, 1.5], padding: 'valid' },
      { poolSize: [2, 2], strides: [2, 2], padding: 'full' },
    ] as unknown as PoolWindows[];
    const names = ['windows.poolSize', 'windows.strides', 'windows.padding'];
    bad.forEach((windows, i) => {
      expect(() => conv.applyMaxPooled(x, windows)).toThrow(names[i]);
    });
    x.dispose();
  });

  test('not taken: without a tape, without a bias, another activation, average pooling, a subclass', () => {
    const x = tf.sub(createRandom(10).uniformTensor([2, 9, 9, 2]), 0.5);
    const spy = vi.spyOn(Conv2d.prototype, 'applyMaxPooled');
    const inference = convPoolModel();
    tf.tidy(() => inference.apply(x));
    expect(spy.mock.results.map((r): unknown => r.value)).toEqual([undefined]);
    class LoggingConv extends Conv2d {}
    const subclassed = new Sequential(
      [new LoggingConv({ filters: 2, kernelSize: 3, activation: relu }), maxPool2d()],
      { inputShape: [9, 9, 2] },
    );
    const others = [
      convPoolModel({ useBias: false }),
      convPoolModel({ activation: tanh }),
      convPoolModel({ pool: avgPool2d() }),
      subclassed,
    ];
    for (const model of others) {
      const { output, grads } = outputAndGradients(model, x, false);
      const layered = outputAndGradients(model, x, true);
      expectSameFloats(output.dataSync(), layered.output.dataSync());
      tf.dispose([output, ...grads, layered.output, ...layered.grads]);
      model.dispose();
    }
    expect(spy.mock.results.map((r): unknown => r.value)).toEqual([undefined, undefined, undefined]);
    x.dispose();
    inference.dispose();
  });

  test('layers built for other inputs keep their own errors', () => {
    const pool = maxPool2d({ name: 'pool' });
    pool.build([5, 5, 4]); // not the conv's 7 × 7 × 4 output
    const model = new Sequential([new Conv2d({ filters: 4, kernelSize: 3, activation: relu }), pool]);
    const x = tf.zeros([1, 9, 9, 2]);
    expect(() => tf.grad((input: tf.Tensor) => tf.sum(model.apply(input)))(x)).toThrow(
      /MaxPool2d 'pool'.*per-example shape \[5, 5, 4\].*got \[7, 7, 4\]/,
    );
    x.dispose();
    model.dispose();
  });
});
