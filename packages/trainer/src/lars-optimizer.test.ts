import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@gradwell/core';
import { expectNoLeakedTensors } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { spirals } from './data/synthetic';
import { LarsOptimizer } from './lars-optimizer';
import { dense } from './layers';
import { model } from './model';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizers';
import { fit } from './training/fit';

beforeAll(async () => {
  await setupBackend();
});

const normOf = (x: number[]) => Math.sqrt(x.reduce((s, xi) => s + xi * xi, 0));

/** LARS written out in float64 for one weight (You et al. 2017, Algorithm 1, the rate γ outside a). */
function referenceLars(
  w: number[],
  steps: Array<{ gradient: number[]; lr: number }>,
  { momentum, trust, decay, matrix }: { momentum: number; trust: number; decay: number; matrix: boolean },
): number[] {
  let weights = [...w];
  let a = weights.map(() => 0);
  for (const { gradient: g, lr } of steps) {
    let step = g;
    if (matrix) {
      const [wn, gn] = [normOf(weights), normOf(g)];
      const local = wn > 0 && gn > 0 ? (trust * wn) / (gn + decay * wn) : 1;
      step = g.map((gi, i) => local * (gi + decay * weights[i]!));
    }
    a = a.map((ai, i) => momentum * ai + step[i]!);
    weights = weights.map((wi, i) => wi - lr * a[i]!);
  }
  return weights;
}

const gradientSteps = [
  [0.3, -1.2, 0.05, 2.0, -0.7, 0.4],
  [0.1, -0.8, 0.2, 1.5, -0.2, 0.9],
  [-0.4, 0.3, 0.1, 0.6, 0.5, -1.1],
];

describe('LarsOptimizer', () => {
  test('three steps (the rate changed before the third) match the paper in float64: a matrix with λ and decay, a bias with momentum', async () => {
    await expectNoLeakedTensors(() => {
      const start = [0.5, -0.2, 0.8, 0.1, -0.6, 0.3];
      const kernel = tf.tidy(() => tf.variable(tf.tensor2d(start, [2, 3])));
      const bias = tf.tidy(() => tf.variable(tf.tensor1d(start)));
      const lars = createOptimizer({
        name: 'lars',
        learningRate: 2,
        momentum: 0.8,
        trustCoefficient: 0.01,
        weightDecay: 0.1,
      });
      const rates = [2, 2, 0.5];
      gradientSteps.forEach((g, i) => {
        setLearningRate(lars, rates[i]!);
        tf.tidy(() =>
          lars.applyGradients({ [kernel.name]: tf.tensor2d(g, [2, 3]), [bias.name]: tf.tensor1d(g) }),
        );
      });
      const steps = gradientSteps.map((gradient, i) => ({ gradient, lr: rates[i]! }));
      const settings = { momentum: 0.8, trust: 0.01, decay: 0.1 };
      const expectedKernel = referenceLars(start, steps, { ...settings, matrix: true });
      const expectedBias = referenceLars(start, steps, { ...settings, matrix: false });
      Array.from(kernel.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expectedKernel[i]!, 5));
      Array.from(bias.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expectedBias[i]!, 5));
      disposeOptimizer(lars);
      tf.dispose([kernel, bias]);
    });
  });

  test("a matrix's first step is γ·η·‖W‖ long, whatever its gradients' scale (the layer's own rate)", () => {
    for (const scale of [1e-4, 1, 1e4]) {
      const w = tf.variable(tf.tensor2d([3, -4, 0, 0], [2, 2])); // ‖W‖ = 5
      const lars = new LarsOptimizer(2, 0.9, 0.001);
      const before = w.clone();
      tf.tidy(() => lars.applyGradients({ [w.name]: tf.mul(tf.tensor2d([1, 2, -3, 0.5], [2, 2]), scale) }));
      const moved = tf.tidy(() => tf.norm(tf.sub(w, before)).dataSync()[0]!);
      expect(moved).toBeCloseTo(2 * 0.001 * 5, 7);
      disposeOptimizer(lars);
      tf.dispose([w, before]);
    }
  });

  test('a matrix of zeros, or with a zero gradient, takes the plain step: λ is 1 where a norm is 0', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const lars = new LarsOptimizer(0.1, 0.9, 0.001, 0.5);
    tf.tidy(() => lars.applyGradients({ [w.name]: tf.tensor2d([1, -1, 2, 0], [2, 2]) }));
    Array.from(w.dataSync()).forEach((value, i) => expect(value).toBeCloseTo([-0.1, 0.1, -0.2, 0][i]!, 6));
    const v = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
    const plain = new LarsOptimizer(0.1, 0.9, 0.001, 0.5);
    tf.tidy(() => plain.applyGradients({ [v.name]: tf.zeros([2, 2]) }));
    // ‖∇‖ = 0: the decayed gradient 0.5·W at rate 0.1, no ratio
    Array.from(v.dataSync()).forEach((value, i) => expect(value).toBeCloseTo([0.95, 1.9, 2.85, 3.8][i]!, 6));
    [lars, plain].forEach(disposeOptimizer);
    tf.dispose([w, v]);
  });

  test('its config round-trips through tfjs serialization', () => {
    const lars = new LarsOptimizer(1.5, 0.8, 0.002, 1e-4);
    expect(LarsOptimizer.className).toBe('Lars');
    expect(lars.getConfig()).toEqual({
      learningRate: 1.5,
      momentum: 0.8,
      useNesterov: false,
      trustCoefficient: 0.002,
      weightDecay: 1e-4,
    });
    const again = LarsOptimizer.fromConfig(LarsOptimizer, lars.getConfig()) as LarsOptimizer;
    expect(again.getConfig()).toEqual(lars.getConfig());
    expect(tf.serialization.SerializationMap.getMap().classNameMap.Lars).toBeDefined();
    disposeOptimizer(lars);
    disposeOptimizer(again);
  });

  test("fit with 'lars' learns the spirals at a large batch and leaks nothing", async () => {
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
        epochs: 150, // one step an epoch
        batchSize: 300,
        optimizer: { name: 'lars', learningRate: 0.3, trustCoefficient: 0.03 },
      }),
    );
    expect(run.history.at(-1)!.accuracy).toBeGreaterThan(0.9);
    m.dispose();
    data.dispose();
  });

  test('bad hyper-parameters are refused with the argument named', () => {
    expect(() => createOptimizer({ name: 'lars', momentum: 1 })).toThrow(/'momentum'/);
    expect(() => createOptimizer({ name: 'lars', trustCoefficient: 0 })).toThrow(/'trustCoefficient'/);
    expect(() => createOptimizer({ name: 'lars', weightDecay: -0.1 })).toThrow(/'weightDecay'/);
    expect(() => createOptimizer({ name: 'lars', nesterov: true })).toThrow(
      "createOptimizer: 'nesterov' is the momentum optimiser's; LARS uses plain momentum.",
    );
    expect(() => createOptimizer({ name: 'adam', trustCoefficient: 0.01 })).toThrow(
      "createOptimizer: 'trustCoefficient' is LARS's; the optimiser here is 'adam'.",
    );
  });
});
