import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoLeakedTensors, expectTensorsClose } from '@gradwell/test-utils';
import { expect, test } from 'vitest';
import { confidencePenalty, softmaxEntropy } from './confidence-penalty';
import { smoothLabels, softmaxCrossEntropy } from './label-smoothing';

const logSumExp = (row: number[]) => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};

describeOnBackends('label smoothing and confidence penalties', () => {
  test("the lecture's example: [0, 0, 1, 0] with ε = 0.04 → [0.01, 0.01, 0.97, 0.01]", () => {
    const smoothed = smoothLabels(tf.tensor2d([[0, 0, 1, 0]]), 0.04).dataSync();
    expect(Array.from(smoothed)).toEqual(Array.from(Float32Array.of(0.01, 0.01, 0.97, 0.01)));
  });

  test('smoothed cross-entropy from logits equals the closed form, for integer and one-hot labels', async () => {
    const logits = [
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ];
    const classes = [0, 2];
    const epsilon = 0.1;
    const expected =
      logits.reduce((total, row, i) => {
        const lse = logSumExp(row);
        return (
          total -
          row.reduce((s, v, k) => s + ((k === classes[i] ? 1 - epsilon : 0) + epsilon / 3) * (v - lse), 0)
        );
      }, 0) / 2;
    const [ids, oneHotRows, logitTensor] = [
      tf.tensor1d(classes, 'int32'),
      tf.tensor2d([
        [1, 0, 0],
        [0, 0, 1],
      ]),
      tf.tensor2d(logits),
    ];
    await expectNoLeakedTensors(() => {
      const fromIds = softmaxCrossEntropy(ids, logitTensor, { labelSmoothing: epsilon });
      const fromOneHot = softmaxCrossEntropy(oneHotRows, logitTensor, { labelSmoothing: epsilon });
      expectTensorsClose(fromIds, [expected], { rtol: 1e-6 });
      expectTensorsClose(fromOneHot, [expected], { rtol: 1e-6 });
      tf.dispose([fromIds, fromOneHot]);
    });
  });

  test('stays finite at logits of ±1000 (value and gradient)', () => {
    const logits = tf.tensor2d([
      [1000, -1000, 0],
      [-1000, 1000, 1000],
    ]);
    const labels = tf.tensor1d([1, 0], 'int32');
    const loss = softmaxCrossEntropy(labels, logits, { labelSmoothing: 0.1 }).dataSync()[0] as number;
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(1000); // confidently wrong on both rows
    const grad = tf
      .grad((l: tf.Tensor) => softmaxCrossEntropy(labels, l, { labelSmoothing: 0.1 }))(logits)
      .dataSync();
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
  });

  test('confidence penalty: −β·H(p), and the hinged β·max(0, Γ − H)', () => {
    const logits = tf.tensor2d([
      [0, 0],
      [10, -10],
    ]);
    const entropies = Array.from(softmaxEntropy(logits).dataSync());
    expect(entropies[0]).toBeCloseTo(Math.log(2), 6);
    expect(entropies[1]).toBeLessThan(1e-6);
    expectTensorsClose(
      confidencePenalty(logits, { beta: 0.5 }),
      [(-0.5 * (Math.log(2) + (entropies[1] as number))) / 2],
      { rtol: 1e-5 },
    );
    expectTensorsClose(
      confidencePenalty(logits, { beta: 0.5, threshold: 0.5 }),
      [(0.5 * (0.5 - (entropies[1] as number))) / 2],
      { rtol: 1e-5 },
    );
  });

  test('bad hyper-parameters name themselves', () => {
    expect(() => smoothLabels(tf.ones([1, 2]), 1.5)).toThrow(
      "smoothLabels: argument 'epsilon' must be a number in [0, 1], got 1.5",
    );
    expect(() => smoothLabels(tf.ones([1, 2]), -0.1)).toThrow("argument 'epsilon'");
    expect(() => softmaxCrossEntropy(tf.tensor1d([0, 4], 'int32'), tf.ones([2, 4]))).toThrow(
      'softmaxCrossEntropy: argument \'labels\' must be class ids in [0, 4), got "ids from 0 to 4"',
    );
    expect(() => softmaxCrossEntropy(tf.tensor1d([0, 2.5]), tf.ones([2, 4]))).toThrow(/int32 class ids/);
    expect(() => softmaxCrossEntropy(tf.ones([3]), tf.ones([2, 4]))).toThrow(
      "softmaxCrossEntropy: argument 'labels' must be [2] class ids or [2, 4] rows",
    );
    // a softmax over one logit is 1: the loss would be 0 whatever the weights
    expect(() => softmaxCrossEntropy(tf.ones([2, 1]), tf.ones([2, 1]))).toThrow(
      /^softmaxCrossEntropy: argument 'logits' must be logits over at least 2 classes .*got a float32 tensor of shape \[2, 1\]/,
    );
    expect(() => confidencePenalty(tf.ones([1, 2]), { beta: -1 })).toThrow(
      "confidencePenalty: argument 'beta' must be a number ≥ 0, got -1",
    );
  });
});
