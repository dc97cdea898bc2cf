import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { spirals } from './data/synthetic';
import { LambOptimizer } from './lamb-optimizer';
import { dense } from './layers';
import { model } from './model';
import { createOptimizer, disposeOptimizer } from './optimizers';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

/** LAMB written out in float64 for one weight: the paper's algorithm, step by step. */
function referenceLamb(
  w: number[],
  gradients: number[][],
  {
    lr,
    beta1,
    beta2,
    epsilon,
    decay,
    matrix,
  }: Record<'lr' | 'beta1' | 'beta2' | 'epsilon' | 'decay', number> & {
    matrix: boolean;
  },
): number[] {
  let weights = [...w];
  let m = weights.map(() => 0);
  let v = weights.map(() => 0);
  gradients.forEach((g, step) => {
    const t = step + 1;
    m = m.map((mi, i) => beta1 * mi + (1 - beta1) * g[i]!);
    v = v.map((vi, i) => beta2 * vi + (1 - beta2) * g[i]! ** 2);
    const adam = m.map((mi, i) => mi / (1 - beta1 ** t) / (Math.sqrt(v[i]! / (1 - beta2 ** t)) + epsilon));
    if (!matrix) {
      weights = weights.map((wi, i) => wi - lr * adam[i]!);
      return;
    }
    const u = adam.map((a, i) => a + decay * weights[i]!);
    const normOf = (x: number[]) => Math.sqrt(x.reduce((s, xi) => s + xi * xi, 0));
    const [wn, un] = [normOf(weights), normOf(u)];
    const ratio = wn > 0 && un > 0 ? wn / un : 1;
    weights = weights.map((wi, i) => wi - lr * ratio * u[i]!);
  });
  return weights;
}

const settings = { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0.1 };
const gradientSteps = [
  [0.3, -1.2, 0.05, 2.0, -0.7, 0.4],
  [0.1, -0.8, 0.2, 1.5, -0.2, 0.9],
  [-0.4, 0.3, 0.1, 0.6, 0.5, -1.1],
];

describe('LambOptimizer', () => {
  test('three steps match the paper written out in float64: a matrix with decay and trust ratio, a bias with Adam', async () => {
    await expectNoLeakedTensors(() => {
      const start = [0.5, -0.2, 0.8, 0.1, -0.6, 0.3];
      const kernel = tf.tidy(() => tf.variable(tf.tensor2d(start, [2, 3])));
      const bias = tf.tidy(() => tf.variable(tf.tensor1d(start)));
      const lamb = createOptimizer({
        name: 'lamb',
        learningRate: settings.lr,
        weightDecay: settings.decay,
        epsilon: settings.epsilon,
      });
      for (const g of gradientSteps)
        tf.tidy(() =>
          lamb.applyGradients({ [kernel.name]: tf.tensor2d(g, [2, 3]), [bias.name]: tf.tensor1d(g) }),
        );
      const expectedKernel = referenceLamb(start, gradientSteps, { ...settings, matrix: true });
      const expectedBias = referenceLamb(start, gradientSteps, { ...settings, matrix: false });
      Array.from(kernel.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expectedKernel[i]!, 5));
      Array.from(bias.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expectedBias[i]!, 5));
      // Not Adam: the matrix's step differs from the bias's, which started at the same values.
      expect(Math.abs(kernel.dataSync()[0]! - bias.dataSync()[0]!)).toBeGreaterThan(1e-3);
      disposeOptimizer(lamb);
      tf.dispose([kernel, bias]);
    });
  });

  test("a matrix moves by η·‖W‖ at every step, whatever its gradients' scale (the trust ratio)", () => {
    for (const scale of [1e-4, 1, 1e4]) {
      const w = tf.variable(tf.tensor2d([3, -4, 0, 0], [2, 2])); // ‖W‖ = 5
      const lamb = new LambOptimizer(0.01, 0.9, 0.999, 1e-7);
      const before = w.clone();
      tf.tidy(() => lamb.applyGradients({ [w.name]: tf.mul(tf.tensor2d([1, 2, -3, 0.5], [2, 2]), scale) }));
      const moved = tf.tidy(() => tf.norm(tf.sub(w, before)).dataSync()[0]!);
      expect(moved).toBeCloseTo(0.01 * 5, 6);
      disposeOptimizer(lamb);
      tf.dispose([w, before]);
    }
  });

  test('a matrix of zeros takes the plain (decayed) step: the ratio is 1 where a norm is 0', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const lamb = new LambOptimizer(0.1, 0.9, 0.999, 1e-7, 0.5);
    tf.tidy(() => lamb.applyGradients({ [w.name]: tf.tensor2d([1, -1, 2, 0], [2, 2]) }));
    // Adam's first step is g/|g| (≈ ±1, 0 where g = 0): −η·sign(g)
    Array.from(w.dataSync()).forEach((value, i) => expect(value).toBeCloseTo([-0.1, 0.1, -0.1, 0][i]!, 5));
    disposeOptimizer(lamb);
    w.dispose();
  });

  test('its config round-trips through tfjs serialization, weight decay included', () => {
    const lamb = new LambOptimizer(0.002, 0.8, 0.99, 1e-6, 0.01);
    expect(LambOptimizer.className).toBe('Lamb');
    expect(lamb.getConfig()).toEqual({
      learningRate: 0.002,
      beta1: 0.8,
      beta2: 0.99,
      epsilon: 1e-6,
      weightDecay: 0.01,
    });
    const again = LambOptimizer.fromConfig(LambOptimizer, lamb.getConfig()) as LambOptimizer;
    expect(again.getConfig()).toEqual(lamb.getConfig());
    expect(tf.serialization.SerializationMap.getMap().classNameMap.Lamb).toBeDefined();
    disposeOptimizer(lamb);
    disposeOptimizer(again);
  });

  test("fit with 'lamb' learns the spirals at a large batch and leaks nothing", async () => {
    const data = spirals({ pointsPerClass: 100, seed: 1 });
    const m = model(
      [
        dense({ units: 64, activation: 'relu' }),
        dense({ units: 64, activation: 'relu' }),
        dense({ units: 3 }),
      ],
      { inputShape: [2], seed: 2 },
    );
    const run = await expectNoLeakedTensors(() =>
      fit(m, data, {
        epochs: 60,
        batchSize: 300,
        optimizer: { name: 'lamb', learningRate: 0.02, weightDecay: 0.01 },
      }),
    );
    expect(run.history.at(-1)!.accuracy).toBeGreaterThan(0.9);
    m.dispose();
    data.dispose();
  });

  test('bad hyper-parameters are refused with the argument named', () => {
    expect(() => createOptimizer({ name: 'lamb', beta1: 1 })).toThrow(/'beta1'/);
    expect(() => createOptimizer({ name: 'lamb', weightDecay: -0.1 })).toThrow(/'weightDecay'/);
    expect(() => createOptimizer({ name: 'lamb', epsilon: 0 })).toThrow(/'epsilon'/);
  });
});
