/**
 * `createOptimizer('adam')`, `'momentum'`, `'sgd'`, `'rmsprop'` and `'adagrad'` are tfjs's optimisers
 * with each variable's update fused into one SIMD pass on wasm: the same losses, weights and state as
 * `tf.train.adam`, `tf.train.momentum`, `tf.train.sgd`, `tf.train.rmsprop` and `tf.train.adagrad` bit for
 * bit, with the kernels on or off, with a gradient left out, and with a broadcast gradient (which the
 * fused pass leaves to tfjs's operations).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setSimdKernels, setupBackend } from '@gradwell/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FusedAdagradOptimizer, FusedRMSPropOptimizer } from './fused-adaptive-optimizers';
import { FusedAdamOptimizer, FusedMomentumOptimizer, FusedSgdOptimizer } from './fused-optimizers';
import { dense } from './layers';
import { model } from './model';
import { createOptimizer, disposeOptimizer, type OptimizerSpec } from './optimizers';

beforeAll(async () => {
  await setupBackend();
});
afterAll(() => setSimdKernels(true));

const make = () =>
  model([dense({ units: 9, activation: 'relu' }), dense({ units: 3 })], { inputShape: [5], seed: 4 });

/** Losses of `steps` Adam steps of a small model on a fixed batch, its weights and the optimiser's state after. */
async function train(optimizer: tf.Optimizer, steps: number) {
  const m = make();
  const x = tf.randomNormal([16, 5], 0, 1, 'float32', 7);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(
      () => tf.mean<tf.Scalar>(tf.square(m.apply(x))),
      true,
      m.trainableWeights.map((w) => w.variable),
    ) as tf.Scalar;
    losses.push(loss.dataSync()[0] as number);
    loss.dispose();
  }
  const weights = m.weights.map((w) => Array.from(w.variable.dataSync()));
  const [iterations, ...slots] = await optimizer.getWeights();
  const state = [iterations, ...slots].map((w) => Array.from(w!.tensor.dataSync()));
  iterations?.tensor.dispose(); // made by getWeights; the slots are the optimiser's own variables
  x.dispose();
  m.dispose();
  return { losses, weights, state };
}

/**
 * Trains with `createOptimizer(spec)` (kernels on, then off) and with tfjs's own optimiser: the same
 * losses, weights and state, bit for bit; the fused one is a `Class` of tfjs's class name, leaks nothing.
 */
async function expectTrainsLikeTfjs(
  spec: OptimizerSpec,
  tfjsOptimizer: tf.Optimizer,
  Class: new (...args: never[]) => tf.Optimizer,
  className: string,
): Promise<void> {
  const reference = await train(tfjsOptimizer, 12);
  disposeOptimizer(tfjsOptimizer);
  const before = tf.memory().numTensors;
  const fused = createOptimizer(spec);
  expect(fused).toBeInstanceOf(Class);
  expect((fused.constructor as unknown as { className: string }).className).toBe(className);
  const ours = await train(fused, 12);
  disposeOptimizer(fused);
  expect(tf.memory().numTensors).toBe(before);
  expect(ours).toEqual(reference);
  expect(ours.losses[11]).toBeLessThan(ours.losses[0] as number);
  setSimdKernels(false);
  const plain = createOptimizer(spec);
  const off = await train(plain, 12);
  setSimdKernels(true);
  disposeOptimizer(plain);
  expect(off).toEqual(reference);
}

/**
 * Three steps of `ours` and of tfjs's `reference` with a gradient for one of two variables only, broadcast
 * over its rows (tfjs's optimisers allow it; the fused pass leaves it to tfjs's operations): the same
 * values, the other variable untouched, the first one moved.
 */
function expectGradientCasesLikeTfjs(ours: tf.Optimizer, reference: tf.Optimizer): void {
  const run = (optimizer: tf.Optimizer) => {
    const [a, b] = [tf.variable(tf.ones([2, 3])), tf.variable(tf.ones([4]))];
    const g = tf.tensor1d([0.5, -1, 2]);
    for (let i = 0; i < 3; i++) optimizer.applyGradients([{ name: a.name, tensor: g }]);
    const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    tf.dispose([a, b, g]);
    disposeOptimizer(optimizer);
    return out;
  };
  const fused = run(ours);
  expect(fused).toEqual(run(reference));
  expect(fused[1]).toEqual([1, 1, 1, 1]);
  expect(fused[0]?.[0]).toBeLessThan(1);
}

