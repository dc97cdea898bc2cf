/**
 * `createOptimizer('adam')`, `createOptimizer('momentum')` and `createOptimizer('sgd')` are tfjs's
 * optimisers with each variable's update fused into one SIMD pass on wasm: the same losses, weights and
 * state as `tf.train.adam`, `tf.train.momentum` and `tf.train.sgd` bit for bit, with the kernels on or off, with a gradient left out, and with a
 * broadcast gradient (which the fused pass leaves to tfjs's operations).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setSimdKernels, setupBackend } from '@gradwell/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FusedAdamOptimizer, FusedMomentumOptimizer, FusedSgdOptimizer } from './fused-optimizers';
import { dense } from './layers';
import { model } from './model';
import { createOptimizer, disposeOptimizer } from './optimizers';

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

describe('FusedAdamOptimizer', () => {
  test("createOptimizer('adam') makes one; it trains bit-identically to tf.train.adam, kernels on or off", async () => {
    const tfjsAdam = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const reference = await train(tfjsAdam, 12);
    tfjsAdam.dispose();
    const before = tf.memory().numTensors;
    const fused = createOptimizer({ name: 'adam', learningRate: 0.01 });
    expect(fused).toBeInstanceOf(FusedAdamOptimizer);
    expect((fused.constructor as unknown as { className: string }).className).toBe('Adam');
    const ours = await train(fused, 12);
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(reference);
    expect(ours.losses[11]).toBeLessThan(ours.losses[0] as number);
    setSimdKernels(false);
    const plain = createOptimizer({ name: 'adam', learningRate: 0.01 });
    const off = await train(plain, 12);
    setSimdKernels(true);
    plain.dispose();
    expect(off).toEqual(reference);
  });

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    const run = (optimizer: tf.Optimizer) => {
      const [a, b] = [tf.variable(tf.ones([2, 3])), tf.variable(tf.ones([4]))];
      const g = tf.tensor1d([0.5, -1, 2]); // broadcast over a's rows, as tfjs's Adam allows
      for (let i = 0; i < 3; i++) optimizer.applyGradients([{ name: a.name, tensor: g }]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b, g]);
      optimizer.dispose();
      return out;
    };
    const ours = run(createOptimizer({ name: 'adam', learningRate: 0.1 }));
    const reference = run(tf.train.adam(0.1, 0.9, 0.999, 1e-7));
    expect(ours).toEqual(reference);
    expect(ours[1]).toEqual([1, 1, 1, 1]);
    expect(ours[0]?.[0]).toBeLessThan(1);
  });
});

describe('FusedMomentumOptimizer', () => {
  for (const nesterov of [false, true]) {
    test(`createOptimizer('momentum'${nesterov ? ', Nesterov' : ''}) trains bit-identically to tf.train.momentum, kernels on or off`, async () => {
      const spec = { name: 'momentum', learningRate: 0.05, momentum: 0.9, nesterov } as const;
      const tfjsMomentum = tf.train.momentum(0.05, 0.9, nesterov);
      const reference = await train(tfjsMomentum, 12);
      disposeOptimizer(tfjsMomentum);
      const before = tf.memory().numTensors;
      const fused = createOptimizer(spec);
      expect(fused).toBeInstanceOf(FusedMomentumOptimizer);
      expect((fused.constructor as unknown as { className: string }).className).toBe('Momentum');
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
    });
  }

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    const run = (optimizer: tf.Optimizer) => {
      const [a, b] = [tf.variable(tf.ones([2, 3])), tf.variable(tf.ones([4]))];
      const g = tf.tensor1d([0.5, -1, 2]);
      for (let i = 0; i < 3; i++) optimizer.applyGradients([{ name: a.name, tensor: g }]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b, g]);
      disposeOptimizer(optimizer);
      return out;
    };
    const ours = run(createOptimizer({ name: 'momentum', learningRate: 0.1, nesterov: true }));
    const reference = run(tf.train.momentum(0.1, 0.9, true));
    expect(ours).toEqual(reference);
    expect(ours[1]).toEqual([1, 1, 1, 1]);
    expect(ours[0]?.[0]).toBeLessThan(1);
  });
});

describe('FusedSgdOptimizer', () => {
  test("createOptimizer('sgd') trains bit-identically to tf.train.sgd, kernels on or off, a changed rate too", async () => {
    const tfjsSgd = tf.train.sgd(0.05);
    const reference = await train(tfjsSgd, 12);
    disposeOptimizer(tfjsSgd);
    const before = tf.memory().numTensors;
    const fused = createOptimizer({ name: 'sgd', learningRate: 0.05 });
    expect(fused).toBeInstanceOf(FusedSgdOptimizer);
    expect((fused.constructor as unknown as { className: string }).className).toBe('SGD');
    const ours = await train(fused, 12);
    disposeOptimizer(fused);
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(reference);
    expect(ours.losses[11]).toBeLessThan(ours.losses[0] as number);
    setSimdKernels(false);
    const plain = createOptimizer({ name: 'sgd', learningRate: 0.05 });
    const off = await train(plain, 12);
    setSimdKernels(true);
    disposeOptimizer(plain);
    expect(off).toEqual(reference);
    // setLearningRate (what learning-rate schedules call) reaches the fused pass
    const changed = createOptimizer({ name: 'sgd', learningRate: 0.05 }) as FusedSgdOptimizer;
    changed.setLearningRate(0.2);
    const tfjsChanged = tf.train.sgd(0.2);
    expect(await train(changed, 4)).toEqual(await train(tfjsChanged, 4));
    disposeOptimizer(changed);
    disposeOptimizer(tfjsChanged);
  });

  test('a variable without a gradient keeps its value; a broadcast gradient goes to tfjs’s operations', () => {
    const run = (optimizer: tf.Optimizer) => {
      const [a, b] = [tf.variable(tf.ones([2, 3])), tf.variable(tf.ones([4]))];
      const g = tf.tensor1d([0.5, -1, 2]);
      for (let i = 0; i < 3; i++) optimizer.applyGradients([{ name: a.name, tensor: g }]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b, g]);
      disposeOptimizer(optimizer);
      return out;
    };
    const ours = run(createOptimizer({ name: 'sgd', learningRate: 0.1 }));
    const reference = run(tf.train.sgd(0.1));
    expect(ours).toEqual(reference);
    expect(ours[1]).toEqual([1, 1, 1, 1]);
    expect(ours[0]?.[0]).toBeLessThan(1);
  });
});
