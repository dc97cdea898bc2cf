/**
 * `softmaxCrossEntropyWithLogits` (gradients/softmax-cross-entropy.ts) and its kernels
 * (softmax-cross-entropy.ts) on wasm and cpu: closed-form values, tfjs's composition, central
 * differences for both inputs, large and NaN logits, the composition above LOOP_VALUES, its errors, and
 * no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { describeOnBackends, expectGradientsMatchNumeric, expectTensorsClose } from '@gradwell/test-utils';
import { GradwellArgumentError, softmaxCrossEntropyWithLogits } from '../index';
import { LOOP_VALUES, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from './softmax-cross-entropy';

/** tfjs's composition, per example. */
const composition = (labels: tf.Tensor, logits: tf.Tensor) =>
  tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits as tf.Tensor2D)), 1));

/** Seeded rows of a distribution over k classes (smoothed one-hots). */
function distributions(n: number, k: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const ids = tf.randomUniform([n], 0, k, 'int32', seed);
    return tf.add(tf.mul(tf.cast(tf.oneHot(ids, k), 'float32'), 0.9), 0.1 / k);
  });
}

describeOnBackends('softmaxCrossEntropyWithLogits', () => {
  test('closed forms: equal logits give log k; logits [0, ln 3] give −ln(3/4) and −ln(1/4)', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const uniform = softmaxCrossEntropyWithLogits(tf.oneHot([0, 3, 1], 5), tf.zeros([3, 5]));
      expectTensorsClose(uniform, tf.fill([3], Math.log(5)), { rtol: 1e-6, atol: 1e-7 });
      const logits = tf.tensor2d([
        [0, Math.log(3)],
        [0, Math.log(3)],
      ]);
      const loss = softmaxCrossEntropyWithLogits(
        tf.tensor2d([
          [0, 1],
          [1, 0],
        ]),
        logits,
      );
      expectTensorsClose(loss, tf.tensor1d([-Math.log(0.75), -Math.log(0.25)]), { rtol: 1e-6, atol: 1e-7 });
      // a smoothed row: Σ y (lse − z) with lse = ln 4
      const smoothed = softmaxCrossEntropyWithLogits(tf.tensor2d([[0.25, 0.75]]), tf.slice(logits, 0, 1));
      const expected = 0.25 * Math.log(4) + 0.75 * (Math.log(4) - Math.log(3));
      expectTensorsClose(smoothed, tf.tensor1d([expected]), { rtol: 1e-6, atol: 1e-7 });
      // the gradient of a row's loss: softmax · Σ y − y
      const grad = tf.grad((z: tf.Tensor) => tf.sum(softmaxCrossEntropyWithLogits(tf.tensor2d([[0, 1]]), z)));
      expectTensorsClose(grad(tf.slice(logits, 0, 1)), tf.tensor2d([[0.25, -0.25]]), {
        rtol: 1e-6,
        atol: 1e-7,
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  test("values and the logits' gradient equal tfjs's composition (float32 rounding)", () => {
    for (const [n, k] of [
      [128, 10],
      [7, 3],
      [1, 2],
      [64, 64],
    ] as const) {
      const labels = distributions(n, k, n + k);
      const logits = tf.randomNormal([n, k], 0, 4, 'float32', 3 * k);
      const dy = tf.randomUniform([n], 0.5, 1.5, 'float32', 5);
      const ours = tf.valueAndGrad((z: tf.Tensor) =>
        tf.sum(tf.mul(softmaxCrossEntropyWithLogits(labels, z), dy)),
      );
      const theirs = tf.valueAndGrad((z: tf.Tensor) => tf.sum(tf.mul(composition(labels, z), dy)));
      const a = ours(logits);
      const b = theirs(logits);
      expectTensorsClose(a.value, b.value, { rtol: 1e-5, atol: 1e-5 });
      expectTensorsClose(a.grad, b.grad, { rtol: 1e-4, atol: 1e-6 });
      tf.dispose([labels, logits, dy, a.value, a.grad, b.value, b.grad]);
    }
  });

  test('above LOOP_VALUES logits it is the composition itself, bit for bit', () => {
    const k = 100;
    const n = Math.ceil((LOOP_VALUES + 1) / k);
    const labels = distributions(n, k, 1);
    const logits = tf.randomNormal([n, k], 0, 4, 'float32', 2);
    const [ours, theirs] = [softmaxCrossEntropyWithLogits(labels, logits), composition(labels, logits)];
    expect(Buffer.from(ours.dataSync().buffer).equals(Buffer.from(theirs.dataSync().buffer))).toBe(true);
    tf.dispose([labels, logits, ours, theirs]);
  });

  test('both gradients equal central differences', () => {
    const labels = tf.tensor2d([
      [0.1, 0.7, 0.2],
      [0.5, 0.5, 0.5], // a row that does not sum to 1
      [0, 0, 1],
      [0.3, 0.3, 0.4],
    ]);
    const logits = tf.tensor2d([
      [1, -2, 0.5],
      [0.3, 0.2, -0.1],
      [3, 1, -1],
      [-0.4, 0.8, 0.1],
    ]);
    const weights = tf.tensor1d([1, -2, 0.5, 3]); // a different weight per example: dy is not all ones
    expectGradientsMatchNumeric(
      (y, z) => tf.sum(tf.mul(softmaxCrossEntropyWithLogits(y as tf.Tensor2D, z as tf.Tensor2D), weights)),
      [labels, logits],
      { epsilon: 1e-2, rtol: 1e-2, atol: 1e-3 },
    );
    tf.dispose([labels, logits, weights]);
  });

  test('large logits stay finite; a NaN logit or label makes its own row NaN', () => {
    const loss = softmaxCrossEntropyWithLogits(
      tf.tensor2d([
        [0, 1],
        [1, 0],
        [1, 0],
        [0, 1],
      ]),
      tf.tensor2d([
        [1000, 0],
        [1000, 0],
        [Number.NaN, 0],
        [-1000, 0],
      ]),
    );
    const values = Array.from(loss.dataSync());
    expect(values[0]).toBeCloseTo(1000, 3);
    expect(values[1]).toBe(0);
    expect(values[2]).toBeNaN();
    expect(values[3]).toBe(0);
    const nanLabel = softmaxCrossEntropyWithLogits(
      tf.tensor2d([
        [Number.NaN, 1],
        [0, 1],
      ]),
      tf.zeros([2, 2]),
    );
    expect(Array.from(nanLabel.dataSync()).map(Number.isNaN)).toEqual([true, false]);
    const grad = tf.grad((z: tf.Tensor) => tf.sum(softmaxCrossEntropyWithLogits(tf.tensor2d([[0, 1]]), z)));
    expectTensorsClose(grad(tf.tensor2d([[1000, 0]])), tf.tensor2d([[1, -1]]), { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([loss, nanLabel]);
  });

  test('int32 labels (one-hots as tf.oneHot makes them) are taken as float32', () => {
    const logits = tf.randomNormal([6, 4], 0, 1, 'float32', 9);
    const a = softmaxCrossEntropyWithLogits(tf.oneHot([0, 1, 2, 3, 0, 1], 4), logits);
    const b = softmaxCrossEntropyWithLogits(tf.cast(tf.oneHot([0, 1, 2, 3, 0, 1], 4), 'float32'), logits);
    expectTensorsClose(a, b, { rtol: 0, atol: 0 });
  });

  test('a forward and backward pass leaves no tensor behind', () => {
    const labels = distributions(16, 10, 4);
    const logits = tf.variable(tf.randomNormal([16, 10], 0, 1, 'float32', 6));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => tf.mean(softmaxCrossEntropyWithLogits(labels, logits)),
      [logits],
    );
    tf.dispose([value, grads]);
    tf.dispose(tf.tidy(() => softmaxCrossEntropyWithLogits(tf.oneHot([1, 2], 10), tf.zeros([2, 10]))));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([labels, logits]);
  });
});

describe('softmaxCrossEntropyWithLogits: bad input', () => {
  const logits = () => tf.zeros([4, 3]);
  test.each([
    ['logits of rank 1', () => softmaxCrossEntropyWithLogits(tf.zeros([3]), tf.zeros([3])), /logits.*rank 2/],
    [
      'int32 logits',
      () => softmaxCrossEntropyWithLogits(tf.zeros([4, 3]), tf.zeros([4, 3], 'int32')),
      /logits.*float32/,
    ],
    [
      'labels of another shape',
      () => softmaxCrossEntropyWithLogits(tf.zeros([4, 2]), logits()),
      /labels.*\[4, 3\]/,
    ],
    [
      'class ids instead of rows',
      () => softmaxCrossEntropyWithLogits(tf.tensor1d([0, 1, 2, 0], 'int32'), logits()),
      /labels.*rank 2/,
    ],
    [
      'bool labels',
      () => softmaxCrossEntropyWithLogits(tf.zeros([4, 3], 'bool'), logits()),
      /labels.*float32 or int32/,
    ],
    [
      'not a tensor',
      () => softmaxCrossEntropyWithLogits([[1, 0, 0]] as unknown as tf.Tensor, logits()),
      /labels.*a tensor/,
    ],
  ])('%s: a GradwellArgumentError that names the argument', (_, call, message) => {
    expect(call).toThrow(GradwellArgumentError);
    expect(call).toThrow(message);
  });

  test('the kernels themselves check their inputs', () => {
    const z = tf.zeros([2, 3]);
    expect(() =>
      tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { labels: tf.zeros([2, 2]), logits: z }),
    ).toThrow(/float32 of one shape \[n, k\]; got float32 \[2, 2\] and float32 \[2, 3\]/);
    expect(() =>
      tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: tf.zeros([3]), labels: z, logits: z }),
    ).toThrow(/dy must be float32 of shape \[2\]; got float32 \[3\]/);
  });
});