describe('FusedAdamOptimizer', () => {
  test("createOptimizer('adam') makes one; it trains bit-identically to tf.train.adam, kernels on or off", async () => {
    await expectTrainsLikeTfjs(
      { name: 'adam', learningRate: 0.01 },
      tf.train.adam(0.01, 0.9, 0.999, 1e-7),
      FusedAdamOptimizer,
      'Adam',
    );
  });

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    expectGradientCasesLikeTfjs(
      createOptimizer({ name: 'adam', learningRate: 0.1 }),
      tf.train.adam(0.1, 0.9, 0.999, 1e-7),
    );
  });
});

describe('FusedMomentumOptimizer', () => {
  for (const nesterov of [false, true]) {
    test(`createOptimizer('momentum'${nesterov ? ', Nesterov' : ''}) trains bit-identically to tf.train.momentum, kernels on or off`, async () => {
      await expectTrainsLikeTfjs(
        { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov },
        tf.train.momentum(0.05, 0.9, nesterov),
        FusedMomentumOptimizer,
        'Momentum',
      );
    });
  }

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    expectGradientCasesLikeTfjs(
      createOptimizer({ name: 'momentum', learningRate: 0.1, nesterov: true }),
      tf.train.momentum(0.1, 0.9, true),
    );
  });
});

describe('FusedSgdOptimizer', () => {
  test("createOptimizer('sgd') trains bit-identically to tf.train.sgd, kernels on or off, a changed rate too", async () => {
    await expectTrainsLikeTfjs(
      { name: 'sgd', learningRate: 0.05 },
      tf.train.sgd(0.05),
      FusedSgdOptimizer,
      'SGD',
    );
    // setLearningRate (what learning-rate schedules call) reaches the fused pass
    const changed = createOptimizer({ name: 'sgd', learningRate: 0.05 }) as FusedSgdOptimizer;
    changed.setLearningRate(0.2);
    const tfjsChanged = tf.train.sgd(0.2);
    expect(await train(changed, 4)).toEqual(await train(tfjsChanged, 4));
    disposeOptimizer(changed);
    disposeOptimizer(tfjsChanged);
  });

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    expectGradientCasesLikeTfjs(createOptimizer({ name: 'sgd', learningRate: 0.1 }), tf.train.sgd(0.1));
  });
});

describe('FusedRMSPropOptimizer', () => {
  for (const [momentum, centered] of [
    [0, false],
    [0.9, false],
    [0, true],
    [0.5, true],
  ] as const) {
    test(`createOptimizer('rmsprop', momentum ${momentum}${centered ? ', centered' : ''}) trains bit-identically to tf.train.rmsprop, kernels on or off`, async () => {
      await expectTrainsLikeTfjs(
        { name: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum, centered },
        tf.train.rmsprop(0.01, 0.8, momentum, 1e-7, centered),
        FusedRMSPropOptimizer,
        'RMSProp',
      );
    });
  }

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    for (const centered of [false, true]) {
      expectGradientCasesLikeTfjs(
        createOptimizer({ name: 'rmsprop', learningRate: 0.1, momentum: 0.5, centered }),
        tf.train.rmsprop(0.1, 0.9, 0.5, 1e-7, centered),
      );
    }
  });

  test('centered must be true or false: the error names it, and nothing is made', () => {
    const before = tf.memory().numTensors;
    expect(() => createOptimizer({ name: 'rmsprop', centered: 'yes' as unknown as boolean })).toThrow(
      'createOptimizer: argument \'centered\' must be true or false, got "yes"',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('FusedAdagradOptimizer', () => {
  test("createOptimizer('adagrad') trains bit-identically to tf.train.adagrad, kernels on or off", async () => {
    await expectTrainsLikeTfjs(
      { name: 'adagrad', learningRate: 0.05 },
      tf.train.adagrad(0.05),
      FusedAdagradOptimizer,
      'Adagrad',
    );
  });

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    expectGradientCasesLikeTfjs(
      createOptimizer({ name: 'adagrad', learningRate: 0.1 }),
      tf.train.adagrad(0.1),
    );
  });
});
