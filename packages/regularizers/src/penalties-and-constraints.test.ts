import * as tf from '@tensorflow/tfjs-core';
import { createRandom, setupBackend } from '@gradwell/core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { applyConstraint, clipWeights, maxNorm, nonNeg, unitNorm } from './constraints';
import { l1, l1l2, l2 } from './penalties';
import { withDecoupledWeightDecay } from './weight-decay';

describeOnBackends('weight penalties', () => {
  test('equal their formulas (L2 is λ·Σw²)', async () => {
    const a = tf.tensor2d([
      [1, -2],
      [3, -4],
    ]);
    const b = tf.tensor1d([0.5, -0.5]);
    await expectNoLeakedTensors(() => {
      const values = [
        l1(0.1).penalty(a),
        l2(0.1).penalty([a, b]),
        l1l2({ l1: 0.1, l2: 0.01 }).penalty(a),
        l2(0.5).penalty([]),
      ];
      expectTensorsClose(
        values.map((v) => v.dataSync()[0] as number),
        [0.1 * 10, 0.1 * 30.5, 0.1 * 10 + 0.01 * 30, 0],
        { rtol: 1e-6 },
      );
      tf.dispose(values);
    });
    const grad = tf.grad((w: tf.Tensor) => l2(0.1).penalty(w))(a);
    expectTensorsClose(grad, [0.2, -0.4, 0.6, -0.8], { rtol: 1e-6 });
  });

  test('a negative λ throws naming it', () => {
    expect(() => l1(-1)).toThrow("l1: argument 'lambda' must be a number ≥ 0, got -1");
    expect(() => l2(Number.NaN)).toThrow("l2: argument 'lambda' must be a number ≥ 0, got NaN");
    expect(() => l1l2({ l2: -0.1 })).toThrow("l1l2: argument 'l2' must be a number ≥ 0, got -0.1");
  });
});

describeOnBackends('constraints', () => {
  test("maxNorm caps each unit's incoming norm; unitNorm sets it to 1; nonNeg and clip", () => {
    const w = tf.variable(
      tf.tensor2d([
        [3, 0.3],
        [4, 0.4],
      ]),
    ); // column norms 5 and 0.5
    applyConstraint(w, maxNorm(2));
    expectTensorsClose(w, [1.2, 0.3, 1.6, 0.4], { rtol: 1e-6 });
    expectTensorsClose(
      unitNorm().apply(
        tf.tensor2d([
          [3, 0.3],
          [4, 0.4],
        ]),
      ),
      [0.6, 0.6, 0.8, 0.8],
      { rtol: 1e-6 },
    );
    expectTensorsClose(nonNeg().apply(tf.tensor1d([-1, 2])), [0, 2]);
    expectTensorsClose(clipWeights(-1, 1).apply(tf.tensor1d([-3, 0.5, 3])), [-1, 0.5, 1]);
    const conv = createRandom(1).normalTensor([3, 3, 4, 8], 0, 3);
    const capped = maxNorm(1, { axis: [0, 1, 2] }).apply(conv);
    expect(Math.max(...tf.sqrt(tf.sum(tf.square(capped), [0, 1, 2])).dataSync())).toBeLessThanOrEqual(
      1 + 1e-5,
    );
    expect(() => maxNorm(0)).toThrow("maxNorm: argument 'maxValue' must be a number > 0, got 0");
  });
});

describe('decoupled weight decay', () => {
  beforeAll(async () => {
    await setupBackend();
  });

  test('SGDW: w ← w·(1 − ηλ) − η·g; biases (rank 1) are not decayed', () => {
    const kernel = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      true,
      'wd-kernel',
    );
    const bias = tf.variable(tf.tensor1d([1, 1]), true, 'wd-bias');
    const optimizer = withDecoupledWeightDecay(tf.train.sgd(0.1), { weightDecay: 0.5 });
    optimizer.minimize(() => tf.add<tf.Scalar>(tf.sum(kernel), tf.sum(bias)), false, [kernel, bias]);
    // kernel: w·(1 − 0.05) − 0.1·1; bias: 1 − 0.1
    expectTensorsClose(kernel, [0.85, 1.8, 2.75, 3.7], { rtol: 1e-6 });
    expectTensorsClose(bias, [0.9, 0.9], { rtol: 1e-6 });
  });

  test("AdamW: the decay is not scaled by Adam's step size", () => {
    const w = tf.variable(tf.tensor2d([[2]]), true, 'adamw-w');
    const optimizer = withDecoupledWeightDecay(tf.train.adam(0.01), { weightDecay: 0.1 });
    optimizer.minimize(() => tf.sum<tf.Scalar>(tf.mul(w, 3)), false, [w]);
    // Adam's first step moves by −η·sign(g) = −0.01; the decay by −η·λ·w = −0.002.
    expectTensorsClose(w, [2 * (1 - 0.001) - 0.01], { rtol: 1e-5 });
    expect(() => withDecoupledWeightDecay(tf.train.sgd(0.1), { weightDecay: -1 })).toThrow(
      "argument 'weightDecay' must be a number ≥ 0",
    );
  });
});
